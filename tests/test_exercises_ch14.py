"""The exercise checks of chapter 14 (the shootout): placeholder, right answer, typical wrong answers."""
from math import comb

import numpy as np
import pytest

from optimlib import exercises as ex
from optimlib import shootout as S
from optimlib.problems import QUADRATIC, ROSENBROCK
from exercise_protocol import assert_covers, assert_follows_protocol

needs_sweep = pytest.mark.skipif(not S.RESULTS.exists(), reason="no stored sweep")


def _rmsprop_momentum_cells():
    cells = []
    for lr in S.LR_GRID[::3]:
        for seed in (0, 1):
            c = S.run_cell("sparse", "rmsprop", lr, seed, momentum=0.9)
            cells.append({**c, "hyper": {"momentum": 0.9}})
    return cells


CELLS = None


def added_right():
    global CELLS
    CELLS = CELLS or _rmsprop_momentum_cells()
    return CELLS, S.select(CELLS, "sparse", "rmsprop")["lr"]


def added_by_test():
    # a learner who chose by the test split, where (here) another lr has the best test loss
    cells, right = added_right()
    other = next(lr for lr in S.LR_GRID[::3] if lr != right)
    cells = [{**c, "test_loss": 0.01} if c["lr"] == other else c for c in cells]
    return cells, other


def budget_needed(scores, tolerance):
    best = np.min(scores)
    return next(k for k in range(1, len(scores) + 1)
                if S.expected_best_of(scores, k) <= best * (1 + tolerance))


def budget_k_best(scores, tolerance):  # the k best, not k random: wrong
    s = np.sort(scores)
    return next(k for k in range(1, len(s) + 1) if s[:k].mean() <= s[0] * (1 + tolerance))


def p_hit(n, m, k):
    return 1 - comb(n - m, k) / comb(n, k)


def bowl_design():
    # a deterministic, well-conditioned bowl: the gradient's size says how far the minimum is,
    # and Adam's normalised steps throw that away
    task = S.Task("bowl", "the book's quadratic", target=1e-6, problem=QUADRATIC, steps=300, spread=0.5)
    return {"task": task, "better": "sgd", "worse": "adam", "reference": "digits_mlp"}


def no_flip_design():
    task = S.Task("valley", "Rosenbrock", target=1e-2, problem=ROSENBROCK, steps=500)
    return {"task": task, "better": "sgd", "worse": "adam", "reference": "digits_mlp"}


CASES = [  # check, a right answer, a wrong answer, a phrase of the wrong answer's message
    (ex.check_added_optimizer, added_right, added_by_test, "validation split only"),
    (ex.check_budget_needed, budget_needed, budget_k_best, "drawn at random"),
    (ex.check_best_of_k_probability, p_hit, lambda n, m, k: 1 - (1 - m / n) ** k, "with replacement"),
    (ex.check_ranking_flip, bowl_design, no_flip_design, "did not flip"),
]


@needs_sweep
@pytest.mark.parametrize("check,right,wrong,phrase", CASES, ids=lambda c: getattr(c, "__name__", ""))
def test_each_check(check, right, wrong, phrase, capsys):
    if check is ex.check_added_optimizer:
        right, wrong = right(), wrong()
        assert not np.isclose(right[1], wrong[1]), "the test-selected lr must differ for this test"
    assert_follows_protocol(check, right, wrong, phrase, capsys)


def test_every_check_of_the_chapter_is_tested():
    assert_covers(CASES, "ch14_shootout")


def test_added_optimizer_refuses_fabricated_cells():
    cells, lr = added_right()
    forged = [dict(c) for c in cells]
    forged[0]["val_loss"] = forged[1]["val_loss"] = 0.01
    forged = [{**c, "val_loss": 0.01} for c in forged]
    with pytest.raises(AssertionError, match="run again"):
        ex.check_added_optimizer((forged, lr))


def test_added_optimizer_refuses_a_narrow_grid():
    cells, lr = added_right()
    with pytest.raises(AssertionError, match="3 decades"):
        ex.check_added_optimizer(([c for c in cells if 1e-3 <= c["lr"] <= 1e-1], lr))
