"""Optimizers written from their equations, equal to ``torch.optim`` step for step.

``get(name, params, **hyper)`` builds one by name, as Keras's ``optimizer="adam"`` does. The
names, and what the book knows about each, are the rows of :mod:`optimlib.optim.catalog`.
"""
from __future__ import annotations

from . import catalog
from .base import Optimizer
from .combined import Combined

#: name -> class; lower-case names as Keras and torch users write them (the catalog's optimizers)
OPTIMIZERS: dict[str, type[Optimizer]] = catalog.optimizers()
globals().update({cls.__name__: cls for cls in OPTIMIZERS.values()})  # optim.Adam, optim.SGD, ...


def get(name: str, params, **hyper) -> Optimizer:
    """``get("sgd", params, lr=0.1)``: the optimizer called ``name`` (case-insensitive).

    Any name of the catalog that is an optimizer works, presets included:
    ``get("nesterov", params)`` is ``SGD(params, momentum=0.9, nesterov=True)``."""
    return catalog.make(name, params, **hyper)


__all__ = ["Optimizer", "Combined", "OPTIMIZERS", "catalog", "get",
           *[c.__name__ for c in OPTIMIZERS.values()]]
