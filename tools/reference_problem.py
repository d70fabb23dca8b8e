"""The problem every reference tool runs, and how each tool saves its file.

Parameters ``x0_k`` of the given shapes, updated together for :data:`STEPS` steps; the gradient
of parameter ``k`` at step ``t`` is

    g = A_k @ p.ravel() + noise_k[t - 1]      (A_k symmetric positive definite)

so it depends on the parameter: an update that is wrong anywhere sends the trajectory elsewhere.
``A_k``, ``noise_k`` and ``x0_k`` are stored in each file, so the tests need neither the
reference library nor a random generator that stays stable across NumPy versions.

NumPy only: the tests import it through the tools.
"""
from __future__ import annotations

import contextlib
import importlib.util
import json
import sys
from pathlib import Path

import numpy as np

TOOLS = Path(__file__).resolve().parent
SHAPES = [(), (5,), (3, 4)]
STEPS = 100
CHECKPOINTS = (1, 2, 10, 50, 100)
SEED = 20240613


def make_problem(seed: int = SEED, shapes=SHAPES, x0_scale: float = 1.5) -> dict:
    """Starts ``x0_k`` (standard normal times ``x0_scale``), SPD matrices ``A_k`` (eigenvalues
    in [0.2, 2]) and noise ``noise_k`` (standard deviation 0.3), one of each per shape."""
    rng = np.random.default_rng(seed)
    data = {}
    for k, shape in enumerate(shapes):
        n = int(np.prod(shape, dtype=int))
        q, _ = np.linalg.qr(rng.standard_normal((n, n)))
        lam = np.linspace(0.2, 2.0, n) if n > 1 else np.array([1.0])
        data[f"x0_{k}"] = rng.standard_normal(shape) * x0_scale
        data[f"A_{k}"] = (q * lam) @ q.T
        data[f"noise_{k}"] = rng.standard_normal((STEPS, n)) * 0.3
    return data


def gradient(problem: dict, k: int, t: int, p: np.ndarray) -> np.ndarray:
    """The gradient of parameter ``k`` at step ``t`` (1-based): ``A_k p + noise_k[t-1]``.

    Written as an elementwise product and a row sum (NumPy's pairwise sum, no BLAS), so that it
    gives the same bits on every machine.
    """
    A = problem[f"A_{k}"]
    g = (A * p.reshape(1, -1)).sum(axis=1) + problem[f"noise_{k}"][t - 1]
    return g.reshape(p.shape)


@contextlib.contextmanager
def torch_float64(problem: dict):
    """Within the block torch's default dtype is float64 (torch keeps scalars such as ``step``
    in it); yields the starts ``x0_k`` as float64 tensors. torch is imported here only."""
    import torch

    old = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    try:
        n = sum(1 for key in problem if key.startswith("x0_"))
        yield [torch.tensor(problem[f"x0_{k}"], dtype=torch.float64) for k in range(n)]
    finally:
        torch.set_default_dtype(old)


def set_torch_gradients(problem: dict, t: int, params) -> None:
    """``p.grad`` of each torch parameter: step ``t``'s :func:`gradient` at its value."""
    import torch

    for k, p in enumerate(params):
        p.grad = torch.from_numpy(gradient(problem, k, t, p.detach().numpy()))


def torch_checkpoint(opt, params, t: int) -> dict[str, np.ndarray]:
    """``{"{k}/{t}/param": ..., "{k}/{t}/{state name}": ...}``: each parameter and its state as
    torch keeps it, in float64."""
    import torch

    out = {}
    for k, p in enumerate(params):
        out[f"{k}/{t}/param"] = p.detach().numpy().copy()
        for name, v in opt.state[p].items():
            out[f"{k}/{t}/{name}"] = np.array(v.detach().numpy() if torch.is_tensor(v) else v,
                                              dtype=np.float64)
    return out


def torch_trajectory(opt, params, problem: dict, steps: int, checkpoints) -> dict:
    """Run the torch optimizer ``opt`` of ``params`` on the problem; :func:`torch_checkpoint`
    at each checkpoint."""
    out = {}
    for t in range(1, steps + 1):
        set_torch_gradients(problem, t, params)
        opt.step()
        if t in checkpoints:
            out.update(torch_checkpoint(opt, params, t))
    return out


def load_tool(name: str):
    """``tools/{name}.py`` as a module (the tools are scripts, not a package)."""
    spec = importlib.util.spec_from_file_location(name, TOOLS / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def require_version(package: str, have: str, want: str, exact: bool = False) -> None:
    """Stop with a message unless ``have`` is version ``want`` (exactly, or any build of it)."""
    if have != want if exact else not have.startswith(want):
        sys.exit(f"the reference is {package} {want}'s; this is {package} {have}")


def save(path: Path, problem: dict, configs: list[dict], run, meta: dict, summary: str) -> None:
    """Write ``path``: the problem, ``run(config)``'s arrays under ``"{config id}/{key}"`` for
    every configuration, and the JSON strings ``configs`` and ``meta`` (versions, shapes,
    steps: what made the file)."""
    data = dict(problem)
    for cfg in configs:
        for key, v in run(cfg).items():
            data[f"{cfg['id']}/{key}"] = v
    data["configs"] = np.array(json.dumps(configs))
    data["meta"] = np.array(json.dumps(meta))
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(path, **data)
    print(f"wrote {path} ({path.stat().st_size / 1e3:.0f} kB): {summary}")
