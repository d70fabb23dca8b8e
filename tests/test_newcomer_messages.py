"""The mistakes a newcomer makes first each get a message that names the fix."""
import re

import numpy as np
import pytest

from optimlib import optim
from optimlib.data import load_digits
from optimlib.nn import build_mlp
from optimlib.train import fit


@pytest.fixture(scope="module")
def digits():
    return load_digits()


def raises(exc, text):
    return pytest.raises(exc, match=re.escape(text))


def test_a_model_instead_of_its_params():
    with raises(TypeError, "pass model.params, e.g. optim.get('adam', model.params)"):
        optim.get("adam", build_mlp((64, 8, 10)))


def test_data_as_a_dict(digits):
    with raises(TypeError, "data must be a tuple (X_train, y_train)"):
        fit(build_mlp((64, 8, 10)), "adam", {"X": digits.X_train, "y": digits.y_train})


def test_sizes_as_one_int():
    with raises(TypeError, "sizes must be a sequence of layer sizes such as (64, 64, 10)"):
        build_mlp(64)


def test_an_optimizer_class(digits):
    with raises(TypeError, "pass a name, fit(model, 'adam', data), or an instance built over "
                           "model.params, fit(model, optim.Adam(model.params), data)"):
        fit(build_mlp((64, 8, 10)), optim.Adam, digits)


def test_keras_argument_order(digits):
    with raises(TypeError, "the order is fit(model, optimizer, data)"):
        fit(build_mlp((64, 8, 10)), digits.X_train, digits.y_train)


def test_the_right_calls_still_work(digits):
    model = build_mlp((64, 8, 10))
    h = fit(model, optim.Adam(model.params, lr=1e-2), (digits.X_train, digits.y_train), epochs=1,
            progress=False)
    assert h.epochs_run == 1 and np.isfinite(h.train_loss[-1])
