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


def _is_gd(step):
    rng = np.random.default_rng(0)
    for _ in range(5):
        th, g = rng.normal(size=4), 10 * rng.normal(size=4)
        if not np.allclose(step(th.copy(), g), th - 0.1 * g, rtol=1e-12, atol=1e-15):
            return False
    return True


CASES += [  # the derivation and the open-ended exercise: any correct design passes, typical bugs do not
    (ex.check_theta_after, lambda th, lr, lam, t: th * (1 - lr * lam) ** t,
     lambda th, lr, lam, t: th * (1 - lr * lam * t), "a power"),
    (ex.check_gd_detector, _is_gd, lambda step: True, "several θ and g"),
]


@pytest.mark.parametrize("check,right,wrong,phrase", CASES, ids=lambda c: getattr(c, "__name__", ""))
def test_each_check(check, right, wrong, phrase, capsys):
    assert_follows_protocol(check, right, wrong, phrase, capsys)


def test_every_check_of_the_chapter_is_tested():
    assert_covers(CASES, "ch00_preface")
