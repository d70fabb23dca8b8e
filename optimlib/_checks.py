"""Every argument check of optimlib, in one place: each error names the argument and what it
accepts. One exception type per kind of mistake: a wrong type is a ``TypeError`` (a string where
a number belongs, a float array of labels, 0.9 for a switch); a wrong value, range or shape is a
``ValueError``."""
from __future__ import annotations

import math
import numbers

import numpy as np


def check_number(name: str, value, low=None, high=None, *, low_open=False, high_open=False) -> float:
    """Return ``float(value)`` if it is a finite real in the stated range, else raise ``ValueError``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__} {value!r}")
    value = float(value)
    lo = "(" if low_open else "["
    hi = ")" if high_open or high is None else "]"  # inf itself is never accepted
    rng = f"{lo}{'-inf' if low is None else low}, {'inf' if high is None else high}{hi}"
    if (not math.isfinite(value)
            or (low is not None and (value < low or (low_open and value == low)))
            or (high is not None and (value > high or (high_open and value == high)))):
        raise ValueError(f"{name} must lie in {rng}, got {value!r}")
    return value


def check_float_array(name: str, a) -> np.ndarray:
    """``a`` must be a NumPy array of floating dtype (integer arrays cannot hold small steps)."""
    if not isinstance(a, np.ndarray):
        raise TypeError(f"{name} must be a NumPy array, got {type(a).__name__}")
    if not np.issubdtype(a.dtype, np.floating):
        raise TypeError(f"{name} must have a floating dtype (float32 or float64), got {a.dtype}; "
                        f"convert it with .astype(np.float64)")
    return a


def check_same_length(X, y, xname="X", yname="y") -> None:
    if len(X) != len(y):
        raise ValueError(f"{xname} and {yname} must have the same number of rows, "
                         f"got {len(X)} and {len(y)}")


def check_count(name: str, value, low: int = 0) -> int:
    """``value`` must be an integer (not a bool) and at least ``low``: a number of steps, trials..."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer >= {low}, got {type(value).__name__} {value!r}")
    if value < low:
        raise ValueError(f"{name} must be an integer >= {low}, got {value!r}")
    return int(value)


def check_flag(name: str, value) -> bool:
    """A switch such as ``amsgrad`` must be a bool (a stray number is more likely a misplaced argument)."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {type(value).__name__} {value!r}")
    return bool(value)


def check_pair(name: str, value, what: str) -> tuple:
    """``value`` must unpack into two items; ``what`` describes them: ``"(min, max)"``."""
    try:
        a, b = value
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a pair {what}, got {value!r}") from None
    return a, b


def check_betas(value) -> tuple[float, float]:
    """``betas`` must be a pair of numbers, each in [0, 1)."""
    b1, b2 = check_pair("betas", value, "(beta1, beta2), each in [0, 1)")
    return (check_number("betas[0]", b1, 0.0, 1.0, high_open=True),
            check_number("betas[1]", b2, 0.0, 1.0, high_open=True))


def check_eps(value) -> float:
    """``eps`` keeps a denominator away from zero, so it must be strictly positive."""
    return check_number("eps", value, 0.0, low_open=True)


def check_labels(name: str, y, n_classes: int) -> np.ndarray:
    """``y`` as a 1-D integer array of class indices in ``[0, n_classes)``."""
    y = np.asarray(y)
    if not np.issubdtype(y.dtype, np.integer):
        raise TypeError(f"{name} must hold integer class indices, got dtype {y.dtype}; "
                        f"convert labels with .astype(np.int64)")
    if y.ndim != 1:
        raise ValueError(f"{name} must be a 1-D array of class indices, got shape {y.shape}")
    # why check: a label -1 would silently index the last class
    if y.size and (y.min() < 0 or y.max() >= n_classes):
        raise ValueError(f"{name} must hold class indices in [0, {n_classes - 1}], "
                         f"got min {y.min()} and max {y.max()}")
    return y
