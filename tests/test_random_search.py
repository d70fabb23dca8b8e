"""Random search and random local search: they keep the best, are reproducible, reject bad input."""
import numpy as np
import pytest

from optimlib.data import load_digits
from optimlib.softmax_regression import SoftmaxLinear
from optimlib.random_search import SearchResult, random_local_search, random_search


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
    with pytest.raises(ValueError, match="n_trials must be an integer >= 1, got -?[0-9]"):
        random_search(sphere, uniform(2), n, np.random.default_rng(0))
    with pytest.raises(ValueError, match="n_trials must be an integer >= 1, got -?[0-9]"):
        random_local_search(sphere, np.zeros(2), n, 0.1, np.random.default_rng(0))


@pytest.mark.parametrize("n", [2.5, "10", True])
def test_n_trials_not_an_integer(n):
    with pytest.raises(TypeError, match="n_trials must be an integer >= 1, got (float|str|bool)"):
        random_search(sphere, uniform(2), n, np.random.default_rng(0))


def test_rng_must_be_a_generator():
    with pytest.raises(TypeError, match="default_rng"):
        random_search(sphere, uniform(2), 5, 0)
    with pytest.raises(TypeError, match="default_rng"):
        random_local_search(sphere, np.zeros(2), 5, 0.1, np.random.RandomState(0))


def test_non_finite_start():
    with pytest.raises(ValueError, match="loss\\(x0\\) is nan"):
        random_local_search(lambda x: float("nan"), np.zeros(2), 5, 0.1, np.random.default_rng(0))


# -- what theory predicts --------------------------------------------------------------------------
def test_hit_probability_known_values():
    from optimlib.random_search import hit_probability
    assert hit_probability(1, 0.5) == pytest.approx(0.5)
    assert hit_probability(2, 1.0) == pytest.approx(np.pi / 4)
    assert hit_probability(3, 1.0) == pytest.approx(np.pi / 6)
    assert hit_probability(2, 0.5) == pytest.approx(np.pi / 16)
    assert hit_probability(650, 0.5) == 0.0                           # underflows ...
    assert hit_probability(650, 0.5, log=True) / np.log(10) == pytest.approx(-906.64, abs=0.01)   # ... its log does not
    assert np.exp(hit_probability(10, 0.7, log=True)) == pytest.approx(hit_probability(10, 0.7))


def test_hit_probability_matches_sampling():
    from optimlib.random_search import hit_probability
    rng = np.random.default_rng(0)
    pts = rng.uniform(-1, 1, (200_000, 4))
    measured = np.mean(np.sum(pts ** 2, axis=1) <= 0.8 ** 2)
    assert measured == pytest.approx(hit_probability(4, 0.8), rel=0.03)


@pytest.mark.parametrize("d,r,exc", [(0, 0.5, ValueError), (2.5, 0.5, TypeError),
                                     (True, 0.5, TypeError), (3, 0.0, ValueError),
                                     (3, 1.5, ValueError)])
def test_hit_probability_bad_input(d, r, exc):
    from optimlib.random_search import hit_probability
    with pytest.raises(exc, match="^d must be an integer >= 1|^r must"):
        hit_probability(d, r)


def test_local_search_progress_optimum():
    from optimlib.random_search import local_search_progress
    s = np.linspace(0.01, 4, 4000)
    phi = np.array([local_search_progress(x)[0] for x in s])
    assert s[np.argmax(phi)] == pytest.approx(1.224, abs=0.01)
    assert phi.max() == pytest.approx(0.2025, abs=5e-4)
    assert local_search_progress(0.0) == (0.0, 0.5)                   # tiny steps: accepted half the time, no progress
    assert local_search_progress(1.224)[1] == pytest.approx(0.27, abs=0.005)
    with pytest.raises(ValueError, match="sigma_star"):
        local_search_progress(-1.0)


def test_local_search_progress_matches_simulation_in_high_dimension():
    """One attempt from distance R = 1 in d = 400 with the normalised step 1.224: the acceptance
    rate and the expected progress d * E[max(R - R', 0)] match the formula."""
    from optimlib.random_search import local_search_progress
    d, s_star = 400, 1.224
    rng = np.random.default_rng(0)
    x = np.zeros(d)
    x[0] = 1.0
    cand = x + s_star / d * rng.standard_normal((20_000, d))
    R_new = np.linalg.norm(cand, axis=1)
    phi, p_acc = local_search_progress(s_star)
    assert np.mean(R_new < 1) == pytest.approx(p_acc, abs=0.02)
    assert d * np.mean(np.maximum(1 - R_new, 0)) == pytest.approx(phi, rel=0.1)


@pytest.mark.parametrize("method", ["random", "local"])
def test_record_keeps_every_point_tried_and_the_best_path(method):
    rng = np.random.default_rng(3)
    if method == "random":
        res = random_search(sphere, uniform(2), 40, rng, record=True)
        plain = random_search(sphere, uniform(2), 40, np.random.default_rng(3))
    else:
        res = random_local_search(sphere, np.ones(2), 40, 0.3, rng, record=True)
        plain = random_local_search(sphere, np.ones(2), 40, 0.3, np.random.default_rng(3))
    assert res.tried.shape == (40, 2) and res.path.shape == (40, 2)
    np.testing.assert_array_equal(res.best, plain.best)        # recording changes nothing
    np.testing.assert_array_equal(res.history, plain.history)
    np.testing.assert_allclose([sphere(p) for p in res.path], res.history)
    np.testing.assert_array_equal(res.path[-1], res.best)
    assert plain.path is None and plain.tried is None
    # every best point is one of the points tried (or the start)
    for p in res.path:
        assert any(np.array_equal(p, t) for t in res.tried) or np.array_equal(p, np.ones(2))
