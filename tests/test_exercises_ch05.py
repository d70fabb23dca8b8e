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


@pytest.mark.parametrize("check,right,wrong,phrase", CASES, ids=lambda c: getattr(c, "__name__", ""))
def test_each_check(check, right, wrong, phrase, capsys):
    assert_follows_protocol(check, right, wrong, phrase, capsys)


def test_every_check_of_the_chapter_is_tested():
    assert_covers(CASES, "ch05_sgd")
