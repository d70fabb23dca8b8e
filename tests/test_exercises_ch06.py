"""The exercise checks of chapter 6 (momentum): placeholder, right answer, typical wrong answers."""
import numpy as np
import pytest

from optimlib import exercises as ex
from exercise_protocol import assert_covers, assert_follows_protocol


CASES = [  # check, a right answer, a wrong answer, a phrase of the wrong answer's message
    (ex.check_polyak, (0.25, 0.25), (0.25, 0.5), "square"),
    (ex.check_momentum_edge, 0.95, 0.5, "(2 + 2β)/L"),
    (ex.check_momentum_effective_lr, 0.01, 0.09, "g/(1 - β)"),
    (ex.check_to_velocity, lambda b, lr: -lr * b, lambda b, lr: lr * b, "sign"),
]


def _torch_nesterov(phi, buf, g, lr, beta):
    buf = beta * buf + g
    return phi - lr * (g + beta * buf), buf


def _heavy_ball_instead(phi, buf, g, lr, beta):
    buf = beta * buf + g
    return phi - lr * buf, buf


def _grid_tune(run):
    best = None
    for lr in np.geomspace(0.05, 0.8, 25):
        for mom in np.linspace(0, 0.95, 39):
            e = run(lr, mom, 300)
            if np.isfinite(e) and (best is None or e < best[0]):
                best = (e, lr, mom)
    return best[1], best[2]


CASES += [  # the derivation and the open-ended exercise: any correct design passes, typical bugs do not
    (ex.check_torch_nesterov, _torch_nesterov, _heavy_ball_instead, "heavy ball"),
    (ex.check_tune_heavy_ball, _grid_tune, lambda run: (0.3, 0.0), "larger β"),
]


@pytest.mark.parametrize("check,right,wrong,phrase", CASES, ids=lambda c: getattr(c, "__name__", ""))
def test_each_check(check, right, wrong, phrase, capsys):
    assert_follows_protocol(check, right, wrong, phrase, capsys)


def test_every_check_of_the_chapter_is_tested():
    assert_covers(CASES, "ch06_momentum")


def test_to_velocity_rejects_a_velocity_that_diverges_from_torch():
    with pytest.raises(AssertionError, match="same point"):
        ex.check_to_velocity(lambda b, lr: -0.5 * lr * b)
