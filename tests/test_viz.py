"""optimlib.viz: the book's pictures are of the right kind, light, and in one colour per optimizer."""
import re
import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402

from optimlib import optim, viz  # noqa: E402
from optimlib.problems import PROBLEMS, QUADRATIC, ROSENBROCK  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_colours_unique_and_cover_the_book():
    cols = [c.lower() for c in viz.COLORS.values()]
    assert len(cols) == len(set(cols)), "two optimizers share a colour"
    for name in ("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adadelta", "adam", "adamw",
                 "adamax", "nadam", "radam", "amsgrad", "lion", "muon", "gd", "random_search"):
        assert re.fullmatch(r"#[0-9A-Fa-f]{6}", viz.COLORS[name]), name
    # every optimizer optimlib has gets a fixed colour (not the fallback for unknown names)
    for name in optim.OPTIMIZERS:
        assert viz._key(name) is not None, f"{name} has no colour in viz.COLORS"
    assert set(viz.LABELS) == set(viz.COLORS)


def test_color_lookup_ignores_case_and_suffix():
    assert viz.color("Adam") == viz.color("adam (lr=0.1)") == viz.COLORS["adam"]
    assert viz.color("Random search") == viz.COLORS["random_search"]
    assert viz.color("heavy ball") == viz.COLORS["momentum"]
    assert viz.color("my-own-method") == viz.color("my-own-method")   # stable
    assert viz.color("my-own-method") not in viz.COLORS.values()
    assert viz.label("rmsprop") == "RMSprop" and viz.label("adam (lr=0.1)") == "adam (lr=0.1)"


def test_use_style_sets_png_friendly_rc():
    viz.use_style()
    rc = matplotlib.rcParams
    assert rc["axes.grid"] and rc["figure.dpi"] == 100
    assert rc["axes.prop_cycle"].by_key()["color"][0] == viz.COLORS["sgd"]


@pytest.mark.parametrize("name", list(PROBLEMS))
def test_contour_and_trajectories(name):
    p = PROBLEMS[name]
    ax = viz.contour(p)
    assert isinstance(ax, Axes)
    assert ax.get_xlim() == pytest.approx(p.window[0])
    stars = [ln for ln in ax.lines if ln.get_marker() == "*"]
    assert len(stars) == (p.minimum is not None)
    paths = {"gd": viz.run(p, "gd", 30, lr=1e-3), "adam": viz.run(p, "adam", 30, lr=0.05)}
    ax = viz.trajectories(p, paths)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["GD", "Adam"]
    drawn = {ln.get_color() for ln in ax.lines}
    assert viz.COLORS["gd"] in drawn and viz.COLORS["adam"] in drawn


def test_run_stops_quietly_where_it_diverges():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        path = viz.run(QUADRATIC, "gd", 50, lr=2.0)   # far past 2/L = 0.5
    assert path.shape == (51, 2)
    assert np.isnan(path[-1]).all() and np.isfinite(path[0]).all()
    ax = viz.trajectories(QUADRATIC, {"gd": path})
    assert "diverged" in ax.get_legend().get_texts()[0].get_text()


def test_run_presets_match_sgd():
    a = viz.run(QUADRATIC, "momentum", 20, lr=0.1, momentum=0.5)
    b = viz.run(QUADRATIC, "sgd", 20, lr=0.1, momentum=0.5)
    np.testing.assert_array_equal(a, b)


def test_loss_curves_log_scale_and_gap():
    h = {"sgd": 10.0 ** -np.arange(20), "adam": np.r_[1.0, 0.5, np.inf, 0.1]}
    ax = viz.loss_curves(h)
    assert ax.get_yscale() == "log"
    assert len(ax.lines[1].get_xdata()) == 2          # cut at the first non-finite value
    ax = viz.loss_curves({"gd": [2.0, 1.5, 1.0]}, f_min=1.0, log=False)
    np.testing.assert_allclose(ax.lines[0].get_ydata(), [1.0, 0.5, 0.0])


def test_effective_step_sizes_kinds():
    rng = np.random.default_rng(0)
    W = rng.normal(size=(8, 12))
    opt = optim.get("adam", [W], lr=1e-2)
    opt.step([rng.normal(size=W.shape) * np.linspace(0.1, 3, 12)])
    e = viz.effective_lr(opt)[0]
    assert e.shape == W.shape and np.all(e > 0)
    # step 1 of Adam: m_hat = g, v_hat = g^2, so the step per unit gradient is lr / |g|
    ax = viz.effective_step_sizes(opt)
    assert ax.images, "a single weight matrix is shown as a heat map"
    x = np.array([1.0, 1.0])
    o = optim.get("rmsprop", [x], lr=0.01)
    o.step([QUADRATIC.grad(x)])
    np.testing.assert_allclose(viz.effective_lr(o)[0], 0.01 / (np.sqrt(0.01) * np.abs(QUADRATIC.grad(np.ones(2)))), rtol=1e-6)
    ax = viz.effective_step_sizes({"rmsprop": o})
    assert len(ax.patches) == 2                        # one bar per coordinate
    ax = viz.effective_step_sizes({"v": rng.random(500)}, lr=1e-3)
    assert ax.get_xscale() == "log"
    with pytest.raises(ValueError, match="no step yet"):
        viz.effective_lr(optim.get("adam", [np.zeros(3)]))


RUNS = {"gd": {"lr": 0.4}, "momentum": {"lr": 0.2}, "nesterov": {"lr": 0.2}, "adam": {"lr": 0.3}}


def test_race_is_light_selfcontained_jshtml():
    h = viz.race(QUADRATIC, RUNS, steps=80)
    assert isinstance(h, viz.HTML) and h._repr_html_() == str(h)
    assert h.kb < 500, f"race weighs {h.kb:.0f} KB"
    assert "http://" not in h and "https://" not in h, "the page must need nothing from outside"
    assert 'class="optimlib-race"' in h and "_anim_img" in h
    n = len(re.findall(r"frames\[\d+\] = ", h))
    assert 20 <= n <= 50
    h2 = viz.race(ROSENBROCK, {"momentum": viz.run(ROSENBROCK, "momentum", 200, lr=5e-4),
                               "adam": {"lr": 0.05}}, steps=200)
    assert h2.kb < 500


def test_sweep_and_slider():
    sw = viz.sweep(QUADRATIC, "momentum", steps=60, lr=[0.05, 0.2, 0.6], beta=[0.0, 0.5, 0.9])
    assert sw.paths.shape == (3, 3, 61, 2) and sw.losses.shape == (3, 3, 61)
    assert np.isnan(sw.paths[2, 0, -1]).all()      # lr 0.6 > 2/L = 0.5 with no momentum: diverges
    np.testing.assert_array_equal(sw.paths[1, 0], viz.run(QUADRATIC, "gd", 60, lr=0.2))
    h = viz.slider(QUADRATIC, sw)
    assert isinstance(h, viz.HTML) and h.isascii()
    assert h.count('type="range"') == 2 and "<script>" in h
    assert "http://" not in h.replace("http://www.w3.org", "") and "src=\"http" not in h
    assert h.kb < 150
    big = viz.sweep(QUADRATIC, "momentum", steps=100, lr=np.linspace(0.02, 1.0, 15),
                    beta=np.linspace(0, 0.98, 12))
    assert viz.slider(QUADRATIC, big).kb < 400
    with pytest.raises(ValueError, match="shape"):
        viz.slider(QUADRATIC, sw.paths, {"lr": [1, 2]})
    # Nesterov without momentum is run as plain SGD, at the same default lr as the other columns
    nag = viz.sweep(QUADRATIC, "nesterov", steps=20, beta=[0.0, 0.5])
    np.testing.assert_array_equal(nag.paths[0], viz.run(QUADRATIC, "gd", 20, lr=0.05))
    with pytest.raises(ValueError, match="runs is empty"):
        viz.race(QUADRATIC, {})


def test_explorer_builds_with_defaults_and_redraws():
    ipywidgets = pytest.importorskip("ipywidgets")
    w = viz.explorer()
    assert isinstance(w, ipywidgets.VBox)
    info = w.children[1]
    assert "Momentum" in info.value and "momentum" in info.value
    opt_box = w.children[0].children[0].children[0].children[1]
    opt_box.value = "adagrad"
    assert "not used" in info.value
    lr = w.children[0].children[1].children[0].children[1]
    lr.value = 10.0                                    # far too large: said, not raised
    opt_box.value = "gd"
    assert "diverged" in info.value


# -- the package's shape ----------------------------------------------------------------------

def test_package_modules_are_small_and_the_slider_script_ships():
    import importlib.resources as res
    import pathlib
    folder = pathlib.Path(viz.__file__).parent
    for f in folder.glob("*.py"):
        assert len(f.read_text().splitlines()) <= 500, f"{f.name} is over 500 lines"
    js = res.files("optimlib.viz").joinpath("slider.js").read_text()
    assert "function optimlibSlider(root)" in js
    h = viz.slider(QUADRATIC, viz.sweep(QUADRATIC, "momentum", steps=5, lr=[0.1, 0.2], beta=[0.0]))
    assert js.strip() in h


def test_race_writes_no_private_matplotlib_attribute():
    import pathlib
    src = "\n".join(f.read_text() for f in pathlib.Path(viz.__file__).parent.glob("*.py"))
    for attr in ("_hit_limit", "_total_bytes", "_saved_frames", "_bytes_limit"):
        assert attr not in src
    # frames are re-encoded from the writer's public output: palette PNGs with transparency
    import base64
    import io
    from PIL import Image
    h = viz.race(QUADRATIC, {"gd": {"lr": 0.4}}, frames=5, steps=10)
    frames = re.findall(r'frames\[\d+\] = "data:image/png;base64,([^"]+)"', h)
    assert len(frames) == 5
    im = Image.open(io.BytesIO(base64.b64decode(frames[-1].replace("\\\n", ""))))
    assert im.mode == "P" and "transparency" in im.info
