"""Landscapes and trajectories: a test problem's contour picture, and optimizers' paths on it."""
from __future__ import annotations

import numpy as np

from ..runs import cut, finite_part
from .style import axes, color, label

__all__ = ["contour", "trajectories"]


def _levels(problem, F, levels):
    if levels is not None and not np.isscalar(levels):
        return np.asarray(levels, dtype=float)
    n = 20 if levels is None else int(levels)
    lo, hi = float(np.nanmin(F)), float(np.nanmax(F))
    if problem.log_levels:
        fmin = problem.f_min if problem.f_min is not None else lo
        base = max(lo - fmin, 0.0)
        lo_ = max(base, (hi - fmin) * 1e-6, 1e-12)
        return fmin + np.logspace(np.log10(lo_), np.log10(hi - fmin), n)
    if lo >= 0:  # a bowl: square-root spacing packs levels near the minimum, like a log scale
        return lo + (hi - lo) * np.linspace(0, 1, n + 1)[1:] ** 2
    return np.linspace(lo, hi, n + 1)[1:-1]


def contour(problem, ax=None, levels=None, n: int = 200, filled: bool = True, star: bool = True,
            figsize=None):
    """The landscape of ``problem`` over its window: ``levels`` contour lines (log-spaced when
    ``problem.log_levels``), shaded lightly so that coloured paths stand out, the minimum marked
    with a star. Returns the ``Axes``."""
    ax = axes(ax, figsize)
    X1, X2, F = problem.grid(n)
    lv = _levels(problem, F, levels)
    if problem.log_levels:  # shade on the log scale the levels are spaced on
        f0 = (problem.f_min if problem.f_min is not None else float(np.nanmin(F))) - 1e-12
        G, lg = np.log10(np.maximum(F - f0, 1e-300)), np.log10(np.maximum(lv - f0, 1e-300))
    else:
        G, lg = F, lv
    if filled:
        bands = np.unique(np.r_[min(np.nanmin(G), lg[0]) - 1, lg, max(np.nanmax(G), lg[-1]) + 1])
        ax.contourf(X1, X2, G, levels=bands, cmap="Greys_r", alpha=0.2)
    ax.contour(X1, X2, G, levels=lg, colors="0.45", linewidths=0.6, alpha=0.8)
    if star and problem.minimum is not None:
        ax.plot(*problem.minimum, marker="*", markersize=13, color="gold", markeredgecolor="k",
                markeredgewidth=0.8, linestyle="none", zorder=5, label="_minimum")
    if problem.minimum is None and problem.name == "saddle":
        ax.plot(0, 0, marker="X", markersize=8, color="w", markeredgecolor="k", zorder=5,
                linestyle="none", label="_saddle point")
    (a, b), (c, d) = problem.window
    ax.set_xlim(a, b)
    ax.set_ylim(c, d)
    ax.set_aspect("equal", adjustable="box")
    ax.set_xlabel(r"$\theta_1$")
    ax.set_ylabel(r"$\theta_2$")
    ax.grid(False)
    ax.set_title(ax.get_title() or problem.name.capitalize())
    return ax


def trajectories(problem, paths: dict, ax=None, legend: bool = True, markers: bool | None = None,
                 levels=None, figsize=None, loc="best"):
    """``problem``'s contour with each path of ``paths`` (name -> ``(k, 2)`` array) drawn in its
    optimizer's colour: a hollow circle at the start, a filled one at the end, and a dot per
    iterate when the paths are short (``markers``). A path that diverged ends where it left
    (its label says so). Returns the ``Axes``."""
    ax = contour(problem, ax=ax, levels=levels, figsize=figsize)
    for name, path in paths.items():
        full = cut(problem, path)
        p = finite_part(problem, full)
        c = color(name)
        if len(p) == 0:
            continue
        show_dots = markers if markers is not None else len(p) <= 60
        diverged = len(p) < len(full)
        ax.plot(p[:, 0], p[:, 1], color=c, lw=1.6, marker="o" if show_dots else None,
                markersize=2.5, label=label(name) + (" (diverged)" if diverged else ""), zorder=3)
        ax.plot(*p[0], marker="o", markersize=7, markerfacecolor="w", markeredgecolor="k",
                linestyle="none", zorder=4)
        ax.plot(*p[-1], marker="o", markersize=6, color=c, markeredgecolor="k",
                markeredgewidth=0.7, linestyle="none", zorder=4)
    if legend and paths:
        ax.legend(loc=loc, frameon=True, framealpha=0.85)
    return ax
