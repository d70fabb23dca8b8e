"""The exercise checks of chapter 15 (frameworks): placeholder, right answer, typical wrong answers."""
import numpy as np
import pytest

from optimlib import exercises as ex
from optimlib.optim import RMSprop
from optimlib.optim.framework_forms import keras_equivalent
from exercise_protocol import assert_covers, assert_follows_protocol

CASES = [  # check, a right answer, a wrong answer, a phrase of the wrong answer's message
    (ex.check_eps_hat, lambda eps, b2, t: eps / np.sqrt(1 - b2 ** t),
     lambda eps, b2, t: eps * np.sqrt(1 - b2 ** t), "not multiplied"),
    (ex.check_keras_nadam_psi, 1.0, 4e-3, "torch's own default"),
    (ex.check_rmsprop_port,
     lambda ps: keras_equivalent("RMSprop", ps, learning_rate=0.005, momentum=0.9),
     lambda ps: RMSprop(ps, lr=0.005, momentum=0.9, alpha=0.9, eps=1e-7), "under the root"),
    (ex.check_buffer_rescale, lambda old, new: old / new, lambda old, new: new / old, "inverted"),
]


def test_no_rescale_is_refused_with_its_reason():
    with pytest.raises(AssertionError, match="naive torch form"):
        ex.check_buffer_rescale(lambda old, new: 1.0)


@pytest.mark.parametrize("check,right,wrong,phrase", CASES, ids=lambda c: getattr(c, "__name__", ""))
def test_each_check(check, right, wrong, phrase, capsys):
    assert_follows_protocol(check, right, wrong, phrase, capsys)


def test_covers_every_check():
    assert_covers(CASES, "ch15_frameworks")


def test_the_open_ended_check_accepts_other_designs(capsys):
    from optimlib.optim import Optimizer
    from optimlib.optim.framework_forms import KerasRMSprop

    class Mine(Optimizer):                       # a learner's own subclass, written from Keras
        defaults = dict(lr=0.005, rho=0.9, momentum=0.9, eps=1e-7)

        def init_state(self, p):
            return {"v": np.zeros_like(p), "u": np.zeros_like(p)}

        def update(self, p, g, v, u, *, lr, rho, momentum, eps):
            v[...] = rho * v + (1 - rho) * g * g
            u[...] = momentum * u + lr * g / np.sqrt(v + eps)
            p -= u

    for design in (lambda ps: KerasRMSprop(ps, lr=0.005, momentum=0.9), Mine):
        ex.check_rmsprop_port(design)
        assert capsys.readouterr().out.startswith("✓")
