"""Record optax.yogi's trajectories as reference data for optimlib's Yogi.

    python3 tools/make_optax_yogi_reference.py       # writes tests/reference/optax_yogi.npz

The problem is tools/reference_problem.py's, as in tools/make_torch_reference.py (same seed,
shapes, starts, SPD matrices and noise; the gradient ``A_k p + noise_k[t-1]`` depends on the
parameter). optax (0.2.8, jax in float64: ``jax_enable_x64``) runs 100 steps of each
configuration below on the three parameters at once; stored at steps 1, 2, 10, 50 and 100 are every parameter and optax's moments ``mu`` and
``nu`` under optimlib's names, ``"{config id}/{parameter index}/{step}/{name}"`` with ``name`` in
``param``, ``exp_avg``, ``exp_avg_sq``. The configurations are the JSON string under ``"configs"``.

optax.yogi has no ``initial_accumulator_value`` argument; a configuration that sets it chains
``optax.scale_by_yogi(..., initial_accumulator_value=v)`` with ``optax.scale(-lr)``, which is
what ``optax.yogi`` is.

This module imports jax and optax only inside its functions, so the tests can import it.
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from reference_problem import (CHECKPOINTS, SEED, SHAPES, STEPS, gradient,  # noqa: E402
                               make_problem, require_version, save)

OUT = HERE.parent / "tests" / "reference" / "optax_yogi.npz"
OPTAX_VERSION = "0.2.8"

#: optimlib's keyword arguments (optax's defaults are the same except that lr is required)
GRID = [
    {},
    {"lr": 0.05},
    {"lr": 0.05, "betas": [0.8, 0.99]},
    {"lr": 0.02, "betas": [0.3, 0.9], "eps": 1e-6},
    {"lr": 0.05, "initial_accumulator_value": 0.5},
    {"lr": 0.1, "eps": 1e-8, "initial_accumulator_value": 0.0},
]
DEFAULTS = dict(lr=1e-2, betas=(0.9, 0.999), eps=1e-3, initial_accumulator_value=1e-6)


def configs() -> list[dict]:
    return [{"id": f"yogi-{i:02d}", "optimizer": "yogi", "kwargs": kw} for i, kw in enumerate(GRID)]


def run_optax(config: dict, problem: dict, steps: int = STEPS,
              checkpoints=CHECKPOINTS) -> dict[str, np.ndarray]:
    """Run optax on the problem; ``{"{k}/{step}/{name}": array}`` at the checkpoints."""
    import jax
    jax.config.update("jax_enable_x64", True)
    import jax.numpy as jnp
    import optax

    h = {**DEFAULTS, **config["kwargs"]}
    b1, b2 = h["betas"]
    if "initial_accumulator_value" in config["kwargs"]:
        tx = optax.chain(optax.scale_by_yogi(b1=b1, b2=b2, eps=h["eps"],
                                             initial_accumulator_value=h["initial_accumulator_value"]),
                         optax.scale(-h["lr"]))
    else:
        tx = optax.yogi(h["lr"], b1=b1, b2=b2, eps=h["eps"])
    params = [jnp.asarray(problem[f"x0_{k}"], dtype=jnp.float64) for k in range(len(SHAPES))]
    state = tx.init(params)
    out = {}
    for t in range(1, steps + 1):
        grads = [jnp.asarray(gradient(problem, k, t, np.asarray(p))) for k, p in enumerate(params)]
        updates, state = tx.update(grads, state, params)
        params = optax.apply_updates(params, updates)
        if t in checkpoints:
            yogi_state = state[0]  # (ScaleByAdamState, the learning rate's EmptyState)
            for k, p in enumerate(params):
                out[f"{k}/{t}/param"] = np.asarray(p, dtype=np.float64).copy()
                out[f"{k}/{t}/exp_avg"] = np.asarray(yogi_state.mu[k], dtype=np.float64).copy()
                out[f"{k}/{t}/exp_avg_sq"] = np.asarray(yogi_state.nu[k], dtype=np.float64).copy()
    return out


def main(path: Path = OUT) -> None:
    import jax
    import optax

    require_version("optax", optax.__version__, OPTAX_VERSION, exact=True)
    problem = make_problem()
    meta = {"optax": optax.__version__, "jax": jax.__version__, "numpy": np.__version__,
            "shapes": SHAPES, "steps": STEPS, "checkpoints": list(CHECKPOINTS), "seed": SEED}
    save(path, problem, configs(), lambda cfg: run_optax(cfg, problem), meta,
         f"{len(GRID)} configurations x {len(SHAPES)} parameters x {STEPS} steps")


if __name__ == "__main__":
    main()
