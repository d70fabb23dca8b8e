"""optimlib's optimizers equal torch.optim 2.13 step for step (issue 3).

The reference trajectories in ``tests/reference/torch_optim.npz`` were recorded by
``tools/make_torch_reference.py``: every optimizer x a grid of configurations, three parameters
of shapes (), (5,) and (3, 4), 100 steps of a parameter-dependent gradient ``A p + noise``.
Here optimlib replays the same run and must agree to ``ATOL`` on every parameter and every state
buffer at each stored checkpoint. When torch is installed the comparison also runs live.
"""
from __future__ import annotations

import importlib.util
import json
from functools import cache
from pathlib import Path

import numpy as np
import pytest

from optimlib import optim

ROOT = Path(__file__).resolve().parent.parent
REF = ROOT / "tests" / "reference" / "torch_optim.npz"
GENERATOR = ROOT / "tools" / "make_torch_reference.py"
ATOL = 1e-12


@cache
def reference() -> dict:
    with np.load(REF) as d:
        return {k: d[k] for k in d.files}


@cache
def generator():
    """``tools/make_torch_reference.py`` as a module (it imports torch only when run)."""
    spec = importlib.util.spec_from_file_location("make_torch_reference", GENERATOR)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


#: optimizers with a reference file of their own (see tools/make_torch_reference.py)
OWN_REFERENCE = generator().OWN_REFERENCE


def configs() -> list[dict]:
    return json.loads(str(reference()["configs"]))


def meta() -> dict:
    return json.loads(str(reference()["meta"]))


def problem() -> dict:
    return {k: v for k, v in reference().items() if k.split("_")[0] in ("x0", "A", "noise")}


def gradient(problem: dict, k: int, t: int, p: np.ndarray) -> np.ndarray:
    """Step ``t``'s gradient of parameter ``k``: ``A_k p + noise_k[t-1]`` (as the generator's)."""
    A = problem[f"A_{k}"]
    g = (A * p.reshape(1, -1)).sum(axis=1) + problem[f"noise_{k}"][t - 1]
    return g.reshape(p.shape)


def run_optimlib(config: dict, problem: dict, steps: int, checkpoints) -> dict[str, np.ndarray]:
    """Replay a configuration with optimlib; ``{"{k}/{step}/{name}": array}`` at the checkpoints,
    named as torch names them (``param``, ``step``, the buffers, shared scalars)."""
    n = sum(1 for key in problem if key.startswith("x0_"))
    params = [np.array(problem[f"x0_{k}"], dtype=np.float64) for k in range(n)]
    opt = optim.get(config["optimizer"], params, **config["kwargs"])
    out = {}
    for t in range(1, steps + 1):
        opt.step([gradient(problem, k, t, p) for k, p in enumerate(params)])
        if t in checkpoints:
            for k, p in enumerate(params):
                out[f"{k}/{t}/param"] = p.copy()
                out[f"{k}/{t}/step"] = np.array(float(opt.t))
                for name, v in {**opt.state[k], **opt.shared}.items():
                    out[f"{k}/{t}/{name}"] = np.array(v, dtype=np.float64)
    return out


def max_differences(ours: dict, theirs: dict) -> dict[str, float]:
    """Largest absolute difference per quantity, after checking both hold the same quantities.

    torch's SGD keeps no step count, so ``step`` may be missing on its side; nothing else may."""
    missing = sorted(set(theirs) - set(ours))
    extra = sorted(k for k in set(ours) - set(theirs) if not k.endswith("/step"))
    assert not missing and not extra, f"state differs from torch's: missing {missing}, extra {extra}"
    return {k: float(np.max(np.abs(ours[k] - theirs[k]), initial=0.0)) for k in theirs}


def assert_close(ours: dict, theirs: dict, what: str) -> None:
    diffs = max_differences(ours, theirs)
    worst = max(diffs, key=diffs.get)
    assert diffs[worst] <= ATOL, (
        f"{what}: {worst} differs from torch by {diffs[worst]:.3g} (> {ATOL:g}); "
        f"ours {ours[worst]!r}, torch {theirs[worst]!r}")


def stored(config_id: str) -> dict[str, np.ndarray]:
    prefix = config_id + "/"
    return {k[len(prefix):]: v for k, v in reference().items() if k.startswith(prefix)}


# -- the stored reference ------------------------------------------------------------------------
def test_reference_covers_every_optimizer_and_is_current():
    m = meta()
    assert m["torch"].startswith("2.13.0"), m
    # Muon is compared with torch in tests/test_optim_muon.py, on matrices and with torch's
    # bfloat16 Newton-Schulz replaced by float64: its reference is tests/reference/torch_muon.npz
    with_torch = {n for n in optim.OPTIMIZERS if optim.catalog.entry(n).torch} - set(OWN_REFERENCE)
    assert {c["optimizer"] for c in configs()} == with_torch
    assert configs() == generator().configs(), (
        "tests/reference/torch_optim.npz is stale: run python3 tools/make_torch_reference.py")
    assert [tuple(s) for s in m["shapes"]] == [(), (5,), (3, 4)]
    assert REF.stat().st_size < 3e6


@pytest.mark.parametrize("config", configs(), ids=lambda c: c["id"])
def test_matches_stored_torch_trajectory(config):
    m = meta()
    ours = run_optimlib(config, problem(), m["steps"], m["checkpoints"])
    assert_close(ours, stored(config["id"]), f"{config['id']} {config['kwargs']}")


@pytest.mark.parametrize("name", sorted(n for n in optim.OPTIMIZERS if optim.catalog.entry(n).torch
                                         and n not in OWN_REFERENCE))
def test_comparison_detects_a_tiny_change(name):
    """The test problem is sensitive: a learning rate off by one part in a million fails."""
    config = next(c for c in configs() if c["optimizer"] == name and "lr" in c["kwargs"])
    changed = {**config, "kwargs": {**config["kwargs"], "lr": config["kwargs"]["lr"] * (1 + 1e-6)}}
    m = meta()
    diffs = max_differences(run_optimlib(changed, problem(), m["steps"], m["checkpoints"]),
                            stored(config["id"]))
    assert max(diffs.values()) > 1e3 * ATOL


# -- live, when torch is installed ---------------------------------------------------------------
@pytest.fixture(scope="module")
def torch():
    torch = pytest.importorskip("torch")
    if not torch.__version__.startswith("2.13."):
        pytest.skip(f"the reference is torch 2.13's; this is torch {torch.__version__}")
    return torch


@pytest.mark.parametrize("config", generator().configs(), ids=lambda c: c["id"])
def test_matches_live_torch(torch, config):
    gen = generator()
    prob = problem()
    theirs = gen.run_torch(config, prob)
    ours = run_optimlib(config, prob, gen.STEPS, gen.CHECKPOINTS)
    assert_close(ours, theirs, f"{config['id']} {config['kwargs']} (live)")


def test_live_torch_reproduces_the_stored_reference(torch):
    """The stored data is what this torch computes (same gradients, same bits or nearly)."""
    gen = generator()
    for config in gen.configs()[::7]:
        theirs = gen.run_torch(config, problem())
        ref = stored(config["id"])
        assert set(theirs) == set(ref)
        for k in ref:
            np.testing.assert_allclose(theirs[k], ref[k], rtol=0, atol=ATOL, err_msg=k)
