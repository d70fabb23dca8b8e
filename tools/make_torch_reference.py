"""Record torch.optim's trajectories as reference data for optimlib's tests.

    python3 tools/make_torch_reference.py            # writes tests/reference/torch_optim.npz

For every optimizer and a grid of configurations (each flag on and off, non-default
hyperparameters), torch.optim (``foreach=False``, float64, default dtype float64) runs 100 steps
on three parameters at once, of shapes ``()``, ``(5,)`` and ``(3, 4)``, from a fixed start. The
gradient of parameter ``k`` at step ``t`` is

    g = A_k @ p.ravel() + noise_k[t - 1]      (A_k symmetric positive definite)

so it depends on the parameter: an update that is wrong anywhere sends the trajectory elsewhere
(the problem, shared by every reference tool, and the saving are ``tools/reference_problem.py``'s).
``A_k``, ``noise_k`` and the start ``x0_k`` are stored in the file, so the tests need neither
torch nor a random generator that stays stable across NumPy versions. Stored for each
configuration, at steps 1, 2, 10, 50 and 100: every parameter and every state buffer, under the
key ``"{config id}/{parameter index}/{step}/{name}"`` (``name`` is ``param`` or torch's state
name; the scalars ``step`` and ``mu_product`` are stored once per parameter like torch keeps
them). The list of configurations is the JSON string under ``"configs"``.

Why the default dtype is float64 here: torch keeps ``step`` and NAdam's ``mu_product`` in
tensors of the *default* dtype. With torch's usual float32 default, NAdam's ``mu_product`` is
rounded to float32 every step, which moves float64 parameters by ~1e-8 relative; with the
default set to float64 torch computes in float64 throughout, as optimlib does.

This module imports torch only inside its functions, so the tests can import its constants.
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout
sys.path.insert(0, str(Path(__file__).resolve().parent))
from optimlib.optim import catalog  # noqa: E402
from reference_problem import (CHECKPOINTS, SEED, SHAPES, STEPS, gradient,  # noqa: E402,F401
                               make_problem, require_version, save, torch_float64,
                               torch_trajectory)

OUT = Path(__file__).resolve().parent.parent / "tests" / "reference" / "torch_optim.npz"
TORCH_VERSION = "2.13.0"

#: optimizers of the catalog that torch has but that have a reference file of their own: Muon
#: updates matrices only (torch refuses this file's () and (5,) parameters) and torch computes its
#: Newton-Schulz iteration in bfloat16, so its tool runs torch with a float64 iteration as well
OWN_REFERENCE = {"muon": "tools/make_muon_reference.py"}

#: torch class name for each optimizer of the catalog that torch has (and this file covers)
TORCH_NAMES = {name: catalog.entry(name).torch for name in catalog.optimizers()
               if catalog.entry(name).torch and name not in OWN_REFERENCE}

#: (optimizer, keyword arguments): defaults, each flag on and off, non-default values, combined.
#: An optimizer not listed gets :func:`default_grid`.
GRID = {
    "sgd": [
        {},
        {"lr": 0.05},
        {"lr": 0.05, "momentum": 0.9},
        {"lr": 0.05, "momentum": 0.9, "dampening": 0.3},
        {"lr": 0.05, "momentum": 0.9, "nesterov": True},
        {"lr": 0.05, "weight_decay": 0.1},
        {"lr": 0.03, "momentum": 0.5, "nesterov": True, "weight_decay": 0.05},
    ],
    "adagrad": [
        {},
        {"lr": 0.3},
        {"lr": 0.3, "lr_decay": 0.05},
        {"lr": 0.3, "initial_accumulator_value": 0.5},
        {"lr": 0.3, "eps": 1e-3, "weight_decay": 0.1},
        {"lr": 0.2, "lr_decay": 0.01, "initial_accumulator_value": 0.1, "eps": 1e-6,
         "weight_decay": 0.05},
    ],
    "rmsprop": [
        {},
        {"lr": 0.01, "alpha": 0.9},
        {"lr": 0.01, "centered": True},
        {"lr": 0.005, "momentum": 0.9},
        {"lr": 0.005, "momentum": 0.8, "centered": True},
        {"lr": 0.01, "weight_decay": 0.1, "eps": 1e-4},
        {"lr": 0.02, "alpha": 0.3, "centered": True},  # 1 - alpha > 1/2: lerp's other branch
        {"lr": 0.003, "alpha": 0.95, "eps": 1e-6, "weight_decay": 0.05, "momentum": 0.5,
         "centered": True},
    ],
    "adadelta": [
        {},
        {"lr": 0.5, "rho": 0.8},
        {"rho": 0.95, "eps": 1e-3},
        {"lr": 2.0, "weight_decay": 0.1},
    ],
    "adam": [
        {},
        {"lr": 0.05},
        {"lr": 0.05, "betas": [0.8, 0.99]},
        {"lr": 0.05, "amsgrad": True},
        {"lr": 0.05, "weight_decay": 0.1},
        {"lr": 0.05, "weight_decay": 0.1, "decoupled_weight_decay": True},
        {"lr": 0.05, "weight_decay": 0.1, "amsgrad": True},
        {"lr": 0.02, "betas": [0.3, 0.5], "eps": 1e-3},  # 1 - beta1 > 1/2: lerp's other branch
        {"lr": 0.05, "betas": [0.0, 0.9]},
    ],
    "adamw": [
        {},
        {"lr": 0.05},
        {"lr": 0.05, "weight_decay": 0.2, "amsgrad": True},
        {"lr": 0.05, "betas": [0.8, 0.95], "eps": 1e-6, "weight_decay": 0.0},
    ],
    "adamax": [
        {},
        {"lr": 0.05},
        {"lr": 0.05, "betas": [0.8, 0.99]},
        {"lr": 0.05, "weight_decay": 0.1, "eps": 1e-3},
        {"lr": 0.05, "betas": [0.3, 0.9]},
    ],
    "nadam": [
        {},
        {"lr": 0.05},
        {"lr": 0.05, "momentum_decay": 0.01},
        {"lr": 0.05, "weight_decay": 0.1},
        {"lr": 0.05, "weight_decay": 0.1, "decoupled_weight_decay": True},
        {"lr": 0.05, "betas": [0.8, 0.99], "eps": 1e-4},
        {"lr": 0.02, "betas": [0.3, 0.9], "momentum_decay": 0.0},
    ],
    "radam": [
        {},
        {"lr": 0.05},
        {"lr": 0.05, "betas": [0.9, 0.9]},  # rho_t stays <= 5 for longer: both branches
        {"lr": 0.05, "weight_decay": 0.1},
        {"lr": 0.05, "weight_decay": 0.1, "decoupled_weight_decay": True},
        {"lr": 0.05, "betas": [0.3, 0.99], "eps": 1e-4},
    ],
    "rprop": [
        {},
        {"lr": 0.05},
        {"lr": 0.05, "etas": [0.3, 1.5]},
        {"lr": 0.2, "step_sizes": [1e-3, 0.3]},  # both clamps act
        {"lr": 1e-4, "etas": [0.7, 1.1], "step_sizes": [1e-3, 50.0]},  # clamped up at step 1
    ],
    "adafactor": [  # () and (5,) keep a full variance, (3, 4) a row and a column
        {},
        {"lr": 0.1},
        {"lr": 0.05, "weight_decay": 0.1},
        {"lr": 0.1, "beta2_decay": -0.5, "d": 1.5, "eps": [1e-3, 1e-2]},
        {"lr": 0.1, "eps": [0.3, 0.5]},      # both epsilons act: V_t below eps1^2, RMS below eps2
        {"lr": 0.2, "beta2_decay": 0.0, "d": 1.0},  # no averaging: the matrix's update is clipped
    ],
}


def default_grid(name: str) -> list[dict]:
    """Defaults, twice the default learning rate, and each switch (a bool default) turned on."""
    defaults = catalog.entry(name).cls.defaults
    flags = [k for k, v in defaults.items() if v is False]
    return [{}, {"lr": 2 * defaults["lr"]}, *({"lr": 2 * defaults["lr"], k: True} for k in flags)]


def configs() -> list[dict]:
    """The grid as a list of ``{"id", "optimizer", "kwargs"}``, every optimizer torch has."""
    unknown = sorted(set(GRID) - set(TORCH_NAMES))
    if unknown:
        raise ValueError(f"GRID lists {unknown}, which are not optimizers of the catalog with a "
                         f"torch counterpart")
    return [{"id": f"{name}-{i:02d}", "optimizer": name, "kwargs": kw}
            for name in TORCH_NAMES for i, kw in enumerate(GRID.get(name) or default_grid(name))]


def run_torch(config: dict, problem: dict, steps: int = STEPS,
              checkpoints=CHECKPOINTS) -> dict[str, np.ndarray]:
    """Run torch.optim on the problem; return ``{"{k}/{step}/{name}": array}`` at the checkpoints."""
    import torch

    with torch_float64(problem) as params:
        cls = getattr(torch.optim, TORCH_NAMES[config["optimizer"]])
        kw = dict(config["kwargs"])
        for pair in ("betas", "etas", "step_sizes", "eps"):
            if isinstance(kw.get(pair), list):
                kw[pair] = tuple(kw[pair])
        return torch_trajectory(cls(params, foreach=False, **kw), params, problem, steps,
                                checkpoints)


def main(path: Path = OUT) -> None:
    import torch

    require_version("torch", torch.__version__, TORCH_VERSION)
    problem = make_problem()
    cfgs = configs()
    meta = {"torch": torch.__version__, "numpy": np.__version__, "shapes": SHAPES,
            "steps": STEPS, "checkpoints": list(CHECKPOINTS), "seed": SEED}
    save(path, problem, cfgs, lambda cfg: run_torch(cfg, problem), meta,
         f"{len(cfgs)} configurations x {len(SHAPES)} parameters x {STEPS} steps")


if __name__ == "__main__":
    main()
