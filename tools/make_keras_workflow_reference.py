"""Train the same digits classifier with Keras 3 and with torch; record the per-step losses.

    python3 tools/make_keras_workflow_reference.py    # writes tests/reference/keras_workflow.npz

The model is Keras's classic first example: Dense(64 -> 32, ReLU) -> Dense(32 -> 10, softmax),
trained with Adam at Keras's defaults on sparse categorical cross-entropy by
``model.fit(X, y, epochs=EPOCHS, batch_size=BATCH, shuffle=False)``, in float64
(``keras.config.set_floatx("float64")``, torch backend). Both frameworks start from optimlib's
``build_mlp(SIZES, seed=SEED)`` weights and see the same batches: the training images in one
fixed order (``order``, stored), cut into consecutive batches, every epoch.

torch runs the same model with ``torch.optim.Adam``; Keras's Adam adds epsilon before the bias
correction, which is torch's Adam with ``eps_t = eps / sqrt(1 - beta2^t)``, so the torch loop
sets ``param_groups[0]["eps"]`` to that before each step. Stored: the initial weights, the
order, each framework's loss at every step (Keras reports the running mean of the epoch; the
per-batch losses are recovered from it) and each framework's final weights.

Keras 3's type promotion (``keras.backend.result_type``) maps float64 to float32 on every
backend but TensorFlow, so ``keras.ops.matmul`` of two float64 arrays, and hence every Dense
layer, multiplies in float32 even with ``floatx="float64"``. The tool therefore trains Keras
twice: as shipped (``keras_*``) and with float64 kept by the promotion table
(``dtypes.BIT64_TO_BIT32_DTYPE["float64"] = "float64"``, ``keras64_*``); it also stores the
evidence: the promoted dtype and the error of ``keras.ops.matmul`` on a float64 product.
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run from a checkout
from optimlib.data import load_digits  # noqa: E402
from optimlib.nn import build_mlp  # noqa: E402

OUT = ROOT / "tests" / "reference" / "keras_workflow.npz"
SIZES = (64, 32, 10)
SEED = 0
EPOCHS = 5
BATCH = 32
LR, BETAS, EPS = 1e-3, (0.9, 0.999), 1e-7      # Keras's Adam defaults


def setup() -> dict:
    """The training data in its fixed order and optimlib's initial weights [W1, b1, W2, b2]."""
    d = load_digits(validation=True)
    order = np.random.default_rng(SEED).permutation(len(d.X_train))
    return {"X": d.X_train[order], "y": d.y_train[order], "order": order,
            "init": [p.copy() for p in build_mlp(SIZES, seed=SEED).params]}


def batches(n: int):
    return [slice(i, min(i + BATCH, n)) for i in range(0, n, BATCH)]


def _load_framework_tool():
    import importlib.util
    path = Path(__file__).resolve().parent / "make_framework_reference.py"
    spec = importlib.util.spec_from_file_location("make_framework_reference", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


#: Keras on its torch backend, and float64 for the length of one call: the framework tool's
_keras, _float64 = (lambda m: (m._keras, m._float64))(_load_framework_tool())


@_float64
def keras_matmul_evidence() -> dict:
    """What Keras's type promotion makes of float64, and its matmul's error on a float64 product."""
    keras = _keras()
    from keras.src.backend.common import dtypes
    rng = np.random.default_rng(SEED)
    a, b = rng.random((32, 64)), rng.random((64, 32))
    got = np.asarray(keras.ops.convert_to_numpy(keras.ops.matmul(a, b)))
    added = np.asarray(keras.ops.convert_to_numpy(keras.ops.add(a, a)))
    dense = keras.layers.Dense(32, kernel_initializer=keras.initializers.GlorotUniform(seed=SEED))
    dense.build((None, 64))
    out = np.asarray(keras.ops.convert_to_numpy(dense(a)))
    exact = a @ keras.ops.convert_to_numpy(dense.kernel) + keras.ops.convert_to_numpy(dense.bias)
    return {"result_type": dtypes.result_type("float64", "float64"), "floatx": keras.config.floatx(),
            "matmul_error": float(np.max(np.abs(got - a @ b))), "matmul_dtype": str(got.dtype),
            # elementwise operations keep float64; a Dense layer returns float64 (cast back)
            # but its product was computed in float32
            "add_dtype": str(added.dtype), "dense_dtype": str(out.dtype),
            "dense_error": float(np.max(np.abs(out - exact)))}


class float64_promotion:
    """Within this block Keras's type promotion keeps float64 (as it does on TensorFlow)."""

    def __enter__(self):
        from keras.src.backend.common import dtypes
        self.table = dtypes.BIT64_TO_BIT32_DTYPE
        self.old = self.table["float64"]
        self.table["float64"] = "float64"
        return self

    def __exit__(self, *exc):
        self.table["float64"] = self.old


@_float64
def keras_run(s: dict) -> tuple[np.ndarray, list]:
    keras = _keras()
    model = keras.Sequential([keras.Input((SIZES[0],)), keras.layers.Dense(SIZES[1], "relu"),
                              keras.layers.Dense(SIZES[2], "softmax")])
    model.set_weights(s["init"])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=LR), loss="sparse_categorical_crossentropy")

    class Record(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.means = []

        def on_train_batch_end(self, batch, logs=None):
            self.means.append(logs["loss"])

        def on_epoch_end(self, epoch, logs=None):
            # Keras logs the running mean over the epoch's samples: undo it batch by batch
            sizes = np.array([b.stop - b.start for b in batches(len(s["X"]))], dtype=np.float64)
            seen = np.cumsum(sizes)
            totals = np.array(self.means) * seen
            losses.extend(np.diff(totals, prepend=0.0) / sizes)

    losses: list = []
    model.fit(s["X"], s["y"], epochs=EPOCHS, batch_size=BATCH, shuffle=False, verbose=0,
              callbacks=[Record()])
    return np.array(losses), [np.asarray(w) for w in model.get_weights()]


def torch_run(s: dict) -> tuple[np.ndarray, list]:
    import torch
    W1, b1, W2, b2 = (torch.tensor(w, dtype=torch.float64, requires_grad=True) for w in s["init"])
    params = [W1, b1, W2, b2]
    opt = torch.optim.Adam(params, lr=LR, betas=BETAS, eps=EPS, foreach=False)
    X, y = torch.from_numpy(s["X"]), torch.from_numpy(s["y"])
    losses, t = [], 0
    for _ in range(EPOCHS):
        for b in batches(len(X)):
            t += 1
            loss = torch.nn.functional.cross_entropy(torch.relu(X[b] @ W1 + b1) @ W2 + b2, y[b])
            opt.zero_grad()
            loss.backward()
            opt.param_groups[0]["eps"] = EPS / (1 - BETAS[1] ** t) ** 0.5   # Keras's epsilon-hat
            opt.step()
            losses.append(loss.item())
    return np.array(losses), [p.detach().numpy().copy() for p in params]


def main() -> None:
    os.environ.setdefault("KERAS_BACKEND", "torch")
    import keras
    import torch
    s = setup()
    evidence = keras_matmul_evidence()
    k_loss, k_w = keras_run(s)
    with float64_promotion():
        k64_loss, k64_w = keras_run(s)
    t_loss, t_w = torch_run(s)
    data = {"order": s["order"], "keras_loss": k_loss, "torch_loss": t_loss,
            "keras64_loss": k64_loss, "evidence": np.array(json.dumps(evidence)),
            **{f"init_{i}": w for i, w in enumerate(s["init"])},
            **{f"keras_w_{i}": w for i, w in enumerate(k_w)},
            **{f"keras64_w_{i}": w for i, w in enumerate(k64_w)},
            **{f"torch_w_{i}": w for i, w in enumerate(t_w)},
            "meta": np.array(json.dumps({"keras": keras.__version__, "torch": torch.__version__,
                                         "sizes": SIZES, "epochs": EPOCHS, "batch_size": BATCH,
                                         "lr": LR, "betas": BETAS, "eps": EPS}))}
    OUT.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(OUT, **data)
    print(f"wrote {OUT}: {len(k_loss)} steps, max |loss diff| Keras vs torch "
          f"{np.max(np.abs(k_loss - t_loss)):.2e}, Keras with float64 kept vs torch "
          f"{np.max(np.abs(k64_loss - t_loss)):.2e}; {evidence}")


if __name__ == "__main__":
    main()
