"""optimlib.train: fit (determinism, divergence, schedule, bad input, the digits target) and minimize."""
import re
import time
import warnings

import numpy as np
import pytest

from optimlib import optim
from optimlib.data import load_digits
from optimlib.nn import build_mlp
from optimlib.train import DivergenceWarning, History, Trajectory, fit, minimize

DIVERGED = re.compile(r"^diverged at step \d+ \((loss|gradient) = .+\): try a smaller learning rate$")


@pytest.fixture(scope="module")
def digits():
    return load_digits()


@pytest.fixture(scope="module")
def small(digits):
    """A quick slice of digits for the behavioural tests."""
    return digits.X_train[:300], digits.y_train[:300], digits.X_test[:100], digits.y_test[:100]


# -- fit ---------------------------------------------------------------------------------------

def test_same_seed_same_history(small):
    runs = [fit(build_mlp((64, 16, 10), seed=1), "sgd", small, 3, 16, seed=7, progress=False,
                lr=0.1, momentum=0.9) for _ in range(2)]
    assert runs[0] == runs[1]  # every loss and accuracy bit for bit (timings excluded)
    assert runs[0].step_loss == runs[1].step_loss and len(runs[0].step_loss) == 3 * 19
    other = fit(build_mlp((64, 16, 10), seed=1), "sgd", small, 3, 16, seed=8, progress=False,
                lr=0.1, momentum=0.9)
    assert other.step_loss != runs[0].step_loss  # the seed does shuffle the batches


def test_history_contents(small):
    model = build_mlp((64, 16, 10))
    h = fit(model, "sgd", small, epochs=4, batch_size=50, progress=False, lr=0.1)
    assert isinstance(h, History) and not h.diverged
    assert h.epochs_run == 4 and len(h.epoch_seconds) == 4 and h.seconds > 0
    for name in ("train_loss", "test_loss", "train_acc", "test_acc"):
        assert len(getattr(h, name)) == 4
    assert len(h.step_loss) == 4 * 6
    assert h.train_loss[-1] == pytest.approx(model.loss(*small[:2]))  # measured after the epoch
    assert h.test_acc[-1] == pytest.approx(model.accuracy(*small[2:]))
    assert h.train_loss[-1] < h.train_loss[0]
    assert h.message.startswith("trained 4 epochs (24 steps)")
    assert "epochs_run=4" in repr(h)


def test_fit_without_test_data_and_zero_epochs(small):
    h = fit(build_mlp((64, 10)), "sgd", small[:2], 2, 64, progress=False, lr=0.1)
    assert h.test_loss == [] and h.test_acc == [] and len(h.train_acc) == 2
    h = fit(build_mlp((64, 10)), "sgd", small, 0, 64, progress=False)
    assert h.epochs_run == 0 and h.step_loss == [] and not h.diverged


def test_optimizer_instance_equals_name(small):
    a = build_mlp((64, 16, 10), seed=2)
    b = build_mlp((64, 16, 10), seed=2)
    ha = fit(a, "adam", small, 2, 32, progress=False, lr=1e-2)
    hb = fit(b, optim.get("adam", b.params, lr=1e-2), small, 2, 32, progress=False)
    assert ha == hb


def test_divergence_is_reported_not_raised(small):
    model = build_mlp((64, 16, 10))
    with pytest.warns(DivergenceWarning) as record:
        h = fit(model, "sgd", small, 5, 32, progress=False, lr=1e6)
    assert h.diverged and DIVERGED.match(h.message), h.message
    assert str(record[0].message) == h.message and issubclass(DivergenceWarning, RuntimeWarning)
    step = int(re.search(r"step (\d+)", h.message).group(1))
    assert len(h.step_loss) == step - 1 and np.all(np.isfinite(h.step_loss))  # the finite prefix
    assert h.epochs_run == 0 and h.test_acc == []  # no garbage evaluation of a diverged model
    assert all(np.all(np.isfinite(p)) for p in model.params)  # stopped before the bad step



def test_nan_loss_and_the_blowup_switch(small):
    # softmax cross-entropy has bounded gradients: even lr = 1e6 gives huge but finite losses,
    # which only the blow-up test catches ...
    h = fit(build_mlp((64, 16, 10)), "sgd", small, 2, 32, progress=False, lr=1e6, blowup=None)
    assert not h.diverged and max(h.step_loss) > 1e6
    with pytest.warns(DivergenceWarning, match=r"past the blow-up limit"):
        assert fit(build_mlp((64, 16, 10)), "sgd", small, 2, 32, progress=False, lr=1e6).diverged
    # ... while weights near 1e300 overflow the logits, and NaN is caught without it
    with pytest.warns(DivergenceWarning, match=r"diverged at step 2 \(loss = nan\)"):
        h = fit(build_mlp((64, 16, 10)), "sgd", small, 2, 32, progress=False, lr=1e300, blowup=None)
    assert h.diverged and len(h.step_loss) == 1
    with pytest.raises(ValueError, match="blowup"):
        fit(build_mlp((64, 10)), "sgd", small, 1, 32, progress=False, blowup=0.5)

class _NaNGradModel:
    """A finite loss with a NaN gradient: fit must catch that too."""

    def __init__(self):
        self.params = [np.zeros(3)]
        self.grads = [np.zeros(3)]
        self.n_in, self.n_classes, self.dtype = 2, 2, np.float64
        self.calls = 0

    def loss_and_grad(self, X, y):
        self.calls += 1
        self.grads[0][...] = np.nan if self.calls == 3 else 1.0
        return 1.0

    def evaluate(self, X, y):
        return 1.0, 0.5


def test_non_finite_gradient_stops():
    data = (np.zeros((10, 2)), np.zeros(10, int))
    with pytest.warns(DivergenceWarning, match=r"diverged at step 3 \(gradient = non-finite\)"):
        h = fit(_NaNGradModel(), "sgd", data, 5, 2, progress=False, lr=0.1)
    assert h.diverged and len(h.step_loss) == 2


def test_schedule_hook(small):
    seen = []

    def schedule(t):
        seen.append(t)
        return 0.0 if t >= 3 else 0.1

    model = build_mlp((64, 10))
    opt = optim.get("sgd", model.params, lr=123.0)
    h = fit(model, opt, small, 1, 100, progress=False, schedule=schedule)
    assert seen == [0, 1, 2] and opt.lr == 0.1 and opt.t == 3
    before = [p.copy() for p in model.params]
    h = fit(model, opt, small, 1, 100, progress=False, schedule=schedule)  # continues: t = 3, 4, 5
    assert seen[3:] == [3, 4, 5] and opt.lr == 0.0
    for p, q in zip(model.params, before):
        np.testing.assert_array_equal(p, q)  # lr 0 moves nothing
    assert not h.diverged


def test_progress_bar(small, capsys):
    fit(build_mlp((64, 10)), "sgd", small, 2, 100, progress=False, lr=0.1)
    assert capsys.readouterr().err == ""
    fit(build_mlp((64, 10)), "sgd", small, 2, 100, progress=True, lr=0.1)
    err = capsys.readouterr().err
    assert "2/2" in err and "epoch" in err  # a terminal gets tqdm's text bar


def test_fit_bad_input(small):
    X, y, Xt, yt = small
    model = build_mlp((64, 16, 10))
    cases = [
        ((X, np.where(y == 3, 10, y), Xt, yt), {}, r"y_train must hold class indices in \[0, 9\]"),
        ((X, y, Xt, np.where(yt == 3, -1, yt)), {}, r"y_test must hold class indices"),
        ((X, y[:-1]), {}, r"X_train and y_train must have the same number of rows, got 300 and 299"),
        ((X, y, Xt[:-1], yt), {}, r"X_test and y_test must have the same number of rows"),
        ((X[:, :10], y), {}, r"X_train must have shape \(n, 64\)"),
        ((np.where(X == X.max(), np.nan, X), y), {}, r"X_train holds NaN or infinite values"),
        ((X, y, np.where(Xt == Xt.max(), np.inf, Xt), yt), {}, r"X_test holds NaN or infinite"),
        ((X, y, Xt), {}, r"data must be"),
        ((X, y), {"batch_size": 0}, r"batch_size must be an integer >= 1, got 0"),
        ((X, y), {"batch_size": -5}, r"batch_size"),
        ((X, y), {"epochs": -1}, r"epochs must be an integer >= 0, got -1"),
    ]
    for data, kw, msg in cases:
        with pytest.raises(ValueError, match=msg):
            fit(model, "sgd", data, **{"epochs": 1, "batch_size": 32, **kw}, progress=False)
    with pytest.raises(TypeError, match="batch_size must be an integer >= 1, got float 2.5"):
        fit(model, "sgd", (X, y), 1, 2.5, progress=False)
    with pytest.raises(TypeError, match="y_train must hold integer class indices"):
        fit(model, "sgd", (X, y.astype(float)), 1, progress=False)


def test_fit_optimizer_must_hold_the_models_arrays(small):
    model = build_mlp((64, 16, 10))
    copies = optim.get("sgd", [p.copy() for p in model.params], lr=0.1)
    with pytest.raises(ValueError, match="parameter list does not match the model's"):
        fit(model, copies, small, 1, 32, progress=False)
    fewer = optim.get("sgd", model.params[:2], lr=0.1)
    with pytest.raises(ValueError, match="parameter list does not match"):
        fit(model, fewer, small, 1, 32, progress=False)
    with pytest.raises(ValueError, match="only accepted with an optimizer name"):
        fit(model, optim.get("sgd", model.params), small, 1, 32, progress=False, lr=0.1)
    with pytest.raises(ValueError, match="unknown optimizer"):
        fit(model, "adamm", small, 1, 32, progress=False)


def test_digits_target(digits):
    """The issue's target: MLP 64-64-10 with Adam reaches >= 97% test accuracy (time: printed)."""
    model = build_mlp((64, 64, 10), seed=0)
    t0 = time.perf_counter()
    h = fit(model, "adam", digits, epochs=30, batch_size=32, seed=0, progress=False, lr=1e-3)
    seconds = time.perf_counter() - t0
    print(f"\nMLP 64-64-10, Adam lr=1e-3, 30 epochs of batch 32: test accuracy {h.test_acc[-1]:.4f}, "
          f"{seconds:.2f} s ({np.median(h.epoch_seconds) * 1e3:.1f} ms per epoch)")
    assert not h.diverged
    assert h.test_acc[-1] >= 0.97, h


# -- minimize ----------------------------------------------------------------------------------

class _Quadratic:
    """f(x) = a x1² + b x2², a local stand-in with the problems' interface."""

    def __init__(self, a=0.1, b=2.0):
        self.a, self.b = a, b

    def value(self, x):
        return self.a * x[0] ** 2 + self.b * x[1] ** 2

    def grad(self, x):
        return np.array([2 * self.a * x[0], 2 * self.b * x[1]])


def test_minimize_gradient_descent_on_a_quadratic():
    q = _Quadratic()
    x0 = np.array([-5.0, -2.0])
    tr = minimize(q, "sgd", x0, 50, lr=0.2)
    assert isinstance(tr, Trajectory) and not tr.diverged and tr.message == "ran 50 steps"
    assert tr.xs.shape == (51, 2) and tr.losses.shape == (51,)
    k = np.arange(51)[:, None]
    # gradient descent on a diagonal quadratic: x_k = (1 - 2 a_i η)^k x_0, coordinate by coordinate
    np.testing.assert_allclose(tr.xs, x0 * (1 - 2 * np.array([q.a, q.b]) * 0.2) ** k, rtol=1e-12)
    np.testing.assert_allclose(tr.losses, [q.value(x) for x in tr.xs], rtol=1e-12)
    np.testing.assert_array_equal(x0, [-5.0, -2.0])  # the caller's x0 is not moved
    np.testing.assert_array_equal(tr.x, tr.xs[-1])


def test_minimize_divergence_keeps_the_finite_prefix():
    q = _Quadratic()
    with pytest.warns(DivergenceWarning) as record:
        tr = minimize(q, "sgd", [1.0, 1.0], 10_000, lr=1.0)  # past 2/L = 0.5: |1 - 4η| = 3 per step
    assert tr.diverged and DIVERGED.match(tr.message) and str(record[0].message) == tr.message
    step = int(re.search(r"step (\d+)", tr.message).group(1))
    assert len(tr.xs) == len(tr.losses) == step  # x0 and the steps 1..step-1 that stayed finite
    assert np.all(np.isfinite(tr.xs)) and np.all(np.isfinite(tr.losses))
    assert 300 < step < 700  # 3^k overflows float64 after ~646 steps


def test_minimize_non_finite_gradient():
    class Bad(_Quadratic):
        def grad(self, x):
            return np.array([np.nan, 0.0])

    with pytest.warns(DivergenceWarning, match=r"diverged at step 1 \(gradient"):
        tr = minimize(Bad(), "sgd", [1.0, 1.0], 5, lr=0.1)
    assert tr.diverged and tr.xs.shape == (1, 2)


def test_minimize_with_an_optimizer_instance_and_schedule():
    x = np.array([3.0, 3.0])
    opt = optim.get("sgd", [x], lr=0.1, momentum=0.9)
    seen = []
    tr = minimize(_Quadratic(), opt, [1.0, 1.0], 20, schedule=lambda t: seen.append(t) or 0.05)
    assert seen == list(range(20)) and opt.lr == 0.05
    np.testing.assert_array_equal(tr.xs[0], [1.0, 1.0])  # x0 was copied into the optimizer's array
    np.testing.assert_array_equal(tr.xs[-1], x)          # which was moved
    assert minimize(_Quadratic(), "adam", [1.0, 1.0], 0, lr=0.1).xs.shape == (1, 2)


def test_minimize_on_the_shared_problems():
    problems = pytest.importorskip("optimlib.problems")
    for p in problems.PROBLEMS.values():
        tr = minimize(p, "adam", None, 200, lr=0.01)  # x0=None: the problem's own start
        np.testing.assert_array_equal(tr.xs[0], p.start)
        assert not tr.diverged and tr.losses[-1] < tr.losses[0], p.name
    tr = minimize(problems.ROSENBROCK, "adam", problems.ROSENBROCK.start, 5000, lr=0.02)
    np.testing.assert_allclose(tr.x, problems.ROSENBROCK.minimum, atol=1e-2)


def test_minimize_bad_input():
    q = _Quadratic()
    with pytest.raises(ValueError, match="steps must be an integer >= 0"):
        minimize(q, "sgd", [1.0, 1.0], -1, lr=0.1)
    with pytest.raises(ValueError, match="x0 is required"):
        minimize(q, "sgd", None, 3, lr=0.1)
    with pytest.raises(ValueError, match="x0 must be finite"):
        minimize(q, "sgd", [np.inf, 1.0], 3, lr=0.1)
    with pytest.raises(ValueError, match="x0 must be a 1-D point"):
        minimize(q, "sgd", [[1.0, 1.0]], 3, lr=0.1)
    with pytest.raises(ValueError, match="exactly one array"):
        minimize(q, optim.get("sgd", [np.zeros(2), np.zeros(2)]), None, 3)
    with pytest.raises(ValueError, match="lr must lie in"):
        minimize(q, "sgd", [1.0, 1.0], 3, schedule=lambda t: -1.0)



def test_fit_takes_the_digits_with_or_without_the_validation_split():
    from optimlib.data import load_digits
    from optimlib.nn import build_mlp
    for validation, n_train in ((False, 1438), (True, 1151)):
        d = load_digits(validation=validation)
        h = fit(build_mlp((64, 10), seed=0), "sgd", d, epochs=1, batch_size=n_train, progress=False, lr=0.5)
        assert len(h.step_loss) == 1 and len(h.test_acc) == 1
    h = fit(build_mlp((64, 10), seed=0), "sgd", (d.X_train, d.y_train, d.X_val, d.y_val), epochs=1,
            progress=False, lr=0.5)
    assert h.test_acc[-1] > 0.5        # measured on the 287 validation images


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -0.5])
def test_a_schedule_returning_a_bad_value_is_an_error_naming_the_step(small, bad):
    schedule = lambda t: 0.1 if t < 3 else bad  # noqa: E731
    with pytest.raises(ValueError, match=r"the schedule at step 3: lr must lie in"):
        fit(build_mlp((64, 8, 10), seed=0), "sgd", small, 1, 16, progress=False, schedule=schedule)
    with pytest.raises(ValueError, match=r"the schedule at step 3: lr must lie in"):
        minimize(_Quadratic(), "sgd", [1.0, 1.0], 10, schedule=schedule)
    with pytest.raises(TypeError, match="the schedule at step 0: lr must be a real number"):
        minimize(_Quadratic(), "sgd", [1.0, 1.0], 10, schedule=lambda t: "0.1")


def test_one_epoch_reads_as_one_epoch():
    d = load_digits()
    h = fit(build_mlp((64, 8, 10)), "sgd", (d.X_train[:32], d.y_train[:32]), epochs=1, batch_size=32,
            progress=False)
    assert h.message.startswith("trained 1 epoch (1 step)"), h.message
