"""The shared test problems: analytic gradients against numerical ones, known minima verified."""
import numpy as np
import pytest

from optimlib.gradients import numerical_gradient, relative_error
from optimlib.problems import BEALE, PROBLEMS, QUADRATIC, ROSENBROCK, SADDLE

ALL = list(PROBLEMS.values())
WITH_MINIMUM = [p for p in ALL if p.minimum is not None]


def random_points(problem, n=20, seed=0):
    rng = np.random.default_rng(seed)
    (a, b), (c, d) = problem.window
    return np.column_stack([rng.uniform(a, b, n), rng.uniform(c, d, n)])


@pytest.mark.parametrize("problem", ALL, ids=lambda p: p.name)
def test_gradient_matches_central_differences(problem):
    for x in random_points(problem):
        analytic = problem.grad(x)
        numeric = numerical_gradient(problem.value, x.copy(), h=1e-6)
        # relative to the gradient's size, plus round-off of f (values reach ~1e5 on Beale's window)
        scale = np.abs(analytic).max() + 1e-10 * max(1.0, abs(problem.value(x))) / 1e-6
        assert np.max(np.abs(analytic - numeric)) <= 1e-6 * scale, (problem.name, x, analytic, numeric)


@pytest.mark.parametrize("problem", ALL, ids=lambda p: p.name)
def test_value_and_grad_work_on_grids(problem):
    X1, X2, F = problem.grid(7)
    assert F.shape == (7, 7)
    G = problem.grad(np.stack([X1, X2]))
    assert G.shape == (2, 7, 7)
    i, j = 3, 5
    x = np.array([X1[i, j], X2[i, j]])
    assert F[i, j] == pytest.approx(problem.value(x))
    np.testing.assert_allclose(G[:, i, j], problem.grad(x))


@pytest.mark.parametrize("problem", WITH_MINIMUM, ids=lambda p: p.name)
def test_known_minimum_is_stationary_and_lowest_nearby(problem):
    x_star = np.array(problem.minimum, dtype=float)
    np.testing.assert_allclose(problem.grad(x_star), 0.0, atol=1e-12)
    assert problem.f_min == pytest.approx(0.0, abs=1e-12)
    rng = np.random.default_rng(1)
    for r in (1e-3, 1e-2, 1e-1):
        for _ in range(50):
            u = rng.standard_normal(2)
            assert problem.value(x_star + r * u / np.linalg.norm(u)) > problem.f_min


@pytest.mark.parametrize("problem", WITH_MINIMUM, ids=lambda p: p.name)
def test_minimum_and_start_lie_in_the_window(problem):
    (a, b), (c, d) = problem.window
    for x1, x2 in (problem.minimum, problem.start):
        assert a <= x1 <= b and c <= x2 <= d


def test_saddle_is_stationary_but_not_a_minimum():
    assert SADDLE.minimum is None and SADDLE.f_min is None
    np.testing.assert_allclose(SADDLE.grad(np.zeros(2)), 0.0)
    assert SADDLE.value(np.array([0.0, 0.1])) < SADDLE.value(np.zeros(2)) < SADDLE.value(np.array([0.1, 0.0]))


def test_quadratic_curvatures():
    assert QUADRATIC.L == pytest.approx(4.0)
    assert QUADRATIC.mu == pytest.approx(0.2)
    assert QUADRATIC.kappa == pytest.approx(20.0)
    np.testing.assert_allclose(np.linalg.eigvalsh(QUADRATIC.hessian), [0.2, 4.0])
    # the gradient is the Hessian times x
    x = np.array([1.5, -0.5])
    np.testing.assert_allclose(QUADRATIC.grad(x), QUADRATIC.hessian @ x)


def test_rosenbrock_hessian_at_minimum_by_finite_differences():
    """The Hessian at (1, 1) is [[802, -400], [-400, 200]] (used by chapter 1's exercise)."""
    x = np.array(ROSENBROCK.minimum)
    H = np.column_stack([numerical_gradient(lambda z: ROSENBROCK.grad(z)[i], x.copy(), h=1e-5) for i in range(2)])
    assert relative_error(H, [[802.0, -400.0], [-400.0, 200.0]]) < 1e-8


def test_beale_known_value():
    # f(0, 0) = 1.5² + 2.25² + 2.625²
    assert BEALE.value(np.zeros(2)) == pytest.approx(1.5 ** 2 + 2.25 ** 2 + 2.625 ** 2)
