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
