"""A tiny neural network with backpropagation written by hand: enough for an MLP on digits.

    model = build_mlp((64, 64, 10), activation="relu", seed=0)
    opt = optim.get("adam", model.params, lr=1e-3)
    loss = model.loss_and_grad(X, y)     # forward, loss, backward: fills model.grads
    opt.step(model.grads)                # updates model.params in place

``model.params`` and ``model.grads`` are lists of arrays in the same order and shapes
(``[W1, b1, W2, b2, ...]``). ``backward`` *overwrites* the gradients (torch adds to them).

Each layer writes its output into an array it keeps per input shape, so a training loop
allocates almost nothing per step. The price: the array ``forward`` returns is overwritten by
the next ``forward`` with the same batch size; copy it if you keep it.
"""
from __future__ import annotations

import numbers

import numpy as np

from ._checks import check_labels, check_same_length

__all__ = ["Layer", "Dense", "ReLU", "Tanh", "softmax_cross_entropy", "squared_error", "Sequential",
           "MLP", "build_mlp", "Autoencoder", "check_labels"]


class Layer:
    """A layer: ``forward(x)`` and ``backward(dout)``; its ``params`` and ``grads`` (maybe empty)."""

    def __init__(self):
        self.params: list[np.ndarray] = []
        self.grads: list[np.ndarray] = []
        self._buffers: dict = {}

    def forward(self, x: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def backward(self, dout: np.ndarray, input_grad: bool = True):  # pragma: no cover
        """Fill ``self.grads`` from ``dout`` = dL/d(output); return dL/d(input) (None if not asked)."""
        raise NotImplementedError

    def _buffer(self, name: str, shape: tuple, dtype) -> np.ndarray:
        """An output array kept per (name, shape, dtype) and reused: no allocation per step."""
        key = (name, shape, np.dtype(dtype))
        buf = self._buffers.get(key)
        if buf is None:
            if len(self._buffers) >= 16:  # why: many batch sizes must not grow memory forever
                self._buffers.clear()
            buf = self._buffers[key] = np.empty(shape, dtype)
        return buf


class Dense(Layer):
    """``out = x @ W + b`` with ``W`` of shape (n_in, n_out).

    ``init="he"`` (std √(2/n_in), for ReLU), ``"glorot"`` (uniform ±√(6/(n_in+n_out)), for tanh
    and the output layer) or ``"zeros"``; the bias starts at zero.
    """

    def __init__(self, n_in: int, n_out: int, rng=0, init: str = "glorot", dtype=np.float64):
        super().__init__()
        rng = np.random.default_rng(rng)
        if init == "he":
            W = rng.standard_normal((n_in, n_out)) * np.sqrt(2.0 / n_in)
        elif init == "glorot":
            limit = np.sqrt(6.0 / (n_in + n_out))
            W = rng.uniform(-limit, limit, (n_in, n_out))
        elif init == "zeros":
            W = np.zeros((n_in, n_out))
        else:
            raise ValueError(f"init must be 'he', 'glorot' or 'zeros', got {init!r}")
        self.W = W.astype(dtype)
        self.b = np.zeros(n_out, dtype)
        self.dW = np.zeros_like(self.W)
        self.db = np.zeros_like(self.b)
        self.params = [self.W, self.b]
        self.grads = [self.dW, self.db]

    def forward(self, x):
        self.x = x  # kept for backward: dW = xᵀ · dout
        out = self._buffer("out", (x.shape[0], self.W.shape[1]), self.W.dtype)
        np.matmul(x, self.W, out=out)
        out += self.b
        return out

    def backward(self, dout, input_grad=True):
        np.matmul(self.x.T, dout, out=self.dW)
        np.sum(dout, axis=0, out=self.db)
        if not input_grad:  # the first layer's input is the data: its gradient is not needed
            return None
        dx = self._buffer("dx", self.x.shape, self.W.dtype)
        return np.matmul(dout, self.W.T, out=dx)

    def __repr__(self):
        return f"Dense({self.W.shape[0]}, {self.W.shape[1]})"


class ReLU(Layer):
    """``max(x, 0)``; its derivative is 1 where x > 0, else 0 (0 at the kink, as in torch)."""

    def forward(self, x):
        self.mask = self._buffer("mask", x.shape, bool)
        np.greater(x, 0, out=self.mask)
        return np.multiply(x, self.mask, out=self._buffer("out", x.shape, x.dtype))

    def backward(self, dout, input_grad=True):
        if not input_grad:
            return None
        return np.multiply(dout, self.mask, out=self._buffer("dx", dout.shape, dout.dtype))

    def __repr__(self):
        return "ReLU()"


class Tanh(Layer):
    """``tanh(x)``; its derivative ``1 - tanh(x)²`` is computed from the output."""

    def forward(self, x):
        self.y = np.tanh(x, out=self._buffer("out", x.shape, x.dtype))
        return self.y

    def backward(self, dout, input_grad=True):
        if not input_grad:
            return None
        dx = self._buffer("dx", dout.shape, dout.dtype)
        np.multiply(self.y, self.y, out=dx)
        np.subtract(1, dx, out=dx)  # 1 - y²
        dx *= dout
        return dx

    def __repr__(self):
        return "Tanh()"


def softmax_cross_entropy(logits: np.ndarray, y: np.ndarray, out: np.ndarray | None = None):
    """Mean cross-entropy of softmax(logits) against labels ``y``, and its gradient dL/dlogits.

    Computed stably: subtracting each row's maximum leaves softmax unchanged but keeps ``exp``
    from overflowing, and ``log Σ exp`` is then at most log(n_classes) above the maximum.
    The gradient is ``(softmax(logits) - one_hot(y)) / n``. ``out`` may be ``logits`` itself.
    """
    n, k = logits.shape
    y = check_labels("y", y, k)
    check_same_length(logits, y, "logits", "y")
    rows = np.arange(n)
    z = np.subtract(logits, logits.max(axis=1, keepdims=True), out=out)  # z ≤ 0
    z_true = z[rows, y]                                  # a copy: z is overwritten next
    p = np.exp(z, out=z)
    total = p.sum(axis=1, keepdims=True)
    loss = float(np.mean(np.log(total[:, 0]) - z_true))  # -log softmax = log Σ exp z - z_y
    p /= total                                           # softmax
    p[rows, y] -= 1.0
    p /= n                                               # the loss is a mean over the batch
    return loss, p


def squared_error(pred: np.ndarray, target: np.ndarray, out: np.ndarray | None = None):
    r"""Half the squared error per example, averaged over the batch, and its gradient dL/dpred:
    :math:`L = \frac{1}{2n}\sum_i \lVert \hat y_i - y_i \rVert^2`, gradient
    :math:`(\hat y - y)/n`. (The sum over the outputs, not their mean: a reconstruction's error is
    the sum over its pixels, as in Hinton & Salakhutdinov's autoencoders.) ``out`` may be
    ``pred`` itself."""
    pred = np.asarray(pred)
    target = np.asarray(target)
    if pred.shape != target.shape or pred.ndim != 2:
        raise ValueError(f"pred and target must be 2-D arrays of the same shape (n, outputs), got "
                         f"{pred.shape} and {target.shape}")
    n = pred.shape[0]
    d = np.subtract(pred, target, out=out)
    loss = 0.5 * float(np.vdot(d, d)) / n
    d /= n
    return loss, d


class Sequential:
    """Layers applied in order, ending in logits; trained with softmax cross-entropy."""

    def __init__(self, layers):
        self.layers = list(layers)
        if not self.layers:
            raise ValueError("layers is empty")
        dense = [layer for layer in self.layers if isinstance(layer, Dense)]
        if not dense:
            raise ValueError("a Sequential model needs at least one Dense layer")
        self.n_in = dense[0].W.shape[0]
        self.n_classes = dense[-1].W.shape[1]
        self.dtype = dense[0].W.dtype
        self.params = [p for layer in self.layers for p in layer.params]
        self.grads = [g for layer in self.layers for g in layer.grads]

    def forward(self, X: np.ndarray) -> np.ndarray:
        """The logits (an internal buffer, overwritten by the next forward of the same size)."""
        for layer in self.layers:
            X = layer.forward(X)
        return X

    def backward(self, dlogits: np.ndarray) -> None:
        """Fill ``self.grads`` (overwriting them) from dL/dlogits."""
        d = dlogits
        for i in range(len(self.layers) - 1, -1, -1):
            d = self.layers[i].backward(d, input_grad=i > 0)

    def _check_X(self, X, y=None) -> np.ndarray:
        X = np.asarray(X)
        if X.ndim != 2 or X.shape[1] != self.n_in:
            raise ValueError(f"X must have shape (n, {self.n_in}), got {X.shape}")
        if y is not None:
            check_same_length(X, y)
        return X

    def loss_and_grad(self, X, y) -> float:
        """Mean cross-entropy on (X, y); fills ``self.grads`` with its gradient."""
        X = self._check_X(X, y)
        logits = self.forward(X)
        # out=logits: the logits are not needed once the loss is known, so their array is reused
        loss, dlogits = softmax_cross_entropy(logits, y, out=logits)
        self.backward(dlogits)
        return loss

    def evaluate(self, X, y) -> tuple[float, float]:
        """``(loss, accuracy)`` on (X, y) from one forward pass; gradients untouched."""
        X = self._check_X(X, y)
        logits = self.forward(X)
        acc = float(np.mean(logits.argmax(axis=1) == y))
        loss, _ = softmax_cross_entropy(logits, y, out=logits)
        return loss, acc

    def loss(self, X, y) -> float:
        return self.evaluate(X, y)[0]

    def accuracy(self, X, y) -> float:
        return self.evaluate(X, y)[1]

    def predict(self, X) -> np.ndarray:
        """The predicted class of each row of X."""
        return self.forward(self._check_X(X)).argmax(axis=1)

    @property
    def n_params(self) -> int:
        return sum(p.size for p in self.params)

    def __repr__(self):
        return f"{type(self).__name__}([{', '.join(map(repr, self.layers))}])"


class MLP(Sequential):
    """A multilayer perceptron from layer sizes: ``MLP([64, 64, 10])`` is
    Dense(64, 64) → ReLU → Dense(64, 10). ``MLP([64, 10])`` has no hidden layer: it is the
    linear softmax classifier of Part I.

    Hidden layers use He initialisation for ReLU and Glorot for tanh; the output layer Glorot.
    """

    ACTIVATIONS = {"relu": ReLU, "tanh": Tanh}

    def __init__(self, sizes, activation: str = "relu", seed=0, dtype=np.float64):
        if isinstance(sizes, (numbers.Number, str)) or not hasattr(sizes, "__iter__"):
            raise TypeError(f"sizes must be a sequence of layer sizes such as (64, 64, 10) "
                            f"(inputs, hidden..., classes), got {type(sizes).__name__} {sizes!r}")
        sizes = [int(s) for s in sizes]
        if len(sizes) < 2 or min(sizes) < 1:
            raise ValueError(f"sizes must list at least 2 positive layer sizes (inputs, ..., "
                             f"classes), got {sizes}")
        if activation not in self.ACTIVATIONS:
            raise ValueError(f"activation must be one of {sorted(self.ACTIVATIONS)}, got {activation!r}")
        rng = np.random.default_rng(seed)
        hidden_init = "he" if activation == "relu" else "glorot"
        layers: list[Layer] = []
        for n_in, n_out in zip(sizes[:-2], sizes[1:-1]):
            layers += [Dense(n_in, n_out, rng, hidden_init, dtype), self.ACTIVATIONS[activation]()]
        layers.append(Dense(sizes[-2], sizes[-1], rng, "glorot", dtype))
        super().__init__(layers)
        self.sizes = tuple(sizes)
        self.activation = activation


def build_mlp(sizes=(64, 64, 10), activation: str = "relu", seed=0, dtype=np.float64) -> MLP:
    """Keras-like: ``build_mlp((64, 64, 10))``, then ``fit(model, "adam", data, lr=1e-3)``."""
    return MLP(sizes, activation, seed, dtype)


class Autoencoder(Sequential):
    """A network trained to reproduce its input through a narrow middle layer, with
    :func:`squared_error`: ``Autoencoder((64, 32, 16, 8, 16, 32, 64))`` is the deep narrow
    autoencoder of the digits (tanh hidden layers, Glorot initialisation, a linear output).

    ``loss_and_grad(X)`` and ``loss(X)`` take the inputs only: the target is ``X`` itself (a
    second argument, if given, is the target)."""

    def __init__(self, sizes=(64, 32, 16, 8, 16, 32, 64), activation: str = "tanh", seed=0,
                 dtype=np.float64):
        if isinstance(sizes, (numbers.Number, str)) or not hasattr(sizes, "__iter__"):
            raise TypeError(f"sizes must be a sequence of layer sizes such as (64, 8, 64), got "
                            f"{type(sizes).__name__} {sizes!r}")
        sizes = [int(s) for s in sizes]
        if len(sizes) < 3 or min(sizes) < 1 or sizes[0] != sizes[-1]:
            raise ValueError(f"sizes must list at least 3 positive layer sizes, the last equal to "
                             f"the first (the output reproduces the input), got {sizes}")
        if activation not in MLP.ACTIVATIONS:
            raise ValueError(f"activation must be one of {sorted(MLP.ACTIVATIONS)}, got {activation!r}")
        rng = np.random.default_rng(seed)
        init = "he" if activation == "relu" else "glorot"
        layers: list[Layer] = []
        for n_in, n_out in zip(sizes[:-2], sizes[1:-1]):
            layers += [Dense(n_in, n_out, rng, init, dtype), MLP.ACTIVATIONS[activation]()]
        layers.append(Dense(sizes[-2], sizes[-1], rng, "glorot", dtype))
        super().__init__(layers)
        self.sizes = tuple(sizes)
        self.activation = activation

    def _target(self, X, Y):
        X = self._check_X(X)
        Y = X if Y is None else np.asarray(Y)
        if Y.shape != X.shape:
            raise ValueError(f"the target must have the input's shape {X.shape}, got {Y.shape}")
        return X, Y

    def loss_and_grad(self, X, Y=None) -> float:
        """Mean half squared reconstruction error of X (or against Y); fills ``self.grads``."""
        X, Y = self._target(X, Y)
        out = self.forward(X)
        loss, dout = squared_error(out, Y, out=out)
        self.backward(dout)
        return loss

    def evaluate(self, X, Y=None) -> tuple[float, float]:
        """``(loss, nan)``: an autoencoder has no accuracy."""
        X, Y = self._target(X, Y)
        return squared_error(self.forward(X), Y)[0], float("nan")

    def loss(self, X, Y=None) -> float:
        return self.evaluate(X, Y)[0]

    def reconstruct(self, X) -> np.ndarray:
        """The network's output for X (a copy)."""
        return self.forward(self._check_X(X)).copy()
