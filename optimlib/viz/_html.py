"""Self-contained HTML blocks (no external file, no kernel) and the PNG encoding they embed."""
from __future__ import annotations

import hashlib
import io
import itertools

import numpy as np

__all__ = ["HTML"]


class HTML(str):
    """A block of self-contained HTML (no external files, no kernel needed) that a notebook
    displays as HTML. It is a ``str``; ``len(h)`` is its weight in bytes (it is ASCII)."""

    def _repr_html_(self):
        return str(self)

    def __repr__(self):
        return f"<HTML block: {len(self) / 1024:.0f} KB>"

    @property
    def kb(self) -> float:
        return len(self.encode()) / 1024


_counter = itertools.count()


def uid(prefix: str, payload: str) -> str:
    """A deterministic element id (same notebook, same ids: reproducible builds)."""
    return f"{prefix}{hashlib.sha1(payload.encode()).hexdigest()[:10]}{next(_counter)}"


def png(fig_or_rgba, colors: int | None = 128, dpi=None, transparent: bool = False) -> bytes:
    """PNG bytes of a figure (or an RGB(A) array), as an 8-bit palette image when ``colors``:
    line art over a light contour plot needs few colours and shrinks ~3x. ``transparent`` keeps
    the alpha channel (frames drawn over a background)."""
    from PIL import Image
    if isinstance(fig_or_rgba, np.ndarray):
        im = Image.fromarray(fig_or_rgba)
    elif isinstance(fig_or_rgba, (bytes, bytearray)):
        im = Image.open(io.BytesIO(fig_or_rgba))
    else:
        buf = io.BytesIO()
        fig_or_rgba.savefig(buf, format="png", dpi=dpi, transparent=transparent)
        buf.seek(0)
        im = Image.open(buf)
    if colors:
        if transparent:  # RGBA, mostly transparent: only what moves
            im = im.convert("RGBA").quantize(colors=colors, method=Image.Quantize.FASTOCTREE)
        else:
            im = im.convert("RGB").quantize(colors=colors)
    out = io.BytesIO()
    extra = {"dpi": (dpi, dpi)} if dpi else {}  # the pHYs chunk: a reader can tell the size in inches
    im.save(out, format="png", optimize=True, **extra)
    return out.getvalue()
