"""Record Keras 3's and optax's trajectories as reference data for optimlib's framework maps.

    python3 tools/make_framework_reference.py      # writes tests/reference/frameworks.npz

Keras 3 runs on its torch backend (``KERAS_BACKEND=torch``, float64 variables), optax on jax's
CPU build with ``jax_enable_x64``. Each case of ``CASES`` (a framework, its optimizer's name and
keyword arguments in the framework's own spelling, at its defaults or at other settings) runs
100 steps on the problem of ``tools/make_torch_reference.py`` (its ``make_problem()``): three
parameters of shapes ``()``, ``(5,)``, ``(3, 4)`` and the parameter-dependent gradient
``A_k p + noise_k[t-1]``. ``x0_k``, ``A_k`` and ``noise_k`` are stored too, so the tests need no
random generator. Stored: every parameter after every step, under ``"{case id}/{k}"`` (shape
``(100, *shape)``);
the cases as JSON under ``"cases"``; the frameworks' versions and their optimizers' defaults
(read from their signatures) under ``"meta"``.

Frameworks are imported only inside the functions, so the tests can import the constants.
"""
from __future__ import annotations

import functools
import importlib.util
import inspect
import json
import os
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "reference" / "frameworks.npz"
VERSIONS = {"keras": "3.15.1", "optax": "0.2.8", "jax": "0.10.2"}
STEPS = 100


def _torch_tool():
    spec = importlib.util.spec_from_file_location("make_torch_reference",
                                                  ROOT / "tools" / "make_torch_reference.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def problem() -> dict:
    """``x0_k``, ``A_k``, ``noise_k``: the torch reference's problem (the same gradients)."""
    return _torch_tool().make_problem()


SHAPES = [(), (5,), (3, 4)]
gradient = _torch_tool().gradient

#: (framework, optimizer, kwargs): each framework at its defaults, then at other settings.
#: optax has no default learning rate: its "defaults" cases pass torch's default for the method.
_KERAS = [
    ("SGD", {}), ("SGD", {"learning_rate": 0.05, "momentum": 0.9}),
    ("SGD", {"learning_rate": 0.05, "momentum": 0.9, "nesterov": True}),
    ("Adagrad", {}), ("Adagrad", {"learning_rate": 0.3, "initial_accumulator_value": 0.0,
                                  "epsilon": 1e-3}),
    ("RMSprop", {}), ("RMSprop", {"learning_rate": 0.01, "rho": 0.95, "epsilon": 1e-4}),
    ("RMSprop", {"learning_rate": 0.005, "momentum": 0.9}),
    ("RMSprop", {"learning_rate": 0.005, "momentum": 0.8, "centered": True, "epsilon": 1e-6}),
    ("Adadelta", {}), ("Adadelta", {"learning_rate": 1.0, "rho": 0.9, "epsilon": 1e-6}),
    ("Adam", {}), ("Adam", {"learning_rate": 0.05, "beta_1": 0.8, "beta_2": 0.99,
                            "epsilon": 1e-3}),
    ("Adam", {"learning_rate": 0.05, "amsgrad": True}),
    ("Adam", {"learning_rate": 0.05, "weight_decay": 0.1}),
    ("AdamW", {}), ("AdamW", {"learning_rate": 0.05, "weight_decay": 0.2, "amsgrad": True}),
    ("Adamax", {}), ("Adamax", {"learning_rate": 0.05, "beta_1": 0.8, "epsilon": 1e-3}),
    ("Nadam", {}), ("Nadam", {"learning_rate": 0.05, "beta_1": 0.8, "beta_2": 0.99}),
    ("Lion", {}), ("Lion", {"learning_rate": 0.01, "beta_1": 0.8, "beta_2": 0.95,
                            "weight_decay": 0.1}),
]
_OPTAX = [
    ("sgd", {"learning_rate": 1e-3}),
    ("sgd", {"learning_rate": 0.05, "momentum": 0.9}),
    ("sgd", {"learning_rate": 0.05, "momentum": 0.9, "nesterov": True}),
    ("adagrad", {"learning_rate": 1e-2}),
    ("adagrad", {"learning_rate": 0.3, "initial_accumulator_value": 0.0, "eps": 1e-3}),
    ("rmsprop", {"learning_rate": 1e-2}),
    ("rmsprop", {"learning_rate": 0.01, "eps_in_sqrt": False}),
    ("rmsprop", {"learning_rate": 0.005, "momentum": 0.9, "eps": 1e-4}),
    ("rmsprop", {"learning_rate": 0.005, "momentum": 0.8, "centered": True, "eps": 1e-6,
                 "eps_in_sqrt": False}),
    ("adadelta", {"learning_rate": 1.0}),
    ("adadelta", {"learning_rate": 0.5, "rho": 0.8, "eps": 1e-3}),
    ("adam", {"learning_rate": 1e-3}),
    ("adam", {"learning_rate": 0.05, "b1": 0.8, "b2": 0.99, "eps": 1e-3}),
    ("adamw", {"learning_rate": 1e-3}),
    ("adamw", {"learning_rate": 0.05, "weight_decay": 0.2}),
    ("amsgrad", {"learning_rate": 1e-3}),
    ("amsgrad", {"learning_rate": 0.05, "b1": 0.8, "b2": 0.99}),
    ("amsgrad", {"learning_rate": 0.05, "eps_root": 1e-6}),
    ("adamax", {"learning_rate": 2e-3}),
    ("adamax", {"learning_rate": 0.05, "b1": 0.8, "eps": 1e-3}),
    ("nadam", {"learning_rate": 2e-3}),
    ("nadam", {"learning_rate": 0.05, "b1": 0.8, "b2": 0.99}),
    ("radam", {"learning_rate": 1e-3}),
    ("radam", {"learning_rate": 0.05, "b2": 0.9, "eps": 1e-4}),
    ("radam", {"learning_rate": 0.05, "eps_root": 1e-6}),
    ("lion", {"learning_rate": 1e-4}),
    ("lion", {"learning_rate": 0.01, "b1": 0.8, "b2": 0.95, "weight_decay": 0.1}),
    ("yogi", {"learning_rate": 1e-2}),
    ("yogi", {"learning_rate": 0.05, "b1": 0.8, "b2": 0.99, "eps": 1e-2}),
]
CASES = ([{"id": f"keras-{n}-{i:02d}", "framework": "keras", "optimizer": n, "kwargs": kw}
          for i, (n, kw) in enumerate(_KERAS)]
         + [{"id": f"optax-{n}-{i:02d}", "framework": "optax", "optimizer": n, "kwargs": kw}
            for i, (n, kw) in enumerate(_OPTAX)])


def _keras():
    os.environ.setdefault("KERAS_BACKEND", "torch")
    import keras
    return keras


def _float64(fn):
    """Run ``fn`` with Keras's floatx set to float64; the caller's setting is restored after
    (other tests in the same process use Keras's float32 default)."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        keras = _keras()
        old = keras.config.floatx()
        keras.config.set_floatx("float64")
        try:
            return fn(*args, **kwargs)
        finally:
            keras.config.set_floatx(old)
    return wrapper


def _jax():
    import jax
    jax.config.update("jax_enable_x64", True)
    return jax


@_float64
def keras_run(case: dict, prob: dict, steps: int = STEPS) -> dict[str, np.ndarray]:
    """``{"k": array (steps, *shape)}``: Keras's parameters after each step, float64."""
    keras = _keras()
    opt = getattr(keras.optimizers, case["optimizer"])(**case["kwargs"])
    vs = [keras.Variable(prob[f"x0_{k}"], dtype="float64") for k in range(len(SHAPES))]
    out = {str(k): np.empty((steps, *np.shape(prob[f"x0_{k}"]))) for k in range(len(SHAPES))}
    for t in range(1, steps + 1):
        grads = [keras.ops.convert_to_tensor(
            gradient(prob, k, t, np.asarray(keras.ops.convert_to_numpy(v))), dtype="float64")
            for k, v in enumerate(vs)]
        opt.apply_gradients(zip(grads, vs))
        for k, v in enumerate(vs):
            out[str(k)][t - 1] = keras.ops.convert_to_numpy(v)
    return out


def optax_run(case: dict, prob: dict, steps: int = STEPS) -> dict[str, np.ndarray]:
    """``{"k": array (steps, *shape)}``: optax's parameters after each step, float64."""
    jax = _jax()
    import jax.numpy as jnp
    import optax
    opt = getattr(optax, case["optimizer"])(**case["kwargs"])
    params = [jnp.asarray(prob[f"x0_{k}"], dtype=jnp.float64) for k in range(len(SHAPES))]
    state = opt.init(params)
    update = jax.jit(opt.update)
    out = {str(k): np.empty((steps, *np.shape(prob[f"x0_{k}"]))) for k in range(len(SHAPES))}
    for t in range(1, steps + 1):
        grads = [jnp.asarray(gradient(prob, k, t, np.asarray(p))) for k, p in enumerate(params)]
        updates, state = update(grads, state, params)
        params = optax.apply_updates(params, updates)
        for k, p in enumerate(params):
            out[str(k)][t - 1] = np.asarray(p)
    return out


def run(case: dict, prob: dict, steps: int = STEPS) -> dict[str, np.ndarray]:
    return (keras_run if case["framework"] == "keras" else optax_run)(case, prob, steps)


def _jsonable(v):
    if isinstance(v, (bool, int, float, str)) or v is None:
        return v
    if isinstance(v, (tuple, list)):
        return [_jsonable(x) for x in v]
    return repr(v)


@_float64
def framework_defaults() -> dict:
    """Each framework's optimizer's keyword defaults, read from its signature (and torch's)."""
    keras = _keras()
    import optax
    import torch
    out = {"keras": {}, "optax": {}, "torch": {}}
    base = set(inspect.signature(keras.optimizers.Optimizer.__init__).parameters) - {
        "learning_rate", "weight_decay"}
    for case in CASES:
        fw, name = case["framework"], case["optimizer"]
        fn = getattr(keras.optimizers, name).__init__ if fw == "keras" else getattr(optax, name)
        out[fw][name] = {k: _jsonable(p.default) for k, p in inspect.signature(fn).parameters.items()
                         if k not in base and k not in ("self", "kwargs", "mu_dtype", "mask",
                                                        "accumulator_dtype", "weight_decay_mask")
                         and p.default is not inspect.Parameter.empty or k == "learning_rate"}
        if fw == "optax" and "learning_rate" in out[fw][name] and \
                inspect.signature(fn).parameters["learning_rate"].default is inspect.Parameter.empty:
            out[fw][name]["learning_rate"] = "required"
    for name in ("SGD", "Adagrad", "RMSprop", "Adadelta", "Adam", "AdamW", "Adamax", "NAdam",
                 "RAdam"):
        sig = inspect.signature(getattr(torch.optim, name).__init__).parameters
        out["torch"][name] = {k: _jsonable(p.default) for k, p in sig.items()
                              if k in ("lr", "betas", "eps", "weight_decay", "momentum", "alpha",
                                       "rho", "momentum_decay", "initial_accumulator_value")}
    return out


def versions() -> dict:
    keras = _keras()
    jax = _jax()
    import optax
    return {"keras": keras.__version__, "keras_backend": keras.backend.backend(),
            "optax": optax.__version__, "jax": jax.__version__, "numpy": np.__version__}


def main(path: Path = OUT) -> None:
    v = versions()
    for name, want in VERSIONS.items():
        if v[name] != want:
            sys.exit(f"the reference is {name} {want}'s; this is {name} {v[name]}")
    prob = problem()
    data = dict(prob)
    for case in CASES:
        for k, traj in run(case, prob).items():
            data[f"{case['id']}/{k}"] = traj
    meta = {**v, "steps": STEPS, "shapes": SHAPES, "defaults": framework_defaults()}
    data["cases"] = np.array(json.dumps(CASES))
    data["meta"] = np.array(json.dumps(meta))
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(path, **data)
    print(f"wrote {path} ({path.stat().st_size / 1e3:.0f} kB): {len(CASES)} cases x {STEPS} steps")


if __name__ == "__main__":
    main()
