"""Several optimizers over disjoint parts of one parameter list, acting as one optimizer.

    opt = Combined(model.params, [Muon(matrices), AdamW(biases)])
    fit(model, opt, data)

Each array of ``params`` must belong to exactly one of the optimizers, and each optimizer's
arrays must be in ``params``: a missing, shared or foreign array is a ValueError naming it.
``step(grads)`` takes the gradients in the order of ``params`` and hands each part its own.
"""
from __future__ import annotations

from .base import Optimizer

__all__ = ["Combined"]


class Combined:
    """The optimizers ``parts``, each over its own arrays of ``params``, stepping together."""

    def __init__(self, params, parts):
        self.params = Optimizer._check_params(params)
        self.parts = list(parts)
        if not self.parts or not all(isinstance(o, Optimizer) for o in self.parts):
            raise TypeError("parts must be a non-empty list of Optimizers, each built over "
                            "its own arrays of params")
        where = {id(p): i for i, p in enumerate(self.params)}
        owner: dict[int, int] = {}        # index in params -> index of the part that owns it
        for j, opt in enumerate(self.parts):
            for k, p in enumerate(opt.params):
                if id(p) not in where:
                    raise ValueError(f"parts[{j}].params[{k}] (shape {p.shape}) is not one of "
                                     f"params: build each part from the same arrays")
                i = where[id(p)]
                if i in owner:
                    raise ValueError(f"params[{i}] (shape {p.shape}) is in parts[{owner[i]}] and "
                                     f"parts[{j}]: each array needs exactly one optimizer")
                owner[i] = j
        missing = [i for i in range(len(self.params)) if i not in owner]
        if missing:
            i = missing[0]
            raise ValueError(f"params[{i}] (shape {self.params[i].shape}) belongs to no part"
                             f"{f' (nor do {len(missing) - 1} more)' if len(missing) > 1 else ''}:"
                             f" give it to one of the optimizers")
        # for each part, the positions in params of its arrays, in its own order
        self._index = [[where[id(p)] for p in opt.params] for opt in self.parts]

    @property
    def t(self) -> int:
        """Steps taken so far (the parts step together)."""
        return self.parts[0].t

    @property
    def training(self) -> bool:
        return self.parts[0].training

    @property
    def defaults(self) -> dict:
        """Every part's hyperparameter names (the first part's default where they share one)."""
        return {k: v for opt in reversed(self.parts) for k, v in opt.defaults.items()}

    @property
    def lr(self) -> float:
        """The first part's learning rate; setting it sets every part's."""
        return self.parts[0].lr

    @lr.setter
    def lr(self, value) -> None:
        self.set_hyper(lr=value)

    def set_hyper(self, **values) -> None:
        """Set each hyperparameter on every part that has it (a schedule drives them all)."""
        unknown = sorted(k for k in values if not any(k in o.defaults for o in self.parts))
        if unknown:
            raise TypeError(f"no part of this Combined optimizer has hyperparameter(s) {unknown}; "
                            f"they accept {sorted(self.defaults)}")
        for opt in self.parts:
            mine = {k: v for k, v in values.items() if k in opt.defaults}
            if mine:
                opt.set_hyper(**mine)

    def step(self, grads) -> None:
        """Update every array in place; ``grads`` in the order of ``params``."""
        grads = list(grads)
        if len(grads) != len(self.params):
            raise ValueError(f"got {len(grads)} gradients for {len(self.params)} parameters")
        for opt, idx in zip(self.parts, self._index):
            opt.step([grads[i] for i in idx])

    def train(self, mode: bool = True) -> "Combined":
        for opt in self.parts:
            opt.train(mode)
        return self

    def eval(self) -> "Combined":
        return self.train(False)

    def state_dict(self) -> dict:
        return {"parts": [opt.state_dict() for opt in self.parts]}

    def load_state_dict(self, sd: dict) -> None:
        if len(sd.get("parts", ())) != len(self.parts):
            raise ValueError(f"state_dict holds {len(sd.get('parts', ()))} parts, this Combined "
                             f"optimizer has {len(self.parts)}")
        for opt, s in zip(self.parts, sd["parts"]):
            opt.load_state_dict(s)

    def __repr__(self) -> str:
        return f"Combined({len(self.params)} params: {', '.join(map(repr, self.parts))})"
