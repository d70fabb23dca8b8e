"""The exercise checks of chapter 10 (Adam): placeholder, right answer, typical wrong answers."""
import numpy as np
import pytest

from optimlib import exercises as ex
from optimlib.online import reddi_coefficients
from exercise_protocol import assert_covers, assert_follows_protocol


def drifting(beta, r, t):
    q = beta / r
    return (1 - beta) * (1 - q ** t) / (1 - q) if q != 1 else (1 - beta) * t


def papers_trap():
    return reddi_coefficients(20_000), (0.9, 0.99), 0.5


CASES = [  # check, a right answer, a wrong answer, a phrase of the wrong answer's message
    (ex.check_drifting_bias, drifting, lambda beta, r, t: 1 - beta ** t, "stationary"),
    (ex.check_wrong_correction_factor,
     (1 - 0.9 ** 50) / 0.1 * np.sqrt(0.01 / (1 - 0.99 ** 50)), 1.0, "constant gradient"),
    (ex.check_adam_trap, papers_trap, lambda: (np.ones(500), (0.9, 0.99), 0.5), "rare and large"),
]


@pytest.mark.parametrize("check,right,wrong,phrase", CASES, ids=lambda c: getattr(c, "__name__", ""))
def test_each_check(check, right, wrong, phrase, capsys):
    assert_follows_protocol(check, right, wrong, phrase, capsys)


def test_every_check_of_the_chapter_is_tested():
    assert_covers(CASES, "ch10_adam")


def test_the_inverse_ratio_gets_its_own_hint():
    inverse = 1 / ((1 - 0.9 ** 50) / 0.1 * np.sqrt(0.01 / (1 - 0.99 ** 50)))
    with pytest.raises(AssertionError, match="right / wrong"):
        ex.check_wrong_correction_factor(inverse)


def test_the_trap_accepts_another_design(capsys):
    # a different period and size, negative total: the best point is +1, Adam must end below 0
    def design():
        t = np.arange(1, 50_001)
        return np.where(t % 51 == 1, -510.0, 10.0) * 1.0, (0.9, 0.99), 0.5
    c = design()[0]
    assert c.sum() < 0
    ex.check_adam_trap(design)
    assert capsys.readouterr().out.startswith("✓ ")


def test_the_trap_refuses_a_design_where_the_point_barely_moves():
    with pytest.raises(AssertionError, match="worst point"):
        ex.check_adam_trap(lambda: (reddi_coefficients(20_000), (0.9, 0.99), 1e-4))
