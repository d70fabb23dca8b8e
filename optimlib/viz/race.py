"""The race: several optimizers moving on one landscape, an animation playable without a kernel
(matplotlib's JavaScript player, made self-contained)."""
from __future__ import annotations

import base64
import json
import re
import tempfile
import warnings
from pathlib import Path

import numpy as np

from ..runs import cut, finite_part, run
from ._html import HTML, png, uid
from .landscape import contour
from .style import CSS_PX_PER_IN, color, key, label

__all__ = ["race"]


# Font Awesome icons of matplotlib's player, which it loads from a CDN (nothing shows offline):
# replaced by inline SVG so that the page needs nothing from outside
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

# one embedded frame of matplotlib's HTMLWriter output: frames[i] = "data:image/png;base64,..."
_FRAME = re.compile(r'(frames\[\d+\] = "data:image/png;base64,)([A-Za-z0-9+/=\\\n]+)(")')
_ANY_FRAME = re.compile(r'frames\[\d+\] = "data:image/')


def _offline_jshtml(html: str, element_id: str) -> str:
    """matplotlib's jshtml made self-contained and deterministic."""
    html = re.sub(r'<link rel="stylesheet"\s*href="https://[^"]*font-awesome[^"]*">', "", html)
    for cls, char in _FA_ICONS.items():
        html = html.replace(f'<i class="{cls}"></i>', f'<span aria-hidden="true">{char}</span>')
    old = re.search(r'_anim_img([0-9a-f]{32})', html)
    if old:
        html = html.replace(old.group(1), element_id)
    return html


def _palette_frames(html: str, colors: int = 16) -> str:
    """Re-encode every embedded frame as an 8-bit palette PNG with transparency: a few coloured
    lines need few colours, and the frames shrink several times. (Done on matplotlib's public
    output, the HTML text, so nothing depends on its writer's internals.)"""
    def one(m):
        raw = base64.b64decode(m.group(2).replace("\\\n", ""))
        small = base64.b64encode(png(raw, colors=colors, transparent=True)).decode("ascii")
        return m.group(1) + small + m.group(3)
    return _FRAME.sub(one, html)


def _runs_to_paths(problem, runs: dict, steps: int) -> dict:
    """``runs``: name -> path array, or name -> dict of hyperparameters (or None) to run."""
    paths = {}
    for name, spec in runs.items():
        if spec is None or isinstance(spec, dict):
            spec = dict(spec or {})
            opt = spec.pop("optimizer", name)
            paths[name] = run(problem, key(opt) or opt, steps, **spec)
        else:
            paths[name] = cut(problem, spec)
    return paths


def _freeze_background(fig, ax, dpi) -> bytes:
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
    return png(bg[..., :3].copy(), colors=256, dpi=dpi)


def _frame_steps(n_steps: int, frames: int) -> np.ndarray:
    """Which steps to show: all when few, else denser early (where paths move fast)."""
    if n_steps + 1 <= frames:
        return np.arange(n_steps + 1)
    return np.unique(np.round(np.linspace(0, np.sqrt(n_steps), frames) ** 2).astype(int))


def _leaves(problem, p, margin: float = 0.05) -> int | None:
    """The step from which path ``p`` stays outside ``problem``'s window (grown by ``margin``)
    to its end, or None when it ends inside."""
    (a, b), (c, d) = problem.window
    mx, my = margin * (b - a), margin * (d - c)
    out = (p[:, 0] < a - mx) | (p[:, 0] > b + mx) | (p[:, 1] < c - my) | (p[:, 1] > d + my)
    if not len(p) or not out[-1]:
        return None
    inside = np.flatnonzero(~out)
    return int(inside[-1] + 1) if inside.size else 0


def race(problem, runs: dict, frames: int = 50, steps: int = 100, figsize=None,
         dpi: int = 200, fps: int = 12, budget_kb: int = 700, title: str | None = None,
         levels=None, loop: bool = False, filled: bool = False, colors: dict | None = None,
         tail: int = 8, frame_dpi: int = 150) -> HTML:
    """An animation of several optimizers racing on ``problem``, playable without a kernel.

    ``runs``: name -> ``(k, 2)`` path (e.g. from :func:`run`), or name -> dict of
    hyperparameters, run here for ``steps`` steps (``{"adam": {"lr": 0.1}}``; give
    ``"optimizer"`` in the dict to label a run freely). Each run is drawn in ``colors[name]``,
    else :func:`color` of its name, as a static figure of the same runs draws it. A run that
    diverges (or leaves the window) is drawn faint, only its last ``tail`` steps, and vanishes
    where it leaves the window, so that it never covers the minimum or the other runs; its
    legend entry says "diverges".

    The frames hold only the moving paths (transparent palette PNGs at ``frame_dpi``: lines,
    no labels) over a contour picture at ``dpi`` (all the text) sent once, so 50 frames weigh
    ~100-400 KB; a warning says if it would exceed
    ``budget_kb``. ``figsize`` (inches, shown at 96 px per inch) defaults to the problem's
    window shape plus room for the legend, at most 6.3 in wide.
    Returns an :class:`HTML` block (matplotlib's JavaScript player, made self-contained)."""
    import matplotlib.pyplot as plt
    from matplotlib.animation import FuncAnimation, HTMLWriter
    from matplotlib.lines import Line2D

    if not runs:
        raise ValueError("runs is empty: give at least one name -> path or name -> hyperparameters")
    colors = dict(colors or {})
    paths = _runs_to_paths(problem, runs, steps)
    valid = {n: finite_part(problem, p) for n, p in paths.items()}
    exits = {n: _leaves(problem, p) for n, p in valid.items()}
    diverging = {n for n, p in valid.items() if len(p) < len(paths[n]) or exits[n] is not None}
    n_steps = max(len(p) for p in paths.values()) - 1
    ks = _frame_steps(n_steps, frames)
    col = {n: colors.get(n) or color(n) for n in valid}
    name_of = {n: label(n) + (" (diverges)" if n in diverging else "") for n in valid}

    if figsize is None:
        (a, b), (c, d) = problem.window
        figsize = (min(6.3, 2.5 * (b - a) / (d - c) + 2.1), 3.1)
    with plt.rc_context({"figure.constrained_layout.use": True, "font.size": 10,
                         "animation.frame_format": "png",
                         "legend.fontsize": 9, "axes.titlesize": 10, "xtick.labelsize": 9,
                         "ytick.labelsize": 9}):
        fig, ax = plt.subplots(figsize=figsize, dpi=dpi)
        contour(problem, ax=ax, levels=levels, n=120, filled=filled)
        ax.set_title(title or f"{problem.name.capitalize()}")
        ax.legend(handles=[Line2D([], [], color=col[n], lw=1.8, label=name_of[n],
                                  alpha=0.5 if n in diverging else 1.0) for n in valid],
                  loc="upper left", bbox_to_anchor=(1.02, 1.0), frameon=False, borderaxespad=0)
        background = _freeze_background(fig, ax, dpi)
        lines, heads = {}, {}
        for name in valid:
            faint = name in diverging
            (lines[name],) = ax.plot([], [], color=col[name], lw=1.2 if faint else 1.8,
                                     alpha=0.5 if faint else 1.0)
            (heads[name],) = ax.plot([], [], "o", color=col[name], markeredgecolor="k",
                                     markersize=5 if faint else 6, markeredgewidth=0.7,
                                     alpha=0.6 if faint else 1.0)
        step_text = ax.text(0.02, 0.03, "", transform=ax.transAxes, fontsize=9,
                            bbox=dict(boxstyle="round", fc="w", ec="0.7", alpha=0.85))

        def draw(i):
            k = ks[i]
            for name, p in valid.items():
                q = p[: k + 1]
                if name in diverging:
                    end = exits[name]
                    if end is not None and k >= end:  # gone: it left the window
                        q = q[:0]
                    q = q[-(tail + 1):]
                lines[name].set_data(q[:, 0], q[:, 1])
                heads[name].set_data(q[-1:, 0], q[-1:, 1])
            step_text.set_text(f"step {k}")
            return [*lines.values(), *heads.values(), step_text]

        anim = FuncAnimation(fig, draw, frames=len(ks), interval=1000 / fps, blit=False,
                             repeat=loop)
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp, "race.html")
            # full-colour frames are re-encoded below (several times smaller): the writer's own
            # limit, which drops frames silently, is set far above the budget
            writer = HTMLWriter(fps=fps, embed_frames=True, default_mode="loop" if loop else "once",
                                embed_limit=20 * budget_kb / 1024)
            anim.save(str(out), writer=writer, dpi=frame_dpi, savefig_kwargs={"transparent": True})
            html = out.read_text()
        fig_w_in = fig.get_size_inches()[0]
        plt.close(fig)
    element_id = uid("race", json.dumps({n: np.nan_to_num(p).round(4).tolist()
                                         for n, p in paths.items()}))
    html = _palette_frames(_offline_jshtml(html, element_id))
    n_frames = len(_ANY_FRAME.findall(html))
    if n_frames != len(ks):
        raise RuntimeError(f"the animation kept {n_frames} of its {len(ks)} frames: use fewer "
                           "frames, a smaller figsize or a lower dpi")
    bg64 = base64.b64encode(background).decode("ascii")
    html = html.replace(f'<img id="_anim_img{element_id}">',
                        f'<img id="_anim_img{element_id}" alt="{title or problem.name}: optimizers racing" '
                        f'style="width:{round(fig_w_in * CSS_PX_PER_IN)}px;max-width:100%;background:#fff url(data:image/png;base64,{bg64}) '
                        f'0 0/100% 100% no-repeat">')
    html = HTML(f'<div class="optimlib-race" data-frames="{len(ks)}" data-dpi="{dpi}" '
                f'data-frame-dpi="{frame_dpi}" data-width-in="{fig_w_in:.3f}">{html}</div>')
    if html.kb > budget_kb:
        warnings.warn(f"race animation weighs {html.kb:.0f} KB, over its budget of {budget_kb} KB: "
                      "use fewer frames, a smaller figsize or a lower dpi")
    return html
