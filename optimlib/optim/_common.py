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
    if abs(w) < 0.5:
        a += w * (b - a)
    else:
        a[...] = b - (b - a) * (1 - w)
