"""optimlib.quadratic_rates against brute force: the formulas must match runs of the real optimizers."""
import math

import numpy as np
import pytest

from optimlib import quadratic_rates
from optimlib.optim.sgd import SGD
from optimlib.problems import QUADRATIC as Q


def run(lr, momentum=0.0, steps=300, x0=(-5.0, -2.0), curv=(Q.mu, Q.L)):
    """Distances to the minimum of 0.5 * sum(curv * x**2) under SGD(lr, momentum)."""
    x = np.array(x0, float)
    lam = np.array(curv)
    opt = SGD([x], lr=lr, momentum=momentum)
    errs = [np.linalg.norm(x)]
    for _ in range(steps):
        opt.step([lam * x])
        errs.append(np.linalg.norm(x))
    return np.array(errs)


def test_gd_optimal_values():
    lr, rate = quadratic_rates.gd_optimal(4.0, 0.2)
    assert lr == pytest.approx(2 / 4.2) and rate == pytest.approx(19 / 21)
    assert quadratic_rates.gd_rate(lr, [0.2, 4.0]) == pytest.approx(rate)
    assert quadratic_rates.gd_max_lr(4.0) == 0.5


@pytest.mark.parametrize("lr", [0.05, 0.2, 2 / 4.2, 0.45, 0.49, 0.51])
def test_gd_rate_matches_runs(lr):
    measured = quadratic_rates.measured_rate(run(lr, steps=400))
    assert measured == pytest.approx(quadratic_rates.gd_rate(lr, [Q.mu, Q.L]), rel=5e-3)


def test_gd_optimal_is_the_minimum_over_lr():
    grid = np.linspace(0.01, 0.5, 2001)
    rates = [quadratic_rates.gd_rate(lr, [Q.mu, Q.L]) for lr in grid]
    lr_star, rate_star = quadratic_rates.gd_optimal(Q.L, Q.mu)
    assert grid[int(np.argmin(rates))] == pytest.approx(lr_star, abs=1e-3)
    assert min(rates) == pytest.approx(rate_star, rel=1e-4)


def test_heavy_ball_optimal_values_and_run():
    lr, beta, rate = quadratic_rates.heavy_ball_optimal(Q.L, Q.mu)
    k = Q.kappa
    assert rate == pytest.approx((math.sqrt(k) - 1) / (math.sqrt(k) + 1))
    assert beta == pytest.approx(rate ** 2)
    assert lr == pytest.approx(4 / (math.sqrt(Q.L) + math.sqrt(Q.mu)) ** 2)
    assert quadratic_rates.heavy_ball_rate(lr, beta, [Q.mu, Q.L]) == pytest.approx(rate, rel=1e-6)
    # repeated roots at both ends: the error is t * rate**t, so measure late in the run
    assert quadratic_rates.measured_rate(run(lr, beta, steps=600), tail=0.5) == pytest.approx(rate, rel=5e-3)


@pytest.mark.parametrize("lr,beta", [(0.1, 0.5), (0.3, 0.9), (0.5, 0.2), (0.05, 0.0)])
def test_heavy_ball_rate_matches_runs(lr, beta):
    measured = quadratic_rates.measured_rate(run(lr, beta, steps=800))
    assert measured == pytest.approx(quadratic_rates.heavy_ball_rate(lr, beta, [Q.mu, Q.L]), rel=1e-2)


def test_heavy_ball_with_zero_momentum_is_gd():
    for lr in (0.1, 0.3, 0.6):
        assert quadratic_rates.heavy_ball_rate(lr, 0.0, [0.2, 4.0]) == pytest.approx(quadratic_rates.gd_rate(lr, [0.2, 4.0]))


@pytest.mark.parametrize("beta", [0.0, 0.3, 0.9])
def test_heavy_ball_stability_edge(beta):
    edge = quadratic_rates.heavy_ball_max_lr(beta, 1.0)
    assert edge == pytest.approx(2 + 2 * beta)
    assert quadratic_rates.heavy_ball_rate(edge * 0.99, beta, 1.0) < 1
    assert quadratic_rates.heavy_ball_rate(edge * 1.01, beta, 1.0) > 1


def test_sgd_noise_floor_matches_simulation():
    rng = np.random.default_rng(0)
    lr, lam, var = 0.1, 2.0, 4.0
    x = np.zeros(20000)  # 20 000 independent chains
    for _ in range(200):
        x -= lr * (lam * x + math.sqrt(var) * rng.standard_normal(x.size))
    assert np.mean(x ** 2) == pytest.approx(quadratic_rates.sgd_noise_floor(lr, lam, var), rel=0.05)


def test_measured_rate_of_a_geometric_sequence():
    e = 3.0 * 0.8 ** np.arange(50)
    assert quadratic_rates.measured_rate(e) == pytest.approx(0.8)
    assert quadratic_rates.steps_to(0.5, 1000) == 10
    assert quadratic_rates.steps_to(19 / 21, 1e6) == math.ceil(math.log(1e6) / math.log(21 / 19))


@pytest.mark.parametrize("call", [
    lambda: quadratic_rates.gd_rate(0.1, [0.0, 1.0]),
    lambda: quadratic_rates.gd_optimal(1.0, 2.0),
    lambda: quadratic_rates.heavy_ball_max_lr(1.0, 1.0),
    lambda: quadratic_rates.measured_rate([1.0, 0.0, 0.5]),
    lambda: quadratic_rates.sgd_noise_floor(1.0, 2.0, 1.0),
    lambda: quadratic_rates.steps_to(1.0, 10),
])
def test_bad_arguments_raise_value_error(call):
    with pytest.raises(ValueError):
        call()
