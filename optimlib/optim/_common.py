"""What the optimizers' updates share: torch's ``lerp`` (their argument checks are in
``optimlib._checks``)."""
from __future__ import annotations

import numpy as np

__all__ = ["lerp_"]


def lerp_(a: np.ndarray, b, w: float) -> None:
    r"""In place, :math:`a \leftarrow a + w\,(b - a)`: an exponential moving average step.

    Computed as ``torch.lerp`` does, from the nearer end for accuracy: from ``a`` when
    :math:`|w| < 1/2`, else as :math:`b - (1 - w)(b - a)`.
    """
    d = np.subtract(b, a)  # one temporary, scaled in place (a slice's temporaries cost time)
    if abs(w) < 0.5:
        d *= w
        a += d
    else:
        d *= 1 - w
        np.subtract(b, d, out=a)
