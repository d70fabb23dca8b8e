"""The exercise checks of chapter 16 (what a step costs): placeholder, right answer, typical wrong answers."""
import numpy as np
import pytest

from optimlib import exercises as ex
from exercise_protocol import assert_covers, assert_follows_protocol


def _fast_adam(p, g, m, v, t, lr, b1, b2, eps):
    m += (1 - b1) * (g - m)
    v *= b2
    v += (1 - b2) * g * g
    p -= (lr / (1 - b1 ** t)) * m / (np.sqrt(v) / np.sqrt(1 - b2 ** t) + eps)


def _rebinding_adam(p, g, m, v, t, lr, b1, b2, eps):
    m = b1 * m + (1 - b1) * g          # new arrays: the caller's p, m, v never change
    v = b2 * v + (1 - b2) * g * g
    p = p - lr * m / (np.sqrt(v) + eps)


CASES = [  # check, a right answer, a wrong answer, a phrase of the wrong answer's message
    (ex.check_step_bytes, lambda k, sp, sg, ss: 2 * sp + sg + 2 * k * ss,
     lambda k, sp, sg, ss: sp + sg + k * ss, "read AND written"),
    (ex.check_zero2_memory, 37.375, 61.75, "stage 1"),
    (ex.check_fast_adam, _fast_adam, _rebinding_adam, "in place"),
]


@pytest.mark.parametrize("check,right,wrong,phrase", CASES, ids=lambda c: getattr(c, "__name__", ""))
def test_each_check(check, right, wrong, phrase, capsys):
    assert_follows_protocol(check, right, wrong, phrase, capsys)


def test_every_check_of_the_chapter_is_tested():
    assert_covers(CASES, "ch16_systems")


def test_an_unstarted_function_is_not_attempted(capsys):
    def adam_step(p, g, m, v, t, lr, b1, b2, eps):
        ...
    ex.check_fast_adam(adam_step)
    assert "not attempted yet" in capsys.readouterr().out


def test_fast_adam_rejects_a_missing_bias_correction():
    def no_correction(p, g, m, v, t, lr, b1, b2, eps):
        m += (1 - b1) * (g - m)
        v *= b2
        v += (1 - b2) * g * g
        p -= lr * m / (np.sqrt(v) + eps)
    with pytest.raises(AssertionError, match="bias corrections"):
        ex.check_fast_adam(no_correction)


def test_fast_adam_accepts_a_numba_kernel_if_numba_is_there(capsys):
    numba = pytest.importorskip("numba")

    @numba.njit(error_model="numpy")
    def kernel(p, g, m, v, t, lr, b1, b2, eps):
        c1, c2 = 1 - b1 ** t, np.sqrt(1 - b2 ** t)
        for i in range(p.size):
            m[i] += (1 - b1) * (g[i] - m[i])
            v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i]
            p[i] -= lr / c1 * m[i] / (np.sqrt(v[i]) / c2 + eps)

    ex.check_fast_adam(kernel)
    assert capsys.readouterr().out.startswith("✓ ")


def test_step_bytes_rejects_writing_the_gradient():
    with pytest.raises(AssertionError, match="only read"):
        ex.check_step_bytes(lambda k, sp, sg, ss: 2 * (sp + sg + k * ss))
