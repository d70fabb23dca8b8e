"""Record Keras 3's Adagrad trajectories as reference data for ``optimlib.optim.adagrad_forms``.

    KERAS_BACKEND=torch python3 tools/make_keras_adagrad_reference.py
    # writes tests/reference/keras_adagrad.npz

Keras (any backend; float64 variables) runs 100 steps on two parameters of shapes ``(5,)`` and
``(3, 4)`` from a fixed start, for each configuration in ``CONFIGS``. The gradient of parameter
``k`` at step ``t`` is ``A_k @ p.ravel() + noise_k[t - 1]`` (``A_k`` symmetric positive
definite), so it depends on the parameter and a wrong update leads elsewhere. ``A_k``,
``noise_k`` and ``x0_k`` are stored, so the tests need neither Keras nor a stable random
generator. Stored per configuration, at steps 1, 2, 10, 50 and 100: every parameter, under
``"{config}/{k}/{step}"``.

Keras is imported only inside :func:`keras_run`, so the tests can import the constants.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parent.parent / "tests" / "reference" / "keras_adagrad.npz"
SHAPES = [(5,), (3, 4)]
STEPS = 100
CHECKPOINTS = (1, 2, 10, 50, 100)
SEED = 20261201
#: optimlib's names (KerasAdagrad's keywords); Keras spells lr ``learning_rate`` and eps ``epsilon``
CONFIGS = [
    {},
    {"lr": 0.1},
    {"lr": 0.05, "initial_accumulator_value": 0.0, "eps": 1e-3},
    {"lr": 0.3, "initial_accumulator_value": 2.0, "eps": 1e-10},
]


def problem(seed: int = SEED) -> dict:
    rng = np.random.default_rng(seed)
    out = {}
    for k, shape in enumerate(SHAPES):
        n = int(np.prod(shape))
        Q = rng.standard_normal((n, n))
        out[f"A_{k}"] = Q @ Q.T / n + 0.1 * np.eye(n)
        out[f"noise_{k}"] = 0.3 * rng.standard_normal((STEPS, n))
        out[f"x0_{k}"] = rng.standard_normal(shape)
    return out


def gradient(prob: dict, k: int, t: int, p: np.ndarray) -> np.ndarray:
    return (prob[f"A_{k}"] @ p.ravel() + prob[f"noise_{k}"][t - 1]).reshape(p.shape)


def keras_run(config: dict, prob: dict) -> dict:
    """``{(k, step): parameter}`` at the checkpoints, computed by Keras in float64."""
    import keras
    kw = {"learning_rate" if k == "lr" else "epsilon" if k == "eps" else k: v
          for k, v in config.items()}
    opt = keras.optimizers.Adagrad(**kw)
    vs = [keras.Variable(prob[f"x0_{k}"], dtype="float64") for k in range(len(SHAPES))]
    out = {}
    for t in range(1, STEPS + 1):
        grads = [keras.ops.convert_to_tensor(gradient(prob, k, t, keras.ops.convert_to_numpy(v)),
                                             dtype="float64") for k, v in enumerate(vs)]
        opt.apply_gradients(zip(grads, vs))
        if t in CHECKPOINTS:
            for k, v in enumerate(vs):
                out[(k, t)] = np.array(keras.ops.convert_to_numpy(v), dtype=np.float64)
    return out


def main() -> None:
    import keras
    prob = problem()
    data = {**prob, "configs": json.dumps(CONFIGS), "keras_version": keras.__version__}
    for i, config in enumerate(CONFIGS):
        for (k, t), p in keras_run(config, prob).items():
            data[f"{i}/{k}/{t}"] = p
    OUT.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(OUT, **data)
    print(f"wrote {OUT} (Keras {keras.__version__}, {len(CONFIGS)} configurations)")


if __name__ == "__main__":
    main()
