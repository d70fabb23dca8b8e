"""``fused=True``: the compiled one-pass step gives the NumPy step's numbers, resumes its state both
ways, and says clearly what it cannot do (no Numba, no fused kernel, a dtype it does not take).

Speed is measured in ``benchmarks/`` (``python -m benchmarks.run``), never here.
"""
from __future__ import annotations

import inspect
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from optimlib import optim

numba = pytest.importorskip("numba")

ROOT = __import__("pathlib").Path(__file__).resolve().parents[1]

#: every fused optimizer with each of its switches
CASES = [
    ("Adam", {}),
    ("Adam", {"amsgrad": True}),
    ("Adam", {"weight_decay": 0.1}),
    ("Adam", {"weight_decay": 0.1, "decoupled_weight_decay": True}),
    ("Adam", {"weight_decay": 0.05, "amsgrad": True, "betas": (0.3, 0.95)}),  # lerp's far end
    ("AdamW", {}),
    ("AdamW", {"weight_decay": 0.3, "amsgrad": True}),
    ("SGD", {"lr": 0.05}),
    ("SGD", {"lr": 0.05, "weight_decay": 0.1}),
    ("SGD", {"momentum": 0.9}),
    ("SGD", {"momentum": 0.9, "nesterov": True, "weight_decay": 0.01}),
    ("SGD", {"momentum": 0.5, "dampening": 0.3, "weight_decay": 0.02}),
    ("Lion", {}),
    ("Lion", {"weight_decay": 0.1, "betas": (0.95, 0.98)}),
]
IDS = [f"{name}-{'-'.join(f'{k}={v}' for k, v in kw.items()) or 'defaults'}" for name, kw in CASES]


def _params(dtype, rng):
    """A matrix, a vector longer than the plain step's slices, a 0-d parameter and a contiguous
    slice of a larger array (a view)."""
    big = rng.standard_normal(5000).astype(dtype)
    return [rng.standard_normal((37, 29)).astype(dtype), rng.standard_normal(40_003).astype(dtype),
            np.array(0.7, dtype), big[1000:4000]]


def _run(name, kw, dtype, steps, seed=0):
    """Two copies of the same optimizer, one fused, stepped alike. The learning rate changes every step (a schedule) and the gradients are random, some of
    them non-contiguous views."""
    rng = np.random.default_rng(seed)
    plain_p = _params(dtype, rng)
    fused_p = [p.copy() for p in plain_p]
    plain = getattr(optim, name)(plain_p, **kw)
    fused = getattr(optim, name)(fused_p, fused=True, **kw)
    lr0 = plain.lr
    for t in range(steps):
        grads = [rng.standard_normal(p.shape).astype(dtype) for p in plain_p]
        grads[0] = np.asfortranarray(grads[0])              # non-contiguous in C order
        grads[1] = rng.standard_normal(2 * grads[1].size).astype(dtype)[::2]  # strided
        for opt in (plain, fused):
            opt.set_hyper(lr=lr0 * (1 + 0.5 * np.cos(t)))
        plain.step(grads)
        fused.step(grads)
    return plain, fused, plain_p, fused_p


def _max_rel(a_list, b_list):
    return max(float(np.max(np.abs(a.astype(np.float64) - b)) / max(np.max(np.abs(a)), 1e-300))
               for a, b in zip(a_list, b_list))


@pytest.mark.parametrize("name, kw", CASES, ids=IDS)
def test_fused_equals_plain_over_100_steps_float64(name, kw):
    plain, fused, pp, fp = _run(name, kw, np.float64, 100)
    assert _max_rel(pp, fp) <= 1e-12
    for sp, sf in zip(plain.state, fused.state):
        assert sorted(sp) == sorted(sf)
        if sp:
            assert _max_rel(list(sp.values()), list(sf.values())) <= 1e-12


@pytest.mark.parametrize("name, kw", CASES, ids=IDS)
def test_fused_equals_plain_in_float32(name, kw):
    """To float32 rounding: a few units in the last place of the largest value (in practice
    every bit agrees: both round each operation to float32, in the same order)."""
    plain, fused, pp, fp = _run(name, kw, np.float32, 100)
    assert all(p.dtype == np.float32 for p in fp)
    assert _max_rel(pp, fp) <= 4 * np.finfo(np.float32).eps


@pytest.mark.parametrize("name, kw", CASES[::2], ids=IDS[::2])
@pytest.mark.parametrize("direction", ["plain->fused", "fused->plain"])
def test_state_dict_moves_between_fused_and_plain(name, kw, direction):
    """50 steps with one, then its state_dict into the other for 50 more: the same as 100 steps
    of the plain optimizer."""
    rng = np.random.default_rng(3)
    p0 = _params(np.float64, rng)
    grads = [[rng.standard_normal(p.shape) for p in p0] for _ in range(100)]
    ref_p = [p.copy() for p in p0]
    ref = getattr(optim, name)(ref_p, **kw)
    for g in grads:
        ref.step(g)
    first_fused = direction == "fused->plain"
    a_p = [p.copy() for p in p0]
    a = getattr(optim, name)(a_p, fused=first_fused, **kw)
    for g in grads[:50]:
        a.step(g)
    b_p = [p.copy() for p in a_p]
    b = getattr(optim, name)(b_p, fused=not first_fused, **kw)
    b.load_state_dict(a.state_dict())
    assert b.fused is not first_fused  # the flag is the optimizer's, not part of its state
    for g in grads[50:]:
        b.step(g)
    assert _max_rel(ref_p, b_p) <= 1e-12
    assert a.state_dict().keys() == ref.state_dict().keys()


def test_the_signature_offers_fused_where_there_is_a_kernel():
    assert str(inspect.signature(optim.Adam)).endswith("decoupled_weight_decay=False, fused=False)")
    for cls in (optim.AdamW, optim.SGD, optim.Lion):
        assert list(inspect.signature(cls).parameters)[-1] == "fused"
    assert "fused" not in inspect.signature(optim.NAdam).parameters


def test_an_optimizer_without_a_kernel_refuses_fused():
    with pytest.raises(ValueError, match="NAdam has no fused step; fused=True exists for Adam, AdamW, Lion, SGD"):
        optim.NAdam([np.zeros(3)], fused=True)
    from optimlib.contrasts import AdamEpsInsideRoot  # rewrites update: Adam's kernel is not its step
    assert AdamEpsInsideRoot.fused_update is None
    with pytest.raises(ValueError, match="AdamEpsInsideRoot has no fused step"):
        AdamEpsInsideRoot([np.zeros(3)], fused=True)


def test_bad_fused_input_is_refused_clearly():
    with pytest.raises(TypeError, match="fused must be True or False, got str"):
        optim.Adam([np.zeros(3)], fused="yes")
    with pytest.raises(TypeError, match=r"fused=True computes in float32 or float64, params\[1\] is float16"):
        optim.Adam([np.zeros(3), np.zeros(3, np.float16)], fused=True)
    opt = optim.SGD([np.zeros(3, np.float32)], fused=True, lr=0.1)
    with pytest.raises(TypeError, match=r"fused=True needs grads\[0\] of params\[0\]'s dtype float32, "
                                        r"got float64: pass g.astype\(np.float32\)"):
        opt.step([np.ones(3)])
    # a non-contiguous parameter cannot be updated in place through a flat view: refused, fused or not
    with pytest.raises(ValueError, match=r"params\[0\] must be a writeable C-contiguous array"):
        optim.Adam([np.zeros((4, 6))[:, ::2]], fused=True)


def test_without_numba_fused_names_the_extra_and_plain_still_works(monkeypatch):
    monkeypatch.setitem(sys.modules, "numba", None)  # `import numba` now raises ImportError
    with pytest.raises(ImportError, match=r"Numba, which is not installed: pip install optimlib\[fused\]"):
        optim.Adam([np.zeros(3)], fused=True)
    p = np.ones(3)
    optim.Adam([p]).step([np.ones(3)])
    assert np.all(p < 1)


def test_the_extra_is_declared_and_the_book_installs_numba():
    import tomllib
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert any(r.startswith("numba") for r in meta["project"]["optional-dependencies"]["fused"])
    assert any(line.startswith("numba") for line in (ROOT / "requirements.txt").read_text().splitlines())


def test_kernels_are_cached_and_compiled_without_fast_math():
    from optimlib.optim import _fused_kernels as k
    for kernel in (k.adam, k.sgd, k.lion):
        assert type(kernel._cache).__name__ == "FunctionCache"  # machine code kept on disk
        assert kernel.targetoptions["error_model"] == "numpy"
        assert not kernel.targetoptions.get("fastmath") and not kernel.targetoptions.get("parallel")


def test_no_writable_cache_folder_falls_back_to_compiling(tmp_path):
    """A read-only install with no user cache folder: a warning, and the kernels still run."""
    code = textwrap.dedent("""
        import warnings, numpy as np
        from numba.core import caching
        caching.CacheImpl._locator_classes = []   # no folder can hold the cache
        from optimlib import optim
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            p = np.ones(5); optim.Adam([p], fused=True).step([np.ones(5)])
        assert any("cannot be cached" in str(x.message) for x in w), [str(x.message) for x in w]
        q = np.ones(5); optim.Adam([q]).step([np.ones(5)])
        print(np.array_equal(p, q) and p[0] < 1)
    """)
    env = {k: v for k, v in __import__("os").environ.items() if not k.startswith("NUMBA_CACHE")}
    env["PYTHONPATH"] = str(ROOT)
    r = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True,
                       text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "True"


@pytest.mark.parametrize("name, kw", [("Adam", {"amsgrad": True}), ("SGD", {"momentum": 0.9}),
                                      ("Lion", {"weight_decay": 0.1})])
def test_zeros_infinities_and_nans_come_out_as_numpy_gives_them(name, kw):
    """IEEE semantics kept (error_model="numpy", no fast-math): a zero gradient (Lion's sign of
    0 is 0), an infinite one and a NaN give the NumPy step's values, NaN where NumPy has NaN."""
    g = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 1e-300, 3.0])
    pa, pb = np.linspace(-1, 1, 7), np.linspace(-1, 1, 7)
    a, b = getattr(optim, name)([pa], **kw), getattr(optim, name)([pb], fused=True, **kw)
    with np.errstate(all="ignore"):
        for _ in range(3):
            a.step([g])
            b.step([g])
    np.testing.assert_array_equal(pa, pb)
