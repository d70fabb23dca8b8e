"""The exercise checks of chapter 9 (Adadelta): placeholder, right answer, typical wrong answers."""
import math

import numpy as np
import pytest

from optimlib import exercises as ex
from exercise_protocol import assert_follows_protocol


def first_step_right(g, lr, rho, eps):
    return -lr * np.sqrt(eps) / np.sqrt((1 - rho) * g**2 + eps) * g


def first_step_sign_approximation(g, lr, rho, eps):
    return -lr * np.sqrt(eps / (1 - rho)) * np.sign(g)


def first_step_wrong_sign(g, lr, rho, eps):
    return -first_step_right(g, lr, rho, eps)


CASES = [  # check, a right answer, a wrong answer, a phrase of the wrong answer's message
    (ex.check_adadelta_eps_units, (2, -2), (2, 2), "c² times smaller"),
    (ex.check_adadelta_first_step, first_step_right, first_step_sign_approximation, "approximation"),
    (ex.check_adadelta_keras_lr, math.sqrt(5), 1.0, "Keras's ε and ρ"),
    (ex.check_adadelta_rescaled, dict(lr=1e6, eps=1e-12), dict(), "units"),
]


@pytest.mark.parametrize("check,right,wrong,phrase", CASES, ids=lambda c: getattr(c, "__name__", ""))
def test_each_check(check, right, wrong, phrase, capsys):
    assert_follows_protocol(check, right, wrong, phrase, capsys)


def test_checks_are_re_exported():
    from optimlib.exercises import ch09_adadelta
    assert set(ch09_adadelta.__all__) <= set(ex.__all__)


@pytest.mark.parametrize("wrong, phrase", [((1, -1), "squares"), ((-2, -2), "c² times larger"),
                                           ((2,), "tuple"), ((3, -3), "expected")])
def test_eps_units_catches_other_exponents(wrong, phrase):
    with pytest.raises(AssertionError, match=phrase):
        ex.check_adadelta_eps_units(wrong)


def test_first_step_catches_the_sign():
    with pytest.raises(AssertionError, match="against the gradient"):
        ex.check_adadelta_first_step(first_step_wrong_sign)


def test_first_step_placeholder_body_is_not_attempted(capsys):
    def first_step(g, lr, rho, eps):
        ...

    ex.check_adadelta_first_step(first_step)
    assert "not attempted yet" in capsys.readouterr().out


@pytest.mark.parametrize("wrong", [5.0, 1 / math.sqrt(5), 1e-3])
def test_keras_lr_rejects_near_misses(wrong):
    with pytest.raises(AssertionError, match="expected"):
        ex.check_adadelta_keras_lr(wrong)


@pytest.mark.parametrize("design", [dict(lr=1e4), dict(lr=1e5), dict(lr=1e5, eps=1e-10)])
def test_rescaled_accepts_other_designs(design, capsys):
    ex.check_adadelta_rescaled(design)
    assert capsys.readouterr().out.startswith("✓ ")


@pytest.mark.parametrize("design, phrase", [(dict(eps=1.0), "units"), (dict(lr=300.0), "units"),
                                            (dict(beta=0.9), "only lr, rho and eps"),
                                            (dict(lr=-1.0), "values Adadelta accepts"),
                                            ([1e4], "a dict")])
def test_rescaled_rejects_failing_or_malformed_designs(design, phrase):
    with pytest.raises(AssertionError, match=phrase):
        ex.check_adadelta_rescaled(design)
