"""The exercise checks of chapter 4 (gradient descent): placeholder, right answer, typical wrong answers."""
import math

import numpy as np
import pytest

from optimlib import exercises as ex
from exercise_protocol import assert_covers, assert_follows_protocol


def max_lr_right(H):
    return 2.0 / np.linalg.eigvalsh(H)[-1]


def max_lr_one_over_L(H):
    return 1.0 / np.linalg.eigvalsh(H)[-1]


def max_lr_smallest(H):
    return 2.0 / np.linalg.eigvalsh(H)[0]


CASES = [  # check, a right answer, a wrong answer, a phrase of the wrong answer's message
    (ex.check_gd_optimal, (0.2, 0.8), (1 / 9, 8 / 9), "2/(L + μ)"),
    (ex.check_gd_steps, math.ceil(math.log(1e6) / math.log(1001 / 999)), 139, "ln(1/ρ)"),
    (ex.check_max_stable_lr, max_lr_right, max_lr_one_over_L, "1/L"),
    (ex.check_gd_sum_loss, 2 / 1438, 2 * 1438, "N times smaller"),
]


@pytest.mark.parametrize("check,right,wrong,phrase", CASES, ids=lambda c: getattr(c, "__name__", ""))
def test_each_check(check, right, wrong, phrase, capsys):
    assert_follows_protocol(check, right, wrong, phrase, capsys)


def test_every_check_of_the_chapter_is_tested():
    assert_covers(CASES, "ch04_gradient_descent")


def test_max_stable_lr_catches_the_smallest_eigenvalue():
    with pytest.raises(AssertionError, match="largest eigenvalue"):
        ex.check_max_stable_lr(max_lr_smallest)
