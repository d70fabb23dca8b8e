"""The explorer: an ipywidgets panel for live notebooks (optimizer, lr, beta, problem, steps)."""
from __future__ import annotations

import numpy as np

from ..runs import BETA_MEANING, finite_part, hyper_for, run
from .curves import loss_curves
from .landscape import trajectories
from .style import in_ipython, label, show

__all__ = ["explorer"]


def _explorer_names() -> list[str]:
    from .. import optim
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
    from ..problems import PROBLEMS

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
        meaning = BETA_MEANING.get(name, "beta1")
        w_beta.disabled = meaning is None
        h = {"lr": w_lr.value}
        if meaning is not None:
            h["beta"] = w_beta.value
        try:
            h = hyper_for(name, h)
            path = run(prob, name, w_steps.value, **h)
            paths = {name: path}
            if compare and compare != name:
                paths = {compare: run(prob, compare, w_steps.value, lr=w_lr.value), **paths}
            msg = ""
        except (ValueError, TypeError) as e:  # a hyperparameter out of range: say which
            paths, msg = {}, f"<b>{e}</b>"
        v = finite_part(prob, paths[name]) if name in paths else np.empty((0, 2))
        if not msg:
            f = float(prob.value(v[-1])) if len(v) else float("nan")
            msg = (f"{label(name)}: {'diverged at step ' + str(len(v)) if len(v) < w_steps.value + 1 else f'f = {f:.4g} after {w_steps.value} steps'}"
                   + (f"; β sets <code>{meaning}</code>" if meaning else "; β is not used"))
        info.value = msg
        with out:
            if in_ipython():
                out.clear_output(wait=True)
            fig, (ax, bx) = plt.subplots(1, 2, figsize=(9, 3.4),
                                         gridspec_kw={"width_ratios": [1.4, 1]})
            trajectories(prob, paths, ax=ax)
            with np.errstate(all="ignore"):
                loss_curves({n: prob.value(finite_part(prob, p).T) for n, p in paths.items()}, ax=bx,
                            f_min=prob.f_min)
            show(fig)

    for w in (w_opt, w_prob, w_lr, w_beta, w_steps):
        w.observe(redraw, names="value")
    redraw()
    box = W.VBox([W.HBox([W.VBox([row("optimizer", w_opt), row("problem", w_prob)]),
                          W.VBox([row("lr", w_lr), row("&beta;", w_beta), row("steps", w_steps)])]),
                  info, out])
    box.add_class("optimlib-explorer")
    return box
