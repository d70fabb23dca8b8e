"""Loading a stored reference file and replaying its runs with optimlib, for the reference tests.

Each file in ``tests/reference/`` made by a tool of ``tools/`` on the problem of
``tools/reference_problem.py`` holds the problem (``x0_k``, ``A_k``, ``noise_k``), the JSON
strings ``configs`` and ``meta``, and the runs under ``"{config id}/..."``.
"""
from __future__ import annotations

import json
import sys
from functools import cached_property
from pathlib import Path

import numpy as np
import pytest

from optimlib import optim

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
from reference_problem import gradient, load_tool  # noqa: E402,F401


class Reference:
    """``tests/reference/{file}``, recorded by ``tools/{tool}.py``."""

    def __init__(self, file: str, tool: str):
        self.path = ROOT / "tests" / "reference" / file
        self.tool_name = tool

    @cached_property
    def data(self) -> dict:
        with np.load(self.path) as d:
            return {k: d[k] for k in d.files}

    @cached_property
    def tool(self):
        """The generator as a module (it imports its reference library only when run)."""
        return load_tool(self.tool_name)

    def configs(self) -> list[dict]:
        return json.loads(str(self.data["configs"]))

    def meta(self) -> dict:
        return json.loads(str(self.data["meta"]))

    def problem(self) -> dict:
        return {k: v for k, v in self.data.items() if k.split("_")[0] in ("x0", "A", "noise")}

    def stored(self, prefix: str) -> dict:
        """The arrays under ``"{prefix}/..."``, keyed by the rest of their names."""
        prefix += "/"
        return {k[len(prefix):]: v for k, v in self.data.items() if k.startswith(prefix)}


def replay(config: dict, problem: dict, steps: int, checkpoints, record) -> dict:
    """Run ``config`` with optimlib on the problem; at each checkpoint ``t`` merge in
    ``record(opt, params, t)`` (the quantities the reference stores, named as it names them)."""
    n = sum(1 for key in problem if key.startswith("x0_"))
    params = [np.array(problem[f"x0_{k}"], dtype=np.float64) for k in range(n)]
    opt = optim.get(config["optimizer"], params, **config["kwargs"])
    out = {}
    for t in range(1, steps + 1):
        opt.step([gradient(problem, k, t, p) for k, p in enumerate(params)])
        if t in checkpoints:
            out.update(record(opt, params, t))
    return out


def live_torch():
    """torch for a live comparison: skip unless it is installed and 2.13 (the references')."""
    torch = pytest.importorskip("torch")
    if not torch.__version__.startswith("2.13."):
        pytest.skip(f"the reference is torch 2.13's; this is torch {torch.__version__}")
    return torch
