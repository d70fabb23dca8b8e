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
from .style import color, label

__all__ = ["slider"]


@functools.cache
def _script() -> str:
    """The slider's JavaScript (``optimlib/viz/slider.js``): defines ``optimlibSlider(root)``."""
    return resources.files(__package__).joinpath("slider.js").read_text(encoding="utf-8")


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
    L = losses(problem, P)
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
        png64 = base64.b64encode(png(fig, dpi=dpi)).decode("ascii")
        plt.close(fig)

    def px(axes, xy):  # data -> SVG pixels (y down), half-pixel resolution, as ints
        d = axes.transData.transform(xy)
        d[:, 1] = H - d[:, 1]
        return np.clip(np.round(d * 2), -4 * W, 8 * W).astype(int)

    runs = []
    for idx in np.ndindex(*shape):
        p = finite_part(problem, P[idx])
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
    uid = make_uid("ols", data)
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
{_script()}
optimlibSlider(document.getElementById("{uid}"));
</script>
</div>"""
    html = HTML(html.encode("ascii", "xmlcharrefreplace").decode("ascii"))  # any page encoding
    if html.kb > budget_kb:
        warnings.warn(f"slider weighs {html.kb:.0f} KB, over its budget of {budget_kb} KB: "
                      "sweep fewer values or fewer steps")
    return html
