"""Adam with 8-bit states: m and v stored blockwise-quantised, one byte per parameter each."""
from __future__ import annotations

import numpy as np

from .. import quantize as qz
from .._checks import check_count
from ._common import lerp_
from .base import Optimizer


class Adam8bit(Optimizer):
    r"""Adam whose moments are kept in 8 bits between steps (Dettmers et al. 2022).

    .. math::
       \begin{aligned}
       &\textbf{for } t = 1, 2, \ldots:\\
       &\quad m_{t-1} \leftarrow \mathrm{deq}(\bar m_{t-1}),
         \ \ v_{t-1} \leftarrow \mathrm{deq}(\bar v_{t-1})
         &&\text{(code value} \times \text{block absmax)}\\
       &\quad m_t, v_t, \theta_t \text{ as in } \texttt{Adam}
         &&\text{(in full precision)}\\
       &\quad \bar m_t \leftarrow \mathrm{quant}(m_t),\ \ \bar v_t \leftarrow \mathrm{quant}(v_t)
         &&\text{(blocks of } \textit{block\_size}\text{; signed and unsigned maps)}
       \end{aligned}

    The step itself uses the freshly updated, unquantised :math:`m_t` and :math:`v_t`; only what is
    *kept* between steps is 8-bit, as in the paper's kernels. State per parameter: 2 bytes plus one
    float32 absmax per block of each moment (8/256 bytes with the default blocks), against 8 bytes
    for float32 Adam. The paper used blocks of 2048; ``bitsandbytes``' blockwise optimizers now
    use 256, the default here: with larger blocks an entry of :math:`v` far below its block's
    largest rounds to 0 while its :math:`m` does not, and the next step
    :math:`\eta\, m/(\sqrt{v} + \epsilon)` is enormous (chapter 16 measures it on the digits).
    ``code="dynamic"`` is the paper's dynamic tree map (m signed, v unsigned);
    ``"linear"`` spaces the 256 values evenly, for comparison (see :mod:`optimlib.quantize`).

    Reference: T. Dettmers, M. Lewis, S. Shleifer, L. Zettlemoyer, "8-bit Optimizers via
    Block-wise Quantization", ICLR 2022, arXiv:2110.02861.
    """

    defaults = dict(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0,
                    block_size=256, code="dynamic")
    elementwise = False   # the absmax of a block couples its elements

    @classmethod
    def validate(cls, hyper):
        hyper = super().validate(hyper)
        if "block_size" in hyper:
            hyper["block_size"] = check_count("block_size", hyper["block_size"], 1)
        if "code" in hyper:
            qz.code(hyper["code"])   # a ValueError naming the maps if unknown
        return hyper

    def init_state(self, p):
        nb = -(-p.size // self.hyper["block_size"])
        return {"exp_avg_codes": self._zero_code(p, signed=True),
                "exp_avg_absmax": np.zeros(nb, np.float32),
                "exp_avg_sq_codes": self._zero_code(p, signed=False),
                "exp_avg_sq_absmax": np.zeros(nb, np.float32)}

    def _zero_code(self, p, signed):
        return np.full(p.shape, np.searchsorted(qz.code(self.hyper["code"], signed), 0.0), np.uint8)

    def _moments(self, codes_m, absmax_m, codes_v, absmax_v, dtype):
        h = self.hyper
        qm = qz.Quantized(codes_m, absmax_m, qz.code(h["code"], True), h["block_size"])
        qv = qz.Quantized(codes_v, absmax_v, qz.code(h["code"], False), h["block_size"])
        return qm, qv, qz.dequantize_blockwise(qm, dtype), qz.dequantize_blockwise(qv, dtype)

    def update(self, p, g, exp_avg_codes, exp_avg_absmax, exp_avg_sq_codes, exp_avg_sq_absmax, *,
               lr, betas, eps, weight_decay, block_size, step):
        beta1, beta2 = betas
        qm, qv, exp_avg, exp_avg_sq = self._moments(exp_avg_codes, exp_avg_absmax,
                                                    exp_avg_sq_codes, exp_avg_sq_absmax, p.dtype)
        if weight_decay:
            g = g + weight_decay * p
        lerp_(exp_avg, g, 1 - beta1)
        exp_avg_sq *= beta2
        exp_avg_sq += (1 - beta2) * g * g
        step_size = lr / (1 - beta1 ** step)
        denom = np.sqrt(exp_avg_sq) / (1 - beta2 ** step) ** 0.5 + eps
        p += -step_size * exp_avg / denom
        qz.quantize_blockwise(exp_avg, qm.map, block_size, out=qm)      # keep them in 8 bits
        qz.quantize_blockwise(exp_avg_sq, qv.map, block_size, out=qv)

    def effective_lr(self):
        r""":math:`\eta / (1-\beta_1^t) / (\sqrt{\hat v_t} + \epsilon)` with :math:`v_t` as stored
        (dequantised), per unit of the first moment."""
        self._last_step()
        h, t = self.hyper, self.t
        (beta1, beta2), out = h["betas"], []
        for p, s in zip(self.params, self.state):
            v = self._moments(s["exp_avg_codes"], s["exp_avg_absmax"], s["exp_avg_sq_codes"],
                              s["exp_avg_sq_absmax"], p.dtype)[3]
            out.append(h["lr"] / (1 - beta1 ** t) / (np.sqrt(v) / (1 - beta2 ** t) ** 0.5 + h["eps"]))
        return out
