"""Runs on the 2-D test problems by the book's optimizer names, and sweeps over a grid of
hyperparameters: the computation behind the pictures of :mod:`optimlib.viz` (which re-exports
:func:`run`, :func:`sweep` and :class:`Sweep`).

Names: the rows of :mod:`optimlib.optim.catalog`, which include ``"gd"``, ``"momentum"`` and
``"nesterov"`` (SGD presets) and ``"amsgrad"`` (Adam with ``amsgrad=True``). A missing ``lr``
takes the name's demonstration learning rate (the catalog's ``demo_lr``). Divergence is decided by
:func:`optimlib.train.diverged`, as for :func:`~optimlib.train.minimize` and
:func:`~optimlib.train.fit`.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from .optim import catalog
from .train import diverged, minimize

__all__ = ["BLOWUP", "DEMO_LR", "BETA_MEANING", "Sweep", "make", "run", "sweep", "grid_with",
           "cut", "finite_part", "losses", "hyper_for"]

#: a run on a test problem has diverged once ``|f|`` passes ``BLOWUP * max(|f(x0)|, 1)``: far
#: outside every problem's window (on the quadratic, ~1000 times the start's distance)
BLOWUP = 1e6

#: the learning rate a name runs with on the test problems when none is given (the catalog's)
DEMO_LR = {n: e.demo_lr for n, e in catalog.CATALOG.items() if e.demo_lr is not None}

#: what the book's generic ``beta`` sets, per name (None: the optimizer has no such constant)
BETA_MEANING = {n: ("beta1" if e.beta == "betas" else e.beta)
                for n, e in catalog.CATALOG.items() if e.cls is not None}


def make(name: str, params, **hyper):
    """An optimizer by book name over ``params`` (presets applied, :data:`DEMO_LR` if no lr)."""
    e = catalog.entry(name)
    if e.demo_lr is None and "lr" not in hyper:
        raise ValueError(f"{name!r} has no demonstration learning rate: pass lr=..., or use one "
                         f"of {sorted(DEMO_LR)}")
    return catalog.make(name, params, **{"lr": e.demo_lr, **hyper})


def run(problem, optimizer="sgd", steps: int = 100, x0=None, **hyper) -> np.ndarray:
    """The path ``(steps + 1, 2)`` of ``optimizer`` on ``problem`` from ``x0`` (default
    ``problem.start``). ``optimizer`` is a name (``"gd"``, ``"momentum"`` and ``"nesterov"`` are
    SGD presets; a missing ``lr`` takes :data:`DEMO_LR`) or an optimizer holding one 2-element
    array.

    A run that diverges stops there (quietly: a picture may show a step size that is too large):
    the remaining rows are NaN, so that plots end where the run blew up."""
    x0 = np.array(problem.start if x0 is None else x0, dtype=float)
    if isinstance(optimizer, str):
        optimizer = make(optimizer, [x0.copy()], **hyper)
    elif hyper:
        raise ValueError("hyperparameters are only accepted with an optimizer name")
    out = np.full((steps + 1, 2), np.nan)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        xs = minimize(problem, optimizer, x0, steps, blowup=BLOWUP).xs
    out[:len(xs)] = xs
    return out


def losses(problem, paths) -> np.ndarray:
    """``f`` at every point of ``paths`` (shape ``(..., 2)``); NaN where a path diverged."""
    with np.errstate(all="ignore"):
        return np.asarray(problem.value(np.moveaxis(np.asarray(paths, float), -1, 0)), dtype=float)


def cut(problem, path) -> np.ndarray:
    """``path`` (``(k, 2)``) as floats, NaN from the first row where the run has diverged
    (a non-finite point, or a value past the :data:`BLOWUP` limit)."""
    p = np.array(path, dtype=float).reshape(-1, 2)
    if len(p) == 0:
        return p
    f = losses(problem, p)
    f0 = f[0] if np.isfinite(f[0]) else 1.0
    bad = diverged(f, BLOWUP * max(abs(f0), 1.0)) | ~np.all(np.isfinite(p), axis=1)
    if bad.any():
        p[np.argmax(bad):] = np.nan
    return p


def finite_part(problem, path) -> np.ndarray:
    """The rows of ``path`` before it diverged."""
    p = cut(problem, path)
    ok = np.all(np.isfinite(p), axis=1)
    return p[: (np.argmin(ok) if not ok.all() else len(p))]


@dataclass
class Sweep:
    """Paths of one optimizer over a grid of hyperparameters: ``paths[i, j, ..., k]`` is the
    point after ``k`` steps with ``params`` values number i, j, ... (NaN after divergence)."""
    problem: object
    optimizer: str
    params: dict          # name -> list of values, in grid order
    paths: np.ndarray     # (*grid shape, steps + 1, 2)
    fixed: dict

    @property
    def losses(self) -> np.ndarray:
        """``f`` along every path, shape ``(*grid shape, steps + 1)``."""
        return losses(self.problem, self.paths)


def hyper_for(optimizer: str, params: dict) -> dict:
    """Turn the book's generic names (``beta``, ``beta1``, ``beta2``) into the optimizer's own."""
    return catalog.entry(optimizer).generic_hyper(params)


def grid_with(grid, *values) -> np.ndarray:
    """``grid`` with the exact ``values`` put in (sorted, duplicates dropped): a slider then
    opens on them instead of on the nearest grid point, e.g.
    ``lr=grid_with(np.linspace(0.1, 1.0, 13), lr_polyak)``."""
    g = np.concatenate([np.asarray(grid, dtype=float).ravel(), np.asarray(values, dtype=float)])
    if not np.all(np.isfinite(g)):
        raise ValueError(f"grid values must be finite, got {g[~np.isfinite(g)]}")
    return np.unique(g)


def sweep(problem, optimizer: str = "momentum", steps: int = 100, x0=None, **grid) -> Sweep:
    """Run ``optimizer`` on ``problem`` over every combination of the hyperparameters given as
    sequences in ``grid`` (scalars are held fixed), e.g.
    ``sweep(QUADRATIC, "momentum", lr=np.linspace(0.05, 1, 20), beta=np.linspace(0, .99, 12))``.
    ``beta`` means the optimizer's averaging constant (momentum, Adam's beta1, RMSprop's alpha).
    To open a slider on exact values, put them in the grid: ``lr=grid_with(np.linspace(...), 0.668)``."""
    swept = {k: [float(x) for x in np.atleast_1d(v)] for k, v in grid.items()
             if np.ndim(v) > 0 and not isinstance(v, tuple)}
    fixed = {k: v for k, v in grid.items() if k not in swept}
    shape = tuple(len(v) for v in swept.values())
    paths = np.full((*shape, steps + 1, 2), np.nan)
    for idx in np.ndindex(*shape):
        h = {**fixed, **{k: swept[k][i] for k, i in zip(swept, idx)}}
        paths[idx] = run(problem, optimizer, steps, x0, **hyper_for(optimizer, h))
    return Sweep(problem, optimizer, swept, paths, fixed)
