"""make_sparse_features: seeded, the shapes and frequencies it promises, informative rare features."""
import numpy as np
import pytest

from optimlib.data import SparseFeatures, make_sparse_features


def test_same_seed_same_arrays_other_seed_other_arrays():
    a, b, c = make_sparse_features(seed=3), make_sparse_features(seed=3), make_sparse_features(seed=4)
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x, y)
    assert not np.array_equal(a.X_train, c.X_train)


def test_shapes_types_and_splits():
    s = make_sparse_features(300, 100, 50, n_frequent=5, n_rare=30)
    assert isinstance(s, SparseFeatures) and s.n_features == 35 and s.n_classes == 2
    assert s.X_train.shape == (300, 35) and s.X_val.shape == (100, 35) and s.X_test.shape == (50, 35)
    assert s.X_train.dtype == np.float64 and s.y_train.dtype == np.int64
    assert set(np.unique(s.X_train)) <= {0.0, 1.0} and set(np.unique(s.y_train)) <= {0, 1}
    assert len(s.fit_data()) == 4 and s.fit_data()[2] is s.X_val and s.fit_data(False)[2] is s.X_test


def test_frequencies_and_informative_features():
    s = make_sparse_features(20000, 10, 10, n_frequent=10, n_rare=50, frequent=(0.9, 0.3), rare=0.02)
    observed = s.X_train.mean(axis=0)
    np.testing.assert_allclose(observed, s.frequency, atol=0.015)
    np.testing.assert_allclose(s.frequency[:10], np.geomspace(0.9, 0.3, 10))
    assert np.all(s.w_star[~s.informative] == 0) and np.all(s.w_star[s.informative] != 0)
    assert s.informative.sum() == 50
    assert 0.45 < s.y_train.mean() < 0.55                      # balanced classes
    # the labels follow the rare features: the generating weights classify well above chance
    logit = s.X_train @ s.w_star
    assert np.mean((logit > np.median(logit)) == s.y_train) > 0.7


@pytest.mark.parametrize("kw,err,msg", [
    (dict(n_train=0), ValueError, "n_train"), (dict(n_rare=2.5), ValueError, "n_rare"),
    (dict(rare=0.0), ValueError, "rare"), (dict(rare=1.5), ValueError, "rare"),
    (dict(frequent=(0.9, 1.2)), ValueError, r"frequent\[1\]"), (dict(frequent=0.5), TypeError, "pair"),
    (dict(scale=-1.0), ValueError, "scale")])
def test_bad_arguments_name_the_problem(kw, err, msg):
    with pytest.raises(err, match=msg):
        make_sparse_features(**kw)
