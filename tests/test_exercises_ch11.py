"""The exercise checks of chapter 11 (the Adam family): placeholder, right answer, typical
wrong answers."""
import numpy as np
import pytest

from optimlib import exercises as ex
from optimlib.online import reddi_coefficients
from exercise_protocol import assert_covers, assert_follows_protocol


def u_limit(beta2, g):
    u = 0.0
    for gk in g:
        u = max(beta2 * u, abs(gk))
    return u


def papers_problem():
    return reddi_coefficients(10_100), (0.9, 0.99), 0.5


CASES = [  # check, a right answer, a wrong answer, a phrase of the wrong answer's message
    (ex.check_adamax_limit, u_limit, lambda beta2, g: float(np.max(np.abs(g))), "forgets the weights"),
    (ex.check_radam_switch, {0.999: 6, 0.9: 6, 0.8: 7, 0.7: 10, 0.6: None},
     {0.999: 6, 0.9: 6, 0.8: 7, 0.7: 10, 0.6: 12}, "ρ_∞"),
    (ex.check_yogi_trap, papers_problem, lambda: (np.ones(500), (0.9, 0.99), 0.5), "rare and large"),
]


@pytest.mark.parametrize("check,right,wrong,phrase", CASES, ids=lambda c: getattr(c, "__name__", ""))
def test_each_check(check, right, wrong, phrase, capsys):
    assert_follows_protocol(check, right, wrong, phrase, capsys)


def test_every_check_of_the_chapter_is_tested():
    assert_covers(CASES, "ch11_adam_family")


def test_adamax_limit_rejects_a_p_norm_at_finite_p():
    def p8(beta2, g):
        g = np.abs(np.asarray(g)); t = g.size; p = 8
        w = (1 - beta2 ** p) * beta2 ** (p * np.arange(t - 1, -1, -1))
        return float((np.sum(w * g ** p) / (1 - beta2 ** (p * t))) ** (1 / p))
    with pytest.raises(AssertionError, match="expected"):
        ex.check_adamax_limit(p8)


def test_radam_switch_refuses_five_and_a_wrong_shape():
    with pytest.raises(AssertionError, match="strict"):
        ex.check_radam_switch({0.999: 5, 0.9: 6, 0.8: 7, 0.7: 10, 0.6: None})
    with pytest.raises(AssertionError, match="a dict"):
        ex.check_radam_switch([6, 6, 7, 10, None])


def test_yogi_trap_accepts_another_design(capsys):
    # a longer period and a larger rare gradient: 2010 once in 201 steps, -10 otherwise
    def design():
        t = np.arange(1, 20_001)
        return np.where(t % 201 == 1, 2010.0, -10.0), (0.9, 0.99), 0.5
    ex.check_yogi_trap(design)
    assert capsys.readouterr().out.startswith("✓ ")
