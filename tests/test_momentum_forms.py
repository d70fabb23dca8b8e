"""The velocity form and the look-ahead form of momentum against SGD (torch's convention)."""
import numpy as np
import pytest

from optimlib.optim.momentum_forms import VelocitySGD, nesterov_lookahead
from optimlib.optim.sgd import SGD
from optimlib.problems import QUADRATIC, ROSENBROCK


def trajectories(make_a, make_b, problem=ROSENBROCK, steps=200, lr_at=None):
    xa, xb = np.array(problem.start), np.array(problem.start)
    a, b = make_a(xa), make_b(xb)
    out_a, out_b = [], []
    for t in range(steps):
        if lr_at is not None:
            a.lr = b.lr = lr_at(t)
        a.step([problem.grad(xa)])
        b.step([problem.grad(xb)])
        out_a.append(xa.copy())
        out_b.append(xb.copy())
    return np.array(out_a), np.array(out_b)


@pytest.mark.parametrize("nesterov", [False, True])
@pytest.mark.parametrize("wd", [0.0, 0.1])
def test_same_trajectory_as_sgd_with_constant_lr(nesterov, wd):
    a, b = trajectories(lambda x: SGD([x], lr=1e-4, momentum=0.9, nesterov=nesterov, weight_decay=wd),
                        lambda x: VelocitySGD([x], lr=1e-4, momentum=0.9, nesterov=nesterov, weight_decay=wd))
    np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


def test_different_trajectory_when_lr_changes():
    a, b = trajectories(lambda x: SGD([x], lr=1e-4, momentum=0.9),
                        lambda x: VelocitySGD([x], lr=1e-4, momentum=0.9),
                        lr_at=lambda t: 1e-4 if t < 50 else 1e-5)
    np.testing.assert_allclose(a[:50], b[:50], rtol=1e-10)
    assert np.max(np.abs(a[50:] - b[50:])) > 1e-3


def test_zero_momentum_is_plain_gradient_descent():
    a, b = trajectories(lambda x: SGD([x], lr=0.1), lambda x: VelocitySGD([x], lr=0.1),
                        problem=QUADRATIC, steps=30)
    np.testing.assert_allclose(a, b, rtol=1e-12)


def test_lookahead_points_are_torch_nesterov_iterates():
    lr, beta, steps = 1e-3, 0.9, 100
    thetas, ahead = nesterov_lookahead(ROSENBROCK.grad, ROSENBROCK.start, lr, beta, steps)
    x = np.array(ROSENBROCK.start)
    opt = SGD([x], lr=lr, momentum=beta, nesterov=True)
    xs = [x.copy()]
    for _ in range(steps):
        opt.step([ROSENBROCK.grad(x)])
        xs.append(x.copy())
    np.testing.assert_allclose(np.array(xs), ahead, rtol=1e-10, atol=1e-12)
    assert thetas.shape == ahead.shape and not np.allclose(thetas[1:], ahead[1:])


def test_bad_hyperparameters_raise():
    with pytest.raises(ValueError, match="momentum"):
        VelocitySGD([np.zeros(2)], lr=0.1, momentum=-0.5)
    with pytest.raises(ValueError, match="steps"):
        nesterov_lookahead(QUADRATIC.grad, QUADRATIC.start, 0.1, 0.9, -1)
