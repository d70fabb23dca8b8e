"""Argument checks shared by optimlib: each error names the argument and what it accepts."""
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
