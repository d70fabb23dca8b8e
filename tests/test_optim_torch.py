"""optimlib's optimizers equal torch.optim 2.13 step for step (issue 3).

The reference trajectories in ``tests/reference/torch_optim.npz`` were recorded by
``tools/make_torch_reference.py``: every optimizer x a grid of configurations, three parameters
of shapes (), (5,) and (3, 4), 100 steps of a parameter-dependent gradient ``A p + noise``.
Here optimlib replays the same run and must agree to ``ATOL`` on every parameter and every state
buffer at each stored checkpoint. When torch is installed the comparison also runs live.
"""
from __future__ import annotations

import numpy as np
import pytest

from optimlib import optim
from reference_data import Reference, live_torch, replay

TORCH = Reference("torch_optim.npz", "make_torch_reference")
ATOL = 1e-12


def generator():
    """``tools/make_torch_reference.py`` as a module (it imports torch only when run)."""
    return TORCH.tool


#: optimizers with a reference file of their own (see tools/make_torch_reference.py)
OWN_REFERENCE = generator().OWN_REFERENCE
configs, meta, problem, stored = TORCH.configs, TORCH.meta, TORCH.problem, TORCH.stored
REF = TORCH.path


def record(opt, params, t: int) -> dict[str, np.ndarray]:
    """Named as torch names them (``param``, ``step``, the buffers, shared scalars)."""
    out = {}
    for k, p in enumerate(params):
        out[f"{k}/{t}/param"] = p.copy()
        out[f"{k}/{t}/step"] = np.array(float(opt.t))
        for name, v in {**opt.state[k], **opt.shared}.items():
            out[f"{k}/{t}/{name}"] = np.array(v, dtype=np.float64)
    return out


def run_optimlib(config: dict, problem: dict, steps: int, checkpoints) -> dict[str, np.ndarray]:
    """Replay a configuration with optimlib; ``{"{k}/{step}/{name}": array}`` at the checkpoints."""
    return replay(config, problem, steps, checkpoints, record)


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
    return live_torch()


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
