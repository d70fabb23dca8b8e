"""The exercise checks of Part II (chapters 4-6): placeholder, right answer, typical wrong answers."""
import math

import numpy as np
import pytest

from optimlib import exercises as ex
from exercise_protocol import assert_follows_protocol


def max_lr_right(H):
    return 2.0 / np.linalg.eigvalsh(H)[-1]


def max_lr_one_over_L(H):
    return 1.0 / np.linalg.eigvalsh(H)[-1]


def max_lr_smallest(H):
    return 2.0 / np.linalg.eigvalsh(H)[0]


def noise_scale_right(G):
    g = G.mean(axis=0)
    return np.mean(np.sum((G - g) ** 2, axis=1)) / (g @ g)


def noise_scale_n_minus_1(G):
    g = G.mean(axis=0)
    return np.sum((G - g) ** 2) / (len(G) - 1) / (g @ g)


CASES = [  # check, a right answer, a wrong answer, a phrase of the wrong answer's message
    (ex.check_gd_optimal, (0.2, 0.8), (1 / 9, 8 / 9), "2/(L + μ)"),
    (ex.check_gd_steps, math.ceil(math.log(1e6) / math.log(1001 / 999)), 139, "ln(1/ρ)"),
    (ex.check_max_stable_lr, max_lr_right, max_lr_one_over_L, "1/L"),
    (ex.check_gd_sum_loss, 2 / 1438, 2 * 1438, "N times smaller"),
    (ex.check_sgd_fpc, 719 / 1437, 1.0, "(N - B)/(N - 1)"),
    (ex.check_sgd_floor, 0.1 * 4 / (4 * (2 - 0.4)), 0.1 * 4 / (2 * 4), "small-step"),
    (ex.check_noise_scale, noise_scale_right, noise_scale_n_minus_1, "not N - 1"),
    (ex.check_polyak, (0.25, 0.25), (0.25, 0.5), "square"),
    (ex.check_momentum_edge, 0.95, 0.5, "(2 + 2β)/L"),
    (ex.check_momentum_effective_lr, 0.01, 0.09, "g/(1 - β)"),
    (ex.check_to_velocity, lambda b, lr: -lr * b, lambda b, lr: lr * b, "sign"),
]


@pytest.mark.parametrize("check,right,wrong,phrase", CASES, ids=lambda c: getattr(c, "__name__", ""))
def test_each_check(check, right, wrong, phrase, capsys):
    assert_follows_protocol(check, right, wrong, phrase, capsys)


def test_max_stable_lr_catches_the_smallest_eigenvalue():
    with pytest.raises(AssertionError, match="largest eigenvalue"):
        ex.check_max_stable_lr(max_lr_smallest)


def test_function_checks_treat_a_placeholder_body_as_not_attempted(capsys):
    def placeholder(*args):
        ...

    for check in (ex.check_max_stable_lr, ex.check_noise_scale, ex.check_to_velocity):
        check(placeholder)
        assert "not attempted yet" in capsys.readouterr().out


def test_to_velocity_rejects_a_velocity_that_diverges_from_torch():
    with pytest.raises(AssertionError, match="same point"):
        ex.check_to_velocity(lambda b, lr: -0.5 * lr * b)
