r"""A fair comparison of optimizers: the same tasks, the same budget, several seeds, choices made on
the validation split only.

The protocol, stated before any run:

- **What is tuned.** The learning rate alone, on one log-spaced grid shared by every optimizer
  (:data:`LR_GRID`, 10^-4 to 10, four points per decade); every other hyperparameter is the
  method's default (the catalog's preset: ``"momentum"`` is SGD with momentum 0.9). One grid for
  all, because a grid fitted to each method would smuggle in what we want to measure.
- **What a cell is.** One (task, optimizer, learning rate, seed) run of the task's fixed budget
  (epochs of mini-batches, or steps on a 2-D problem). The seed sets the initial weights and the
  order of the mini-batches (on a 2-D problem, the starting point).
- **Selection.** For each (task, optimizer) the learning rate whose *mean* final validation loss
  over the seeds is lowest (a diverged seed counts as an infinite loss). The test split is read
  once, at the selected learning rate, and reported as mean ± standard deviation over the seeds.
- **Speed.** Steps (and seconds) until the validation loss first reaches the task's target,
  measured after every epoch (on 2-D problems after every step), at the selected learning rate.

``run_cell`` runs one cell, ``select`` applies the rule to stored cells, ``summarise`` makes the
table, ``expected_best_of`` answers "what would a smaller tuning budget have found".
``python -m optimlib.shootout`` runs the whole sweep (resumable) into ``optimlib/data/shootout.json``.
"""
from __future__ import annotations

import json
import math
import pathlib
import platform
import time
import warnings
from dataclasses import dataclass
from math import comb
from typing import Callable

import numpy as np

from . import optim
from .data import batches, load_digits, make_sparse_features
from .nn import Autoencoder, build_mlp
from .optim import catalog
from .problems import ROSENBROCK

__all__ = ["LR_GRID", "SEEDS", "MATRIX_AWARE", "EXCLUDED", "Task", "TASKS", "OPTIMIZERS", "run_cell", "select", "summarise",
           "expected_best_of", "load_results", "sweep", "blas_threads", "RESULTS"]

#: the learning rates every optimizer is tried at: 10^-4 ... 10, four per decade (21 values)
LR_GRID = tuple(float(x) for x in np.logspace(-4, 1, 21))
#: the seeds every configuration is run with
SEEDS = (0, 1, 2)
#: where ``python -m optimlib.shootout`` stores the sweep
RESULTS = pathlib.Path(__file__).resolve().parent / "data" / "shootout.json"


@dataclass(frozen=True)
class Task:
    """A problem with train / validation / test splits and a fixed budget.

    ``make(seed)`` returns ``(model, data)``: a model with ``params``, ``grads``,
    ``loss_and_grad(X, Y)`` and ``evaluate(X, Y) -> (loss, accuracy)``, and
    ``data = (X_train, Y_train, X_val, Y_val, X_test, Y_test)``. For a 2-D problem
    (``problem`` set) the point starts at ``problem.start`` moved by ``spread * N(0, I)``: the
    validation loss is the mean final value from the starts of seeds ``seed*8 ... seed*8+7``,
    the test loss from eight other starts that selection never sees.
    """

    name: str
    title: str
    target: float            #: validation loss that counts as "reached"
    epochs: int = 0          #: network tasks: passes over the training split
    batch_size: int = 32
    make: Callable | None = None
    problem: object = None   #: 2-D tasks: the problem
    steps: int = 0           #: 2-D tasks: steps per run
    spread: float = 0.1

    @property
    def kind(self) -> str:
        return "2-D" if self.problem is not None else "network"


def _digits_mlp(seed):
    d = load_digits(validation=True)
    return build_mlp((64, 64, 10), seed=seed), (d.X_train, d.y_train, d.X_val, d.y_val, d.X_test, d.y_test)


def _digits_autoencoder(seed):
    d = load_digits(validation=True)
    return Autoencoder((64, 32, 16, 8, 16, 32, 64), seed=seed), (d.X_train, None, d.X_val, None, d.X_test, None)


def _sparse(seed):
    s = make_sparse_features(seed=0)  # one data set; the seed varies the weights and the batches
    return build_mlp((s.n_features, 2), seed=seed), (s.X_train, s.y_train, s.X_val, s.y_val, s.X_test, s.y_test)


#: the tasks of the shootout, by name
TASKS: dict[str, Task] = {t.name: t for t in [
    Task("digits_mlp", "digits MLP 64-64-10", target=0.15, epochs=10, make=_digits_mlp),
    Task("autoencoder", "digits autoencoder 64-32-16-8-16-32-64", target=1.1, epochs=10,
         make=_digits_autoencoder),
    Task("sparse", "sparse features (logistic)", target=0.35, epochs=5, make=_sparse),
    Task("rosenbrock", "Rosenbrock 2-D", target=1e-2, problem=ROSENBROCK, steps=500),
]}

#: the optimizers of the stored sweep, in the catalog's legend order
OPTIMIZERS = ("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adadelta", "adam", "adamw",
              "adamax", "nadam", "radam", "amsgrad", "yogi", "rprop", "lion", "adafactor",
              "sgdschedulefree", "adamwschedulefree")
#: the catalog's other optimizers, and why the stored sweep leaves them out
EXCLUDED = {
    "gd": "the same class and defaults as 'sgd', used full-batch",
    "muon": "orthogonalises weight matrices: it needs a matrix per layer and a partner for the "
            "biases (optim.Combined), and has no meaning on the 2-D problem",
    "shampoo": "a preconditioner per matrix dimension, made for large layers; left out with Muon",
    "adam8bit": "Adam with its state stored in 8 bits: a memory saving (chapter 16), not a new "
                "update rule",
}


def _task(task) -> Task:
    if isinstance(task, Task):
        return task
    if task not in TASKS:
        raise ValueError(f"unknown task {task!r}; known: {', '.join(TASKS)}")
    return TASKS[task]


def _finite_or_none(x):
    return float(x) if x is not None and math.isfinite(x) else None


def run_cell(task, optimizer: str, lr: float, seed: int = 0, **hyper) -> dict:
    """One run of ``task`` with ``optimizer`` (a catalog name) at learning rate ``lr``.

    Returns a dict of plain numbers (JSON-ready; ``None`` for a diverged loss): ``val_loss`` (the
    final validation loss), ``val_curve`` (after every epoch; 2-D: every 10 steps), ``test_loss``
    (and for classifiers ``val_acc``, ``test_acc``), ``steps_to_target`` and
    ``seconds_to_target`` (None if never reached), ``steps``, ``seconds``, ``diverged``.
    Everything but the seconds depends only on the arguments: same seed, same numbers."""
    task = _task(task)
    catalog.entry(optimizer)
    lr = float(lr)
    if not (lr > 0 and math.isfinite(lr)):
        raise ValueError(f"lr must be a positive finite number, got {lr}")
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        out = (_run_problem if task.kind == "2-D" else _run_network)(task, optimizer, lr, int(seed), hyper)
    out.update(task=task.name, optimizer=optimizer, lr=lr, seed=int(seed))
    return out


def _run_network(task, name, lr, seed, hyper):
    model, (X, Y, Xv, Yv, Xt, Yt) = task.make(seed)
    Y = X if Y is None else Y
    opt = optim.get(name, model.params, lr=lr, **hyper).train()
    rng = np.random.default_rng(seed)
    curve, steps, seconds, reached, diverged = [], 0, 0.0, (None, None), False
    first = None
    for _ in range(task.epochs):
        t0 = time.perf_counter()
        for idx in batches(len(X), task.batch_size, rng):
            loss = model.loss_and_grad(X[idx], Y[idx])
            first = loss if first is None else first
            # diverged: not finite, or ten times the first loss (fit's blow-up rule)
            if not math.isfinite(loss) or loss > 10 * max(first, 1.0) or not all(
                    math.isfinite(float(g.sum())) for g in model.grads):
                diverged = True
                break
            opt.step(model.grads)
            steps += 1
        seconds += time.perf_counter() - t0
        if diverged:
            break
        opt.eval()
        v = float(model.evaluate(Xv, Yv)[0])
        opt.train()
        if not math.isfinite(v):
            diverged = True
            break
        curve.append(v)
        if reached[0] is None and v <= task.target:
            reached = (steps, seconds)
    opt.eval()
    out = dict(val_curve=curve, steps=steps, seconds=seconds, diverged=diverged,
               steps_to_target=reached[0], seconds_to_target=reached[1])
    if diverged:
        out.update(val_loss=None, test_loss=None)
        if Yv is not None:
            out.update(val_acc=None, test_acc=None)
        return out
    (vl, va), (tl, ta) = model.evaluate(Xv, Yv), model.evaluate(Xt, Yt)
    out.update(val_loss=_finite_or_none(vl), test_loss=_finite_or_none(tl))
    if Yv is not None:
        out.update(val_acc=float(va), test_acc=float(ta))
    return out


def _starts(task, seed, test):
    # eight starts per seed; the test starts come from seeds no validation run uses
    rng = np.random.default_rng([seed, 1 if test else 0])
    return np.asarray(task.problem.start, float) + task.spread * rng.standard_normal((8, 2))


#: methods whose update mixes the entries of a matrix parameter (factored or orthogonalised
#: statistics): on a 2-D problem their eight starts run one by one, each point its own vector
MATRIX_AWARE = ("adafactor", "muon", "shampoo")


def _final_values(task, name, lr, starts, hyper, record=False):
    if catalog.entry(name).name in MATRIX_AWARE:
        xs = [s.copy() for s in starts]                  # eight separate (2,) points
        opts = [optim.get(name, [x], lr=lr, **hyper) for x in xs]

        def value():
            return float(np.mean([task.problem.value(x) for x in xs]))

        def step():
            for x, o in zip(xs, opts):
                o.step([task.problem.grad(x)])
    else:
        # eight runs at once as one (2, 8) array: for a method that updates each coordinate on
        # its own (all the others) exactly eight separate runs, eight times cheaper
        x = starts.T.copy()
        opts = [optim.get(name, [x], lr=lr, **hyper)]

        def value():
            return float(np.mean(task.problem.value(x)))

        def step():
            opts[0].step([task.problem.grad(x)])
    values = [value()]
    for _ in range(task.steps):
        step()
        if record:
            values.append(value())
    for o in opts:
        o.eval()                 # the point a method reports (schedule-free methods: their average)
    v = value()
    return (v if math.isfinite(v) and v < 1e6 else None), values


def _run_problem(task, name, lr, seed, hyper):
    t0 = time.perf_counter()
    val, values = _final_values(task, name, lr, _starts(task, seed, False), hyper, record=True)
    seconds = time.perf_counter() - t0
    test, _ = _final_values(task, name, lr, _starts(task, seed, True), hyper)
    vals = np.array(values)
    with np.errstate(invalid="ignore"):
        hit = np.flatnonzero(vals <= task.target)
    steps_to = int(hit[0]) if hit.size else None
    curve = [_finite_or_none(v) for v in vals[::10]]
    return dict(val_loss=val, test_loss=test, val_curve=curve, steps=task.steps, seconds=seconds,
                diverged=val is None, steps_to_target=steps_to,
                seconds_to_target=None if steps_to is None else seconds * steps_to / task.steps)


# -- the selection rule and the table -------------------------------------------------------------

def _mean_val(cells) -> float:
    vals = [c["val_loss"] for c in cells]
    return math.inf if any(v is None for v in vals) else float(np.mean(vals))


def select(cells, task: str, optimizer: str) -> dict:
    """The protocol's choice for (task, optimizer) among ``cells`` (dicts from :func:`run_cell`):
    the learning rate of lowest mean validation loss over the seeds, then the test numbers there.

    Only ``val_loss`` decides; the test numbers of the other learning rates are never read."""
    by_lr: dict[float, list] = {}
    for c in cells:
        if c["task"] == task and c["optimizer"] == optimizer:
            by_lr.setdefault(c["lr"], []).append(c)
    if not by_lr:
        raise ValueError(f"no cells for task {task!r} and optimizer {optimizer!r}")
    scores = {lr: _mean_val(cs) for lr, cs in by_lr.items()}
    lr = min(scores, key=lambda k: (scores[k], k))  # ties: the smaller learning rate
    chosen = sorted(by_lr[lr], key=lambda c: c["seed"])

    def stats(key):
        v = [c.get(key) for c in chosen]
        if any(x is None for x in v):
            return None, None
        return float(np.mean(v)), float(np.std(v, ddof=1)) if len(v) > 1 else 0.0

    out = dict(task=task, optimizer=optimizer, lr=lr, seeds=len(chosen), scores=scores)
    for key in ("val_loss", "test_loss", "test_acc", "steps_to_target", "seconds_to_target"):
        out[key], out[key + "_std"] = stats(key)
    return out


def summarise(cells, tasks=None, optimizers=None) -> list[dict]:
    """:func:`select` for every (task, optimizer) present in ``cells``."""
    tasks = tasks or list(dict.fromkeys(c["task"] for c in cells))
    optimizers = optimizers or list(dict.fromkeys(c["optimizer"] for c in cells))
    return [select(cells, t, o) for t in tasks for o in optimizers]


def expected_best_of(scores, k: int) -> float:
    r"""The expected best (lowest) of ``k`` configurations drawn at random, without replacement,
    from ``scores`` (one validation score per configuration; inf for a diverged one).

    With the scores sorted, :math:`s_{(1)} \le \dots \le s_{(N)}`, the best of the draw is
    :math:`s_{(i)}` when configuration i is drawn and none of the i - 1 better ones is:
    probability :math:`\binom{N-i}{k-1} / \binom{N}{k}`. Exact, no resampling noise."""
    s = np.sort(np.asarray(list(scores), dtype=float))
    n = s.size
    if not isinstance(k, (int, np.integer)) or not 1 <= k <= n:
        raise ValueError(f"k must be an integer from 1 to the number of configurations {n}, got {k!r}")
    p = np.array([comb(n - i, k - 1) for i in range(1, n + 1)], dtype=float) / comb(n, k)
    finite = p > 0
    if np.isinf(s[finite]).any():
        return math.inf
    return float(np.dot(p[finite], s[finite]))


# -- the stored sweep -----------------------------------------------------------------------------

def _key(c) -> tuple:
    return (c["task"], c["optimizer"], float(c["lr"]), int(c["seed"]))


def load_results(path=RESULTS) -> dict:
    """The stored sweep: ``{"cells": [...], "config": ..., "machine": ..., "versions": ...}``."""
    with open(path) as f:
        return json.load(f)


def _config(tasks, optimizers, lrs, seeds) -> dict:
    specs = {t: {k: getattr(_task(t), k) for k in ("target", "epochs", "batch_size", "steps", "spread")}
             for t in tasks}
    return dict(tasks=list(tasks), optimizers=list(optimizers), lr_grid=list(lrs), seeds=list(seeds),
                task_specs=specs)


def blas_threads() -> int | None:
    """The threads NumPy's BLAS uses: a matrix product split over another number of threads may
    round its last bit differently, so exact reproduction needs the same count."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:  # pragma: no cover - optional
        return None
    counts = [i["num_threads"] for i in threadpool_info() if i.get("user_api") == "blas"]
    return counts[0] if counts else None


def _machine() -> dict:
    import os
    return dict(platform=platform.platform(), processor=platform.processor() or platform.machine(),
                python=platform.python_version(), cpus=os.cpu_count(), blas_threads=blas_threads(),
                load_average=list(os.getloadavg()) if hasattr(os, "getloadavg") else None)


def _versions() -> dict:
    import optimlib
    return dict(optimlib=optimlib.__version__, numpy=np.__version__)


def sweep(path=RESULTS, tasks=tuple(TASKS), optimizers=OPTIMIZERS, lrs=LR_GRID, seeds=SEEDS,
          progress: bool = True, save_every: float = 20.0) -> dict:
    """Run every cell not yet in ``path`` (so an interrupted sweep resumes), saving as it goes."""
    path = pathlib.Path(path)
    config = _config(tasks, optimizers, lrs, seeds)
    data = {"config": config, "cells": [], "seconds": 0.0}
    if path.exists():
        old = load_results(path)
        same = {k: v for k, v in old.get("config", {}).items() if k != "optimizers"}
        if same == {k: v for k, v in config.items() if k != "optimizers"}:
            # the same tasks, grid and seeds: keep the cells already run for this lineup
            keep = [c for c in old["cells"] if c["optimizer"] in config["optimizers"]]
            data = {**old, "config": config, "cells": keep}
    done = {_key(c) for c in data["cells"]}
    todo = [(t, o, lr, s) for t in tasks for o in optimizers for lr in lrs for s in seeds
            if (t, o, float(lr), int(s)) not in done]
    from tqdm.auto import tqdm
    start, last = time.perf_counter(), time.perf_counter()
    base = data.get("seconds", 0.0)

    def save():
        data.update(seconds=base + time.perf_counter() - start, machine=_machine(), versions=_versions(),
                    command="python -m optimlib.shootout")
        order = {k: i for i, k in enumerate((t, o, float(lr), int(s)) for t in tasks for o in optimizers
                                            for lr in lrs for s in seeds)}
        data["cells"].sort(key=lambda c: order[_key(c)])
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, separators=(",", ":")))
        tmp.replace(path)

    for t, o, lr, s in tqdm(todo, disable=not progress, unit="cell"):
        data["cells"].append(run_cell(t, o, lr, s))
        if time.perf_counter() - last > save_every:
            save()
            last = time.perf_counter()
    save()
    return data


if __name__ == "__main__":  # python -m optimlib.shootout [--out PATH]
    import argparse
    ap = argparse.ArgumentParser(description="Run the optimizer shootout (resumable).")
    ap.add_argument("--out", default=str(RESULTS), help="results file (JSON)")
    ap.add_argument("--no-progress", action="store_true")
    args = ap.parse_args()
    d = sweep(args.out, progress=not args.no_progress)
    print(f"{len(d['cells'])} cells, {d['seconds']:.0f} s in all -> {args.out}")
