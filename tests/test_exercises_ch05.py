"""The exercise checks of chapter 5 (stochastic gradient descent): placeholder, right answer, typical wrong answers."""
import numpy as np
import pytest

from optimlib import exercises as ex
from exercise_protocol import assert_covers, assert_follows_protocol


def noise_scale_right(G):
    g = G.mean(axis=0)
    return np.mean(np.sum((G - g) ** 2, axis=1)) / (g @ g)


def noise_scale_n_minus_1(G):
    g = G.mean(axis=0)
    return np.sum((G - g) ** 2) / (len(G) - 1) / (g @ g)


CASES = [  # check, a right answer, a wrong answer, a phrase of the wrong answer's message
    (ex.check_sgd_fpc, 719 / 1437, 1.0, "(N - B)/(N - 1)"),
    (ex.check_sgd_floor, 0.1 * 4 / (4 * (2 - 0.4)), 0.1 * 4 / (2 * 4), "small-step"),
    (ex.check_noise_scale, noise_scale_right, noise_scale_n_minus_1, "not N - 1"),
]


def _two_batch_sizes(grad_of_batch, N, rng):
    small, big = 4, 256
    gs = np.mean([np.sum(grad_of_batch(rng.integers(N, size=small)) ** 2) for _ in range(200)])
    gb = np.mean([np.sum(grad_of_batch(rng.integers(N, size=big)) ** 2) for _ in range(20)])
    g2 = (big * gb - small * gs) / (big - small)
    return (gs - gb) / (1 / small - 1 / big) / g2


def _ignores_signal(grad_of_batch, N, rng):   # E|ĝ_32|² / |ḡ|²: neither subtracts the signal nor scales by B
    g = grad_of_batch(np.arange(N))
    return np.mean([np.sum(grad_of_batch(rng.integers(N, size=32)) ** 2) for _ in range(100)]) / (g @ g)


CASES += [  # the derivation and the open-ended exercise: any correct design passes, typical bugs do not
    (ex.check_floor_formula, lambda lr, lam, s2, B: lr * s2 / (2 * B * (2 - lr * lam)),
     lambda lr, lam, s2, B: lr * s2 / (4 * B), "small-step"),
    (ex.check_noise_scale_estimate, _two_batch_sizes, _ignores_signal, "two batch sizes"),
]


@pytest.mark.parametrize("check,right,wrong,phrase", CASES, ids=lambda c: getattr(c, "__name__", ""))
def test_each_check(check, right, wrong, phrase, capsys):
    assert_follows_protocol(check, right, wrong, phrase, capsys)


def test_every_check_of_the_chapter_is_tested():
    assert_covers(CASES, "ch05_sgd")
