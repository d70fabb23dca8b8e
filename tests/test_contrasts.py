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


def test_adamax_published_steps_tend_to_ten_times_adamaxs():
    from optimlib.contrasts import AdamaxPublished
    from optimlib.optim import Adamax
    t = np.arange(1, 101)
    ratio = steps(AdamaxPublished, 100) / steps(Adamax, 100)
    # constant gradient 1: u = 1 (+ ε inside or outside the max), so the ratio is (1 - β1^t)/(1 - β1)
    assert np.allclose(ratio, (1 - 0.9 ** t) / 0.1, rtol=1e-7)
    assert ratio[0] == pytest.approx(1.0) and ratio[-1] == pytest.approx(10.0, rel=1e-4)


def test_adamax_published_lets_u_decay_to_zero_where_adamax_keeps_eps():
    from optimlib.contrasts import AdamaxPublished
    from optimlib.optim import Adamax
    ours, theirs = [np.zeros(1)], [np.zeros(1)]
    a, b = Adamax(ours, betas=(0.9, 0.5)), AdamaxPublished(theirs, betas=(0.9, 0.5))
    for opt in (a, b):
        opt.step([np.ones(1)])
        for _ in range(2000):
            opt.step([np.zeros(1)])
    assert a.state[0]["exp_inf"][0] == 1e-8          # |0| + ε inside the max: a floor of ε
    assert b.state[0]["exp_inf"][0] == 0.0           # 0.5^2000 underflows: only the ε outside is left
    assert not {AdamaxPublished} & {e.cls for e in catalog.CATALOG.values()}
