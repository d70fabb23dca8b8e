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

import importlib.util
import json
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
OUT = HERE.parent / "tests" / "reference" / "torch_adafactor.npz"
SHAPES = [(2, 3, 4), (2, 1, 3, 2)]
SEED = 20261202


def shared_tool():
    """``tools/make_torch_reference.py`` as a module: its gradient, grid and torch runner."""
    spec = importlib.util.spec_from_file_location("make_torch_reference",
                                                  HERE / "make_torch_reference.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def configs() -> list[dict]:
    return [{"id": f"adafactor-{i:02d}", "optimizer": "adafactor", "kwargs": kw}
            for i, kw in enumerate(shared_tool().GRID["adafactor"])]


def make_problem() -> dict:
    return shared_tool().make_problem(SEED, SHAPES)


def main(path: Path = OUT) -> None:
    import torch

    tool = shared_tool()
    if not torch.__version__.startswith(tool.TORCH_VERSION):
        sys.exit(f"the reference is torch {tool.TORCH_VERSION}'s; this is torch {torch.__version__}")
    problem = make_problem()
    data = dict(problem)
    for cfg in configs():
        for key, v in tool.run_torch(cfg, problem).items():
            data[f"{cfg['id']}/{key}"] = v
    meta = {"torch": torch.__version__, "numpy": np.__version__, "shapes": SHAPES,
            "steps": tool.STEPS, "checkpoints": list(tool.CHECKPOINTS), "seed": SEED}
    data["configs"] = np.array(json.dumps(configs()))
    data["meta"] = np.array(json.dumps(meta))
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(path, **data)
    print(f"wrote {path} ({path.stat().st_size / 1e3:.0f} kB): {len(configs())} configurations x "
          f"{len(SHAPES)} parameters x {tool.STEPS} steps")


if __name__ == "__main__":
    main()
