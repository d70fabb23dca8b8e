"""The explorer: an ipywidgets panel for live notebooks (optimizer, lr, beta, problem, steps)."""
from __future__ import annotations

import base64
import html
import os

import numpy as np

from ..runs import BETA_MEANING, finite_part, hyper_for, run
from ._html import HTML
from .curves import loss_curves
from .landscape import trajectories
from .style import figure_png, in_ipython, label, show

__all__ = ["STATIC_ENV", "explorer", "static_build"]


def _explorer_names() -> list[str]:
    from ..optim import catalog
    return [n for n, e in catalog.CATALOG.items()
            if e.cls is not None and e.demo_lr is not None and not e.matrices_only]


#: set (to 1) by ``tools/build_book.py`` for the kernels that execute the static HTML book: there
#: an explorer shows its picture and a "run it live" note instead of controls that do nothing
STATIC_ENV = "OPTIMLIB_STATIC_BUILD"
#: the Binder address of the book's repository, also set by ``tools/build_book.py``
LAUNCH_ENV = "OPTIMLIB_LAUNCH_URL"


def static_build() -> bool:
    """Whether this kernel is executing the static HTML book (``OPTIMLIB_STATIC_BUILD=1``)."""
    return os.environ.get(STATIC_ENV, "").strip() not in ("", "0", "false", "no")


def _state(prob, name, lr, beta, steps, compare):
    """The paths an explorer shows at these settings, and the line of text under them."""
    meaning = BETA_MEANING[name]
    h = {"lr": lr}
    if meaning is not None:
        h["beta"] = beta
    try:
        paths = {name: run(prob, name, steps, **hyper_for(name, h))}
        if compare and compare != name:
            paths = {compare: run(prob, compare, steps, lr=lr), **paths}
    except (ValueError, TypeError) as e:  # a hyperparameter out of range: say which
        return {}, f"<b>{html.escape(str(e))}</b>", meaning
    v = finite_part(prob, paths[name])
    f = float(prob.value(v[-1])) if len(v) else float("nan")
    result = (f"diverged at step {len(v)}" if len(v) < steps + 1 else f"f = {f:.4g} after {steps} steps")
    return paths, (f"{label(name)}: {result}"
                   + (f"; β sets <code>{meaning}</code>" if meaning else "; β is not used")), meaning


def _figure(prob, paths):
    import matplotlib.pyplot as plt
    fig, (ax, bx) = plt.subplots(1, 2, figsize=(6.3, 2.9), gridspec_kw={"width_ratios": [1.4, 1]})
    trajectories(prob, paths, ax=ax)
    with np.errstate(all="ignore"):
        loss_curves({n: prob.value(finite_part(prob, p).T) for n, p in paths.items()}, ax=bx,
                    f_min=prob.f_min)
    return fig


def _static(prob, paths, msg, why: str) -> HTML:
    """The picture at the explorer's settings, with a note saying how to get the controls."""
    import matplotlib.pyplot as plt
    fig = _figure(prob, paths)
    data, size = figure_png(fig)
    plt.close(fig)
    launch = os.environ.get(LAUNCH_ENV, "")
    badge = (f' <a class="optimlib-launch" href="{html.escape(launch)}" style="display:inline-block;'
             f'padding:0 .5em;border-radius:3px;background:#579aca;color:#fff;'
             f'text-decoration:none">launch on Binder</a>' if launch else "")
    src = "data:image/png;base64," + base64.b64encode(data).decode("ascii")
    return HTML(
        f'<div class="optimlib-explorer-static" style="margin:1em 0">'
        f'<p class="optimlib-note" style="border-left:3px solid #579aca;padding:.3em .8em;'
        f'background:#f3f7fb;margin:0 0 .5em">{why}{badge}</p>'
        f'<img src="{src}" width="{size["width"]}" height="{size["height"]}" '
        f'alt="the explorer at its starting settings" style="max-width:100%;height:auto">'
        f'<div class="optimlib-explorer-info" style="color:#444">{msg}</div></div>')


def explorer(problem="quadratic", optimizer: str = "momentum", lr: float = 0.05,
             beta: float = 0.9, steps: int = 60, optimizers=None, compare: str | None = "gd"):
    """An ipywidgets panel for live notebooks: choose the optimizer, learning rate, beta, problem
    and number of steps; the trajectory (against ``compare``, faint) and the loss curve redraw.

    It draws once with its defaults when built, so under nbval it runs once and never waits for
    input. Returns the widget; or, where controls cannot work, an :class:`HTML` block with the
    picture at these settings and a note: in the static HTML book (``OPTIMLIB_STATIC_BUILD=1``,
    set by ``tools/build_book.py``) a "run it live" note with a launch link, and without
    ipywidgets installed a note saying how to install it."""
    from ..problems import PROBLEMS

    names = list(optimizers) if optimizers else _explorer_names()
    pname = problem if isinstance(problem, str) else problem.name
    problems = dict(PROBLEMS)
    if not isinstance(problem, str):
        problems[pname] = problem
    if pname not in problems:
        raise ValueError(f"unknown problem {pname!r}: use one of {sorted(problems)} or a Problem")
    if optimizer not in names:
        raise ValueError(f"unknown optimizer {optimizer!r}: use one of {names}")
    if static_build():
        paths, msg, _ = _state(problems[pname], optimizer, lr, beta, steps, compare)
        return _static(problems[pname], paths, msg,
                       "<b>Run it live.</b> In a running notebook this picture comes with controls "
                       "(optimizer, step size, β, problem, steps) that redraw it: open this page on "
                       "Binder or Colab (the rocket button at the top of the page) and run its cells.")
    try:
        import ipywidgets as W
    except ImportError:
        paths, msg, _ = _state(problems[pname], optimizer, lr, beta, steps, compare)
        return _static(problems[pname], paths, msg,
                       "<b>The live explorer needs ipywidgets</b>, which is not installed here: "
                       "<code>pip install ipywidgets</code> (or <code>pip install \"optimlib[widgets]\"</code>), "
                       "restart the kernel and run this cell again. The picture at these settings:")
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
        paths, info.value, meaning = _state(prob, name, w_lr.value, w_beta.value, w_steps.value,
                                            compare)
        w_beta.disabled = meaning is None
        with out:
            if in_ipython():
                out.clear_output(wait=True)
            show(_figure(prob, paths))

    for w in (w_opt, w_prob, w_lr, w_beta, w_steps):
        w.observe(redraw, names="value")
    redraw()
    box = W.VBox([W.HBox([W.VBox([row("optimizer", w_opt), row("problem", w_prob)]),
                          W.VBox([row("lr", w_lr), row("&beta;", w_beta), row("steps", w_steps)])]),
                  info, out])
    box.add_class("optimlib-explorer")
    return box
