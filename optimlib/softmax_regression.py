r"""The softmax linear classifier: Part I's model, flat enough to derive.

Scores, probabilities and loss for ``n`` examples ``X`` (``n x d``) with
integer labels ``y``:

.. math::
   Z = X W + b, \qquad p_{ik} = \frac{e^{z_{ik}}}{\sum_j e^{z_{ij}}}, \qquad
   \mathcal{L}(W, b) = -\frac{1}{n} \sum_i \log p_{i y_i},

and its gradient, derived in chapter 3: with ``Y`` the one-hot labels,
:math:`\partial \mathcal{L} / \partial Z = (P - Y) / n`, so
:math:`\nabla_W \mathcal{L} = X^\top (P - Y) / n` and
:math:`\nabla_b \mathcal{L} = \mathbf{1}^\top (P - Y) / n`.

Two interfaces: functions of ``(W, b, X, y)``, to read and derive; and
:class:`SoftmaxLinear`, which binds a data set and takes one flat parameter
vector ``theta`` (``W`` row by row, then ``b``: 64 * 10 + 10 = 650 numbers for
the digits), as random search and numerical gradients want. (``optimlib.nn``
builds the same model as an MLP with no hidden layer.)
"""
from __future__ import annotations

import numpy as np

from ._checks import check_float_array, check_labels, check_same_length

__all__ = ["log_softmax", "softmax", "softmax_loss", "softmax_loss_grad",
           "predict", "accuracy", "margin", "perceptron", "n_params", "unpack", "pack",
           "SoftmaxLinear"]


def log_softmax(Z):
    r"""Row-wise :math:`z_k - \log \sum_j e^{z_j}`, computed stably.

    Subtracting the row maximum changes nothing mathematically (log-sum-exp)
    and keeps every exponent <= 0: nothing overflows, even for scores of 1000.
    """
    Z = Z - Z.max(axis=-1, keepdims=True)
    return Z - np.log(np.exp(Z).sum(axis=-1, keepdims=True))


def softmax(Z):
    """Row-wise probabilities: each row is positive and sums to 1."""
    return np.exp(log_softmax(Z))


def _check(W, b, X, y):
    check_float_array("X", X)
    if X.ndim != 2:
        raise ValueError(f"X must be 2-D (examples x features), "
                         f"got shape {X.shape}")
    if W.ndim != 2 or W.shape[0] != X.shape[1] or b.shape != (W.shape[1],):
        raise ValueError(f"W must have shape (n_features, n_classes) = "
                         f"({X.shape[1]}, k) and b shape (k,), "
                         f"got W {W.shape} and b {b.shape}")
    y = check_labels("y", y, W.shape[1])
    check_same_length(X, y)
    return y


def softmax_loss(W, b, X, y) -> float:
    """Mean cross-entropy of softmax(X @ W + b) against the labels y."""
    y = _check(W, b, X, y)
    logp = log_softmax(X @ W + b)
    return float(-logp[np.arange(len(y)), y].mean())


def softmax_loss_grad(W, b, X, y):
    """(loss, dW, db): the loss and its gradient, by the chain rule."""
    y = _check(W, b, X, y)
    n = len(y)
    logp = log_softmax(X @ W + b)
    loss = float(-logp[np.arange(n), y].mean())
    dZ = np.exp(logp)                 # P
    dZ[np.arange(n), y] -= 1.0        # P - Y
    dZ /= n                           # dL/dZ = (P - Y) / n
    return loss, X.T @ dZ, dZ.sum(axis=0)


def predict(W, b, X):
    """The class with the highest score, for each row of X."""
    return np.argmax(X @ W + b, axis=1)


def accuracy(W, b, X, y) -> float:
    """The fraction of rows of X whose predicted class is y."""
    y = _check(W, b, X, y)
    return float(np.mean(predict(W, b, X) == y))


def margin(W, b, X, y) -> float:
    r"""The smallest lead of the true class's score over the best other one,
    :math:`\min_i \big(z_{i y_i} - \max_{k \ne y_i} z_{ik}\big)`: positive exactly when (W, b)
    classifies every row correctly, with room to spare."""
    y = _check(W, b, X, y)
    Z = X @ W + b
    rows = np.arange(len(y))
    true = Z[rows, y].copy()
    Z[rows, y] = -np.inf
    return float(np.min(true - Z.max(axis=1)))


def perceptron(X, y, n_classes: int = 10, max_epochs: int = 1000):
    """(W, b) with a positive :func:`margin` on (X, y), by the multiclass perceptron.

    For each example whose true class does not beat every other class strictly, add the
    example to the true class's template and subtract it from the runner-up's. If the data are
    linearly separable this stops after finitely many corrections (Novikoff's theorem); the
    result certifies separability. Raises ``RuntimeError`` if ``max_epochs`` pass without it.
    """
    W, b = np.zeros((X.shape[1], n_classes)), np.zeros(n_classes)
    y = _check(W, b, X, y)
    if not isinstance(max_epochs, (int, np.integer)) or max_epochs < 1:
        raise ValueError(f"max_epochs must be a positive integer, got {max_epochs!r}")
    for _ in range(max_epochs):
        corrections = 0
        for x, k in zip(X, y):
            z = x @ W + b
            z_true, z[k] = z[k], -np.inf
            rival = int(np.argmax(z))
            if z_true <= z[rival]:                 # wrong, or a tie: correct both templates
                W[:, k] += x; b[k] += 1.0
                W[:, rival] -= x; b[rival] -= 1.0
                corrections += 1
        if corrections == 0:
            return W, b
    raise RuntimeError(f"no separating (W, b) after {max_epochs} epochs: the data may not be linearly "
                       "separable; raise max_epochs to look longer")


# -- one flat vector of parameters -------------------------------------------
def n_params(n_features: int = 64, n_classes: int = 10) -> int:
    """Length of theta: n_features * n_classes + n_classes (650 for digits)."""
    return n_features * n_classes + n_classes


def unpack(theta, n_features: int = 64, n_classes: int = 10):
    """W, b as *views* into theta: changing theta changes them, and back."""
    size = n_params(n_features, n_classes)
    if theta.shape != (size,):
        raise ValueError(f"theta must have shape ({size},) for {n_features} "
                         f"features and {n_classes} classes, "
                         f"got {theta.shape}")
    k = n_features * n_classes
    return theta[:k].reshape(n_features, n_classes), theta[k:]


def pack(W, b):
    """The flat vector theta holding W (row by row), then b."""
    dtype = np.result_type(W, b, np.float64)
    return np.concatenate([np.ravel(W), np.ravel(b)]).astype(dtype)


class SoftmaxLinear:
    """The classifier bound to a data set (X, y), as functions of theta.

    ``model.loss``, ``model.grad`` and ``model.accuracy`` take one flat
    vector, so they plug straight into ``optimlib.random_search`` and
    ``optimlib.gradients.numerical_gradient``.
    """

    def __init__(self, X, y, n_classes: int = 10):
        self.n_features, self.n_classes = X.shape[1], n_classes
        _check(np.zeros((X.shape[1], n_classes)), np.zeros(n_classes), X, y)
        self.X, self.y = X, np.asarray(y)
        self.size = n_params(self.n_features, n_classes)

    def unpack(self, theta):
        return unpack(theta, self.n_features, self.n_classes)

    def init(self, rng: np.random.Generator, scale: float = 0.01):
        """Small random weights, scale * N(0, 1), and zero biases."""
        theta = np.zeros(self.size)
        W, _ = self.unpack(theta)
        W[...] = scale * rng.standard_normal(W.shape)
        return theta

    def loss(self, theta) -> float:
        return softmax_loss(*self.unpack(theta), self.X, self.y)

    def grad(self, theta):
        _, dW, db = softmax_loss_grad(*self.unpack(theta), self.X, self.y)
        return pack(dW, db)

    def loss_grad(self, theta):
        loss, dW, db = softmax_loss_grad(*self.unpack(theta), self.X, self.y)
        return loss, pack(dW, db)

    def accuracy(self, theta, X=None, y=None) -> float:
        """Accuracy on the bound data, or on (X, y), e.g. the test set."""
        X, y = (self.X, self.y) if X is None else (X, y)
        return accuracy(*self.unpack(theta), X, y)
