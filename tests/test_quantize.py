"""Blockwise 8-bit quantisation (optimlib.quantize) and Adam with 8-bit states (optim.Adam8bit)."""
import numpy as np
import pytest

from optimlib import optim
from optimlib import quantize as qz


@pytest.mark.parametrize("signed", [True, False])
def test_dynamic_map_is_the_papers(signed):
    m = qz.dynamic_map(signed)
    assert m.shape == (256,) and m.dtype == np.float32 and np.all(np.diff(m) > 0)
    assert 0.0 in m and 1.0 in m and m.max() == 1.0
    assert (m.min() < -0.99) if signed else (m.min() == 0.0)
    pos = m[m > 0]
    # seven decades 1e-6 ... 1: the smallest positive value is 10^-6 times a fraction mean
    assert 1e-7 < pos.min() < 1e-6
    # per decade 10^(i-6) the signed map holds 2^i positive values (the unsigned one 2^(i+1))
    for i in range(7):
        lo, hi = 10.0 ** (i - 6) * 0.1, 10.0 ** (i - 6)
        k = np.sum((pos > lo * 1.0001) & (pos < hi * 0.9999))
        assert k == 2 ** (i + (0 if signed else 1)), (i, k)


def test_known_values_of_the_signed_map():
    # bitsandbytes.functional.create_dynamic_map(signed=True): the values nearest 1 and -1
    m = qz.dynamic_map(True)
    np.testing.assert_allclose(m[-2], (1 - 0.9 / 128), rtol=1e-6)
    np.testing.assert_allclose(m[0], -(1 - 0.9 / 128), rtol=1e-6)


@pytest.mark.parametrize("kind", ["dynamic", "linear"])
@pytest.mark.parametrize("signed", [True, False])
@pytest.mark.parametrize("block", [2048, 64, 7])
def test_quantisation_rounds_each_element_to_the_nearest_code_value(kind, signed, block):
    rng = np.random.default_rng(1)
    x = rng.standard_normal(5000) * np.exp(rng.uniform(-8, 2, 5000))
    x = x if signed else np.abs(x)
    m = qz.code(kind, signed)
    q = qz.quantize_blockwise(x, m, block)
    assert q.codes.dtype == np.uint8 and q.codes.shape == x.shape
    assert q.absmax.shape == (-(-x.size // block),) and q.absmax.dtype == np.float32
    y = qz.dequantize_blockwise(q, np.float64)
    # the error is the distance to the nearest code value, times the block's absmax
    scale = np.repeat(q.absmax, block)[:x.size].astype(np.float64)
    normed = (x / scale).astype(np.float32)
    nearest = np.abs(normed[:, None] - m[None, :].astype(np.float32)).min(axis=1)
    err = np.abs(x - y) / scale
    assert np.all(err <= nearest + 1e-6)
    # and so at most half the largest gap of the map, or the distance from -1 to its lowest value
    worst = max(np.diff(m).max() / 2, m[0] + 1 if signed else 0)
    assert err.max() <= worst + 1e-6
    # each block's largest element (positive) is exact: 1 is a code value
    for b in range(0, x.size, block):
        i = b + np.argmax(np.abs(x[b:b + block]))
        if x[i] > 0:
            assert np.isclose(y[i], x[i], rtol=1e-6)


def test_the_dynamic_map_keeps_relative_precision_of_small_values():
    # Adam's v spans decades: the dynamic map's relative error stays small, the linear one's not
    rng = np.random.default_rng(2)
    v = np.exp(rng.uniform(np.log(1e-5), 0, 2048))
    rel = {}
    for kind in ("dynamic", "linear"):
        q = qz.quantize_blockwise(v, qz.code(kind, False), 2048)
        rel[kind] = np.median(np.abs(qz.dequantize_blockwise(q, np.float64) / v - 1))
    assert rel["dynamic"] < 0.03 and rel["linear"] > 0.2   # measured 0.018 and 0.30


def test_zero_blocks_and_shapes():
    q = qz.quantize_blockwise(np.zeros((3, 5)), qz.dynamic_map(True), 4)
    assert np.all(qz.dequantize_blockwise(q) == 0) and q.absmax.shape == (4,)
    assert q.nbytes == 15 + 4 * 4


def test_bad_input():
    with pytest.raises(ValueError, match="block_size"):
        qz.quantize_blockwise(np.ones(3), qz.dynamic_map(), 0)
    with pytest.raises(TypeError, match="block_size"):
        qz.quantize_blockwise(np.ones(3), qz.dynamic_map(), 2.5)
    with pytest.raises(TypeError, match="float"):
        qz.quantize_blockwise(np.ones(3, int), qz.dynamic_map())
    with pytest.raises(ValueError, match="code must be one of"):
        qz.code("log")
    with pytest.raises(ValueError, match="code must be one of"):
        optim.Adam8bit([np.ones(3)], code="log")
    with pytest.raises(ValueError, match="block_size"):
        optim.Adam8bit([np.ones(3)], block_size=0)


def _reference_steps(p0, grads, lr, betas, eps, wd, block):
    """The paper's algorithm written out: dequantise, Adam in full precision, quantise."""
    m_map, v_map = qz.dynamic_map(True), qz.dynamic_map(False)
    p = p0.copy()
    qm = qz.quantize_blockwise(np.zeros_like(p), m_map, block)
    qv = qz.quantize_blockwise(np.zeros_like(p), v_map, block)
    for t, g in enumerate(grads, 1):
        m, v = qz.dequantize_blockwise(qm, p.dtype), qz.dequantize_blockwise(qv, p.dtype)
        g = g + wd * p
        m = betas[0] * m + (1 - betas[0]) * g
        v = betas[1] * v + (1 - betas[1]) * g * g
        p = p - lr / (1 - betas[0] ** t) * m / (np.sqrt(v / (1 - betas[1] ** t)) + eps)
        qm, qv = qz.quantize_blockwise(m, m_map, block), qz.quantize_blockwise(v, v_map, block)
    return p, qm, qv


def test_adam8bit_is_the_papers_algorithm():
    rng = np.random.default_rng(3)
    p0 = rng.standard_normal((40, 30))
    grads = [rng.standard_normal(p0.shape) * (1 + t) for t in range(12)]
    p = p0.copy()
    opt = optim.Adam8bit([p], lr=1e-2, weight_decay=0.1, block_size=256)
    for g in grads:
        opt.step([g])
    ref, qm, qv = _reference_steps(p0, grads, 1e-2, (0.9, 0.999), 1e-8, 0.1, 256)
    np.testing.assert_allclose(p, ref, rtol=1e-12, atol=1e-14)
    s = opt.state[0]
    # the codes may differ only where rounding sits on a tie; the dequantised values agree
    assert np.mean(s["exp_avg_codes"] == qm.codes) > 0.999
    np.testing.assert_allclose(s["exp_avg_absmax"], qm.absmax, rtol=1e-6)


def test_adam8bit_state_bytes_and_closeness_to_adam():
    rng = np.random.default_rng(4)
    p, q = (rng.standard_normal(10_000).astype(np.float32) for _ in range(2))
    q[:] = p
    a8, a32 = optim.Adam8bit([p], lr=1e-3), optim.Adam([q], lr=1e-3)
    for t in range(50):
        g = rng.standard_normal(p.size).astype(np.float32)
        a8.step([g]); a32.step([g])
    state8 = sum(v.nbytes for v in a8.state[0].values())
    state32 = sum(v.nbytes for v in a32.state[0].values())
    assert state8 == 2 * 10_000 + 2 * 4 * 40 and state32 == 8 * 10_000
    moved = np.abs(q - p).max()
    assert moved < 0.05 * 50 * 1e-3            # the paths differ by a few percent of the distance
    assert not np.array_equal(p, q)            # (and do differ: the states are rounded)
