"""One visual language for the whole book: the same test problems, one colour per optimizer.

Static pictures (matplotlib; each returns the ``Axes`` it drew on, ``ax.figure`` is the figure):

- :func:`contour` the loss landscape of a problem, its minimum starred;
- :func:`trajectories` several optimizers' paths on one landscape, each in its own colour;
- :func:`loss_curves` loss (or the gap to the optimum) against step, log scale;
- :func:`effective_step_sizes` the per-parameter step ``lr / (sqrt(v) + eps)`` of adaptive
  methods (:func:`effective_lr` reads it from an optimizer's state).

Pictures that move in the static HTML, without a kernel (each returns an :class:`HTML` block,
self-contained: no external file, no CDN):

- :func:`race` several optimizers racing: a matplotlib ``FuncAnimation`` exported as JavaScript,
  whose frames hold only the moving paths (transparent PNGs over a contour picture sent once),
  so that 50 frames weigh ~100-300 KB;
- :func:`slider` a Distill-style explorable: paths precomputed over a grid of hyperparameters
  (:func:`sweep`), scrubbed with ``<input type=range>`` controls, drawn on an inline SVG.

For live notebooks: :func:`explorer`, an ipywidgets panel (optimizer, lr, beta, problem, steps).
Runs on the test problems: :func:`run` (a path, NaN after divergence; ``"gd"``, ``"momentum"``
and ``"nesterov"`` are SGD presets).

Colours: :data:`COLORS` maps every optimizer the book studies to one fixed colour of
colour-blind-safe palettes (Okabe & Ito; Tol's "muted"); :func:`color` looks a name up
(``color("Adam (lr=0.1)")`` is Adam's colour) and :func:`label` spells it for legends.
Call :func:`use_style` once per chapter for the book's matplotlib settings.
"""
from __future__ import annotations

import base64
import hashlib
import io
import itertools
import json
import re
import warnings
from dataclasses import dataclass

import numpy as np

from .train import minimize

__all__ = ["COLORS", "LABELS", "color", "label", "use_style", "run", "contour", "trajectories",
           "loss_curves", "effective_lr", "effective_step_sizes", "HTML", "race", "Sweep", "sweep",
           "slider", "explorer"]

# --------------------------------------------------------------------------------------------
# Colours and names
# --------------------------------------------------------------------------------------------

#: one fixed colour per optimizer, used in every chapter. Okabe & Ito's eight colour-blind-safe
#: colours go to the methods most often compared with each other; Paul Tol's "muted" palette
#: (also colour-blind-safe) covers the rest. Families share a hue family where it helps reading:
#: the SGD family is blue/orange/red, the Adam family purples.
COLORS: dict[str, str] = {
    "gd":                  "#000000",  # black: plain (full-batch) gradient descent
    "sgd":                 "#0072B2",  # blue
    "momentum":            "#E69F00",  # orange
    "nesterov":            "#D55E00",  # vermillion
    "adagrad":             "#009E73",  # bluish green
    "rmsprop":             "#56B4E9",  # sky blue
    "adadelta":            "#44AA99",  # teal
    "adam":                "#CC79A7",  # reddish purple
    "adamw":               "#882255",  # wine
    "adamax":              "#AA4499",  # purple
    "nadam":               "#CC6677",  # rose
    "radam":               "#332288",  # indigo
    "amsgrad":             "#999933",  # olive
    "lion":                "#117733",  # green
    "muon":                "#DDAA33",  # ochre
    "schedulefree":        "#88CCEE",  # cyan
    "adafactor":           "#997700",  # dark yellow
    "random_search":       "#888888",  # grey
    "random_local_search": "#4D4D4D",  # dark grey
}

#: how each name is written in legends and titles
LABELS: dict[str, str] = {
    "gd": "GD", "sgd": "SGD", "momentum": "Momentum", "nesterov": "Nesterov",
    "adagrad": "Adagrad", "rmsprop": "RMSprop", "adadelta": "Adadelta", "adam": "Adam",
    "adamw": "AdamW", "adamax": "AdaMax", "nadam": "Nadam", "radam": "RAdam",
    "amsgrad": "AMSGrad", "lion": "Lion", "muon": "Muon", "schedulefree": "Schedule-Free",
    "adafactor": "Adafactor", "random_search": "Random search",
    "random_local_search": "Random local search",
}

_ALIASES = {
    "heavyball": "momentum", "heavy_ball": "momentum", "polyak": "momentum",
    "sgdmomentum": "momentum", "sgd_momentum": "momentum", "sgd+momentum": "momentum",
    "nag": "nesterov", "sgd_nesterov": "nesterov", "gradient_descent": "gd",
    "gradientdescent": "gd", "randomsearch": "random_search", "random": "random_search",
    "randomlocalsearch": "random_local_search", "local_search": "random_local_search",
    "schedule_free": "schedulefree", "sfsgd": "schedulefree", "ams_grad": "amsgrad",
}

# colours for names outside COLORS (a chapter's own variant): stable per name, never one of the
# fixed colours above
_EXTRA = ["#1B9E77", "#7570B3", "#E7298A", "#66A61E", "#A6761D", "#1F78B4", "#B15928",
          "#6A3D9A", "#33A02C", "#FB9A99"]
_EXTRA_GIVEN: dict[str, str] = {}  # name -> the extra colour it was given


def _key(name: str) -> str | None:
    """The COLORS key for ``name``: case, spaces, hyphens and a trailing ``(...)`` ignored."""
    s = str(name).strip().lower()
    candidates = [s, re.split(r"[\s(,:;=]", s, maxsplit=1)[0]]
    for c in candidates:
        c = c.replace("-", "_").replace(" ", "_").strip("_")
        for k in (c, c.replace("_", "")):
            if k in COLORS:
                return k
            if k in _ALIASES:
                return _ALIASES[k]
    return None


def color(name: str) -> str:
    """The book's colour for optimizer ``name`` (a hex string).

    ``name`` may carry a suffix: ``color("adam (lr=0.1)") == COLORS["adam"]``. Names the book
    does not know (``"η = 0.3"``) get the extra colours in the order they are first asked for,
    so that the runs of one figure differ; the same name keeps its colour."""
    k = _key(name)
    if k is not None:
        return COLORS[k]
    return _EXTRA_GIVEN.setdefault(str(name), _EXTRA[len(_EXTRA_GIVEN) % len(_EXTRA)])


def label(name: str) -> str:
    """How ``name`` is written in legends: ``label("rmsprop") == "RMSprop"``; unknown names,
    and names with a suffix (``"adam (lr=0.1)"``), are returned as given."""
    s = str(name).strip().lower().replace("-", "_").replace(" ", "_")
    k = s if s in COLORS else _ALIASES.get(s)
    return LABELS[k] if k is not None else str(name)


# --------------------------------------------------------------------------------------------
# Style
# --------------------------------------------------------------------------------------------

#: the book's matplotlib rc: sized for the ~700 px content column of the HTML book
STYLE = {
    "figure.figsize": (6.4, 4.0),
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "figure.constrained_layout.use": True,
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.labelsize": 10,
    "legend.fontsize": 9,
    "xtick.labelsize": 9,
    "ytick.labelsize": 9,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "grid.linewidth": 0.6,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.prop_cycle": None,  # filled in by use_style: the optimizer colours in COLORS order
    "lines.linewidth": 1.8,
    "lines.markersize": 4,
    "legend.frameon": False,
    "image.cmap": "viridis",
    "animation.html": "jshtml",
}


def use_style(formats=("png",)) -> None:
    """Apply the book's matplotlib style; in IPython, also show figures as PNG (``formats``).

    Call once in a chapter's set-up cell. PNG keeps pages light and renders the same everywhere
    (SVG of a filled contour plot weighs hundreds of KB)."""
    import matplotlib as mpl
    from cycler import cycler

    rc = dict(STYLE)
    rc["axes.prop_cycle"] = cycler(color=[COLORS[k] for k in
                                          ("sgd", "momentum", "adagrad", "adam", "nesterov",
                                           "rmsprop", "lion", "gd")])
    mpl.rcParams.update(rc)
    try:  # the inline backend keeps its own figure format; tell it too when in IPython
        from IPython import get_ipython
        if get_ipython() is not None:
            from matplotlib_inline.backend_inline import set_matplotlib_formats
            set_matplotlib_formats(*formats)
            mpl.rcParams.update({"figure.dpi": rc["figure.dpi"]})
    except ImportError:  # pragma: no cover - plain Python
        pass


def _axes(ax, figsize=None):
    import matplotlib.pyplot as plt
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


# --------------------------------------------------------------------------------------------
# Running an optimizer on a test problem
# --------------------------------------------------------------------------------------------

# names that are SGD with preset hyperparameters (as the book uses them)
_SGD_PRESETS = {
    "gd": {},
    "momentum": {"momentum": 0.9},
    "nesterov": {"momentum": 0.9, "nesterov": True},
}
_DEFAULT_LR = {"gd": 0.1, "sgd": 0.1, "momentum": 0.05, "nesterov": 0.05, "adagrad": 0.5,
               "rmsprop": 0.05, "adadelta": 1.0, "adam": 0.1, "adamw": 0.1, "adamax": 0.2,
               "nadam": 0.1, "radam": 0.1, "amsgrad": 0.1, "lion": 0.02}


def _make(name: str, params, **hyper):
    """An optimizer by book name (``gd``/``momentum``/``nesterov`` are SGD presets)."""
    from . import optim
    base = name.lower()
    if base in _SGD_PRESETS:
        hyper = {**_SGD_PRESETS[base], **hyper}
        base = "sgd"
    elif base == "amsgrad" and "amsgrad" not in optim.OPTIMIZERS:
        hyper = {"amsgrad": True, **hyper}
        base = "adam"
    hyper.setdefault("lr", _DEFAULT_LR.get(name.lower(), 0.01))
    return optim.get(base, params, **hyper)


def run(problem, optimizer="sgd", steps: int = 100, x0=None, **hyper) -> np.ndarray:
    """The path ``(steps + 1, 2)`` of ``optimizer`` on ``problem`` from ``x0`` (default
    ``problem.start``). ``optimizer`` is a name (``"gd"``, ``"momentum"`` and ``"nesterov"`` are
    SGD presets; a missing ``lr`` takes a per-optimizer default) or an optimizer holding one
    2-element array.

    A run that diverges stops there (quietly: a picture may show a step size that is too large):
    the remaining rows are NaN, so that plots end where the run blew up."""
    x0 = np.array(problem.start if x0 is None else x0, dtype=float)
    if isinstance(optimizer, str):
        optimizer = _make(optimizer, [x0.copy()], **hyper)
    elif hyper:
        raise ValueError("hyperparameters are only accepted with an optimizer name")
    out = np.full((steps + 1, 2), np.nan)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        xs = minimize(problem, optimizer, x0, steps).xs  # copies x0 into the optimizer's array
    out[:len(xs)] = xs
    return _cut(out)


def _cut(path) -> np.ndarray:
    """``path`` as floats, NaN from its first non-finite (or beyond 1e6) row on."""
    p = np.array(path, dtype=float).reshape(-1, 2)
    bad = ~np.all(np.abs(p) <= 1e6, axis=1)  # NaN compares False, so it counts as bad too
    if bad.any():
        p[np.argmax(bad):] = np.nan
    return p


def _valid(path) -> np.ndarray:
    """The rows of ``path`` before it diverged."""
    p = _cut(path)
    ok = np.all(np.isfinite(p), axis=1)
    return p[: (np.argmin(ok) if not ok.all() else len(p))]


# --------------------------------------------------------------------------------------------
# Static pictures
# --------------------------------------------------------------------------------------------

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
    ax = _axes(ax, figsize)
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
        full = _cut(path)
        p = _valid(full)
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


def loss_curves(histories: dict, ax=None, log: bool = True, f_min: float | None = None,
                xlabel: str = "step", ylabel: str | None = None, figsize=None):
    """Each history of ``histories`` (name -> 1-D array of losses) in its optimizer's colour, on
    a log scale by default. With ``f_min``, plots the gap ``loss - f_min`` instead (the quantity
    whose rate theory predicts). A history that became non-finite ends there. Returns the ``Axes``."""
    ax = _axes(ax, figsize)
    for name, h in histories.items():
        h = np.asarray(h, dtype=float).ravel()
        bad = ~np.isfinite(h)
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


# --------------------------------------------------------------------------------------------
# Effective step sizes of adaptive methods
# --------------------------------------------------------------------------------------------

def effective_lr(opt) -> list[np.ndarray]:
    """Per coordinate, the step an adaptive optimizer takes per unit of (averaged) gradient at
    its current state, one array per parameter:

    - Adagrad ``lr_t / (sqrt(sum) + eps)``; RMSprop ``lr / (sqrt(square_avg) + eps)``;
    - Adam family ``lr / (1 - beta1^t) / (sqrt(v / (1 - beta2^t)) + eps)`` (AMSGrad: the max of v);
    - AdaMax ``lr / (1 - beta1^t) / u``; Adadelta ``lr * sqrt(acc_delta + eps) / sqrt(square_avg + eps)``;
    - SGD: ``lr`` everywhere.

    Take at least one step first: before it, there is no state to read."""
    from .optim import SGD
    if opt.t == 0 and not isinstance(opt, SGD):  # SGD's step size needs no state
        raise ValueError("the optimizer has taken no step yet, so it has no state to show: "
                         "call opt.step(grads) first")
    h, t = opt.hyper, opt.t
    lr, eps = h.get("lr", 1.0), h.get("eps", 0.0)
    out = []
    for p, st in zip(opt.params, opt.state):
        if "sum" in st:                                            # Adagrad
            clr = lr / (1 + (t - 1) * h.get("lr_decay", 0.0))
            e = clr / (np.sqrt(st["sum"]) + eps)
        elif "acc_delta" in st:                                    # Adadelta
            e = lr * np.sqrt(st["acc_delta"] + eps) / np.sqrt(st["square_avg"] + eps)
        elif "square_avg" in st:                                   # RMSprop
            v = st["square_avg"] - (st["grad_avg"] ** 2 if "grad_avg" in st else 0.0)
            e = lr / (np.sqrt(np.maximum(v, 0.0)) + eps)
        elif "exp_inf" in st:                                      # AdaMax
            b1 = h["betas"][0]
            e = lr / (1 - b1 ** t) / np.maximum(st["exp_inf"], eps or 1e-300)
        elif "exp_avg_sq" in st:                                   # Adam, AdamW, NAdam, RAdam
            b1, b2 = h["betas"][:2]
            v = st.get("max_exp_avg_sq", st["exp_avg_sq"])
            e = lr / (1 - b1 ** t) / (np.sqrt(v / (1 - b2 ** t)) + eps)
        elif not any(k in st for k in ("exp_avg", "velocity")) or "momentum_buffer" in st:
            e = np.full(p.shape, float(lr))                        # SGD (with or without momentum)
        else:
            raise ValueError(f"effective_lr does not know the state of {type(opt).__name__} "
                             f"(buffers {sorted(st)})")
        out.append(np.asarray(e, dtype=float))
    return out


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
    from .optim import Optimizer
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
    ax = _axes(ax, figsize)
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


# --------------------------------------------------------------------------------------------
# Kernel-free HTML: animations and sliders
# --------------------------------------------------------------------------------------------

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


# Font Awesome icons of matplotlib's player, which it loads from a CDN (nothing shows offline):
# replaced by plain characters so that the page needs nothing from outside
def _icon(d: str) -> str:
    return (f'<svg viewBox="0 0 16 16" width="12" height="12" aria-hidden="true" '
            f'style="vertical-align:middle"><path d="{d}" fill="currentColor"/></svg>')


_FA_ICONS = {
    "fa fa-minus": _icon("M2 7h12v2H2z"),
    "fa fa-plus": _icon("M7 2h2v5h5v2H9v5H7V9H2V7h5z"),
    "fa fa-fast-backward": _icon("M2 2h2v12H2zM15 2v12L9 8zM9 2v12L3 8z"),
    "fa fa-step-backward": _icon("M3 2h2v12H3zM14 2v12L6 8z"),
    "fa fa-play fa-flip-horizontal": _icon("M13 2v12L3 8z"),
    "fa fa-pause": _icon("M3 2h4v12H3zM9 2h4v12H9z"),
    "fa fa-play": _icon("M3 2v12l10-6z"),
    "fa fa-step-forward": _icon("M11 2h2v12h-2zM2 2v12l8-6z"),
    "fa fa-fast-forward": _icon("M12 2h2v12h-2zM1 2v12l6-6zM7 2v12l6-6z"),
}

_counter = itertools.count()


def _uid(prefix: str, payload: str) -> str:
    """A deterministic element id (same notebook, same ids: reproducible builds)."""
    return f"{prefix}{hashlib.sha1(payload.encode()).hexdigest()[:10]}{next(_counter)}"


def _offline_jshtml(html: str, uid: str) -> str:
    """matplotlib's jshtml made self-contained and deterministic."""
    html = re.sub(r'<link rel="stylesheet"\s*href="https://[^"]*font-awesome[^"]*">', "", html)
    for cls, char in _FA_ICONS.items():
        html = html.replace(f'<i class="{cls}"></i>', f'<span aria-hidden="true">{char}</span>')
    old = re.search(r'_anim_img([0-9a-f]{32})', html)
    if old:
        html = html.replace(old.group(1), uid)
    return html


def _png_writer_class():
    """An HTMLWriter whose frames are 8-bit palette PNGs (with transparency): a few coloured
    lines need few colours."""
    from matplotlib.animation import HTMLWriter
    from PIL import Image

    class PalettePNGWriter(HTMLWriter):
        colors = 64

        def grab_frame(self, **savefig_kwargs):
            if not self.embed_frames:  # pragma: no cover - race always embeds
                return super().grab_frame(**savefig_kwargs)
            if self._hit_limit:
                return
            f = io.BytesIO()
            self.fig.savefig(f, format="png", dpi=self.dpi, **savefig_kwargs)
            f.seek(0)
            im = Image.open(f)  # RGBA, mostly transparent: only what moves
            im = im.quantize(colors=self.colors, method=Image.Quantize.FASTOCTREE)
            g = io.BytesIO()
            im.save(g, format="png", optimize=True)
            data = base64.encodebytes(g.getvalue()).decode("ascii")
            self._total_bytes += len(data)
            if self._total_bytes >= self._bytes_limit:
                warnings.warn("the animation reached its size limit; later frames are dropped: "
                              "use fewer frames, a smaller figsize or a lower dpi")
                self._hit_limit = True
            else:
                self._saved_frames.append(data)

    return PalettePNGWriter


def _runs_to_paths(problem, runs: dict, steps: int) -> dict:
    """``runs``: name -> path array, or name -> dict of hyperparameters (or None) to run."""
    paths = {}
    for name, spec in runs.items():
        if spec is None or isinstance(spec, dict):
            spec = dict(spec or {})
            opt = spec.pop("optimizer", name)
            paths[name] = run(problem, _key(opt) or opt, steps, **spec)
        else:
            paths[name] = _cut(spec)
    return paths


def _png(fig_or_rgba, colors: int | None = 128, dpi=None) -> bytes:
    """PNG bytes of a figure (or an RGBA array), as an 8-bit palette image when ``colors``:
    line art over a light contour plot needs few colours and shrinks ~3x."""
    from PIL import Image
    if isinstance(fig_or_rgba, np.ndarray):
        im = Image.fromarray(fig_or_rgba)
    else:
        buf = io.BytesIO()
        fig_or_rgba.savefig(buf, format="png", dpi=dpi)
        buf.seek(0)
        im = Image.open(buf)
    if colors:
        im = im.convert("RGB").quantize(colors=colors)
    out = io.BytesIO()
    im.save(out, format="png", optimize=True)
    return out.getvalue()


def _freeze_background(fig, ax) -> bytes:
    """Render everything drawn so far as one background picture (returned as PNG bytes) and
    empty the figure for the moving artists, keeping ``ax``'s position and limits.

    The animation's frames are then transparent PNGs holding only what moves (a few KB each),
    and the page shows them over the background, sent once: a race weighs ~5x less and renders
    ~10x faster than one that redraws the contours in every frame."""
    fig.canvas.draw()
    bg = np.asarray(fig.canvas.buffer_rgba()).copy()
    pos, xlim, ylim = ax.get_position(), ax.get_xlim(), ax.get_ylim()
    fig.set_layout_engine("none")
    ax.cla()
    ax.set_position(pos)
    ax.set_aspect("auto")
    ax.set_xlim(xlim)
    ax.set_ylim(ylim)
    ax.set_axis_off()
    ax.patch.set_visible(False)
    fig.patch.set_visible(False)
    return _png(bg[..., :3].copy())


def _frame_steps(n_steps: int, frames: int) -> np.ndarray:
    """Which steps to show: all when few, else denser early (where paths move fast)."""
    if n_steps + 1 <= frames:
        return np.arange(n_steps + 1)
    return np.unique(np.round(np.linspace(0, np.sqrt(n_steps), frames) ** 2).astype(int))


def race(problem, runs: dict, frames: int = 50, steps: int = 100, figsize=None,
         dpi: int = 80, fps: int = 12, budget_kb: int = 700, title: str | None = None,
         levels=None, loop: bool = False, filled: bool = False) -> HTML:
    """An animation of several optimizers racing on ``problem``, playable without a kernel.

    ``runs``: name -> ``(k, 2)`` path (e.g. from :func:`run`), or name -> dict of
    hyperparameters, run here for ``steps`` steps (``{"adam": {"lr": 0.1}}``; give
    ``"optimizer"`` in the dict to label a run freely). The frames hold only the moving paths
    (transparent PNGs over a contour picture sent once), so 50 frames weigh ~100-300 KB;
    a warning says if it would exceed ``budget_kb``. ``figsize`` defaults to the problem's
    window shape plus room for the legend.
    Returns an :class:`HTML` block (matplotlib's JavaScript player, made self-contained)."""
    import matplotlib.pyplot as plt
    from matplotlib.animation import FuncAnimation

    if not runs:
        raise ValueError("runs is empty: give at least one name -> path or name -> hyperparameters")
    paths = _runs_to_paths(problem, runs, steps)
    valid = {n: _valid(p) for n, p in paths.items()}
    n_steps = max(len(p) for p in paths.values()) - 1
    ks = _frame_steps(n_steps, frames)

    if figsize is None:
        (a, b), (c, d) = problem.window
        figsize = (min(7.5, 2.7 * (b - a) / (d - c) + 2.3), 3.3)
    with plt.rc_context({"figure.constrained_layout.use": True, "font.size": 9,
                         "legend.fontsize": 8, "axes.titlesize": 10}):
        fig, ax = plt.subplots(figsize=figsize, dpi=dpi)
        contour(problem, ax=ax, levels=levels, n=120, filled=filled)
        ax.set_title(title or f"{problem.name.capitalize()}")
        from matplotlib.lines import Line2D
        ax.legend(handles=[Line2D([], [], color=color(n), lw=1.8, label=label(n)) for n in valid],
                  loc="upper left", bbox_to_anchor=(1.02, 1.0), frameon=False, borderaxespad=0)
        background = _freeze_background(fig, ax)
        lines, heads = {}, {}
        for name, p in valid.items():
            c = color(name)
            (lines[name],) = ax.plot([], [], color=c, lw=1.8)
            (heads[name],) = ax.plot([], [], "o", color=c, markeredgecolor="k", markersize=6,
                                     markeredgewidth=0.7)
        step_text = ax.text(0.02, 0.03, "", transform=ax.transAxes, fontsize=9,
                            bbox=dict(boxstyle="round", fc="w", ec="0.7", alpha=0.85))

        def draw(i):
            k = ks[i]
            for name, p in valid.items():
                q = p[: k + 1]
                lines[name].set_data(q[:, 0], q[:, 1])
                heads[name].set_data(q[-1:, 0], q[-1:, 1])
            step_text.set_text(f"step {k}")
            return [*lines.values(), *heads.values(), step_text]

        anim = FuncAnimation(fig, draw, frames=len(ks), interval=1000 / fps, blit=False,
                             repeat=loop)
        import tempfile
        from pathlib import Path
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp, "race.html")
            writer = _png_writer_class()(fps=fps, embed_frames=True,
                                         default_mode="loop" if loop else "once",
                                         embed_limit=budget_kb / 1024 * 1.5)
            anim.save(str(out), writer=writer, dpi=dpi, savefig_kwargs={"transparent": True})
            html = out.read_text()
        plt.close(fig)
    uid = _uid("race", json.dumps({n: np.nan_to_num(p).round(4).tolist() for n, p in paths.items()}))
    html = _offline_jshtml(html, uid)
    bg64 = base64.b64encode(background).decode("ascii")
    html = html.replace(f'<img id="_anim_img{uid}">',
                        f'<img id="_anim_img{uid}" alt="{title or problem.name}: optimizers racing" '
                        f'style="max-width:100%;background:#fff url(data:image/png;base64,{bg64}) '
                        f'0 0/100% 100% no-repeat">')
    html = HTML(f'<div class="optimlib-race" data-frames="{len(ks)}">{html}</div>')
    if html.kb > budget_kb:
        warnings.warn(f"race animation weighs {html.kb:.0f} KB, over its budget of {budget_kb} KB: "
                      "use fewer frames, a smaller figsize or a lower dpi")
    return html


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
        return _losses(self.problem, self.paths)


def _losses(problem, paths) -> np.ndarray:
    """``f`` at every point of ``paths`` (shape ``(..., 2)``); NaN where a path diverged."""
    with np.errstate(all="ignore"):
        return np.asarray(problem.value(np.moveaxis(paths, -1, 0)), dtype=float)


def _hyper_for(optimizer: str, params: dict) -> dict:
    """Turn the book's generic names (``beta``, ``beta1``, ``beta2``) into the optimizer's own."""
    from . import optim
    name = optimizer.lower()
    h = dict(params)
    base = "sgd" if name in _SGD_PRESETS else ("adam" if name == "amsgrad" else name)
    defaults = getattr(optim.OPTIMIZERS.get(base), "defaults", {})
    for generic in ("beta", "beta1", "beta2"):
        if generic not in h:
            continue
        v = h.pop(generic)
        if "betas" in defaults:
            b = list(h.get("betas", defaults["betas"]))
            b[1 if generic == "beta2" else 0] = v
            h["betas"] = tuple(b)
        elif "momentum" in defaults:
            h["momentum"] = v
        elif "alpha" in defaults:
            h["alpha"] = v
        elif "rho" in defaults:
            h["rho"] = v
        else:
            raise ValueError(f"{optimizer} has no beta-like hyperparameter")
    if name in _SGD_PRESETS and h.get("momentum") == 0:
        h["nesterov"] = False  # SGD rejects Nesterov without momentum, which is plain SGD anyway
    return h


def sweep(problem, optimizer: str = "momentum", steps: int = 100, x0=None, **grid) -> Sweep:
    """Run ``optimizer`` on ``problem`` over every combination of the hyperparameters given as
    sequences in ``grid`` (scalars are held fixed), e.g.
    ``sweep(QUADRATIC, "momentum", lr=np.linspace(0.05, 1, 20), beta=np.linspace(0, .99, 12))``.
    ``beta`` means the optimizer's averaging constant (momentum, Adam's beta1, RMSprop's alpha)."""
    swept = {k: [float(x) for x in np.atleast_1d(v)] for k, v in grid.items()
             if np.ndim(v) > 0 and not isinstance(v, tuple)}
    fixed = {k: v for k, v in grid.items() if k not in swept}
    shape = tuple(len(v) for v in swept.values())
    paths = np.full((*shape, steps + 1, 2), np.nan)
    for idx in np.ndindex(*shape):
        h = {**fixed, **{k: swept[k][i] for k, i in zip(swept, idx)}}
        paths[idx] = run(problem, optimizer, steps, x0, **_hyper_for(optimizer, h))
    return Sweep(problem, optimizer, swept, paths, fixed)


_PARAM_LABELS = {"lr": "step size η", "beta": "momentum β", "momentum": "momentum β",
                 "beta1": "β₁", "beta2": "β₂", "alpha": "α", "rho": "ρ", "eps": "ε"}


def _fmt(v: float) -> str:
    return f"{v:.3g}"


def slider(problem, paths, params: dict | None = None, *, optimizer: str | None = None,
           labels: dict | None = None, initial: dict | None = None, figsize=(8.0, 3.3),
           dpi: int = 80, title: str | None = None, budget_kb: int = 600) -> HTML:
    """A kernel-free explorable: scrub through trajectories precomputed over a grid of
    hyperparameters (as Distill's "Why Momentum Really Works" does).

    ``paths``: a :class:`Sweep` (from :func:`sweep`), or an array ``(*grid shape, k, 2)`` with
    ``params`` (name -> values, in grid order). ``labels`` renames parameters on screen;
    ``initial`` picks the starting values (nearest grid point). The block holds a contour and a
    loss panel as one PNG, the paths as JSON, an inline SVG the path is drawn on, one
    ``<input type=range>`` per parameter, and a few lines of JavaScript: no kernel, no external
    file. Returns an :class:`HTML` block."""
    import matplotlib.pyplot as plt
    if isinstance(paths, Sweep):
        sw = paths
        optimizer = optimizer or sw.optimizer
        params = sw.params
        P = sw.paths
    else:
        if params is None:
            raise ValueError("give params (name -> values) with a paths array, or pass a Sweep")
        P = np.asarray(paths, dtype=float)
    shape = tuple(len(v) for v in params.values())
    if P.shape[:-2] != shape or P.shape[-1] != 2:
        raise ValueError(f"paths has shape {P.shape}; with params of sizes {shape} it must be "
                         f"{(*shape, 'k', 2)}")
    optimizer = optimizer or "sgd"
    labels = {**_PARAM_LABELS, **(labels or {})}
    c = color(optimizer)
    n_steps = P.shape[-2] - 1
    L = _losses(problem, P)
    gap = L - (problem.f_min if problem.f_min is not None else 0.0)
    finite = gap[np.isfinite(gap) & (gap > 0)]
    lo = max(float(finite.min()) if finite.size else 1e-12, 1e-12)
    hi = float(np.nanmax(gap[..., 0])) * 10

    with plt.rc_context({"figure.constrained_layout.use": True, "font.size": 9,
                         "axes.titlesize": 10}):
        fig, (ax, bx) = plt.subplots(1, 2, figsize=figsize, dpi=dpi,
                                     gridspec_kw={"width_ratios": [1.35, 1]})
        contour(problem, ax=ax, n=150)
        ax.set_title(title or f"{label(optimizer)} on the {problem.name}")
        bx.set_yscale("log")
        bx.set_xlim(0, n_steps)
        bx.set_ylim(lo, hi)
        bx.set_xlabel("step")
        bx.set_ylabel(r"$f(\theta_t) - f^\star$" if problem.f_min is not None else "loss")
        bx.set_title("loss")
        fig.canvas.draw()
        W, H = fig.canvas.get_width_height()
        png64 = base64.b64encode(_png(fig, dpi=dpi)).decode("ascii")
        plt.close(fig)

    def px(axes, xy):  # data -> SVG pixels (y down), half-pixel resolution, as ints
        d = axes.transData.transform(xy)
        d[:, 1] = H - d[:, 1]
        return np.clip(np.round(d * 2), -4 * W, 8 * W).astype(int)

    runs = []
    for idx in np.ndindex(*shape):
        p = _valid(P[idx])
        g = gap[idx][: len(p)]
        n = len(p)
        diverged = n < n_steps + 1
        steps_xy = np.c_[np.arange(n), np.clip(np.where(g > 0, g, lo), lo, hi)]
        runs.append({
            "p": px(ax, p).ravel().tolist() if n else [],
            "l": px(bx, steps_xy).ravel().tolist() if n else [],
            "f": _fmt(float(L[idx][n - 1])) if n else "nan",
            "d": int(n - 1) if diverged else -1,
        })
    names = list(params)
    init = initial or {}
    start = []
    for k, vals in params.items():
        v = init.get(k, vals[len(vals) // 2])
        start.append(int(np.argmin(np.abs(np.asarray(vals) - v))))
    payload = {"runs": runs, "values": [[_fmt(v) for v in vals] for vals in params.values()],
               "shape": list(shape), "steps": n_steps}
    data = json.dumps(payload, separators=(",", ":"))
    uid = _uid("ols", data)
    controls = "".join(
        f'<label style="display:inline-flex;align-items:center;gap:.4em;margin:.2em 1.2em .2em 0">'
        f'{labels.get(k, k)} <input type="range" class="ol-input" data-param="{k}" min="0" '
        f'max="{len(v) - 1}" step="1" value="{s}" aria-label="{labels.get(k, k)}">'
        f'<output class="ol-value" style="min-width:3.5em;font-variant-numeric:tabular-nums">'
        f'{_fmt(v[s])}</output></label>'
        for k, v, s in zip(names, params.values(), start))
    html = f"""<div class="optimlib-slider" id="{uid}" style="max-width:{W}px;font-family:sans-serif;font-size:14px;margin:1em 0">
<svg viewBox="0 0 {W} {H}" width="100%" style="display:block;overflow:hidden" role="img" aria-label="{label(optimizer)} trajectories on the {problem.name}: drag the sliders">
<defs><marker id="{uid}-dot" viewBox="0 0 4 4" refX="2" refY="2" markerWidth="4" markerHeight="4"><circle cx="2" cy="2" r="1.4" fill="{c}"/></marker></defs>
<image href="data:image/png;base64,{png64}" x="0" y="0" width="{W}" height="{H}"/>
<polyline class="ol-path" fill="none" stroke="{c}" stroke-width="1.8" stroke-linejoin="round" marker-mid="url(#{uid}-dot)" points=""/>
<polyline class="ol-loss" fill="none" stroke="{c}" stroke-width="1.8" points=""/>
<circle class="ol-start" r="4.5" fill="white" stroke="black" cx="-10" cy="-10"/>
<circle class="ol-end" r="4" fill="{c}" stroke="black" stroke-width="0.8" cx="-10" cy="-10"/>
</svg>
<div class="ol-controls">{controls}</div>
<div class="ol-readout" style="color:#444;min-height:1.4em" aria-live="polite"></div>
<script type="application/json" class="ol-data">{data}</script>
<script>
(function () {{
  var root = document.getElementById("{uid}");
  if (!root) return;
  var D = JSON.parse(root.querySelector(".ol-data").textContent);
  var inputs = root.querySelectorAll(".ol-input"), outs = root.querySelectorAll(".ol-value");
  var path = root.querySelector(".ol-path"), loss = root.querySelector(".ol-loss");
  var start = root.querySelector(".ol-start"), end = root.querySelector(".ol-end");
  var readout = root.querySelector(".ol-readout");
  function pts(a) {{
    var s = [];
    for (var i = 0; i + 1 < a.length; i += 2) s.push(a[i] / 2 + "," + a[i + 1] / 2);
    return s.join(" ");
  }}
  function update() {{
    var idx = 0;
    for (var i = 0; i < inputs.length; i++) {{
      var v = +inputs[i].value;
      idx = idx * D.shape[i] + v;
      outs[i].textContent = D.values[i][v];
    }}
    var r = D.runs[idx], p = r.p;
    path.setAttribute("points", pts(p));
    loss.setAttribute("points", pts(r.l));
    if (p.length) {{
      start.setAttribute("cx", p[0] / 2); start.setAttribute("cy", p[1] / 2);
      end.setAttribute("cx", p[p.length - 2] / 2); end.setAttribute("cy", p[p.length - 1] / 2);
    }}
    readout.textContent = r.d >= 0 ? "diverged at step " + (r.d + 1)
      : "f after " + D.steps + " steps: " + r.f;
    root.setAttribute("data-index", idx);
  }}
  for (var i = 0; i < inputs.length; i++) inputs[i].addEventListener("input", update);
  update();
}})();
</script>
</div>"""
    html = HTML(html.encode("ascii", "xmlcharrefreplace").decode("ascii"))  # any page encoding
    if html.kb > budget_kb:
        warnings.warn(f"slider weighs {html.kb:.0f} KB, over its budget of {budget_kb} KB: "
                      "sweep fewer values or fewer steps")
    return html


# --------------------------------------------------------------------------------------------
# ipywidgets explorer (live notebooks)
# --------------------------------------------------------------------------------------------

#: what the explorer's beta slider sets, per optimizer (None: the slider is disabled)
_BETA_MEANING = {"gd": None, "adagrad": None, "sgd": "momentum", "momentum": "momentum",
                 "nesterov": "momentum", "rmsprop": "alpha", "adadelta": "rho",
                 "adam": "beta1", "adamw": "beta1", "adamax": "beta1", "nadam": "beta1",
                 "radam": "beta1", "amsgrad": "beta1", "lion": "beta1"}


def _explorer_names() -> list[str]:
    from . import optim
    known = ["gd", "momentum", "nesterov", *optim.OPTIMIZERS]
    if "adam" in optim.OPTIMIZERS and "amsgrad" not in known:
        known.append("amsgrad")
    return list(dict.fromkeys(known))


def explorer(problem="quadratic", optimizer: str = "momentum", lr: float = 0.05,
             beta: float = 0.9, steps: int = 60, optimizers=None, compare: str | None = "gd"):
    """An ipywidgets panel for live notebooks: choose the optimizer, learning rate, beta, problem
    and number of steps; the trajectory (against ``compare``, faint) and the loss curve redraw.

    It draws once with its defaults when built, so under nbval (or in the static book, which
    shows that first picture) it runs once and never waits for input. Returns the widget."""
    import ipywidgets as W
    import matplotlib.pyplot as plt
    from .problems import PROBLEMS

    names = list(optimizers) if optimizers else _explorer_names()
    pname = problem if isinstance(problem, str) else problem.name
    problems = dict(PROBLEMS)
    if not isinstance(problem, str):
        problems[pname] = problem
    # Labels are HTML widgets, not ``description=``: ipywidgets' static embed typesets every
    # description with MathJax 2's API (MathJax.Hub), an error under the book's MathJax 3.
    lay = W.Layout(width="230px")
    w_opt = W.Dropdown(options=[(label(n), n) for n in names], value=optimizer, layout=lay)
    w_prob = W.Dropdown(options=list(problems), value=pname, layout=lay)
    w_lr = W.FloatLogSlider(value=lr, base=10, min=-4, max=1, step=0.05, readout_format=".3g",
                            continuous_update=False, layout=lay)
    w_beta = W.FloatSlider(value=beta, min=0.0, max=0.999, step=0.01, readout_format=".3f",
                           continuous_update=False, layout=lay)
    w_steps = W.IntSlider(value=steps, min=5, max=500, step=5, continuous_update=False,
                          layout=lay)

    def row(text, w):
        return W.HBox([W.HTML(f"<span style='display:inline-block;width:70px'>{text}</span>"), w])

    info = W.HTML()
    out = W.Output(layout=W.Layout(min_height="300px"))

    def redraw(*_):
        name, prob = w_opt.value, problems[w_prob.value]
        meaning = _BETA_MEANING.get(name, "beta1")
        w_beta.disabled = meaning is None
        h = {"lr": w_lr.value}
        if meaning is not None:
            h["beta"] = w_beta.value
        try:
            h = _hyper_for(name, h)
            path = run(prob, name, w_steps.value, **h)
            paths = {name: path}
            if compare and compare != name:
                paths = {compare: run(prob, compare, w_steps.value, lr=w_lr.value), **paths}
            msg = ""
        except (ValueError, TypeError) as e:  # a hyperparameter out of range: say which
            paths, msg = {}, f"<b>{e}</b>"
        v = _valid(paths[name]) if name in paths else np.empty((0, 2))
        if not msg:
            f = float(prob.value(v[-1])) if len(v) else float("nan")
            msg = (f"{label(name)}: {'diverged at step ' + str(len(v)) if len(v) < w_steps.value + 1 else f'f = {f:.4g} after {w_steps.value} steps'}"
                   + (f"; β sets <code>{meaning}</code>" if meaning else "; β is not used"))
        info.value = msg
        with out:
            if _in_ipython():
                out.clear_output(wait=True)
            fig, (ax, bx) = plt.subplots(1, 2, figsize=(9, 3.4),
                                         gridspec_kw={"width_ratios": [1.4, 1]})
            trajectories(prob, paths, ax=ax)
            with np.errstate(all="ignore"):
                loss_curves({n: prob.value(_valid(p).T) for n, p in paths.items()}, ax=bx,
                            f_min=prob.f_min)
            _show(fig)

    for w in (w_opt, w_prob, w_lr, w_beta, w_steps):
        w.observe(redraw, names="value")
    redraw()
    box = W.VBox([W.HBox([W.VBox([row("optimizer", w_opt), row("problem", w_prob)]),
                          W.VBox([row("lr", w_lr), row("&beta;", w_beta), row("steps", w_steps)])]),
                  info, out])
    box.add_class("optimlib-explorer")
    return box


def _in_ipython() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover
        return False
    return get_ipython() is not None


def _show(fig):
    """Show ``fig`` where the code runs (a notebook's output, or nowhere), then free it."""
    import matplotlib.pyplot as plt
    try:
        from IPython import get_ipython
        from IPython.display import display
        if get_ipython() is not None:
            display(fig)
    except ImportError:  # pragma: no cover
        pass
    plt.close(fig)
