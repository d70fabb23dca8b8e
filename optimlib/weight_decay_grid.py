"""The learning rate x weight decay grid of chapter 11: Adam with an L2 penalty against AdamW.

Loshchilov and Hutter ("Decoupled Weight Decay Regularization", ICLR 2019, figure 2) train one
network for every pair (learning rate, weight decay) and colour the grid by the result. Here the
network is the book's digits MLP (64-64-10, ReLU), trained for ``EPOCHS`` epochs in mini-batches
of 32 with ``Adam(lr, weight_decay=wd)`` (the penalty ``wd * theta`` added to the gradient) and
with ``AdamW(lr, weight_decay=wd)`` (torch's decoupled decay ``theta *= 1 - lr * wd``), from
``SEEDS`` different initialisations and batch orders. Each cell records the final validation
accuracy and loss; the test split is not touched.

    python -m optimlib.weight_decay_grid          # writes optimlib/data/weight_decay_grid.json

The chapter loads the stored grid and re-trains a random sample of its cells live: :func:`cell`
is the one function both use.
"""
from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np

from .data import load_digits
from .nn import build_mlp
from .train import fit

__all__ = ["LRS", "DECAYS", "SEEDS", "EPOCHS", "METHODS", "PATH", "cell", "load", "main"]

LRS = (3e-4, 1e-3, 3e-3, 1e-2, 3e-2)
DECAYS = (0.0, 1e-3, 1e-2, 3e-2, 1e-1, 3e-1, 1.0, 3.0)
SEEDS = (0, 1, 2)
EPOCHS = 10
#: grid name -> optimizer name of the catalog
METHODS = {"adam_l2": "adam", "adamw": "adamw"}
PATH = Path(__file__).resolve().parent / "data" / "weight_decay_grid.json"
COMMAND = "python -m optimlib.weight_decay_grid"


def cell(method: str, lr: float, weight_decay: float, seed: int, data=None) -> dict:
    """Train one cell of the grid; its final validation accuracy and loss, and training loss."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {sorted(METHODS)}, got {method!r}")
    data = load_digits(validation=True) if data is None else data
    model = build_mlp((64, 64, 10), seed=seed)
    h = fit(model, METHODS[method], data, epochs=EPOCHS, batch_size=32, seed=seed,
            progress=False, lr=lr, weight_decay=weight_decay)
    return {"val_acc": float(h.val_acc[-1]), "val_loss": float(h.val_loss[-1]),
            "train_loss": float(h.train_loss[-1])}


def load(path: Path = PATH) -> dict:
    """The stored grid: ``grid["val_acc"][method]`` has shape (seeds, lrs, decays)."""
    raw = json.loads(Path(path).read_text())
    for key in ("val_acc", "val_loss", "train_loss"):
        raw[key] = {m: np.array(v) for m, v in raw[key].items()}
    return raw


def main(path: Path = PATH) -> None:
    data = load_digits(validation=True)
    start = time.perf_counter()
    out = {k: {m: np.zeros((len(SEEDS), len(LRS), len(DECAYS))) for m in METHODS}
           for k in ("val_acc", "val_loss", "train_loss")}
    for m in METHODS:
        for s, seed in enumerate(SEEDS):
            for i, lr in enumerate(LRS):
                for j, wd in enumerate(DECAYS):
                    r = cell(m, lr, wd, seed, data)
                    for k in out:
                        out[k][m][s, i, j] = r[k]
            print(f"{m}, seed {seed}: done after {time.perf_counter() - start:.0f} s", flush=True)
    seconds = time.perf_counter() - start
    doc = {"command": COMMAND, "seconds": round(seconds, 1), "cells": len(METHODS) * len(SEEDS)
           * len(LRS) * len(DECAYS), "epochs": EPOCHS, "batch_size": 32, "model": "64-64-10 relu",
           "lrs": list(LRS), "decays": list(DECAYS), "seeds": list(SEEDS), "numpy": np.__version__,
           **{k: {m: v.tolist() for m, v in d.items()} for k, d in out.items()}}
    Path(path).write_text(json.dumps(doc, indent=1) + "\n")
    print(f"wrote {path}: {doc['cells']} cells in {seconds:.0f} s")


if __name__ == "__main__":
    main()
