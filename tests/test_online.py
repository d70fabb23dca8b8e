"""optimlib.online: Reddi et al.'s sequences, the projected runs and the regret."""
import numpy as np
import pytest

from optimlib.online import average_regret, projected_run, reddi_coefficients
from optimlib.optim import Adam


def test_online_sequence_is_the_papers():
    c = reddi_coefficients(303)
    assert c[0] == c[101] == c[202] == 1010 and np.all(np.delete(c, [0, 101, 202]) == -10)
    assert c[:101].sum() == 10      # +10 per period: the best fixed point is -1


def test_stochastic_sequence_has_the_papers_frequency_and_is_seeded():
    c = reddi_coefficients(200_000, stochastic=True, seed=3)
    assert abs(np.mean(c == 1010) - 0.01) < 0.001
    assert np.array_equal(c, reddi_coefficients(200_000, stochastic=True, seed=3))
    assert set(np.unique(c)) == {-10.0, 1010.0}


def test_projected_run_is_optimlibs_adam_with_decaying_lr_and_clipping():
    c = np.array([3.0, -1.0, 0.5, -2.0, -2.0, -2.0])
    xs = projected_run("adam", c, lr=0.4, x0=0.2, bounds=(-0.3, 0.5), betas=(0.9, 0.99))
    x = np.array([0.2])
    opt = Adam([x], lr=0.4, betas=(0.9, 0.99))
    expected = [0.2]
    for t, ct in enumerate(c, 1):
        opt.set_hyper(lr=0.4 / np.sqrt(t))
        opt.step([np.array([ct])])
        x[:] = np.clip(x, -0.3, 0.5)
        expected.append(x[0])
    assert xs.shape == (7,) and np.allclose(xs, expected, rtol=0, atol=1e-15)
    assert xs.max() <= 0.5 and xs.min() >= -0.3 and np.any(xs == -0.3)


def test_several_starts_are_independent_runs():
    c = reddi_coefficients(500)
    both = projected_run("amsgrad", c, lr=0.5, x0=np.array([0.0, 0.7]), betas=(0.9, 0.99))
    one = projected_run("amsgrad", c, lr=0.5, x0=0.7, betas=(0.9, 0.99))
    assert both.shape == (501, 2) and np.array_equal(both[:, 1], one)


def test_reddi_counterexample_adam_goes_to_the_worst_point_amsgrad_to_the_best():
    c = reddi_coefficients(20_000)
    adam = projected_run("adam", c, lr=0.5, betas=(0.9, 0.99))
    ams = projected_run("amsgrad", c, lr=0.5, betas=(0.9, 0.99))
    assert adam[-101:].min() > 0.97 and ams[-101:].max() < -0.9
    assert average_regret(adam, c)[-1] > average_regret(ams, c)[-1]


def test_average_regret_by_hand():
    c = np.array([1.0, -3.0, 1.0])         # total -1: best fixed point +1, best loss -1
    xs = np.array([0.0, 1.0, -1.0, 0.5])
    paid = np.cumsum(c * xs[:3])            # 0, -3, -4
    best = np.minimum(-np.cumsum(c), np.cumsum(c))   # -1, -2 (x=+1), -1 (x=+1)
    assert np.allclose(average_regret(xs, c), (paid - best) / np.arange(1, 4))
    two = average_regret(np.stack([xs, xs], axis=1), c)
    assert two.shape == (3, 2) and np.allclose(two[:, 0], two[:, 1])


@pytest.mark.parametrize("kwargs,exc,phrase", [
    (dict(coefficients=[]), ValueError, "non-empty"),
    (dict(coefficients=[1.0, np.nan]), ValueError, "finite"),
    (dict(coefficients=[1.0], bounds=(1.0, -1.0)), ValueError, "low < high"),
    (dict(coefficients=[1.0], x0=2.0), ValueError, "outside"),
    (dict(coefficients=[1.0], lr="0.1"), TypeError, "lr"),
])
def test_bad_input_is_refused_clearly(kwargs, exc, phrase):
    kwargs = {"lr": 0.1, **kwargs}
    with pytest.raises(exc, match=phrase):
        projected_run("adam", **kwargs)


def test_bad_sequence_arguments():
    with pytest.raises(ValueError, match="period"):
        reddi_coefficients(10, period=1)
    with pytest.raises(TypeError, match="steps"):
        reddi_coefficients(10.0)
    with pytest.raises(ValueError, match="one point per loss"):
        average_regret(np.zeros(2), np.ones(3))
