"""Data sets that ship with optimlib, and small synthetic ones. Nothing is downloaded.

``load_digits()`` returns the UCI optical handwritten digits (8x8, 1,797 images, CC BY 4.0;
see ``optimlib/data/README.md``) with a fixed train/test split; ``load_digits(validation=True)``
also carves a fixed validation split out of the training images, for choosing hyperparameters
without looking at the test set. ``make_sparse_features()`` is a seeded synthetic problem with
rare informative features (the case Adagrad was made for).
"""
from __future__ import annotations

import pathlib
from typing import NamedTuple

import numpy as np

from .._checks import check_count, check_flag, check_labels

_HERE = pathlib.Path(__file__).resolve().parent

__all__ = ["Digits", "load_digits", "batches", "one_hot", "make_linear_regression",
           "SparseFeatures", "make_sparse_features"]


class Digits(NamedTuple):
    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    #: the validation split (``None`` unless ``load_digits(validation=True)``)
    X_val: np.ndarray | None = None
    y_val: np.ndarray | None = None

    @property
    def n_features(self) -> int:
        return self.X_train.shape[1]

    n_classes = 10


def load_digits(dtype=np.float64, scale: bool = True, validation: bool = False) -> Digits:
    """The shipped digits with its fixed split: 1,438 training and 359 test images.

    With ``validation=True`` the 1,438 training images are split further, into 1,151 to train on
    and 287 to validate on (``X_val``, ``y_val``; a stratified 20 %, stored in the file): choose
    hyperparameters by the validation score, then report the test score once.

    With ``scale=True`` pixels are divided by 16 so that features lie in [0, 1]; this keeps
    the same learning rates sensible across chapters. Labels are ``int64`` class indices 0..9.
    """
    validation = check_flag("validation", validation)
    with np.load(_HERE / "digits.npz") as f:
        X, y, tr, te, va = f["X"], f["y"], f["train_idx"], f["test_idx"], f["val_idx"]
    X = X.astype(dtype) / (16.0 if scale else 1.0)
    y = y.astype(np.int64)
    if not validation:
        return Digits(X[tr], y[tr], X[te], y[te])
    fit = np.setdiff1d(tr, va)
    return Digits(X[fit], y[fit], X[te], y[te], X[va], y[va])


def one_hot(y: np.ndarray, n_classes: int) -> np.ndarray:
    """Rows of the identity: ``one_hot([2, 0], 3) == [[0, 0, 1], [1, 0, 0]]``."""
    y = check_labels("y", y, check_count("n_classes", n_classes, 1))
    out = np.zeros((y.size, n_classes))
    out[np.arange(y.size), y] = 1.0
    return out


def batches(n: int, batch_size: int, rng: np.random.Generator | None = None):
    """Yield index arrays that cover ``range(n)`` once, in mini-batches (shuffled if ``rng``)."""
    batch_size = check_count("batch_size", batch_size, 1)
    order = rng.permutation(n) if rng is not None else np.arange(n)
    for start in range(0, n, batch_size):
        yield order[start:start + batch_size]


def make_linear_regression(n: int = 200, d: int = 5, noise: float = 0.1, seed: int = 0):
    """A synthetic least-squares problem ``y = X w* + noise``; returns ``X, y, w_star``."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    w_star = rng.standard_normal(d)
    return X, X @ w_star + noise * rng.standard_normal(n), w_star


from .sparse import SparseFeatures, make_sparse_features  # noqa: E402
