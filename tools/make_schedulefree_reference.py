"""Record the ``schedulefree`` package's SGDScheduleFree and AdamWScheduleFree as reference data.

    python3 tools/make_schedulefree_reference.py   # writes tests/reference/schedulefree.npz

The package (Defazio et al.'s reference implementation, version :data:`SCHEDULEFREE_VERSION`,
on torch) runs 100 steps of every configuration of :data:`GRID` on the problem of
``tools/reference_problem.py``: parameters of shapes ``()``, ``(5,)`` and ``(3, 4)`` and the
parameter-dependent gradient ``A_k p + noise_k[t-1]`` (taken at the training point y). Float64,
``foreach=False`` (the package's loop over tensors, which reads like its equations).

At steps 1, 2, 10, 50 and 100 the file holds, under ``"{config id}/{k}/{step}/{name}"``:
``param`` (the training point y), the state buffers ``z`` and ``exp_avg_sq``, the group's
scalars ``k``, ``weight_sum``, ``lr_max`` and ``scheduled_lr``, and ``x``: the parameter after
``optimizer.eval()``. The run then calls ``optimizer.train()``, which moves the parameter back
to y (up to rounding, which the replay reproduces by doing the same) and goes on.
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from reference_problem import (CHECKPOINTS, SEED, SHAPES, STEPS, gradient,  # noqa: E402,F401
                               make_problem, require_version, save, set_torch_gradients,
                               torch_float64)

OUT = HERE.parent / "tests" / "reference" / "schedulefree.npz"
SCHEDULEFREE_VERSION = "1.4.1"
#: the group's scalars recorded (the package keeps them per parameter group)
GROUP_SCALARS = ("k", "weight_sum", "lr_max", "scheduled_lr")
#: optimlib name -> the package's class name
CLASSES = {"sgdschedulefree": "SGDScheduleFree", "adamwschedulefree": "AdamWScheduleFree"}

#: defaults, each argument off its default, warmup on and off, weight decay on and off, r != 0,
#: and the branches of lerp (weights 1 - beta and 1 - 1/beta of size >= 1/2 when beta <= 2/3)
GRID = {
    "sgdschedulefree": [
        {},
        {"lr": 0.2},
        {"lr": 0.2, "momentum": 0.5},
        {"lr": 0.2, "weight_decay": 0.1},
        {"lr": 0.2, "warmup_steps": 20},
        {"lr": 0.2, "warmup_steps": 20, "weight_lr_power": 0.0},
        {"lr": 0.1, "r": 1.0},
        {"lr": 0.1, "momentum": 0.95, "weight_decay": 0.05, "warmup_steps": 10, "r": 0.5,
         "weight_lr_power": 1.0},
        {"lr": 0.0},  # every weight 0: the average's coefficient falls back to 0
    ],
    "adamwschedulefree": [
        {},
        {"lr": 0.05},
        {"lr": 0.05, "betas": [0.5, 0.99]},
        {"lr": 0.05, "betas": [0.95, 0.9], "eps": 1e-4},
        {"lr": 0.05, "weight_decay": 0.1},
        {"lr": 0.05, "warmup_steps": 20},
        {"lr": 0.05, "warmup_steps": 20, "weight_lr_power": 0.0},
        {"lr": 0.05, "r": 1.0},
        {"lr": 0.02, "betas": [0.8, 0.95], "weight_decay": 0.05, "warmup_steps": 10, "r": 0.5,
         "weight_lr_power": 1.0},
    ],
}


def configs() -> list[dict]:
    return [{"id": f"{name}-{i:02d}", "optimizer": name, "kwargs": kw}
            for name, grid in GRID.items() for i, kw in enumerate(grid)]


def run_schedulefree(config: dict, problem: dict, steps: int, checkpoints,
                     foreach: bool = False) -> dict:
    """Run the package; ``{"{k}/{step}/{name}": array}`` at the checkpoints (see the module).
    ``foreach=True``: the package's default, multi-tensor path (the same equations)."""
    import schedulefree

    with torch_float64(problem) as params:
        kw = {k: tuple(v) if isinstance(v, list) else v for k, v in config["kwargs"].items()}
        opt = getattr(schedulefree, CLASSES[config["optimizer"]])(params, foreach=foreach, **kw)
        opt.train()
        out = {}
        for t in range(1, steps + 1):
            set_torch_gradients(problem, t, params)
            opt.step()
            if t in checkpoints:
                group = opt.param_groups[0]
                for k, p in enumerate(params):
                    out[f"{k}/{t}/param"] = p.detach().numpy().copy()
                    for name, v in opt.state[p].items():
                        out[f"{k}/{t}/{name}"] = v.detach().numpy().copy()
                    for name in GROUP_SCALARS:
                        out[f"{k}/{t}/{name}"] = np.array(float(group[name]))
                opt.eval()
                for k, p in enumerate(params):
                    out[f"{k}/{t}/x"] = p.detach().numpy().copy()
                opt.train()
        return out


def package_version() -> str:
    from importlib.metadata import version
    return version("schedulefree")


def main(path: Path = OUT) -> None:
    import torch

    require_version("schedulefree", package_version(), SCHEDULEFREE_VERSION, exact=True)
    problem = make_problem()
    meta = {"schedulefree": package_version(), "torch": torch.__version__,
            "numpy": np.__version__, "shapes": SHAPES, "steps": STEPS,
            "checkpoints": list(CHECKPOINTS), "seed": SEED}
    save(path, problem, configs(), lambda cfg: run_schedulefree(cfg, problem, STEPS, CHECKPOINTS),
         meta, f"{len(configs())} configurations x {len(SHAPES)} parameters x {STEPS} steps")


if __name__ == "__main__":
    main()
