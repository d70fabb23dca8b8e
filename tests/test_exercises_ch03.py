"""The exercise checks of chapter 3 (gradients): placeholder, right answer, typical wrong answers."""
import numpy as np
import pytest

from optimlib import exercises as ex
from exercise_protocol import assert_covers, assert_follows_protocol


def l2_right(model, theta, lam):
    loss, grad = model.loss_grad(theta)
    W, _ = model.unpack(theta)
    gW, _ = model.unpack(grad)
    gW += lam * W
    return loss + lam / 2 * np.sum(W ** 2), grad


def l2_penalises_bias(model, theta, lam):
    loss, grad = model.loss_grad(theta)
    return loss + lam / 2 * np.sum(theta ** 2), grad + lam * theta


CASES = [  # check, a right answer, a wrong answer, a phrase of the wrong answer's message
    (ex.check_gradient_bug, "b", "a", "relative_error"),
    (ex.check_l2_gradient, l2_right, l2_penalises_bias, "biases are not penalised"),
    (ex.check_best_h_float32, 3e-4, 1e-8, "float32"),
]


def _checker(threshold):
    from optimlib.gradients import numerical_gradient

    def grad_is_correct(f, grad, theta):
        num, g = numerical_gradient(f, theta), grad(theta)
        return bool(np.linalg.norm(g - num) / (np.linalg.norm(g) + np.linalg.norm(num)) < threshold)
    return grad_is_correct


CASES += [  # the open-ended exercise: any correct design passes, a loose threshold does not
    (ex.check_gradient_checker, _checker(1e-7), _checker(1e-3), "central differences"),
]


@pytest.mark.parametrize("check,right,wrong,phrase", CASES, ids=lambda c: getattr(c, "__name__", ""))
def test_each_check(check, right, wrong, phrase, capsys):
    assert_follows_protocol(check, right, wrong, phrase, capsys)


def test_every_check_of_the_chapter_is_tested():
    assert_covers(CASES, "ch03_gradients")
