"""The softmax linear classifier: stable loss, gradient against numerical, the flat interface, bad input."""
import math

import numpy as np
import pytest

from optimlib.data import load_digits, one_hot
from optimlib.gradients import numerical_gradient, relative_error
from optimlib.softmax_regression import (SoftmaxLinear, accuracy, log_softmax, n_params, pack, predict, softmax,
                             softmax_loss, softmax_loss_grad, unpack)


def normwise_error(a, b):
    """||a - b|| / (||a|| + ||b||): unlike the worst coordinate's relative error, not swamped by the
    round-off of coordinates whose gradient is tiny (edge pixels that are almost always 0)."""
    return np.linalg.norm(a - b) / (np.linalg.norm(a) + np.linalg.norm(b))


@pytest.fixture(scope="module")
def digits():
    return load_digits()


def small_problem(n=30, d=5, k=4, seed=0, scale=1.0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    y = rng.integers(0, k, n)
    W = scale * rng.standard_normal((d, k))
    b = scale * rng.standard_normal(k)
    return W, b, X, y


def test_softmax_rows_are_probabilities():
    Z = np.array([[1.0, 2.0, 3.0], [1000.0, 1000.0, -1000.0], [-800.0, -801.0, -802.0]])
    P = softmax(Z)
    assert np.all(np.isfinite(P)) and np.all(P >= 0)
    np.testing.assert_allclose(P.sum(axis=1), 1.0)
    np.testing.assert_allclose(P[1], [0.5, 0.5, 0.0], atol=1e-300)
    np.testing.assert_allclose(P[0], np.exp([1, 2, 3]) / np.exp([1, 2, 3]).sum())


def test_log_softmax_is_shift_invariant_and_stable():
    z = np.array([[0.3, -1.0, 2.0]])
    np.testing.assert_allclose(log_softmax(z + 1000.0), log_softmax(z))
    np.testing.assert_allclose(log_softmax(z - 1000.0), log_softmax(z))


def test_zero_weights_give_log_k(digits):
    W, b = np.zeros((64, 10)), np.zeros(10)
    assert softmax_loss(W, b, digits.X_train, digits.y_train) == pytest.approx(math.log(10))


def test_loss_matches_direct_formula():
    W, b, X, y = small_problem()
    Z = X @ W + b
    direct = -np.mean(np.log(np.exp(Z[np.arange(len(y)), y]) / np.exp(Z).sum(axis=1)))
    assert softmax_loss(W, b, X, y) == pytest.approx(direct, rel=1e-12)


def test_huge_scores_stay_finite():
    W, b, X, y = small_problem(scale=1e3)
    loss, dW, db = softmax_loss_grad(W, b, X, y)
    assert math.isfinite(loss) and np.all(np.isfinite(dW)) and np.all(np.isfinite(db))


@pytest.mark.parametrize("scale", [0.01, 1.0, 5.0])
def test_gradient_matches_numerical(scale):
    W, b, X, y = small_problem(scale=scale)
    loss, dW, db = softmax_loss_grad(W, b, X, y)
    assert loss == pytest.approx(softmax_loss(W, b, X, y), rel=1e-14)
    nW = numerical_gradient(lambda W_: softmax_loss(W_, b, X, y), W.copy())
    nb = numerical_gradient(lambda b_: softmax_loss(W, b_, X, y), b.copy())
    assert normwise_error(dW, nW) < 1e-8 and relative_error(dW, nW) < 1e-5
    assert normwise_error(db, nb) < 1e-8 and relative_error(db, nb) < 1e-5


def test_dL_dZ_is_P_minus_Y_over_n():
    """With X = I (one example per row, one feature per example) dW is exactly dL/dZ."""
    rng = np.random.default_rng(3)
    n, k = 6, 4
    Z = rng.standard_normal((n, k))
    y = rng.integers(0, k, n)
    _, dW, db = softmax_loss_grad(Z.copy(), np.zeros(k), np.eye(n), y)
    np.testing.assert_allclose(dW, (softmax(Z) - one_hot(y, k)) / n, atol=1e-15)
    np.testing.assert_allclose(db, dW.sum(axis=0), atol=1e-15)


def test_gradient_on_digits(digits):
    model = SoftmaxLinear(digits.X_train[:100], digits.y_train[:100])
    theta = model.init(np.random.default_rng(0), scale=0.1)
    num = numerical_gradient(model.loss, theta.copy())
    assert normwise_error(model.grad(theta), num) < 1e-8


def test_predict_and_accuracy():
    W = np.eye(3)
    X = np.array([[1.0, 0, 0], [0, 0, 1.0], [0, 1.0, 0]])
    np.testing.assert_array_equal(predict(W, np.zeros(3), X), [0, 2, 1])
    assert accuracy(W, np.zeros(3), X, np.array([0, 2, 0])) == pytest.approx(2 / 3)


# -- the flat parameter vector ----------------------------------------------------------------------
def test_theta_layout_and_views():
    assert n_params() == 650 and n_params(4, 3) == 15
    theta = np.arange(15.0)
    W, b = unpack(theta, 4, 3)
    np.testing.assert_array_equal(W, np.arange(12.0).reshape(4, 3))
    np.testing.assert_array_equal(b, [12.0, 13.0, 14.0])
    W[0, 0] = -1.0
    assert theta[0] == -1.0                      # a view: numerical_gradient can nudge theta
    np.testing.assert_array_equal(pack(W, b), theta)


def test_model_methods_agree_with_functions(digits):
    model = SoftmaxLinear(digits.X_train, digits.y_train)
    assert model.size == 650
    theta = model.init(np.random.default_rng(0))
    W, b = model.unpack(theta)
    loss, dW, db = softmax_loss_grad(W, b, digits.X_train, digits.y_train)
    assert model.loss(theta) == pytest.approx(loss)
    np.testing.assert_allclose(model.grad(theta), pack(dW, db))
    l2, g2 = model.loss_grad(theta)
    assert l2 == loss and np.array_equal(g2, model.grad(theta))
    assert model.accuracy(theta) == accuracy(W, b, digits.X_train, digits.y_train)
    assert model.accuracy(theta, digits.X_test, digits.y_test) == accuracy(W, b, digits.X_test, digits.y_test)


def test_init_is_reproducible_with_zero_bias():
    m = SoftmaxLinear(np.zeros((3, 64)), np.zeros(3, dtype=np.int64))
    a, b_ = m.init(np.random.default_rng(5)), m.init(np.random.default_rng(5))
    np.testing.assert_array_equal(a, b_)
    assert np.all(m.unpack(a)[1] == 0) and 0 < np.abs(a).max() < 0.1


def test_a_gradient_step_lowers_the_loss(digits):
    model = SoftmaxLinear(digits.X_train, digits.y_train)
    theta = model.init(np.random.default_rng(0))
    loss, g = model.loss_grad(theta)
    assert model.loss(theta - 0.5 * g) < loss


# -- bad input ---------------------------------------------------------------------------------------
def test_X_and_y_of_different_lengths():
    W, b, X, y = small_problem()
    with pytest.raises(ValueError, match="same number of rows, got 30 and 29"):
        softmax_loss(W, b, X, y[:-1])
    with pytest.raises(ValueError, match="same number of rows"):
        softmax_loss_grad(W, b, X[:-2], y)
    with pytest.raises(ValueError, match="same number of rows"):
        SoftmaxLinear(np.zeros((5, 64)), np.zeros(4, dtype=int))


@pytest.mark.parametrize("bad", [-1, 4, 10])
def test_labels_out_of_range(bad):
    W, b, X, y = small_problem(k=4)
    y = y.copy()
    y[3] = bad
    with pytest.raises(ValueError, match=r"y must hold class indices in \[0, 3\]"):
        softmax_loss(W, b, X, y)


def test_float_labels_and_integer_X_are_type_errors():
    W, b, X, y = small_problem()
    with pytest.raises(TypeError, match="y must hold integer class indices"):
        softmax_loss(W, b, X, y.astype(float))
    with pytest.raises(TypeError, match="floating dtype"):
        softmax_loss(W, b, X.astype(int), y)


def test_wrong_shapes():
    W, b, X, y = small_problem(d=5, k=4)
    with pytest.raises(ValueError, match="W must have shape"):
        softmax_loss(W.T, b, X, y)
    with pytest.raises(ValueError, match="W must have shape"):
        softmax_loss(W, b[:-1], X, y)
    with pytest.raises(ValueError, match="theta must have shape"):
        unpack(np.zeros(649))


def test_margin_is_the_smallest_lead_of_the_true_score():
    from optimlib.softmax_regression import margin
    X = np.array([[1.0, 0.0], [0.0, 1.0]])
    W, b = np.array([[2.0, 0.0], [0.0, 0.5]]), np.zeros(2)
    assert margin(W, b, X, np.array([0, 1])) == 0.5          # leads 2 and 0.5
    assert margin(W, b, X, np.array([1, 1])) == -2.0         # the first row is misclassified


def test_perceptron_separates_the_digits_and_refuses_inseparable_data(digits):
    from optimlib.softmax_regression import margin, perceptron
    W, b = perceptron(digits.X_train, digits.y_train)
    assert margin(W, b, digits.X_train, digits.y_train) > 0  # every training image, strictly
    X = np.array([[1.0], [1.0]])                             # the same image with two labels
    with pytest.raises(RuntimeError, match="separable"):
        perceptron(X, np.array([0, 1]), n_classes=2, max_epochs=5)
    with pytest.raises(ValueError, match="max_epochs"):
        perceptron(X, np.array([0, 1]), n_classes=2, max_epochs=0)
