"""The slider: a Distill-style explorable. Paths precomputed over a grid of hyperparameters
(:func:`optimlib.runs.sweep`) are scrubbed with ``<input type=range>`` controls and drawn on an
inline SVG by a few lines of JavaScript (``slider.js``, shipped with the package)."""
from __future__ import annotations

import base64
import functools
import json
import warnings
from importlib import resources

import numpy as np

from ..runs import Sweep, finite_part, losses
from ._html import HTML, png
from ._html import uid as make_uid
from .landscape import contour
from .style import CSS_PX_PER_IN, color, label

__all__ = ["SliderHTML", "slider"]


@functools.cache
def _script() -> str:
    """The slider's JavaScript (``optimlib/viz/slider.js``): defines ``optimlibSlider(root)``."""
    return resources.files(__package__).joinpath("slider.js").read_text(encoding="utf-8")


_PARAM_LABELS = {"lr": "step size η", "beta": "momentum β", "momentum": "momentum β",
                 "beta1": "β₁", "beta2": "β₂", "alpha": "α", "rho": "ρ", "eps": "ε"}


def _fmt(v: float) -> str:
    return f"{v:.3g}"


class SliderHTML(HTML):
    """A slider's HTML block; ``initial`` is what its first view shows, for a notebook to assert:
    ``values`` (name -> value), ``index`` (of the run in the grid), ``path`` (its points before
    any divergence), ``f`` (the value at its last point), ``diverged_at`` (step, or None),
    ``off_scale_from`` (the first step above the loss panel, or None) and ``readout`` (the text
    under the picture)."""
    initial: dict


def _start_indices(params: dict, initial: dict) -> list[int]:
    """Each parameter's starting index: the grid value equal to ``initial``'s (to 1e-9), else
    the middle of the grid. A value not in the grid is snapped to its nearest neighbour with a
    warning: the slider would open on other hyperparameters than the text names."""
    unknown = set(initial) - set(params)
    if unknown:
        raise ValueError(f"initial names {sorted(unknown)}, not swept parameters {list(params)}")
    start = []
    for k, vals in params.items():
        vals = np.asarray(vals, dtype=float)
        if k not in initial:
            start.append(len(vals) // 2)
            continue
        v = float(initial[k])
        hit = np.flatnonzero(np.isclose(vals, v, rtol=1e-9, atol=1e-12))
        if not hit.size:
            hit = [int(np.argmin(np.abs(vals - v)))]
            warnings.warn(f"initial {k}={v:.6g} is not in the grid: the slider opens at the "
                          f"nearest value, {vals[hit[0]]:.6g}; to open on {v:.6g}, put it in: "
                          f"sweep(..., {k}=viz.grid_with(grid, {k}))", stacklevel=3)
        start.append(int(hit[0]))
    return start


def slider(problem, paths, params: dict | None = None, *, optimizer: str | None = None,
           labels: dict | None = None, initial: dict | None = None, figsize=(6.3, 2.9),
           dpi: int = 200, title: str | None = None, budget_kb: int = 600) -> SliderHTML:
    """A kernel-free explorable: scrub through trajectories precomputed over a grid of
    hyperparameters (as Distill's "Why Momentum Really Works" does).

    ``paths``: a :class:`Sweep` (from :func:`sweep`), or an array ``(*grid shape, k, 2)`` with
    ``params`` (name -> values, in grid order). ``labels`` renames parameters on screen;
    ``initial`` gives the starting values, which should be in the grid (:func:`grid_with` puts
    exact values in; others are snapped to the nearest, with a warning); the others start
    mid-grid. The block holds a contour and a loss panel as
    one PNG at ``dpi`` (shown at 96 px per inch of ``figsize``), the paths as JSON, an inline
    SVG the path is drawn on (clipped to the panels; loss values above the panel's scale are
    marked, not flattened), one ``<input type=range>`` per parameter, and the JavaScript of
    ``slider.js``: no kernel, no external file. Returns a :class:`SliderHTML` whose
    ``initial`` describes the first view."""
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
    start = _start_indices(params, dict(initial or {}))
    optimizer = optimizer or "sgd"
    labels = {**_PARAM_LABELS, **(labels or {})}
    c = color(optimizer)
    n_steps = P.shape[-2] - 1
    L = losses(problem, P)
    gap = L - (problem.f_min if problem.f_min is not None else 0.0)
    finite = gap[np.isfinite(gap) & (gap > 0)]
    lo = max(float(finite.min()) if finite.size else 1e-12, 1e-12)
    hi = float(np.nanmax(gap[..., 0])) * 10

    with plt.rc_context({"figure.constrained_layout.use": True, "font.size": 10,
                         "axes.titlesize": 10, "xtick.labelsize": 9, "ytick.labelsize": 9}):
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
        fig.set_layout_engine("none")  # the picture and the coordinates below must agree
        png64 = base64.b64encode(png(fig, dpi=dpi)).decode("ascii")
        Wd, Hd = fig.canvas.get_width_height()
        plt.close(fig)
    scale = CSS_PX_PER_IN / dpi         # image pixels -> SVG units (CSS px at the figure's size)
    W, H = round(Wd * scale), round(Hd * scale)

    def px(axes, xy):  # data -> SVG units (y down), half-unit resolution, as ints
        d = axes.transData.transform(xy) * scale
        d[:, 1] = H - d[:, 1]
        return np.clip(np.round(d * 2), -4 * W, 8 * W).astype(int)

    def box(axes):  # the panel's rectangle in SVG units
        x0, y0, x1, y1 = axes.bbox.extents * scale
        return f'x="{x0:.1f}" y="{H - y1:.1f}" width="{x1 - x0:.1f}" height="{y1 - y0:.1f}"'

    runs, info = [], []
    for idx in np.ndindex(*shape):
        p = finite_part(problem, P[idx])
        g = gap[idx][: len(p)]
        n = len(p)
        d = n - 1 if n < n_steps + 1 else -1
        over = np.flatnonzero(g > hi)
        o = int(over[0]) if over.size else -1
        # values off the scale leave through the panel's edge (clipped) instead of running flat
        steps_xy = np.c_[np.arange(n), np.clip(np.where(g > 0, g, lo / 30), lo / 30, hi * 30)]
        f_end = float(L[idx][n - 1]) if n else float("nan")
        text = (f"diverged at step {d + 1}" if d >= 0 else f"f after {n_steps} steps: {_fmt(f_end)}")
        if o >= 0:
            text += f" (the loss is off the panel's scale from step {o}, up to {_fmt(float(np.max(g)))})"
        runs.append({"p": px(ax, p).ravel().tolist() if n else [],
                     "l": px(bx, steps_xy).ravel().tolist() if n else [],
                     "o": px(bx, [[o, hi]])[0].tolist() if o >= 0 else [], "t": text})
        info.append((p, f_end, d + 1 if d >= 0 else None, o if o >= 0 else None, text))
    names = list(params)
    payload = {"runs": runs, "values": [[_fmt(v) for v in vals] for vals in params.values()],
               "shape": list(shape), "steps": n_steps}
    data = json.dumps(payload, separators=(",", ":"))
    uid = make_uid("ols", data)
    controls = "".join(
        f'<label style="display:inline-flex;align-items:center;gap:.4em;margin:.2em 1.2em .2em 0">'
        f'{labels.get(k, k)} <input type="range" class="ol-input" data-param="{k}" min="0" '
        f'max="{len(v) - 1}" step="1" value="{s}" aria-label="{labels.get(k, k)}">'
        f'<output class="ol-value" style="min-width:3.5em;font-variant-numeric:tabular-nums">'
        f'{_fmt(v[s])}</output></label>'
        for k, v, s in zip(names, params.values(), start))
    html = f"""<div class="optimlib-slider" id="{uid}" data-dpi="{dpi}" data-width-in="{Wd / dpi:.3f}" style="max-width:{W}px;font-family:sans-serif;font-size:14px;margin:1em 0">
<svg viewBox="0 0 {W} {H}" width="100%" style="display:block;overflow:hidden" role="img" aria-label="{label(optimizer)} trajectories on the {problem.name}: drag the sliders">
<defs><marker id="{uid}-dot" viewBox="0 0 4 4" refX="2" refY="2" markerWidth="4" markerHeight="4"><circle cx="2" cy="2" r="1.4" fill="{c}"/></marker>
<clipPath id="{uid}-ax"><rect {box(ax)}/></clipPath><clipPath id="{uid}-bx"><rect {box(bx)}/></clipPath></defs>
<image href="data:image/png;base64,{png64}" x="0" y="0" width="{W}" height="{H}"/>
<g clip-path="url(#{uid}-ax)">
<polyline class="ol-path" fill="none" stroke="{c}" stroke-width="1.8" stroke-linejoin="round" marker-mid="url(#{uid}-dot)" points=""/>
<circle class="ol-start" r="4.5" fill="white" stroke="black" cx="-10" cy="-10"/>
<circle class="ol-end" r="4" fill="{c}" stroke="black" stroke-width="0.8" cx="-10" cy="-10"/>
</g>
<g clip-path="url(#{uid}-bx)"><polyline class="ol-loss" fill="none" stroke="{c}" stroke-width="1.8" points=""/></g>
<path class="ol-off" d="M0,0 l-5,9 h10 z" fill="#D55E00" stroke="black" stroke-width="0.6" transform="translate(-20,-20)"><title>off the scale</title></path>
</svg>
<div class="ol-controls">{controls}</div>
<div class="ol-readout" style="color:#444;min-height:1.4em" aria-live="polite"></div>
<script type="application/json" class="ol-data">{data}</script>
<script>
{_script()}
optimlibSlider(document.getElementById("{uid}"));
</script>
</div>"""
    out = SliderHTML(html.encode("ascii", "xmlcharrefreplace").decode("ascii"))  # any page encoding
    first = int(np.ravel_multi_index(start, shape)) if shape else 0
    p, f_end, d, o, text = info[first]
    out.initial = {"values": {k: float(v[s]) for k, v, s in zip(names, params.values(), start)},
                   "index": first, "path": p, "f": f_end, "diverged_at": d, "off_scale_from": o,
                   "readout": text}
    if out.kb > budget_kb:
        warnings.warn(f"slider weighs {out.kb:.0f} KB, over its budget of {budget_kb} KB: "
                      "sweep fewer values or fewer steps")
    return out
