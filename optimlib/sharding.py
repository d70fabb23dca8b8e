"""ZeRO / FSDP sharding of the optimizer, simulated in one process.

With N data-parallel devices, ZeRO (Rajbhandari et al. 2020) and torch's FSDP give each device
1/N of the optimizer state instead of all of it. Each parameter is split along its first
dimension into N blocks of rows (as FSDP2 does), and device k keeps the state of block k only.
A step is then: each device receives its rows of the gradient (a *reduce-scatter* in a real
system), steps its own optimizer on its own rows, and the updated rows are gathered back into
the full parameters (an *all-gather*).

For an elementwise optimizer every coordinate's update depends only on that coordinate, so the
sharded step equals the unsharded one bit for bit. An optimizer that couples coordinates of a
matrix (Muon's orthogonalisation, Shampoo's and Adafactor's row and column statistics) sees only
a block of rows on each device and computes something else.

Real multi-device training does this with torch's ``FullyShardedDataParallel`` / ``fully_shard``
or DeepSpeed's ZeRO; here the devices are loop iterations and the communication is copying.
"""
from __future__ import annotations

import numpy as np

from ._checks import check_count

__all__ = ["ShardedOptimizer", "row_shards"]


def row_shards(n_rows: int, n_shards: int) -> list[tuple[int, int]]:
    """``[(start, stop), ...]``: ``n_rows`` rows in ``n_shards`` contiguous blocks whose sizes
    differ by at most one (the first ``n_rows % n_shards`` blocks have one row more); blocks may
    be empty when there are fewer rows than shards."""
    n_rows, n_shards = check_count("n_rows", n_rows, 0), check_count("n_shards", n_shards, 1)
    q, r = divmod(n_rows, n_shards)
    sizes = [q + (k < r) for k in range(n_shards)]
    starts = np.cumsum([0] + sizes)
    return [(int(a), int(b)) for a, b in zip(starts[:-1], starts[1:])]


class ShardedOptimizer:
    """``n_shards`` simulated devices, each with its own optimizer over its rows of every
    parameter: ``ShardedOptimizer("adam", params, 8, lr=1e-3)``, then ``step(grads)`` as usual.

    ``make`` is a catalog name (``"adam"``) or a function ``make(list_of_arrays) -> Optimizer``.
    A 0-d parameter (no rows) lives on device 0. ``devices[k]`` holds device k's
    ``(index, start, stop)`` slots, its own copies of those rows and its optimizer (None if it
    holds no rows)."""

    def __init__(self, make, params, n_shards: int, **hyper):
        from .optim.base import Optimizer
        self.params = Optimizer._check_params(params)
        self.n_shards = check_count("n_shards", n_shards, 1)
        if isinstance(make, str):
            from . import optim
            name = make
            make = lambda ps: optim.get(name, ps, **hyper)  # noqa: E731
        elif not callable(make):
            raise TypeError(f"make must be an optimizer name or a function of a list of arrays, "
                            f"got {type(make).__name__} {make!r}")
        elif hyper:
            raise TypeError("hyperparameters go into make itself when make is a function")
        self.devices = []
        for k in range(self.n_shards):
            slots = []
            for i, p in enumerate(self.params):
                if p.ndim == 0:
                    if k == 0:
                        slots.append((i, None, None))
                    continue
                a, b = row_shards(p.shape[0], self.n_shards)[k]
                if b > a:
                    slots.append((i, a, b))
            local = [self._rows(self.params[i], a, b).copy() for i, a, b in slots]
            self.devices.append({"slots": slots, "params": local,
                                 "opt": make(local) if local else None})

    @staticmethod
    def _rows(x, a, b):
        return x if a is None else x[a:b]

    def step(self, grads) -> None:
        """Each device steps its rows with its rows of the gradients; then all-gather."""
        grads = list(grads)
        if len(grads) != len(self.params):
            raise ValueError(f"got {len(grads)} gradients for {len(self.params)} parameters")
        for dev in self.devices:
            if dev["opt"] is not None:   # reduce-scatter: the device receives only its rows
                dev["opt"].step([np.array(self._rows(grads[i], a, b), order="C")
                                 for i, a, b in dev["slots"]])
        self._gather()

    def _gather(self) -> None:
        for dev in self.devices:         # all-gather: every device gets the updated parameters
            for (i, a, b), local in zip(dev["slots"], dev["params"]):
                self._rows(self.params[i], a, b)[...] = local

    def train(self, mode: bool = True) -> "ShardedOptimizer":
        """Every device's optimizer to training (or evaluation) mode, then gather the parameters
        (Schedule-Free methods move them between the two points)."""
        for dev in self.devices:
            if dev["opt"] is not None:
                dev["opt"].train(mode)
        self._gather()
        return self

    def eval(self) -> "ShardedOptimizer":
        return self.train(False)

    def state_bytes(self) -> list[int]:
        """Bytes of optimizer state held by each device."""
        return [sum(v.nbytes for s in dev["opt"].state for v in s.values()) if dev["opt"] else 0
                for dev in self.devices]
