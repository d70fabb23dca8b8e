"""optimlib.nn: every hand-written gradient against central differences, and the MLP against torch."""
import numpy as np
import pytest

from optimlib.nn import (MLP, Dense, ReLU, Sequential, Tanh, build_mlp, check_labels,
                         softmax_cross_entropy)

try:  # the library's gradient checker, the one the book teaches
    from optimlib.gradients import numerical_gradient, relative_error
except ImportError:  # pragma: no cover - a local stand-in until it exists
    def numerical_gradient(f, x, h=1e-6):
        g = np.zeros_like(x)
        for i in np.ndindex(x.shape):
            old = x[i]
            x[i] = old + h
            fp = f(x)
            x[i] = old - h
            fm = f(x)
            x[i] = old
            g[i] = (fp - fm) / (2 * h)
        return g

    def relative_error(a, b, floor=1e-12):
        return float(np.max(np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), floor), initial=0.0))

# h = 1e-5 balances truncation (h²) against round-off (ε/h) for these O(1) losses: ~1e-9 error
H = 1e-5
TOL = 1e-6


def _check_layer(layer, x, rng):
    """Check dL/dx and every dL/dparam of ``layer`` for L = Σ R ⊙ layer(x), R random."""
    R = rng.standard_normal(layer.forward(x).shape)

    def loss(_):
        return float(np.sum(R * layer.forward(x)))

    layer.forward(x)
    dx = layer.backward(R).copy()
    grads = [g.copy() for g in layer.grads]
    err = relative_error(dx, numerical_gradient(loss, x, H))
    assert err < TOL, f"{layer!r}: input gradient relative error {err:.1e}"
    for i, (p, g) in enumerate(zip(layer.params, grads)):
        err = relative_error(g, numerical_gradient(loss, p, H))
        assert err < TOL, f"{layer!r}: params[{i}] gradient relative error {err:.1e}"


@pytest.mark.parametrize("init", ["he", "glorot"])
def test_dense_gradients(init):
    rng = np.random.default_rng(0)
    layer = Dense(5, 4, rng, init)
    layer.b[...] = rng.standard_normal(4)
    _check_layer(layer, rng.standard_normal((6, 5)), rng)


def test_relu_gradient():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((6, 5))
    x[np.abs(x) < 1e-3] = 0.5  # central differences are wrong within h of the kink
    _check_layer(ReLU(), x, rng)


def test_tanh_gradient():
    rng = np.random.default_rng(2)
    _check_layer(Tanh(), 2 * rng.standard_normal((6, 5)), rng)


def test_relu_tanh_values():
    x = np.array([[-2.0, 0.0, 3.0]])
    np.testing.assert_array_equal(ReLU().forward(x), [[0.0, 0.0, 3.0]])
    np.testing.assert_allclose(Tanh().forward(x), np.tanh(x))
    relu = ReLU()
    relu.forward(x)
    np.testing.assert_array_equal(relu.backward(np.ones((1, 3))), [[0.0, 0.0, 1.0]])  # 0 at 0, as torch


def test_softmax_cross_entropy_gradient_and_value():
    rng = np.random.default_rng(3)
    logits = rng.standard_normal((7, 4))
    y = rng.integers(0, 4, 7)
    loss, d = softmax_cross_entropy(logits.copy(), y)
    p = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)  # naive: fine at this scale
    assert loss == pytest.approx(-np.mean(np.log(p[np.arange(7), y])), rel=1e-12)
    num = numerical_gradient(lambda z: softmax_cross_entropy(z, y)[0], logits, H)
    assert relative_error(d, num) < TOL
    np.testing.assert_allclose(d.sum(axis=1), 0, atol=1e-15)  # rows of softmax - one_hot sum to 0


def test_softmax_cross_entropy_is_stable():
    logits = np.array([[1000.0, 0.0, -1000.0], [0.0, 0.0, 0.0]])
    loss, d = softmax_cross_entropy(logits.copy(), np.array([1, 2]))
    assert np.isfinite(loss) and np.all(np.isfinite(d))
    assert loss == pytest.approx((1000.0 + np.log(3)) / 2)  # -log softmax = 1000 and log 3
    # shifting every logit of a row changes nothing
    a, da = softmax_cross_entropy(np.array([[1.0, 2.0, 3.0]]), np.array([0]))
    b, db = softmax_cross_entropy(np.array([[701.0, 702.0, 703.0]]), np.array([0]))
    assert a == pytest.approx(b, rel=1e-12)
    np.testing.assert_allclose(da, db, atol=1e-12)


def test_softmax_cross_entropy_in_place_and_not():
    z = np.random.default_rng(4).standard_normal((3, 5))
    z0 = z.copy()
    _, d = softmax_cross_entropy(z, np.array([0, 1, 4]))
    np.testing.assert_array_equal(z, z0)  # without out=, the logits are untouched
    _, d2 = softmax_cross_entropy(z, np.array([0, 1, 4]), out=z)
    assert d2 is z
    np.testing.assert_array_equal(d, d2)


def _random_biases(model, rng):
    # zero biases put pre-activations exactly at ReLU's kink (a sample whose previous layer is
    # all dead), where the numerical derivative is wrong; random biases move them off it
    for layer in model.layers:
        if isinstance(layer, Dense):
            layer.b[...] = rng.normal(0, 0.5, layer.b.shape)


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("sizes,activation", [((6, 5, 4, 3), "relu"), ((6, 5, 4, 3), "tanh"),
                                              ((6, 3), "relu")])
def test_mlp_gradients(sizes, activation, seed):
    rng = np.random.default_rng(seed)
    model = MLP(sizes, activation, seed=seed)
    _random_biases(model, rng)
    X = rng.standard_normal((8, sizes[0]))
    y = rng.integers(0, sizes[-1], 8)
    loss = model.loss_and_grad(X, y)
    assert loss == pytest.approx(model.loss(X, y), rel=1e-14)
    for i, (p, g) in enumerate(zip(model.params, model.grads)):
        err = relative_error(g, numerical_gradient(lambda _: model.loss(X, y), p, H))
        assert err < TOL, f"{sizes} {activation}: params[{i}] {p.shape} relative error {err:.1e}"


@pytest.mark.parametrize("activation", ["relu", "tanh"])
def test_mlp_matches_torch(activation):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(5)
    model = MLP((8, 16, 12, 5), activation, seed=5)
    _random_biases(model, rng)
    X = rng.standard_normal((11, 8))
    y = rng.integers(0, 5, 11)
    loss = model.loss_and_grad(X, y)
    logits = model.forward(X).copy()

    tparams = [torch.tensor(p, requires_grad=True) for p in model.params]
    h = torch.tensor(X)
    act = torch.relu if activation == "relu" else torch.tanh
    for k in range(0, len(tparams), 2):
        h = h @ tparams[k] + tparams[k + 1]  # our W is (n_in, n_out): x @ W, torch's Linear is x @ Wᵀ
        if k + 2 < len(tparams):
            h = act(h)
    tloss = torch.nn.functional.cross_entropy(h, torch.tensor(y))
    tloss.backward()
    np.testing.assert_allclose(logits, h.detach().numpy(), rtol=1e-12, atol=1e-13)
    assert loss == pytest.approx(tloss.item(), rel=1e-12)
    for i, (g, tp) in enumerate(zip(model.grads, tparams)):
        np.testing.assert_allclose(g, tp.grad.numpy(), rtol=1e-10, atol=1e-14,
                                   err_msg=f"params[{i}]")


def test_params_and_grads_line_up():
    model = build_mlp((64, 32, 16, 10))
    assert [p.shape for p in model.params] == [g.shape for g in model.grads] == [
        (64, 32), (32,), (32, 16), (16,), (16, 10), (10,)]
    assert all(p.flags.c_contiguous and p.dtype == np.float64 for p in model.params)
    assert model.n_params == 64 * 32 + 32 + 32 * 16 + 16 + 16 * 10 + 10
    # backward overwrites (torch accumulates): the same batch twice gives the same gradients
    rng = np.random.default_rng(0)
    X, y = rng.random((5, 64)), rng.integers(0, 10, 5)
    grads = list(model.grads)
    model.loss_and_grad(X, y)
    first = [g.copy() for g in model.grads]
    model.loss_and_grad(X, y)
    assert all(a is b for a, b in zip(grads, model.grads))  # filled in place, never replaced
    for a, b in zip(first, model.grads):
        np.testing.assert_array_equal(a, b)


def test_no_new_buffers_per_step():
    model = build_mlp((64, 32, 10))
    rng = np.random.default_rng(0)
    X, y = rng.random((20, 64)), rng.integers(0, 10, 20)
    model.loss_and_grad(X, y)
    before = [dict(layer._buffers) for layer in model.layers]
    model.loss_and_grad(X[::-1].copy(), y)
    after = [layer._buffers for layer in model.layers]
    for b, a in zip(before, after):
        assert b.keys() == a.keys() and all(b[k] is a[k] for k in b)


def test_init_scales():
    rng = np.random.default_rng(0)
    he = Dense(400, 300, rng, "he").W
    assert he.std() == pytest.approx(np.sqrt(2 / 400), rel=0.02)
    gl = Dense(400, 300, rng, "glorot").W
    assert np.abs(gl).max() <= np.sqrt(6 / 700) and gl.std() == pytest.approx(np.sqrt(2 / 700), rel=0.02)
    assert not Dense(3, 2, rng, "zeros").W.any()
    # the same seed builds the same model
    for a, b in zip(build_mlp(seed=3).params, build_mlp(seed=3).params):
        np.testing.assert_array_equal(a, b)


def test_linear_softmax_classifier():
    """MLP([64, 10]) is the Part I model: logits = X W + b, nothing else."""
    model = MLP([64, 10])
    assert len(model.layers) == 1 and isinstance(model.layers[0], Dense)
    rng = np.random.default_rng(0)
    X, y = rng.random((9, 64)), rng.integers(0, 10, 9)
    W, b = model.params
    np.testing.assert_allclose(model.forward(X), X @ W + b, rtol=1e-13)
    model.loss_and_grad(X, y)
    P = np.exp(X @ W + b)
    P /= P.sum(1, keepdims=True)
    P[np.arange(9), y] -= 1
    np.testing.assert_allclose(model.grads[0], X.T @ P / 9, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(model.grads[1], P.sum(0) / 9, rtol=1e-12, atol=1e-15)



def test_no_hidden_layer_equals_optimlib_linear():
    """Part I's softmax classifier (optimlib.softmax_regression) and MLP([64, 10]) are one model."""
    linear = pytest.importorskip("optimlib.softmax_regression")
    rng = np.random.default_rng(6)
    model = MLP([64, 10], seed=6)
    model.params[1][...] = rng.standard_normal(10)
    X, y = rng.random((12, 64)), rng.integers(0, 10, 12)
    W, b = model.params
    loss, dW, db = linear.softmax_loss_grad(W, b, X, y)
    assert model.loss_and_grad(X, y) == pytest.approx(loss, rel=1e-13)
    np.testing.assert_allclose(model.grads[0], dW, rtol=1e-12, atol=1e-16)
    np.testing.assert_allclose(model.grads[1], db, rtol=1e-12, atol=1e-16)
    np.testing.assert_array_equal(model.predict(X), linear.predict(W, b, X))

def test_predict_accuracy_evaluate():
    model = MLP([3, 3])
    model.params[0][...] = np.eye(3)
    X = np.array([[1.0, 0, 0], [0, 2.0, 0], [0, 0, 3.0], [4.0, 0, 0]])
    y = np.array([0, 1, 2, 2])
    np.testing.assert_array_equal(model.predict(X), [0, 1, 2, 0])
    assert model.accuracy(X, y) == 0.75
    loss, acc = model.evaluate(X, y)
    assert acc == 0.75 and loss == pytest.approx(model.loss(X, y))
    assert not any(g.any() for g in model.grads)  # evaluation leaves the gradients alone


def test_sequential_from_layers_and_float32():
    rng = np.random.default_rng(0)
    model = Sequential([Dense(4, 6, rng, "glorot", np.float32), Tanh(), Dense(6, 3, rng, "glorot", np.float32)])
    assert model.n_in == 4 and model.n_classes == 3 and model.dtype == np.float32
    X, y = rng.random((5, 4)).astype(np.float32), np.array([0, 1, 2, 0, 1])
    loss = model.loss_and_grad(X, y)
    assert np.isfinite(loss) and all(g.dtype == np.float32 for g in model.grads)
    assert "Tanh" in repr(model)


def test_bad_input():
    model = build_mlp((4, 5, 3))
    X = np.zeros((6, 4))
    with pytest.raises(ValueError, match=r"y must hold class indices in \[0, 2\]"):
        model.loss_and_grad(X, np.array([0, 1, 2, 3, 0, 0]))
    with pytest.raises(ValueError, match="class indices"):
        model.loss_and_grad(X, np.array([0, 1, 2, -1, 0, 0]))  # -1 would silently mean "class 2"
    with pytest.raises(TypeError, match="y must hold integer class indices, got dtype float64"):
        model.loss_and_grad(X, np.zeros(6))
    with pytest.raises(ValueError, match=r"y must be a 1-D array of class indices, got shape \(6, 1\)"):
        model.loss_and_grad(X, np.zeros((6, 1), int))
    with pytest.raises(ValueError, match="same number of rows"):
        model.loss_and_grad(X, np.zeros(5, int))
    with pytest.raises(ValueError, match=r"X must have shape \(n, 4\)"):
        model.predict(np.zeros((6, 5)))
    with pytest.raises(ValueError, match="activation"):
        MLP([4, 3], activation="sigmoid")
    with pytest.raises(ValueError, match="sizes"):
        MLP([4])
    with pytest.raises(ValueError, match="init"):
        Dense(2, 2, 0, init="normal")
    with pytest.raises(ValueError, match="Dense"):
        Sequential([ReLU()])
    with pytest.raises(ValueError, match="y_test"):
        check_labels("y_test", np.array([10]), 10)


# -- squared error and the autoencoder ----------------------------------------------------------

def test_squared_error_value_and_gradient():
    from optimlib.nn import squared_error
    rng = np.random.default_rng(3)
    P, T = rng.standard_normal((5, 4)), rng.standard_normal((5, 4))
    loss, d = squared_error(P.copy(), T)
    assert loss == pytest.approx(0.5 * np.sum((P - T) ** 2) / 5, rel=1e-14)
    num = numerical_gradient(lambda p: squared_error(p, T)[0], P.copy(), H)
    assert relative_error(d, num) < TOL
    Q = P.copy()
    loss_in_place, d2 = squared_error(Q, T, out=Q)
    assert d2 is Q and loss_in_place == loss and np.array_equal(d2, d)
    with pytest.raises(ValueError, match="same shape"):
        squared_error(P, T[:, :3])


@pytest.mark.parametrize("seed", range(3))
def test_autoencoder_gradients(seed):
    from optimlib.nn import Autoencoder
    rng = np.random.default_rng(seed)
    model = Autoencoder((6, 4, 2, 4, 6), seed=seed)
    _random_biases(model, rng)
    X = rng.standard_normal((7, 6))
    loss = model.loss_and_grad(X)
    assert loss == pytest.approx(model.loss(X), rel=1e-14)
    assert loss == pytest.approx(0.5 * np.sum((model.reconstruct(X) - X) ** 2) / 7, rel=1e-12)
    for i, (p, g) in enumerate(zip(model.params, model.grads)):
        err = relative_error(g, numerical_gradient(lambda _: model.loss(X), p, H))
        assert err < TOL, f"params[{i}] {p.shape} relative error {err:.1e}"
    Y = rng.standard_normal((7, 6))  # an explicit target
    model.loss_and_grad(X, Y)
    g0 = model.grads[0].copy()
    assert relative_error(g0, numerical_gradient(lambda _: model.loss(X, Y), model.params[0], H)) < TOL


def test_autoencoder_shape_and_bad_input():
    from optimlib.nn import Autoencoder, Tanh
    m = Autoencoder()
    assert m.sizes == (64, 32, 16, 8, 16, 32, 64) and sum(isinstance(l, Tanh) for l in m.layers) == 5
    assert m.n_params == 2 * (64 * 32 + 32 * 16 + 16 * 8) + 32 + 16 + 8 + 16 + 32 + 64
    assert np.isnan(m.evaluate(np.zeros((2, 64)))[1])
    with pytest.raises(ValueError, match="equal to the first"):
        Autoencoder((64, 8, 32))
    with pytest.raises(TypeError, match="sequence"):
        Autoencoder(64)
    with pytest.raises(ValueError, match="activation"):
        Autoencoder((4, 2, 4), activation="sigmoid")
    with pytest.raises(ValueError, match="target"):
        m.loss(np.zeros((2, 64)), np.zeros((3, 64)))
