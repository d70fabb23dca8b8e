r"""Blockwise 8-bit quantisation of optimizer state (Dettmers, Lewis, Shleifer, Zettlemoyer 2022).

An array is cut into blocks of ``block_size`` consecutive elements. Each block is divided by its
largest absolute value (its *absmax*, kept in float32), so that it lies in :math:`[-1, 1]`, and
each normalised element is stored as the index (one byte) of the nearest of 256 values of a
*code*. Dequantisation multiplies the code value back by the block's absmax:

.. math::
   q_i = \operatorname*{arg\,min}_{j} \big|\,c_j - x_i / a_b\,\big|, \qquad
   \tilde x_i = a_b\, c_{q_i}, \qquad a_b = \max_{i \in b} |x_i| .

Blocks keep one outlier from spoiling the precision of the whole tensor (only its own block's
scale grows), and blocks are independent, so the work parallelises.

The code here is the paper's **dynamic** (tree) map: a sign bit, a run of zero bits that sets a
decimal exponent (:math:`10^{-6}` to :math:`10^0`), then the remaining bits as a linear fraction in
[0.1, 1]. Small magnitudes get as much *relative* precision as large ones, which matters for
Adam's second moment :math:`v`, whose values span many orders of magnitude. The unsigned version
(for :math:`v \ge 0`) spends the sign bit on one more bit of fraction. ``"linear"`` is the plain
alternative, for comparison: 256 evenly spaced values over [-1, 1] (unsigned: [0, 1]).

The maps are those of ``bitsandbytes.functional.create_dynamic_map`` (``max_exponent_bits=7``).
"""
from __future__ import annotations

import functools
import numbers

import numpy as np

__all__ = ["dynamic_map", "linear_map", "code", "Quantized", "quantize_blockwise",
           "dequantize_blockwise", "BLOCK_SIZE"]

#: the paper's block size, elements per absmax (``optim.Adam8bit`` uses 256, as bitsandbytes now does)
BLOCK_SIZE = 2048


@functools.cache
def dynamic_map(signed: bool = True) -> np.ndarray:
    """The 256 sorted float32 values of the dynamic (tree) quantisation map, in [-1, 1] (signed)
    or [0, 1] (unsigned). Contains 0 and 1 exactly."""
    exponent_bits, non_sign_bits = 7, 7
    data = []
    for i in range(exponent_bits):  # decimal exponent 10^(i-6): a fraction of 2^i (2^(i+1)) values
        items = 2 ** (i + non_sign_bits - exponent_bits + (0 if signed else 1)) + 1
        bounds = np.linspace(0.1, 1, items, dtype=np.float32)
        means = (bounds[:-1] + bounds[1:]) / 2.0
        scaled = (10.0 ** (-(exponent_bits - 1) + i) * means).astype(np.float32)
        data += scaled.tolist()
        if signed:
            data += (-scaled).tolist()
    data += [0.0, 1.0]
    out = np.sort(np.array(data, dtype=np.float32))
    assert out.size == 256
    out.flags.writeable = False
    return out


@functools.cache
def linear_map(signed: bool = True) -> np.ndarray:
    """256 evenly spaced float32 values over [-1, 1] (signed) or [0, 1] (unsigned)."""
    out = np.linspace(-1.0 if signed else 0.0, 1.0, 256, dtype=np.float32)
    out.flags.writeable = False
    return out


def code(kind: str = "dynamic", signed: bool = True) -> np.ndarray:
    """The map called ``kind`` (``"dynamic"`` or ``"linear"``)."""
    maps = {"dynamic": dynamic_map, "linear": linear_map}
    if kind not in maps:
        raise ValueError(f"code must be one of {sorted(maps)}, got {kind!r}")
    return maps[kind](bool(signed))


class Quantized:
    """An array stored in 8 bits: one byte per element (``codes``, the array's shape) and one
    float32 ``absmax`` per block, with the map that decodes them."""

    __slots__ = ("codes", "absmax", "map", "block_size")

    def __init__(self, codes: np.ndarray, absmax: np.ndarray, map_: np.ndarray, block_size: int):
        self.codes, self.absmax, self.map, self.block_size = codes, absmax, map_, block_size

    @property
    def nbytes(self) -> int:
        """Bytes of the state itself (the codes and the scales; the shared 256-value map is not
        counted, as it is one per optimizer, not per parameter)."""
        return self.codes.nbytes + self.absmax.nbytes

    @property
    def shape(self):
        return self.codes.shape


def _check_block(block_size) -> int:
    if isinstance(block_size, bool) or not isinstance(block_size, numbers.Integral):
        raise TypeError(f"block_size must be a positive integer, got {type(block_size).__name__} "
                        f"{block_size!r}")
    if block_size < 1:
        raise ValueError(f"block_size must be a positive integer, got {block_size!r}")
    return int(block_size)


def _blocks(flat: np.ndarray, block_size: int) -> np.ndarray:
    """``flat`` as rows of ``block_size`` (the last one padded with zeros)."""
    n = flat.size
    nb = -(-n // block_size) if n else 0
    if nb * block_size == n:
        return flat.reshape(nb, block_size)
    out = np.zeros((nb, block_size), dtype=flat.dtype)
    out.reshape(-1)[:n] = flat
    return out


_TABLES: dict = {}


def _table(map_: np.ndarray):
    """For the 2^16 values of a float32's top 16 bits (sign, exponent, 7 mantissa bits): how many
    midpoints of the map lie below every float with those bits; and the most midpoints any such
    range holds. Then the nearest code of x is found with one table look-up and a few compares,
    instead of a binary search per element (which is ~10 times slower)."""
    key = map_.tobytes()
    if key not in _TABLES:
        mids = ((map_[1:] + map_[:-1]) / 2).astype(np.float32)
        hi16 = np.arange(1 << 16, dtype=np.uint32) << 16
        a = hi16.view(np.float32)
        b = (hi16 | 0xFFFF).view(np.float32)
        lo, hi = np.minimum(a, b), np.maximum(a, b)       # negative floats run backwards
        with np.errstate(invalid="ignore"):
            first = np.searchsorted(mids, lo, side="left")
            last = np.searchsorted(mids, hi, side="left")
        first[np.isnan(lo)] = 0
        last[np.isnan(lo)] = 0
        _TABLES[key] = (first.astype(np.int32), int((last - first).max()),
                        np.append(mids, np.float32(np.inf)))
    return _TABLES[key]


def _nearest(x: np.ndarray, map_: np.ndarray) -> np.ndarray:
    """Index of the nearest value of ``map_`` to each float32 of ``x`` (ties to the lower)."""
    first, gap, mids = _table(map_)
    idx = first[x.view(np.uint32) >> 16]
    for _ in range(gap):                        # step over the midpoints below x in its range
        idx += x > mids[idx]
    return idx.astype(np.uint8)


def quantize_blockwise(x: np.ndarray, map_: np.ndarray, block_size: int = BLOCK_SIZE,
                       out: Quantized | None = None) -> Quantized:
    """``x`` (any float array) to 8 bits: per block the absmax, per element the nearest value of
    ``map_`` (a sorted array of 256 values, e.g. :func:`dynamic_map`) to ``x / absmax``.
    With ``out``, its arrays are overwritten (an optimizer re-quantises its state in place)."""
    block_size = _check_block(block_size)
    x = np.asarray(x)
    if not np.issubdtype(x.dtype, np.floating):
        raise TypeError(f"x must be a float array, got dtype {x.dtype}")
    if map_.shape != (256,):
        raise ValueError(f"the map must hold 256 values (one per byte), got shape {map_.shape}")
    b = _blocks(np.ascontiguousarray(x).reshape(-1).astype(np.float32, copy=False), block_size)
    absmax = np.abs(b).max(axis=1) if b.size else np.zeros(0, np.float32)
    scale = np.where(absmax > 0, absmax, 1).astype(np.float32)
    normed = (b / scale[:, None]).astype(np.float32, copy=False)
    codes = _nearest(normed.reshape(-1), map_)[:x.size].reshape(x.shape)
    if out is None:
        return Quantized(codes, absmax.astype(np.float32), map_, block_size)
    out.codes[...] = codes
    out.absmax[...] = absmax
    return out


def dequantize_blockwise(q: Quantized, dtype=np.float32) -> np.ndarray:
    """The array that ``q`` stands for: each element's code value times its block's absmax."""
    flat = q.codes.reshape(-1)
    n, bs = flat.size, q.block_size
    vals = q.map[flat].astype(np.float32)
    padded = _blocks(vals, bs)
    return (padded * q.absmax[:, None]).reshape(-1)[:n].reshape(q.codes.shape).astype(dtype, copy=False)
