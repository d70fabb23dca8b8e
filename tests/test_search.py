"""Random search and random local search: they keep the best, are reproducible, reject bad input."""
import numpy as np
import pytest

from optimlib.data import load_digits
from optimlib.linear import SoftmaxLinear
from optimlib.search import SearchResult, random_local_search, random_search


def sphere(x):
    return float(x @ x)


def uniform(d):
    return lambda rng: rng.uniform(-1, 1, d)


def test_random_search_keeps_the_best_sample():
    seen = []

    def loss(x):
        seen.append((sphere(x), x))
        return sphere(x)

    res = random_search(loss, uniform(3), 50, np.random.default_rng(0))
    assert isinstance(res, SearchResult) and res.history.shape == (50,)
    best_loss, best_x = min(seen, key=lambda t: t[0])
    assert res.loss == best_loss and np.array_equal(res.best, best_x)
    # history is the running minimum of what was seen
    np.testing.assert_array_equal(res.history, np.minimum.accumulate([s for s, _ in seen]))


def test_random_search_is_reproducible_and_unpacks():
    a = random_search(sphere, uniform(4), 30, np.random.default_rng(7))
    best, history = random_search(sphere, uniform(4), 30, np.random.default_rng(7))
    assert np.array_equal(a.best, best) and np.array_equal(a.history, history)


def test_random_search_skips_nan_losses():
    vals = iter([np.nan, 3.0, np.nan, 1.0, 2.0])
    res = random_search(lambda x: next(vals), lambda rng: rng.standard_normal(1), 5, np.random.default_rng(0))
    assert res.loss == 1.0
    np.testing.assert_array_equal(res.history[1:], [3.0, 3.0, 1.0, 1.0])


def test_random_local_search_descends_and_history_is_monotone():
    x0 = np.full(5, 2.0)
    res = random_local_search(sphere, x0, 500, 0.1, np.random.default_rng(0))
    assert np.all(np.diff(res.history) <= 0)
    assert res.loss == pytest.approx(sphere(res.best))
    assert res.loss < 0.1 * sphere(x0)
    np.testing.assert_array_equal(x0, np.full(5, 2.0))   # x0 is not modified


def test_random_local_search_only_accepts_improvements():
    """A loss that no perturbation can improve leaves x where it started."""
    x0 = np.zeros(3)
    res = random_local_search(sphere, x0, 100, 0.5, np.random.default_rng(0))
    np.testing.assert_array_equal(res.best, x0)
    assert np.all(res.history == 0.0)


def test_random_local_search_on_digits_beats_chance():
    d = load_digits()
    model = SoftmaxLinear(d.X_train, d.y_train)
    res = random_local_search(model.loss, np.zeros(model.size), 300, 0.03, np.random.default_rng(0))
    assert res.loss < np.log(10)
    assert model.accuracy(res.best, d.X_test, d.y_test) > 0.5


# -- bad input ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("step", [0.0, -0.1, float("nan")])
def test_bad_step_size_is_a_value_error_naming_it(step):
    with pytest.raises(ValueError, match=r"^step_size must"):
        random_local_search(sphere, np.zeros(2), 10, step, np.random.default_rng(0))


@pytest.mark.parametrize("n", [0, -3])
def test_n_trials_below_one(n):
    with pytest.raises(ValueError, match="n_trials must be at least 1"):
        random_search(sphere, uniform(2), n, np.random.default_rng(0))
    with pytest.raises(ValueError, match="n_trials must be at least 1"):
        random_local_search(sphere, np.zeros(2), n, 0.1, np.random.default_rng(0))


@pytest.mark.parametrize("n", [2.5, "10", True])
def test_n_trials_not_an_integer(n):
    with pytest.raises(TypeError, match="n_trials must be an integer"):
        random_search(sphere, uniform(2), n, np.random.default_rng(0))


def test_rng_must_be_a_generator():
    with pytest.raises(TypeError, match="default_rng"):
        random_search(sphere, uniform(2), 5, 0)
    with pytest.raises(TypeError, match="default_rng"):
        random_local_search(sphere, np.zeros(2), 5, 0.1, np.random.RandomState(0))


def test_non_finite_start():
    with pytest.raises(ValueError, match="loss\\(x0\\) is nan"):
        random_local_search(lambda x: float("nan"), np.zeros(2), 5, 0.1, np.random.default_rng(0))
