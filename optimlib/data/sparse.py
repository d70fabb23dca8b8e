"""A synthetic classification problem with sparse features, the case Adagrad was made for.

Think of a bag of words: a few features (common words) are present in most examples and say
nothing about the label; most features (rare words) are present in few examples, and those are
the ones that decide it. A single step size cannot suit both kinds: large enough for the rare
features to learn from their few occurrences, it is too large for the frequent ones.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .._checks import check_number

__all__ = ["SparseFeatures", "make_sparse_features"]


class SparseFeatures(NamedTuple):
    X_train: np.ndarray
    y_train: np.ndarray
    X_val: np.ndarray
    y_val: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    #: the weights that generated the labels (0 for the uninformative features)
    w_star: np.ndarray
    #: the probability that each feature is present in an example
    frequency: np.ndarray
    #: which features carry information about the label
    informative: np.ndarray

    @property
    def n_features(self) -> int:
        return self.X_train.shape[1]

    n_classes = 2

    def fit_data(self, validation: bool = True):
        """``(X_train, y_train, X_val, y_val)``, or with ``validation=False`` the test split in
        place of the validation one. (:func:`optimlib.train.fit` also takes the whole tuple and
        then scores both splits, as ``History.val_loss`` and ``History.test_loss``.)"""
        if validation:
            return self.X_train, self.y_train, self.X_val, self.y_val
        return self.X_train, self.y_train, self.X_test, self.y_test


def _count(name: str, value, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
        raise ValueError(f"{name} must be an integer >= {low}, got {value!r}")
    return int(value)


def make_sparse_features(n_train: int = 4000, n_val: int = 1000, n_test: int = 1000, *,
                         n_frequent: int = 40, n_rare: int = 400, frequent: tuple = (0.95, 0.2),
                         rare: float = 0.01, scale: float = 3.0, seed: int = 0) -> SparseFeatures:
    r"""A seeded binary problem with ``n_frequent`` common, uninformative features and
    ``n_rare`` rare, informative ones.

    Each example's features are independent 0/1 indicators: frequent feature j is present with
    probability falling geometrically from ``frequent[0]`` to ``frequent[1]``, each rare feature
    with probability ``rare``. The label is drawn from a logistic model that only the rare
    features drive, :math:`P(y = 1 \mid x) = \sigma(w^{\star\top} x - b)`, with
    :math:`w^\star_j \sim \mathcal N(0, \text{scale}^2)` on the rare features, 0 on the frequent
    ones, and :math:`b` centring the logit. The frequent features are therefore pure noise with
    large curvature, the rare ones signal with small curvature.

    Returns a :class:`SparseFeatures` (which :func:`optimlib.train.fit` reads like the digits
    with a validation split) with float64 features and int64 labels 0/1 for the three
    splits (train, validation, test), all drawn from the same distribution by
    ``np.random.default_rng(seed)``: the same seed gives the same arrays.
    """
    n_train, n_val, n_test = (_count(k, v, 1) for k, v in
                              (("n_train", n_train), ("n_val", n_val), ("n_test", n_test)))
    n_frequent, n_rare = _count("n_frequent", n_frequent, 0), _count("n_rare", n_rare, 1)
    try:
        hi, lo = (check_number(f"frequent[{i}]", f, 0.0, 1.0, low_open=True)
                  for i, f in enumerate(frequent))
    except (TypeError, ValueError) as e:
        if isinstance(e, ValueError) and "frequent[" in str(e):
            raise
        raise TypeError(f"frequent must be a pair (highest, lowest) of probabilities, got {frequent!r}") from None
    rare = check_number("rare", rare, 0.0, 1.0, low_open=True)
    scale = check_number("scale", scale, 0.0, low_open=True)

    rng = np.random.default_rng(seed)
    frequency = np.concatenate([np.geomspace(hi, lo, n_frequent), np.full(n_rare, rare)])
    informative = np.arange(n_frequent + n_rare) >= n_frequent
    w_star = np.where(informative, scale * rng.standard_normal(n_frequent + n_rare), 0.0)
    n = n_train + n_val + n_test
    X = (rng.random((n, frequency.size)) < frequency).astype(np.float64)
    logit = X @ w_star
    logit -= np.median(logit)                         # balanced classes
    y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(np.int64)
    a, b = n_train, n_train + n_val
    return SparseFeatures(X[:a], y[:a], X[a:b], y[a:b], X[b:], y[b:], w_star, frequency,
                          informative)
