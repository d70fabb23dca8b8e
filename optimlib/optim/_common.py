"""Small pieces the optimizers share: checks of betas and flags, and torch's ``lerp``."""
from __future__ import annotations

import numpy as np

from .._checks import check_number

__all__ = ["check_betas", "check_eps", "check_flag", "lerp_"]


def check_betas(value) -> tuple[float, float]:
    """``betas`` must be a pair of numbers, each in [0, 1)."""
    try:
        b1, b2 = value
    except (TypeError, ValueError):
        raise TypeError(f"betas must be a pair (beta1, beta2), each in [0, 1), got {value!r}") from None
    return (check_number("betas[0]", b1, 0.0, 1.0, high_open=True),
            check_number("betas[1]", b2, 0.0, 1.0, high_open=True))


def check_eps(value) -> float:
    """``eps`` keeps a denominator away from zero, so it must be strictly positive."""
    return check_number("eps", value, 0.0, low_open=True)


def check_flag(name: str, value) -> bool:
    """A switch such as ``amsgrad`` must be a bool (a stray number is more likely a misplaced argument)."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {type(value).__name__} {value!r}")
    return bool(value)


def lerp_(a: np.ndarray, b, w: float) -> None:
    r"""In place, :math:`a \leftarrow a + w\,(b - a)`: an exponential moving average step.

    Computed as ``torch.lerp`` does, from the nearer end for accuracy: from ``a`` when
    :math:`|w| < 1/2`, else as :math:`b - (1 - w)(b - a)`.
    """
    if abs(w) < 0.5:
        a += w * (b - a)
    else:
        a[...] = b - (b - a) * (1 - w)
