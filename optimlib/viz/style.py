"""The book's colours, legend labels and matplotlib style.

:data:`COLORS` maps every optimizer the book studies to one fixed colour of colour-blind-safe
palettes (Okabe & Ito; Tol's "muted"); :func:`color` looks a name up (``color("Adam (lr=0.1)")``
is Adam's colour) and :func:`label` spells it for legends. :func:`use_style`, called once per
chapter, applies the book's matplotlib settings.
"""
from __future__ import annotations

import re

__all__ = ["COLORS", "LABELS", "STYLE", "color", "label", "use_style"]

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

#: other spellings of the names above
ALIASES = {
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


def key(name: str) -> str | None:
    """The COLORS key for ``name``: case, spaces, hyphens and a trailing ``(...)`` ignored."""
    s = str(name).strip().lower()
    candidates = [s, re.split(r"[\s(,:;=]", s, maxsplit=1)[0]]
    for c in candidates:
        c = c.replace("-", "_").replace(" ", "_").strip("_")
        for k in (c, c.replace("_", "")):
            if k in COLORS:
                return k
            if k in ALIASES:
                return ALIASES[k]
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
    s = str(name).strip().lower().replace("-", "_").replace(" ", "_")
    k = s if s in COLORS else ALIASES.get(s)
    return LABELS[k] if k is not None else str(name)


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
