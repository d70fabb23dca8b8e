"""Record torch.optim.Muon's trajectories as reference data for optimlib's Muon.

    python3 tools/make_muon_reference.py            # writes tests/reference/torch_muon.npz

torch computes Muon's Newton–Schulz iteration in bfloat16, whose 8-bit mantissa moves each
step by ~1e-3 relative: no float64 implementation can equal that. So every configuration is run
twice: with torch's own iteration (``ns="bfloat16"``, what torch users get) and with the same
iteration in float64 (``ns="float64"``), made from torch's source with the cast to bfloat16
removed (:func:`float64_newtonschulz`) and patched into ``torch.optim._muon`` for the run only.
optimlib must equal the float64 runs to 1e-12; the bfloat16 runs measure the gap.

Muon updates matrices only: three parameters of shapes (4, 3) (tall: transposed inside the
iteration, and the lr is scaled by sqrt(4/3)), (3, 6) (wide) and (5, 5), updated together for
100 steps from a fixed start with the parameter-dependent gradient of
``tools/reference_problem.py``, ``g = A_k @ p.ravel() + noise_k[t - 1]``. Stored at steps
1, 2, 10, 50 and 100: each parameter and its ``momentum_buffer``, under
``"{config id}/{ns}/{parameter index}/{step}/{name}"``; ``A_k``, ``noise_k`` and ``x0_k`` too.

This module imports torch only inside its functions, so the tests can import its constants.
"""
from __future__ import annotations

import contextlib
import inspect
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import reference_problem  # noqa: E402
from reference_problem import (CHECKPOINTS, STEPS, gradient, require_version,  # noqa: E402,F401
                               save, torch_float64, torch_trajectory)

OUT = Path(__file__).resolve().parent.parent / "tests" / "reference" / "torch_muon.npz"
SHAPES = [(4, 3), (3, 6), (5, 5)]
SEED = 20241208
TORCH_VERSION = "2.13.0"
NS_DTYPES = ("float64", "bfloat16")

#: defaults, each switch, each lr adjustment, other Newton–Schulz polynomials and step counts
GRID = [
    {},
    {"lr": 0.02},
    {"lr": 0.02, "nesterov": False},
    {"lr": 0.02, "momentum": 0.0},
    {"lr": 0.02, "weight_decay": 0.0, "adjust_lr_fn": "match_rms_adamw"},
    {"lr": 0.02, "adjust_lr_fn": "original", "ns_steps": 3},
    {"lr": 0.01, "ns_coefficients": [1.5, -0.5, 0.0], "ns_steps": 10, "eps": 1e-3},  # the cubic
    {"lr": 0.05, "momentum": 0.5, "weight_decay": 0.3},  # 1 - mu = 1/2: lerp's other branch
]


def configs() -> list[dict]:
    return [{"id": f"muon-{i:02d}", "optimizer": "muon", "kwargs": kw} for i, kw in enumerate(GRID)]


def make_problem(seed: int = SEED) -> dict:
    """The shared problem on :data:`SHAPES`, starts standard normal (no scaling)."""
    return reference_problem.make_problem(seed, SHAPES, x0_scale=1.0)


def float64_newtonschulz():
    """torch's ``_zeropower_via_newtonschulz`` with its cast to bfloat16 replaced by a copy in
    the gradient's dtype: the same iteration, line for line, from torch's own source."""
    import torch
    import torch.optim._muon as muon_module

    src = inspect.getsource(muon_module._zeropower_via_newtonschulz)
    cast = "ortho_grad = grad.bfloat16()"
    if src.count(cast) != 1:
        raise RuntimeError(f"torch's Newton–Schulz no longer contains {cast!r} once: "
                           f"update tools/make_muon_reference.py for torch {torch.__version__}")
    namespace = dict(vars(muon_module))
    exec(src.replace(cast, "ortho_grad = grad.clone()"), namespace)
    return namespace["_zeropower_via_newtonschulz"]


@contextlib.contextmanager
def newtonschulz_in(ns: str):
    """Within the block, ``torch.optim.Muon`` runs Newton–Schulz in ``ns`` ("float64" patches
    :func:`float64_newtonschulz` in; "bfloat16" is torch's own)."""
    import torch.optim._muon as muon_module

    if ns not in NS_DTYPES:
        raise ValueError(f"ns must be one of {NS_DTYPES}, got {ns!r}")
    original = muon_module._zeropower_via_newtonschulz
    if ns == "float64":
        muon_module._zeropower_via_newtonschulz = float64_newtonschulz()
    try:
        yield
    finally:
        muon_module._zeropower_via_newtonschulz = original


def run_torch(config: dict, problem: dict, ns: str = "float64", steps: int = STEPS,
              checkpoints=CHECKPOINTS) -> dict[str, np.ndarray]:
    """torch.optim.Muon on the problem; ``{"{k}/{step}/{name}": array}`` at the checkpoints."""
    import torch

    with torch_float64(problem) as params:
        kw = dict(config["kwargs"])
        if "ns_coefficients" in kw:
            kw["ns_coefficients"] = tuple(kw["ns_coefficients"])
        opt = torch.optim.Muon(params, **kw)
        with newtonschulz_in(ns):
            return torch_trajectory(opt, params, problem, steps, checkpoints)


def main(path: Path = OUT) -> None:
    import torch

    require_version("torch", torch.__version__, TORCH_VERSION)
    problem = make_problem()
    meta = {"torch": torch.__version__, "numpy": np.__version__, "shapes": SHAPES,
            "steps": STEPS, "checkpoints": list(CHECKPOINTS), "seed": SEED,
            "ns_dtypes": list(NS_DTYPES)}
    save(path, problem, configs(),
         lambda cfg: {f"{ns}/{key}": v for ns in NS_DTYPES
                      for key, v in run_torch(cfg, problem, ns).items()}, meta,
         f"{len(GRID)} configurations x {len(NS_DTYPES)} Newton-Schulz dtypes x "
         f"{len(SHAPES)} parameters x {STEPS} steps")


if __name__ == "__main__":
    main()
