"""The exercise checks of chapter 8 (Rprop and RMSprop): placeholder, right answer, typical wrong answers."""
import numpy as np
import pytest

from optimlib import exercises as ex
from exercise_protocol import assert_covers, assert_follows_protocol


def factor_right(t, alpha):
    return 1 / np.sqrt(1 - alpha ** np.asarray(t, dtype=float))


def factor_no_root(t, alpha):
    return 1 / (1 - alpha ** np.asarray(t, dtype=float))


CASES = [  # check, a right answer, a wrong answer, a phrase of the wrong answer's message
    (ex.check_step_factor, factor_right, factor_no_root, "square ROOT"),
    (ex.check_alpha_for_window, 0.98, 0.02, "weight of the newest gradient"),
    (ex.check_rprop_cap_step, 48, 47, "Δ_0 = lr unchanged"),
    (ex.check_fool_rprop, [0.1] * 9 + [-1.0], [1.0] * 9 + [-9.5], "v jumps within the cycle"),
]


@pytest.mark.parametrize("check,right,wrong,phrase", CASES, ids=lambda c: getattr(c, "__name__", ""))
def test_each_check(check, right, wrong, phrase, capsys):
    assert_follows_protocol(check, right, wrong, phrase, capsys)


def test_every_check_of_the_chapter_is_tested():
    assert_covers(CASES, "ch08_rmsprop")


@pytest.mark.parametrize("design", [[0.1] * 9 + [-1.0], [0.2] * 4 + [-1.0], [-0.05] * 19 + [1.5]])
def test_fool_rprop_accepts_any_working_design(design, capsys):
    ex.check_fool_rprop(design)
    assert capsys.readouterr().out.startswith("✓ ")


@pytest.mark.parametrize("design, phrase", [
    ([1.0] * 9 + [-0.5], "Rprop's net move"),            # the majority agrees with the mean: no trick
    ([0.1] * 9 + [-0.9], "not zero"),                    # Hinton's example: a zero mean
    ([1.0], "2 to 100 numbers"),
    ([[1.0, -2.0]], "2 to 100 numbers"),
    ([1.0, float("nan")], "finite"),
    ("abc", "a list of numbers"),
])
def test_fool_rprop_explains_what_fails(design, phrase):
    with pytest.raises(AssertionError, match=phrase):
        ex.check_fool_rprop(design)


def test_step_factor_placeholder_body_is_not_attempted(capsys):
    def placeholder(t, alpha):
        ...
    ex.check_step_factor(placeholder)
    assert "not attempted yet" in capsys.readouterr().out


def test_rprop_cap_step_wants_an_integer():
    with pytest.raises(AssertionError, match="an integer step number"):
        ex.check_rprop_cap_step(47.5)
