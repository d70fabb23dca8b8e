"""optimlib.contrasts: each wrong Adam differs from Adam exactly as its mistake predicts."""
import numpy as np
import pytest

from optimlib.contrasts import AdamEpsInsideRoot, AdamOneMinusBeta, AdamUncorrectedM
from optimlib.optim import Adam, catalog


def steps(cls, t_max, g=1.0, **hyper):
    x = np.zeros(3)
    opt = cls([x], lr=1e-3, **hyper)
    out = []
    for _ in range(t_max):
        before = x.copy()
        opt.step([np.full(3, g)])
        out.append((x - before)[0])
    return np.array(out)


def test_one_minus_beta_factor_with_a_constant_gradient():
    t = np.arange(1, 201)
    ratio = steps(AdamOneMinusBeta, 200) / steps(Adam, 200)
    assert np.allclose(ratio, (1 - 0.9 ** t) / 0.1 * np.sqrt(0.001 / (1 - 0.999 ** t)), rtol=1e-6)


def test_uncorrected_m_factor_is_one_minus_beta1_to_the_t():
    t = np.arange(1, 51)
    ratio = steps(AdamUncorrectedM, 50, betas=(0.8, 0.99)) / steps(Adam, 50, betas=(0.8, 0.99))
    assert np.allclose(ratio, 1 - 0.8 ** t, rtol=1e-6)


def test_eps_inside_root_is_harmless_for_large_gradients_and_not_for_small_ones():
    big = steps(AdamEpsInsideRoot, 20) / steps(Adam, 20)
    assert np.allclose(big, 1, rtol=1e-7)
    small = steps(AdamEpsInsideRoot, 20, g=1e-6) / steps(Adam, 20, g=1e-6)
    assert np.allclose(small, (1e-6 + 1e-8) / np.sqrt(1e-12 + 1e-8), rtol=1e-6)   # about 1/100: a √ε floor


def test_contrasts_are_not_in_the_catalog_and_keep_adams_checks():
    names = {e.cls for e in catalog.CATALOG.values() if e.cls is not None}
    assert not names & {AdamOneMinusBeta, AdamEpsInsideRoot, AdamUncorrectedM}
    with pytest.raises(ValueError, match="betas"):
        AdamOneMinusBeta([np.zeros(2)], betas=(1.0, 0.9))
    with pytest.raises(TypeError, match="amsgrad"):
        AdamUncorrectedM([np.zeros(2)], amsgrad=True)
