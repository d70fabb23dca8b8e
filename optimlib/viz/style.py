"""The book's colours, legend labels and matplotlib style.

:data:`COLORS` maps every optimizer the book studies to one fixed colour of colour-blind-safe
palettes (Okabe & Ito; Tol's "muted"); :func:`color` looks a name up (``color("Adam (lr=0.1)")``
is Adam's colour) and :func:`label` spells it for legends. :func:`use_style`, called once per
chapter, applies the book's matplotlib settings.
"""
from __future__ import annotations

import re

from ..optim import catalog

__all__ = ["COLORS", "LABELS", "STYLE", "color", "label", "use_style", "fit_figure", "figure_png"]

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


# -- legibility at the book's column ---------------------------------------------------------
#: the HTML book's content column is ~690 CSS px (at a 1200 px window), the cell outputs in it
#: 608 px: at 96 CSS px per inch a figure of at most MAX_WIDTH_IN inches is shown at its own
#: size there, so its text keeps its size in points
MAX_WIDTH_IN = 6.3
#: no text of a figure is smaller than this (points, at display size)
MIN_FONT_PT = 9.0
#: resolution of the PNGs shown in the book: twice the CSS pixel density, sharp on HiDPI screens
DPI = 200
CSS_PX_PER_IN = 96

#: the book's matplotlib rc: sized for the ~690 px content column of the HTML book
STYLE = {
    "figure.figsize": (6.4, 4.0),
    "figure.dpi": 100,
    "savefig.dpi": DPI,
    "figure.constrained_layout.use": True,
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.labelsize": 10,
    "legend.fontsize": MIN_FONT_PT,
    "xtick.labelsize": MIN_FONT_PT,
    "ytick.labelsize": MIN_FONT_PT,
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


def fit_figure(fig, max_width: float = MAX_WIDTH_IN, min_font: float = MIN_FONT_PT):
    """Make ``fig`` legible in the book's column, in place: no wider than ``max_width`` inches
    (a wider figure is narrowed, its height by the square root of that factor, so that panels
    side by side keep room), and no text under ``min_font`` points. Returns ``fig``."""
    from matplotlib.text import Text
    w, h = fig.get_size_inches()
    if w > max_width:
        s = max_width / w
        fig.set_size_inches(max_width, h * s ** 0.5)
    for t in fig.findobj(Text):
        if t.get_fontsize() < min_font:
            t.set_fontsize(min_font)
    return fig


def figure_png(fig, dpi: int = DPI, max_width: float = MAX_WIDTH_IN) -> tuple[bytes, dict]:
    """``fig`` as the book shows it: fitted (:func:`fit_figure`), a PNG at ``dpi`` (an 8-bit
    palette when that is smaller) and display metadata ``{"width", "height"}`` in CSS px, 96 per
    inch, so the page shows it at its size in inches. This is the notebook's PNG formatter for
    figures once :func:`use_style` has run."""
    import io

    from PIL import Image
    fit_figure(fig, max_width)
    for _ in range(3):
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
        data = buf.getvalue()
        im = Image.open(io.BytesIO(data))
        # what sticks out of the figure (a legend beside the axes, long tick labels) makes the
        # picture wider than the figure: narrow the figure by that overhang, so that the text
        # keeps its size and the axes give way, as long as the axes keep half the width
        over = im.width / dpi - max_width
        w, h = fig.get_size_inches()
        if over <= 0.01 or w - over < max_width / 2:
            break
        fig.set_size_inches(w - over - 0.02, h)
    small = io.BytesIO()
    im.convert("RGB").quantize(colors=256).save(small, format="png", optimize=True,
                                                  dpi=(dpi, dpi))
    if small.tell() < len(data):
        data = small.getvalue()
    # a picture still too wide (the axes would be squeezed below half) is shown at the column's
    # width, smaller than its size, and the book's browser test reports it
    scale = CSS_PX_PER_IN / dpi * min(1.0, max_width * dpi / im.width)
    # rounded down: never shown larger than dpi / 96 image pixels per CSS pixel allow
    return data, {"width": int(im.width * scale), "height": int(im.height * scale)}


def use_style(formats=("png",)) -> None:
    """Apply the book's matplotlib style; in IPython, also show figures as PNG (``formats``).

    Call once in a chapter's set-up cell. In IPython every figure is then shown legibly in the
    book's ~690 px column (:func:`figure_png`): at most 6.3 in wide, text at least 9 pt, a PNG at
    200 dpi displayed at 96 px per inch. PNG keeps pages light and renders the same everywhere
    (SVG of a filled contour plot weighs hundreds of KB); ``formats=("svg",)`` gives SVG."""
    import matplotlib as mpl
    from cycler import cycler

    rc = dict(STYLE)
    rc["axes.prop_cycle"] = cycler(color=[COLORS[k] for k in
                                          ("sgd", "momentum", "adagrad", "adam", "nesterov",
                                           "rmsprop", "rprop", "gd")])
    mpl.rcParams.update(rc)
    try:  # the inline backend keeps its own figure format; tell it too when in IPython
        from IPython import get_ipython
        ip = get_ipython()
        if ip is not None:
            from matplotlib.figure import Figure
            from matplotlib_inline.backend_inline import set_matplotlib_formats
            # the book's PNGs are already sharp (200 dpi): "retina" is the same PNG, fitted
            formats = tuple(dict.fromkeys("png" if f == "retina" else f for f in formats))
            set_matplotlib_formats(*formats)
            mpl.rcParams.update({"figure.dpi": rc["figure.dpi"]})
            if "png" in formats:
                ip.display_formatter.formatters["image/png"].for_type(Figure, figure_png)
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
