"""Optimizers written from their equations, equal to ``torch.optim`` step for step.

``get(name, params, **hyper)`` builds one by name, as Keras's ``optimizer="adam"`` does.
"""
from __future__ import annotations

from .adadelta import Adadelta
from .adagrad import Adagrad
from .adam import Adam, AdamW
from .adamax import Adamax
from .base import Optimizer
from .nadam import NAdam
from .radam import RAdam
from .rmsprop import RMSprop
from .rprop import Rprop
from .sgd import SGD

#: name -> class; lower-case names as Keras and torch users write them
OPTIMIZERS: dict[str, type[Optimizer]] = {
    "sgd": SGD,
    "adagrad": Adagrad,
    "rmsprop": RMSprop,
    "adadelta": Adadelta,
    "adam": Adam,
    "adamw": AdamW,
    "adamax": Adamax,
    "nadam": NAdam,
    "radam": RAdam,
    "rprop": Rprop,
}


def get(name: str, params, **hyper) -> Optimizer:
    """``get("sgd", params, lr=0.1)``: the optimizer called ``name`` (case-insensitive)."""
    try:
        cls = OPTIMIZERS[name.lower()]
    except (KeyError, AttributeError):
        raise ValueError(f"unknown optimizer {name!r}; known: {', '.join(sorted(OPTIMIZERS))}") from None
    return cls(params, **hyper)


__all__ = ["Optimizer", "OPTIMIZERS", "get", *[c.__name__ for c in OPTIMIZERS.values()]]
