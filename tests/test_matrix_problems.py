"""The matrix least-squares problem: its gradient, its minimum, its conditioning, its errors."""
import numpy as np
import pytest

from optimlib.gradients import numerical_gradient
from optimlib.matrix_problems import least_squares, solve


def test_gradient_matches_central_differences():
    prob = least_squares(n_out=3, n_in=5, n_samples=20, kappa=50, seed=1)
    W = np.random.default_rng(2).standard_normal(prob.shape)
    num = numerical_gradient(lambda w: prob.value(w.reshape(prob.shape)), W.ravel().copy(), h=1e-6)
    assert np.allclose(prob.grad(W).ravel(), num, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("kappa", [1.0, 10.0, 1e4])
def test_condition_number_and_minimum(kappa):
    prob = least_squares(n_out=4, n_in=8, n_samples=40, kappa=kappa)
    assert np.isclose(prob.kappa, kappa, rtol=1e-8)
    assert prob.value(prob.W_star) < 1e-25 and np.abs(prob.grad(prob.W_star)).max() < 1e-12
    assert prob.value(prob.start) > 0.1


def test_hessian_is_kronecker_factored():
    # f is quadratic: f(W + D) - f(W) - <grad, D> = <D, D (X X^T / N)> / 2
    prob = least_squares(n_out=3, n_in=4, n_samples=10, kappa=7)
    rng = np.random.default_rng(0)
    W, D = rng.standard_normal(prob.shape), rng.standard_normal(prob.shape)
    second = prob.value(W + D) - prob.value(W) - np.sum(prob.grad(W) * D)
    assert np.isclose(second, 0.5 * np.sum(D * (D @ prob.input_curvature)), rtol=1e-10)


def test_solve_runs_gradient_descent():
    prob = least_squares(kappa=10)
    L = np.linalg.eigvalsh(prob.input_curvature)[-1]
    losses = solve(prob, "sgd", 300, lr=1 / L)
    # gradient descent with step 1/L contracts the error by at least (1 - 1/kappa) per step
    assert losses[-1] < losses[0] * (1 - 1 / 10) ** (2 * 300) * 10
    assert np.all(np.diff(losses) <= 1e-12)
    made = solve(prob, lambda p: __import__("optimlib").optim.SGD(p, lr=1 / L), 300)
    assert np.array_equal(made, losses)


def test_solve_follows_a_schedule():
    prob = least_squares(n_out=3, n_in=4, n_samples=10, kappa=5)
    L = np.linalg.eigvalsh(prob.input_curvature)[-1]
    # lr 0 after the first step: the loss moves once, then stays
    losses = solve(prob, "sgd", 5, lr=1 / L, schedule=lambda t: 1 / L if t == 0 else 0.0)
    assert losses[1] < losses[0] and np.all(losses[2:] == losses[1])


def test_bad_input_says_what_to_fix():
    with pytest.raises(ValueError, match="n_samples"):
        least_squares(n_in=10, n_samples=5)
    with pytest.raises(ValueError, match="kappa"):
        least_squares(kappa=0.5)
    with pytest.raises(TypeError, match="n_out"):
        least_squares(n_out=2.5)
    prob = least_squares(n_out=2, n_in=3, n_samples=5)
    with pytest.raises(ValueError, match=r"shape \(2, 3\)"):
        prob.value(np.zeros((3, 2)))
    with pytest.raises(TypeError, match="optimizer"):
        solve(prob, 3, 10)
    with pytest.raises(TypeError, match="make"):
        solve(prob, lambda p: None, 10, lr=0.1)
