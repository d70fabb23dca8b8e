"""Record torch.optim.Adafactor on tensors of three and four dimensions, for optimlib's tests.

    python3 tools/make_adafactor_reference.py       # writes tests/reference/torch_adafactor.npz

The shared reference (``tools/make_torch_reference.py``) runs every optimizer on parameters of
shapes ``()``, ``(5,)`` and ``(3, 4)``. Adafactor factors a tensor of more dimensions over its
last two (a stack of matrices, one row and one column factor each), which those shapes do not
reach; this file holds the same kind of run, with the same configurations
(``make_torch_reference.GRID["adafactor"]``) and the same parameter-dependent gradient
``A_k p + noise_k[t-1]``, on parameters of shapes :data:`SHAPES`.
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from reference_problem import load_tool, make_problem as shared_problem, require_version, save  # noqa: E402,I001

OUT = HERE.parent / "tests" / "reference" / "torch_adafactor.npz"
SHAPES = [(2, 3, 4), (2, 1, 3, 2)]
SEED = 20261202


def shared_tool():
    """``tools/make_torch_reference.py`` as a module: its grid and torch runner."""
    return load_tool("make_torch_reference")


def configs() -> list[dict]:
    return [{"id": f"adafactor-{i:02d}", "optimizer": "adafactor", "kwargs": kw}
            for i, kw in enumerate(shared_tool().GRID["adafactor"])]


def make_problem() -> dict:
    return shared_problem(SEED, SHAPES)


def main(path: Path = OUT) -> None:
    import torch

    tool = shared_tool()
    require_version("torch", torch.__version__, tool.TORCH_VERSION)
    problem = make_problem()
    meta = {"torch": torch.__version__, "numpy": np.__version__, "shapes": SHAPES,
            "steps": tool.STEPS, "checkpoints": list(tool.CHECKPOINTS), "seed": SEED}
    save(path, problem, configs(), lambda cfg: tool.run_torch(cfg, problem), meta,
         f"{len(configs())} configurations x {len(SHAPES)} parameters x {tool.STEPS} steps")


if __name__ == "__main__":
    main()
