"""Make optimlib/data/digits.npz from the copy of the UCI optical digits that scikit-learn ships.

Run once by a maintainer (needs scikit-learn); the book and the tests only read the .npz:

    python tools/make_digits.py

The split is made here, once, and stored as indices, so it never depends on a NumPy RNG version.
"""
import hashlib
import pathlib

import numpy as np
from sklearn.datasets import load_digits

OUT = pathlib.Path(__file__).resolve().parents[1] / "optimlib" / "data" / "digits.npz"


def validation_split(y, train, val_fraction=0.2, seed=1):
    """The validation indices: a stratified 20% of each class's *training* indices, drawn once."""
    rng = np.random.default_rng(seed)
    val = []
    for c in range(10):
        idx = train[y[train] == c]
        val.extend(rng.choice(idx, size=round(val_fraction * len(idx)), replace=False))
    return np.sort(np.array(val, dtype=np.int16))


def main(test_fraction=0.2, seed=0):
    bunch = load_digits()
    X = bunch.data.astype(np.uint8)  # integer pixel counts 0..16
    y = bunch.target.astype(np.uint8)
    rng = np.random.default_rng(seed)
    test = []
    for c in range(10):  # stratified: 20% of each class goes to the test set
        idx = np.flatnonzero(y == c)
        test.extend(rng.choice(idx, size=round(test_fraction * len(idx)), replace=False))
    test = np.sort(np.array(test, dtype=np.int16))
    train = np.setdiff1d(np.arange(len(y), dtype=np.int16), test)
    val = validation_split(y, train)
    np.savez_compressed(OUT, X=X, y=y, train_idx=train, test_idx=test, val_idx=val)
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes): {len(train)} train ({len(val)} of them "
          f"validation), {len(test)} test, "
          f"sha256 {hashlib.sha256(OUT.read_bytes()).hexdigest()[:16]}")


if __name__ == "__main__":
    main()
