"""optimlib.runs: runs and sweeps on the test problems by book name, and the one test of divergence."""
import warnings

import numpy as np
import pytest

from optimlib import runs, train, viz
from optimlib.problems import QUADRATIC, ROSENBROCK, SADDLE


def test_viz_reexports_the_computation():
    assert viz.run is runs.run and viz.sweep is runs.sweep and viz.Sweep is runs.Sweep
    assert viz.grid_with is runs.grid_with


def test_one_definition_of_divergence():
    assert train.diverged(np.inf) and train.diverged(np.nan) and not train.diverged(1e300)
    assert train.diverged(-2e6, limit=1e6) and not train.diverged(-2e6)
    np.testing.assert_array_equal(train.diverged([1.0, np.nan, 5.0, -5.0], limit=4.0),
                                  [False, True, True, True])
    # minimize with a blow-up limit stops where |f| passes blowup * max(|f(x0)|, 1), as run does
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", train.DivergenceWarning)
        tr = train.minimize(QUADRATIC, "sgd", QUADRATIC.start, 100, lr=2.0, blowup=1e6)
    limit = 1e6 * max(abs(QUADRATIC.value(np.array(QUADRATIC.start))), 1.0)
    assert tr.diverged and np.all(tr.losses <= limit)
    assert QUADRATIC.value(tr.xs[-1] - 2.0 * QUADRATIC.grad(tr.xs[-1])) > limit
    p = runs.run(QUADRATIC, "gd", 100, lr=2.0)
    np.testing.assert_array_equal(p[: len(tr.xs)], tr.xs)
    assert np.isnan(p[len(tr.xs):]).all()
    # a path given as an array is cut by the same rule
    np.testing.assert_array_equal(runs.cut(QUADRATIC, np.nan_to_num(p, nan=1e9)), p)
    with pytest.raises(ValueError, match="blowup"):
        train.minimize(QUADRATIC, "sgd", None, 3, lr=0.1, blowup=0.5)


def test_escaping_a_saddle_to_infinity_counts_as_diverged():
    p = runs.run(SADDLE, "gd", 300, x0=[1e-3, 1e-3], lr=0.1)
    ok = runs.finite_part(SADDLE, p)
    assert 0 < len(ok) < len(p)
    assert abs(SADDLE.value(ok[-1])) <= runs.BLOWUP


def test_make_by_book_name_and_no_silent_fallback_rate():
    x = np.zeros(2)
    opt = runs.make("nesterov", [x])
    assert opt.hyper["nesterov"] and opt.hyper["momentum"] == 0.9
    assert opt.hyper["lr"] == runs.DEMO_LR["nesterov"]
    with pytest.raises(ValueError, match="unknown optimizer 'no_such_optimizer'; known: gd, sgd"):
        runs.make("no_such_optimizer", [x])
    with pytest.raises(ValueError, match="'random_search' has no demonstration learning rate"):
        runs.make("random_search", [x])


def test_grid_with_puts_exact_values_in():
    g = runs.grid_with(np.linspace(0.1, 1.0, 4), 0.668, 0.4)
    assert 0.668 in g and 0.4 in g and np.all(np.diff(g) > 0) and len(g) == 5   # 0.4 was there
    with pytest.raises(ValueError, match="finite"):
        runs.grid_with([0.1], np.nan)


def test_sweep_uses_generic_beta():
    sw = runs.sweep(ROSENBROCK, "adam", steps=5, lr=[0.01, 0.02], beta=[0.5, 0.9])
    assert sw.paths.shape == (2, 2, 6, 2)
    np.testing.assert_array_equal(sw.paths[1, 0], runs.run(ROSENBROCK, "adam", 5, lr=0.02,
                                                           betas=(0.5, 0.999)))
