"""Everything the book knows about each method, one row per name: the only table to extend.

A row says which class implements the name (and with which hyperparameters fixed: ``"momentum"``
is SGD with momentum 0.9), how the book draws it (a colour and a legend label), the learning rate
its 2-D demonstrations start from, what the book's generic "beta" slider sets, and the name of
torch's class for the reference tests. ``optim.get``, ``optimlib.viz``, the benchmarks and
``tools/make_torch_reference.py`` read it; a name that is not here is an error everywhere
(:func:`entry`), never a fallback colour or rate.

Adding an optimizer: its file in ``optimlib/optim/``, one row below, its tests.

Colours come from colour-blind-safe palettes: Okabe & Ito's eight go to the methods most often
compared with each other, Paul Tol's "muted" covers the rest; families share a hue family where
it helps reading (the SGD family blue/orange/red, the Adam family purples).
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from .adadelta import Adadelta
from .adafactor import Adafactor
from .adagrad import Adagrad
from .adam import Adam, AdamW
from .adam8bit import Adam8bit
from .adamax import Adamax
from .base import Optimizer
from .lion import Lion
from .muon import Muon
from .nadam import NAdam
from .radam import RAdam
from .rmsprop import RMSprop
from .rprop import Rprop
from .schedulefree import AdamWScheduleFree, SGDScheduleFree
from .sgd import SGD
from .shampoo import Shampoo
from .yogi import Yogi

__all__ = ["Entry", "CATALOG", "entry", "find", "names", "optimizers", "make"]


@dataclass(frozen=True)
class Entry:
    """One name the book uses for a method."""

    name: str
    #: the Optimizer class; None for a method that is a function, not an optimizer (random search)
    cls: type[Optimizer] | None
    color: str
    label: str
    #: hyperparameters the name fixes (``"nesterov"`` is SGD with ``momentum=0.9, nesterov=True``)
    preset: dict = field(default_factory=dict)
    #: the learning rate the 2-D demonstrations (``viz.run``) use when none is given
    demo_lr: float | None = None
    #: the hyperparameter the book's generic ``beta`` sets: ``"momentum"``, ``"betas"`` (beta1),
    #: ``"alpha"``, ``"rho"``, or None when the method has no averaging constant
    beta: str | None = None
    #: torch.optim's class of the same algorithm, for the reference tests (None: torch has none)
    torch: str | None = None
    #: other spellings readers use (``"heavy_ball"``, ``"nag"``)
    aliases: tuple = ()
    #: the class updates matrices only (its ``check_param`` refuses vectors and scalars), so it
    #: has no place in the 2-D demonstrations and is paired with another optimizer for biases
    matrices_only: bool = False

    @property
    def is_optimizer(self) -> bool:
        """The row named after its class, with no preset: one of ``optim.OPTIMIZERS``."""
        return (self.cls is not None and not self.preset
                and self.name == self.cls.__name__.lower())

    @property
    def base(self) -> str | None:
        """The name of the optimizer this row presets (``"sgd"`` for ``"nesterov"``)."""
        return None if self.cls is None else self.cls.__name__.lower()

    def generic_hyper(self, hyper: dict) -> dict:
        """Turn the book's generic ``beta``, ``beta1``, ``beta2`` into this method's own names
        (``{"beta": 0.9}`` is ``momentum=0.9`` for SGD, ``betas=(0.9, 0.999)`` for Adam)."""
        h = dict(hyper)
        generic = [k for k in ("beta", "beta1", "beta2") if k in h]
        if generic and self.beta is None:
            raise ValueError(f"{self.name} has no averaging constant for {generic[0]} to set")
        for k in generic:
            v = h.pop(k)
            if self.beta == "betas":
                b = list(h.get("betas", self.preset.get("betas", self.cls.defaults["betas"])))
                b[1 if k == "beta2" else 0] = v
                h["betas"] = tuple(b)
            elif k == "beta2":
                raise ValueError(f"{self.name} has one averaging constant ({self.beta}), no beta2")
            else:
                h[self.beta] = v
        if self.cls is SGD and h.get("momentum") == 0:
            h["nesterov"] = False  # Nesterov without momentum is plain SGD (SGD refuses the pair)
        return h


#: one row per name, in the order legends list them (colour names after Okabe & Ito and Tol)
CATALOG: dict[str, Entry] = {e.name: e for e in [
    # black; "gd" is full-batch SGD: the same class and hyperparameters, a different use
    Entry("gd", SGD, "#000000", "GD", demo_lr=0.1, torch="SGD",
          aliases=("gradient_descent", "gradientdescent")),
    # blue
    Entry("sgd", SGD, "#0072B2", "SGD", demo_lr=0.1, beta="momentum", torch="SGD"),
    # orange
    Entry("momentum", SGD, "#E69F00", "Momentum", preset={"momentum": 0.9}, demo_lr=0.05,
          beta="momentum", torch="SGD",
          aliases=("heavyball", "heavy_ball", "polyak", "sgdmomentum", "sgd_momentum",
                   "sgd+momentum")),
    # vermillion
    Entry("nesterov", SGD, "#D55E00", "Nesterov", preset={"momentum": 0.9, "nesterov": True},
          demo_lr=0.05, beta="momentum", torch="SGD", aliases=("nag", "sgd_nesterov")),
    # bluish green
    Entry("adagrad", Adagrad, "#009E73", "Adagrad", demo_lr=0.5, torch="Adagrad"),
    # sky blue
    Entry("rmsprop", RMSprop, "#56B4E9", "RMSprop", demo_lr=0.05, beta="alpha", torch="RMSprop"),
    # teal
    Entry("adadelta", Adadelta, "#44AA99", "Adadelta", demo_lr=1.0, beta="rho", torch="Adadelta"),
    # reddish purple
    Entry("adam", Adam, "#CC79A7", "Adam", demo_lr=0.1, beta="betas", torch="Adam"),
    # wine
    Entry("adamw", AdamW, "#882255", "AdamW", demo_lr=0.1, beta="betas", torch="AdamW"),
    # purple
    Entry("adamax", Adamax, "#AA4499", "AdaMax", demo_lr=0.2, beta="betas", torch="Adamax"),
    # rose
    Entry("nadam", NAdam, "#CC6677", "Nadam", demo_lr=0.1, beta="betas", torch="NAdam"),
    # indigo
    Entry("radam", RAdam, "#332288", "RAdam", demo_lr=0.1, beta="betas", torch="RAdam"),
    # olive
    Entry("amsgrad", Adam, "#999933", "AMSGrad", preset={"amsgrad": True}, demo_lr=0.1,
          beta="betas", torch="Adam", aliases=("ams_grad",)),
    # brown: clearly apart from the Adam family's purples and roses next to it
    Entry("yogi", Yogi, "#8C564B", "Yogi", demo_lr=0.1, beta="betas"),
    # green
    Entry("rprop", Rprop, "#117733", "Rprop", demo_lr=0.01, torch="Rprop"),
    # ochre (Tol's medium-contrast dark yellow)
    Entry("lion", Lion, "#997700", "Lion", demo_lr=0.01, beta="betas"),
    # red; matrices only, so not in the 2-D demonstrations (demo_lr: its lr on a matrix problem)
    Entry("muon", Muon, "#E41A1C", "Muon", demo_lr=0.02, beta="momentum", torch="Muon",
          matrices_only=True),
    # dark blue (Tol's high-contrast blue)
    Entry("shampoo", Shampoo, "#004488", "Shampoo", demo_lr=0.5),
    # yellow (Tol's high-contrast palette)
    Entry("adafactor", Adafactor, "#DDAA33", "Adafactor", demo_lr=0.1, torch="Adafactor"),
    # dark cyan, magenta (Tol's dark and vibrant palettes): the Schedule-Free pair
    Entry("sgdschedulefree", SGDScheduleFree, "#225555", "Schedule-Free SGD", demo_lr=0.1,
          beta="momentum", aliases=("schedulefreesgd", "sfsgd")),
    Entry("adamwschedulefree", AdamWScheduleFree, "#EE3377", "Schedule-Free AdamW", demo_lr=0.1,
          beta="betas", aliases=("schedulefreeadamw", "sfadamw")),
    # grey, dark grey: the gradient-free methods of chapter 2 (functions, not optimizers)
    Entry("random_search", None, "#888888", "Random search", aliases=("randomsearch", "random")),
    Entry("random_local_search", None, "#4D4D4D", "Random local search",
          aliases=("randomlocalsearch", "local_search")),
    # dark brown: Adam with blockwise 8-bit states (chapter 16; torch.optim has none)
    Entry("adam8bit", Adam8bit, "#661100", "Adam (8-bit states)", demo_lr=0.1, beta="betas",
          aliases=("adam_8bit", "8bit_adam")),
]}
_ALIASES = {a: e.name for e in CATALOG.values() for a in e.aliases}


def _normal(name: str) -> str:
    return str(name).strip().lower().replace("-", "_").replace(" ", "_")


def find(name) -> Entry | None:
    """The row for ``name`` (case, spaces and hyphens ignored; aliases accepted), or None."""
    if not isinstance(name, str):
        return None
    k = _normal(name)
    for c in (k, k.replace("_", "")):
        if c in CATALOG:
            return CATALOG[c]
        if c in _ALIASES:
            return CATALOG[_ALIASES[c]]
    return None


def entry(name) -> Entry:
    """The row for ``name``; an unknown name is a ``ValueError`` listing the known ones."""
    if not isinstance(name, str):
        raise TypeError(f"an optimizer name must be a string such as 'adam', "
                        f"got {type(name).__name__} {name!r}")
    e = find(name)
    if e is None:
        close = difflib.get_close_matches(_normal(name), [*CATALOG, *_ALIASES], n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise ValueError(f"unknown optimizer {name!r}{hint}; known: {', '.join(CATALOG)}")
    return e


def names() -> list[str]:
    """Every name in the catalog, in legend order."""
    return list(CATALOG)


def optimizers() -> dict[str, type[Optimizer]]:
    """name -> class for the optimizers registered under their own name (no preset)."""
    return {e.name: e.cls for e in CATALOG.values() if e.is_optimizer}


def make(name: str, params, **hyper) -> Optimizer:
    """The optimizer called ``name`` over ``params``: its class with its preset, then ``hyper``."""
    e = entry(name)
    if e.cls is None:
        raise ValueError(f"{e.name!r} is not an optimizer that steps on gradients (it is a "
                         f"search method: see optimlib.random_search); known optimizers: "
                         f"{', '.join(n for n, r in CATALOG.items() if r.cls is not None)}")
    return e.cls(params, **{**e.preset, **hyper})
