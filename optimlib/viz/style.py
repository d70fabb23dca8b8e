"""The book's colours, legend labels and matplotlib style.

:data:`COLORS` maps every optimizer the book studies to one fixed colour of colour-blind-safe
palettes (Okabe & Ito; Tol's "muted"); :func:`color` looks a name up (``color("Adam (lr=0.1)")``
is Adam's colour) and :func:`label` spells it for legends. :func:`use_style`, called once per
chapter, applies the book's matplotlib settings.
"""
from __future__ import annotations

import re

from ..optim import catalog

__all__ = ["COLORS", "LABELS", "STYLE", "color", "label", "use_style"]

#: one fixed colour per optimizer, used in every chapter: the rows of optimlib.optim.catalog
COLORS: dict[str, str] = {n: e.color for n, e in catalog.CATALOG.items()}

#: how each name is written in legends and titles
LABELS: dict[str, str] = {n: e.label for n, e in catalog.CATALOG.items()}

# colours for names outside COLORS (a chapter's own variant): stable per name, never one of the
# fixed colours above
_EXTRA = ["#1B9E77", "#7570B3", "#E7298A", "#66A61E", "#A6761D", "#1F78B4", "#B15928",
          "#6A3D9A", "#33A02C", "#FB9A99"]
_EXTRA_GIVEN: dict[str, str] = {}  # name -> the extra colour it was given


def key(name: str) -> str | None:
    """The catalog name for ``name``: case, spaces, hyphens, aliases and a trailing ``(...)``
    ignored; None for a name the catalog does not have."""
    s = str(name).strip().lower()
    for c in (s, re.split(r"[\s(,:;=]", s, maxsplit=1)[0]):
        e = catalog.find(c.strip("-_ "))
        if e is not None:
            return e.name
    return None


def color(name: str) -> str:
    """The book's colour for optimizer ``name`` (a hex string).

    ``name`` may carry a suffix: ``color("adam (lr=0.1)") == COLORS["adam"]``. Names the book
    does not know (``"η = 0.3"``) get the extra colours in the order they are first asked for,
    so that the runs of one figure differ; the same name keeps its colour."""
    k = key(name)
    if k is not None:
        return COLORS[k]
    return _EXTRA_GIVEN.setdefault(str(name), _EXTRA[len(_EXTRA_GIVEN) % len(_EXTRA)])


def label(name: str) -> str:
    """How ``name`` is written in legends: ``label("rmsprop") == "RMSprop"``; unknown names,
    and names with a suffix (``"adam (lr=0.1)"``), are returned as given."""
    e = catalog.find(name)
    return e.label if e is not None else str(name)


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
                                           "rmsprop", "rprop", "gd")])
    mpl.rcParams.update(rc)
    try:  # the inline backend keeps its own figure format; tell it too when in IPython
        from IPython import get_ipython
        if get_ipython() is not None:
            from matplotlib_inline.backend_inline import set_matplotlib_formats
            set_matplotlib_formats(*formats)
            mpl.rcParams.update({"figure.dpi": rc["figure.dpi"]})
    except ImportError:  # pragma: no cover - plain Python
        pass


def axes(ax, figsize=None):
    """``ax``, or the Axes of a new figure."""
    import matplotlib.pyplot as plt
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


def in_ipython() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover
        return False
    return get_ipython() is not None


def show(fig):
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
