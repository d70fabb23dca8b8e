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


def _find_threshold(run):
    lo, hi = 1e-4, 1e-4
    start = run(1e-12)
    while run(hi) < start:
        lo, hi = hi, 2 * hi
    for _ in range(30):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if run(mid) < start else (lo, mid)
    return (lo + hi) / 2


def _grid_threshold(run):            # another design: a fine grid from the top down
    start = run(1e-12)
    for lr in np.geomspace(10.0, 1e-3, 190):
        if run(lr) < start:
            return lr
    return 1e-3


CASES += [  # the derivation and the open-ended exercise: any correct design passes, typical bugs do not
    (ex.check_line_search_step, lambda H, th: (lambda g: (g @ g) / (g @ H @ g))(H @ th),
     lambda H, th: 1 / np.linalg.eigvalsh(H)[-1], "depends on the direction"),
    (ex.check_threshold_experiment, _find_threshold, lambda run: 1.0, "switch"),
]


def test_the_threshold_experiment_accepts_another_design(capsys):
    ex.check_threshold_experiment(_grid_threshold)
    assert capsys.readouterr().out.startswith("✓ ")


@pytest.mark.parametrize("check,right,wrong,phrase", CASES, ids=lambda c: getattr(c, "__name__", ""))
def test_each_check(check, right, wrong, phrase, capsys):
    assert_follows_protocol(check, right, wrong, phrase, capsys)


def test_every_check_of_the_chapter_is_tested():
    assert_covers(CASES, "ch04_gradient_descent")


def test_max_stable_lr_catches_the_smallest_eigenvalue():
    with pytest.raises(AssertionError, match="largest eigenvalue"):
        ex.check_max_stable_lr(max_lr_smallest)
