"""The exercise checks of chapter 0 (preface): placeholder, right answer, typical wrong answers."""
import numpy as np
import pytest

from optimlib import exercises as ex
from exercise_protocol import assert_covers, assert_follows_protocol


CASES = [  # check, a right answer, a wrong answer, a phrase of the wrong answer's message
    (ex.check_condition_number, 20.0, 40.0, "Hessian"),
    (ex.check_update, np.array([0.95, -1.6]), np.array([1.05, -2.4]), "stepped up the gradient"),
    (ex.check_n_params, 650, 640, "biases"),
]


@pytest.mark.parametrize("check,right,wrong,phrase", CASES, ids=lambda c: getattr(c, "__name__", ""))
def test_each_check(check, right, wrong, phrase, capsys):
    assert_follows_protocol(check, right, wrong, phrase, capsys)


def test_every_check_of_the_chapter_is_tested():
    assert_covers(CASES, "ch00_preface")
