"""Numerical gradients: accuracy of both methods, their error orders, gradient checking, bad input."""
import numpy as np
import pytest

from optimlib.gradients import check_gradient, numerical_gradient, relative_error


def f(x):
    return float(np.sum(np.sin(x)) + np.sum(x ** 3))


def grad_f(x):
    return np.cos(x) + 3 * x ** 2


X = np.array([0.3, -1.2, 2.0])


@pytest.mark.parametrize("method,tol", [("central", 1e-9), ("forward", 1e-6)])
def test_numerical_gradient_matches_analytic(method, tol):
    num = numerical_gradient(f, X.copy(), method=method, h=1e-6 if method == "central" else 1e-8)
    assert relative_error(num, grad_f(X)) < tol


def test_x_is_restored():
    x = X.copy()
    numerical_gradient(f, x)
    np.testing.assert_array_equal(x, X)


def test_works_on_matrices():
    A = np.arange(6.0).reshape(2, 3) / 10
    num = numerical_gradient(lambda a: float(np.sum(a ** 2)), A.copy())
    np.testing.assert_allclose(num, 2 * A, rtol=1e-8)


def test_error_orders():
    """Forward differences are first order, central second order: halving h halves resp. quarters
    the error (h large enough that round-off does not matter)."""
    g = grad_f(X)
    err = {m: [np.max(np.abs(numerical_gradient(f, X.copy(), h=h, method=m) - g)) for h in (1e-2, 5e-3)]
           for m in ("forward", "central")}
    assert err["forward"][0] / err["forward"][1] == pytest.approx(2, rel=0.05)
    assert err["central"][0] / err["central"][1] == pytest.approx(4, rel=0.05)


def test_forward_uses_n_plus_one_and_central_2n_evaluations():
    calls = {"n": 0}

    def counted(x):
        calls["n"] += 1
        return f(x)

    numerical_gradient(counted, X.copy(), method="central")
    assert calls["n"] == 2 * X.size
    calls["n"] = 0
    numerical_gradient(counted, X.copy(), method="forward")
    assert calls["n"] == X.size + 1


def test_relative_error():
    assert relative_error([1.0, 2.0], [1.0, 2.0]) == 0.0
    assert relative_error([1.0], [1.1]) == pytest.approx(0.1 / 2.1)
    assert relative_error([0.0], [0.0]) == 0.0            # the floor avoids 0 / 0
    assert relative_error([], []) == 0.0
    with pytest.raises(ValueError, match="shapes differ"):
        relative_error([1.0, 2.0], [1.0])


def test_check_gradient_passes_and_fails_with_a_clear_message():
    assert check_gradient(f, grad_f, X.copy()) < 1e-8
    with pytest.raises(AssertionError, match=r"relative error .* worst at index"):
        check_gradient(f, lambda x: grad_f(x) + np.array([0.0, 1e-2, 0.0]), X.copy())


# -- bad input ------------------------------------------------------------------------------------
def test_integer_array_is_a_type_error():
    with pytest.raises(TypeError, match="floating dtype"):
        numerical_gradient(f, np.array([1, 2, 3]))


def test_list_is_a_type_error():
    with pytest.raises(TypeError, match="NumPy array"):
        numerical_gradient(f, [1.0, 2.0])


@pytest.mark.parametrize("h", [0.0, -1e-6, float("nan"), float("inf")])
def test_bad_h_is_a_value_error_naming_h(h):
    with pytest.raises(ValueError, match=r"^h must"):
        numerical_gradient(f, X.copy(), h=h)


def test_unknown_method():
    with pytest.raises(ValueError, match="method"):
        numerical_gradient(f, X.copy(), method="backward")


def test_numerical_hessian_of_the_test_problems():
    from optimlib.gradients import numerical_hessian
    from optimlib.problems import QUADRATIC, ROSENBROCK
    assert np.allclose(numerical_hessian(QUADRATIC.grad, [1.0, -2.0]), QUADRATIC.hessian, atol=1e-8)
    H = numerical_hessian(ROSENBROCK.grad, ROSENBROCK.minimum)   # the formula at (1, 1)
    assert np.allclose(H, [[802.0, -400.0], [-400.0, 200.0]], rtol=1e-6)
    with pytest.raises(ValueError, match="1-D"):
        numerical_hessian(QUADRATIC.grad, np.zeros((2, 1)))
