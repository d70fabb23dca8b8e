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
  whose frames hold only the moving paths (transparent PNGs over a contour picture sent once);
- :func:`slider` a Distill-style explorable: paths precomputed over a grid of hyperparameters
  (:func:`sweep`), scrubbed with ``<input type=range>`` controls, drawn on an inline SVG.

For live notebooks: :func:`explorer`, an ipywidgets panel (optimizer, lr, beta, problem, steps).

Runs on the test problems (:func:`run`, :func:`sweep`, :class:`Sweep`) are computed by
:mod:`optimlib.runs` and re-exported here. Colours and labels: :data:`COLORS`, :func:`color`,
:func:`label`; :func:`use_style` once per chapter.

Modules: ``style`` (colours, labels, rc), ``landscape`` (contours, trajectories), ``curves``
(losses, step sizes), ``race``, ``slider`` (with ``slider.js``), ``explorer``.
"""
from ..runs import Sweep, grid_with, run, sweep
from ._html import HTML
from .curves import effective_lr, effective_step_sizes, loss_curves
from .explorer import explorer
from .landscape import contour, trajectories
from .race import race
from .slider import SliderHTML, slider
from .style import COLORS, LABELS, STYLE, color, label, use_style
from .style import key as _key  # noqa: F401  (the lookup behind color(); tests use it)

__all__ = ["COLORS", "LABELS", "color", "label", "use_style", "run", "contour", "trajectories",
           "loss_curves", "effective_lr", "effective_step_sizes", "HTML", "race", "Sweep", "sweep",
           "grid_with", "slider", "SliderHTML", "explorer"]
