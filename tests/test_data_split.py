"""The shipped validation split: fixed, stratified, disjoint from the test set."""
import numpy as np
import pytest

from optimlib.data import load_digits


def test_validation_split_is_disjoint_and_stratified():
    full, d = load_digits(), load_digits(validation=True)
    assert d.X_train.shape == (1151, 64) and d.X_val.shape == (287, 64) and d.X_test.shape == (359, 64)
    assert full.X_val is None and full.X_train.shape == (1438, 64)
    rows = lambda X: {r.tobytes() for r in X}  # noqa: E731
    assert not rows(d.X_val) & rows(d.X_test)
    assert rows(d.X_val) | rows(d.X_train) <= rows(full.X_train)
    counts = np.bincount(d.y_val, minlength=10)
    assert counts.min() >= 28 and counts.max() <= 29  # 20 % of every class
    np.testing.assert_array_equal(d.X_test, full.X_test)


def test_validation_flag_must_be_bool():
    with pytest.raises(TypeError, match="validation must be True or False"):
        load_digits(validation="yes")


def test_fit_scores_the_validation_split():
    from optimlib.nn import build_mlp
    from optimlib.train import fit
    d = load_digits(validation=True)
    h = fit(build_mlp((64, 16, 10)), "sgd", d, epochs=2, progress=False, lr=0.1)
    assert len(h.val_acc) == len(h.test_acc) == len(h.train_acc) == 2
    assert 0.0 < h.val_acc[-1] <= 1.0 and h.val_loss[-1] > 0
    h = fit(build_mlp((64, 16, 10)), "sgd", load_digits(), epochs=1, progress=False, lr=0.1)
    assert h.val_acc == [] and len(h.test_acc) == 1
