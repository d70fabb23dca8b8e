"""The exercise checks of chapter 1 (premise): placeholder, right answer, typical wrong answers."""
import math

import numpy as np
import pytest

from optimlib.softmax_regression import log_softmax
from optimlib import exercises as ex
from exercise_protocol import assert_covers, assert_follows_protocol


def ce_right(z, y):
    m = np.max(z)
    return np.log(np.sum(np.exp(z - m))) - (z[y] - m)


def ce_naive(z, y):
    with np.errstate(all="ignore"):
        return -np.log(np.exp(z[y]) / np.sum(np.exp(z)))


CASES = [  # check, a right answer, a wrong answer, a phrase of the wrong answer's message
    (ex.check_zero_loss, math.log(10), 1.0, "natural logarithm"),
    (ex.check_cross_entropy, ce_right, ce_naive, "overflows"),
    (ex.check_rosenbrock_kappa, 1001.6 / 0.39936, 20.0, "eigvalsh"),
]


def _score_hessian(z):
    p = np.exp(z - z.max())
    p /= p.sum()
    return np.diag(p) - np.outer(p, p)


def _diagonal_only(z):
    return np.diag(np.diag(_score_hessian(z)) + np.diag(np.outer(*2 * [np.exp(z - z.max()) / np.exp(z - z.max()).sum()])))


FLAT = np.concatenate([np.tile(np.arange(64.0)[:, None], (1, 10)).ravel(), np.full(10, 2.0)])  # c = 0..63 in every column
NOT_FLAT = np.concatenate([np.ones(640), np.zeros(10)]) * (np.arange(650) % 10 == 0)            # moves one class only


CASES += [  # the derivation and the open-ended exercise: any correct design passes, typical bugs do not
    (ex.check_score_hessian, _score_hessian, _diagonal_only, "off-diagonal"),
    (ex.check_flat_direction, FLAT, NOT_FLAT, "same number to every one"),
]


@pytest.mark.parametrize("check,right,wrong,phrase", CASES, ids=lambda c: getattr(c, "__name__", ""))
def test_each_check(check, right, wrong, phrase, capsys):
    assert_follows_protocol(check, right, wrong, phrase, capsys)


def test_every_check_of_the_chapter_is_tested():
    assert_covers(CASES, "ch01_premise")


def test_cross_entropy_check_catches_a_wrong_formula():
    with pytest.raises(AssertionError, match="softmax"):
        ex.check_cross_entropy(lambda z, y: float(-log_softmax(z)[0]))   # ignores y
