"""Record the ``schedulefree`` package's SGDScheduleFree and AdamWScheduleFree as reference data.

    python3 tools/make_schedulefree_reference.py   # writes tests/reference/schedulefree.npz

The package (Defazio et al.'s reference implementation, version :data:`SCHEDULEFREE_VERSION`,
on torch) runs 100 steps of every configuration of :data:`GRID` on the problem of
``tools/make_torch_reference.py``: parameters of shapes ``()``, ``(5,)`` and ``(3, 4)`` and the
parameter-dependent gradient ``A_k p + noise_k[t-1]`` (taken at the training point y). Float64,
``foreach=False`` (the package's loop over tensors, which reads like its equations).

At steps 1, 2, 10, 50 and 100 the file holds, under ``"{config id}/{k}/{step}/{name}"``:
``param`` (the training point y), the state buffers ``z`` and ``exp_avg_sq``, the group's
scalars ``k``, ``weight_sum``, ``lr_max`` and ``scheduled_lr``, and ``x``: the parameter after
``optimizer.eval()``. The run then calls ``optimizer.train()``, which moves the parameter back
to y (up to rounding, which the replay reproduces by doing the same) and goes on.
"""
from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
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


def torch_tool():
    """``tools/make_torch_reference.py`` as a module: its problem, gradient and checkpoints."""
    spec = importlib.util.spec_from_file_location("make_torch_reference",
                                                  HERE / "make_torch_reference.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def configs() -> list[dict]:
    return [{"id": f"{name}-{i:02d}", "optimizer": name, "kwargs": kw}
            for name, grid in GRID.items() for i, kw in enumerate(grid)]


def run_schedulefree(config: dict, problem: dict, steps: int, checkpoints,
                     foreach: bool = False) -> dict:
    """Run the package; ``{"{k}/{step}/{name}": array}`` at the checkpoints (see the module).
    ``foreach=True``: the package's default, multi-tensor path (the same equations)."""
    import schedulefree
    import torch

    tool = torch_tool()
    old = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    try:
        n = sum(1 for key in problem if key.startswith("x0_"))
        params = [torch.tensor(problem[f"x0_{k}"], dtype=torch.float64) for k in range(n)]
        kw = {k: tuple(v) if isinstance(v, list) else v for k, v in config["kwargs"].items()}
        opt = getattr(schedulefree, CLASSES[config["optimizer"]])(params, foreach=foreach, **kw)
        opt.train()
        out = {}
        for t in range(1, steps + 1):
            for k, p in enumerate(params):
                p.grad = torch.from_numpy(tool.gradient(problem, k, t, p.detach().numpy()))
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
    finally:
        torch.set_default_dtype(old)


def package_version() -> str:
    from importlib.metadata import version
    return version("schedulefree")


def main(path: Path = OUT) -> None:
    import torch

    if package_version() != SCHEDULEFREE_VERSION:
        sys.exit(f"the reference is schedulefree {SCHEDULEFREE_VERSION}'s; this is "
                 f"{package_version()}")
    tool = torch_tool()
    problem = tool.make_problem()
    data = dict(problem)
    for cfg in configs():
        for key, v in run_schedulefree(cfg, problem, tool.STEPS, tool.CHECKPOINTS).items():
            data[f"{cfg['id']}/{key}"] = v
    meta = {"schedulefree": package_version(), "torch": torch.__version__,
            "numpy": np.__version__, "shapes": tool.SHAPES, "steps": tool.STEPS,
            "checkpoints": list(tool.CHECKPOINTS), "seed": tool.SEED}
    data["configs"] = np.array(json.dumps(configs()))
    data["meta"] = np.array(json.dumps(meta))
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(path, **data)
    print(f"wrote {path} ({path.stat().st_size / 1e3:.0f} kB): {len(configs())} configurations x "
          f"{len(tool.SHAPES)} parameters x {tool.STEPS} steps")


if __name__ == "__main__":
    main()
