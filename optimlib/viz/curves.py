"""Curves: losses against steps, and the per-coordinate step sizes of adaptive methods."""
from __future__ import annotations

import numpy as np

from ..train import diverged
from .style import axes, color, label

__all__ = ["loss_curves", "effective_lr", "effective_step_sizes"]


def loss_curves(histories: dict, ax=None, log: bool = True, f_min: float | None = None,
                xlabel: str = "step", ylabel: str | None = None, figsize=None):
    """Each history of ``histories`` (name -> 1-D array of losses) in its optimizer's colour, on
    a log scale by default. With ``f_min``, plots the gap ``loss - f_min`` instead (the quantity
    whose rate theory predicts). A history that became non-finite ends there. Returns the ``Axes``."""
    ax = axes(ax, figsize)
    for name, h in histories.items():
        h = np.asarray(h, dtype=float).ravel()
        bad = diverged(h)
        if bad.any():
            h = h[: np.argmax(bad)]
        y = h - f_min if f_min is not None else h
        if log:
            y = np.where(y > 0, y, np.nan)  # a log axis cannot show 0; mark where it is reached
        ax.plot(np.arange(len(y)), y, color=color(name), label=label(name))
    if log:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel or (r"$f(\theta_t) - f^\star$" if f_min is not None else "loss"))
    if histories:
        ax.legend()
    return ax


def effective_lr(opt) -> list[np.ndarray]:
    """Per coordinate, the step size of ``opt``'s last step, one array per parameter: what
    multiplied its direction (the gradient, or the first moment). Each optimizer defines it next
    to its update (``opt.effective_lr()``, e.g. :meth:`optimlib.optim.Adam.effective_lr`).

    Take at least one step first: before it, there is no state to read."""
    return [np.asarray(e, dtype=float) for e in opt.effective_lr()]


def effective_step_sizes(source, ax=None, kind: str = "auto", lr=None, eps: float = 1e-8,
                         bins: int = 40, figsize=None):
    """A picture of the per-coordinate effective step size of adaptive methods.

    ``source``: an optimizer (read with :func:`effective_lr`), or a dict ``name -> optimizer``
    or ``name -> array``. Arrays are effective step sizes, or, when ``lr`` is given, second-moment
    estimates ``v`` turned into ``lr / (sqrt(v) + eps)``.

    ``kind``: ``"hist"`` (a histogram per optimizer on a log axis: how spread the steps are),
    ``"heatmap"`` (one 2-D parameter, e.g. a weight matrix, coloured on a log scale), ``"bar"``
    (one bar per coordinate: a 2-D test problem), or ``"auto"`` (bar for up to 12 coordinates,
    heatmap for a single matrix, hist otherwise). Returns the ``Axes``."""
    import matplotlib.colors as mcolors
    from ..optim import Optimizer
    if isinstance(source, Optimizer) or not isinstance(source, dict):
        key = type(source).__name__.lower() if isinstance(source, Optimizer) else "steps"
        source = {key: source}
    data = {}
    for name, v in source.items():
        if isinstance(v, Optimizer):
            arrs = effective_lr(v)
        else:
            arrs = [np.asarray(a, dtype=float) for a in (v if isinstance(v, (list, tuple)) else [v])]
            if lr is not None:
                arrs = [lr / (np.sqrt(a) + eps) for a in arrs]
        data[name] = arrs
    sizes = [sum(a.size for a in arrs) for arrs in data.values()]
    if kind == "auto":
        if max(sizes) <= 12:
            kind = "bar"
        elif len(data) == 1 and len(next(iter(data.values()))) == 1 \
                and next(iter(data.values()))[0].ndim == 2:
            kind = "heatmap"
        else:
            kind = "hist"
    ax = axes(ax, figsize)
    if kind == "heatmap":
        name, arrs = next(iter(data.items()))
        a = arrs[0] if arrs[0].ndim == 2 else np.atleast_2d(np.concatenate([x.ravel() for x in arrs]))
        pos = a[a > 0]
        norm = mcolors.LogNorm(vmin=pos.min(), vmax=pos.max()) if pos.size and pos.max() > pos.min() else None
        im = ax.imshow(a, norm=norm, cmap="viridis", aspect="auto", interpolation="nearest")
        ax.figure.colorbar(im, ax=ax, label="effective step size")
        ax.set_title(f"{label(name)}: step size per parameter")
        ax.set_xlabel("column")
        ax.set_ylabel("row")
        ax.grid(False)
    elif kind == "bar":
        names = list(data)
        n = max(sizes)
        width = 0.8 / len(names)
        for i, name in enumerate(names):
            e = np.concatenate([a.ravel() for a in data[name]])
            ax.bar(np.arange(e.size) + (i - (len(names) - 1) / 2) * width, e, width,
                   color=color(name), label=label(name))
        ax.set_xticks(np.arange(n), [rf"$\theta_{{{i + 1}}}$" for i in range(n)])
        ax.set_yscale("log")
        ax.set_ylabel("effective step size")
        ax.legend()
    elif kind == "hist":
        allv = np.concatenate([np.concatenate([a.ravel() for a in arrs]) for arrs in data.values()])
        allv = allv[np.isfinite(allv) & (allv > 0)]
        lo, hi = (allv.min(), allv.max()) if allv.size else (1e-8, 1.0)
        if hi <= lo:
            lo, hi = lo / 2, hi * 2
        edges = np.geomspace(lo, hi, bins + 1)
        for name, arrs in data.items():
            e = np.concatenate([a.ravel() for a in arrs])
            ax.hist(e[np.isfinite(e) & (e > 0)], bins=edges, histtype="step", lw=1.8,
                    color=color(name), label=label(name))
        ax.set_xscale("log")
        ax.set_xlabel("effective step size per parameter")
        ax.set_ylabel("parameters")
        ax.legend()
    else:
        raise ValueError(f"kind must be 'auto', 'hist', 'heatmap' or 'bar', got {kind!r}")
    return ax
