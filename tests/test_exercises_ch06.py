"""The exercise checks of chapter 6 (momentum): placeholder, right answer, typical wrong answers."""
import pytest

from optimlib import exercises as ex
from exercise_protocol import assert_covers, assert_follows_protocol


CASES = [  # check, a right answer, a wrong answer, a phrase of the wrong answer's message
    (ex.check_polyak, (0.25, 0.25), (0.25, 0.5), "square"),
    (ex.check_momentum_edge, 0.95, 0.5, "(2 + 2β)/L"),
    (ex.check_momentum_effective_lr, 0.01, 0.09, "g/(1 - β)"),
    (ex.check_to_velocity, lambda b, lr: -lr * b, lambda b, lr: lr * b, "sign"),
]


@pytest.mark.parametrize("check,right,wrong,phrase", CASES, ids=lambda c: getattr(c, "__name__", ""))
def test_each_check(check, right, wrong, phrase, capsys):
    assert_follows_protocol(check, right, wrong, phrase, capsys)


def test_every_check_of_the_chapter_is_tested():
    assert_covers(CASES, "ch06_momentum")


def test_to_velocity_rejects_a_velocity_that_diverges_from_torch():
    with pytest.raises(AssertionError, match="same point"):
        ex.check_to_velocity(lambda b, lr: -0.5 * lr * b)
