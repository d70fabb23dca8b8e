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
                 "adamax", "nadam", "radam", "amsgrad", "gd", "random_search"):
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
    assert h.kb < 600, f"race weighs {h.kb:.0f} KB"
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
    assert h.kb < 250
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


# -- legibility: one place, the style -------------------------------------------------------

def _png_info(data):
    import io
    from PIL import Image
    im = Image.open(io.BytesIO(data))
    return im.width, im.info.get("dpi", (0, 0))[0]


def test_figure_png_fits_the_column_at_200_dpi():
    from matplotlib.text import Text
    fig, axes = plt.subplots(1, 2, figsize=(11, 3.5))
    viz.trajectories(QUADRATIC, {"gd": viz.run(QUADRATIC, "gd", 20, lr=0.1)}, ax=axes[0])
    axes[1].plot([0, 1], label="a legend entry")
    axes[1].legend(fontsize=7)
    axes[1].text(0.5, 0.5, "small", fontsize=6)
    data, md = viz.style.figure_png(fig)
    width, dpi = _png_info(data)
    assert dpi == pytest.approx(200, abs=0.5)
    assert fig.get_size_inches()[0] <= 6.3                # narrowed to the column's inches
    assert md["width"] <= round(6.3 * 96)                  # shown at 96 px per inch at most,
    assert width / md["width"] >= 200 / 96                 # with >= 200 px per displayed inch
    assert min(t.get_fontsize() for t in fig.findobj(Text) if t.get_text()) >= 9


def test_use_style_makes_every_notebook_figure_legible():
    from IPython.core.interactiveshell import InteractiveShell
    from matplotlib.figure import Figure
    shell = InteractiveShell.instance()
    try:
        viz.use_style()
        assert matplotlib.rcParams["savefig.dpi"] == 200
        fig, ax = plt.subplots(figsize=(10, 3))
        ax.plot([1, 2, 3])
        fmt = shell.display_formatter.formatters["image/png"]
        assert fmt.lookup(fig) is viz.style.figure_png
        data, md = shell.display_formatter.format(fig)
        assert "image/png" in data and md["image/png"]["width"] <= 612
        assert isinstance(fig, Figure)
    finally:
        InteractiveShell.clear_instance()


# -- the slider's first view ------------------------------------------------------------------

def test_slider_opens_on_exact_values_and_says_what_it_shows():
    from optimlib.quadratic_rates import heavy_ball_optimal
    lr_hb, beta_hb, _ = heavy_ball_optimal(QUADRATIC.L, QUADRATIC.mu)
    sw = viz.sweep(QUADRATIC, "momentum", steps=60,
                   lr=viz.grid_with(np.round(np.linspace(0.1, 1.0, 13), 3), lr_hb),
                   beta=viz.grid_with(np.round(np.linspace(0.0, 0.95, 20), 3), beta_hb))
    h = viz.slider(QUADRATIC, sw, initial={"lr": lr_hb, "beta": beta_hb})
    init = h.initial
    assert init["values"] == {"lr": lr_hb, "beta": beta_hb}          # not snapped to (0.7, 0.4)
    np.testing.assert_array_equal(init["path"], viz.run(QUADRATIC, "momentum", 60, lr=lr_hb,
                                                        momentum=beta_hb))
    assert init["f"] < 1e-15 and init["diverged_at"] is None
    assert init["readout"] == f"f after 60 steps: {init['f']:.3g}"
    i = sw.params["lr"].index(lr_hb), sw.params["beta"].index(beta_hb)
    assert f'value="{i[0]}"' in h and f'value="{i[1]}"' in h
    with pytest.warns(UserWarning, match="not in the grid.*nearest value, 0.667907.*grid_with"):
        snapped = viz.slider(QUADRATIC, sw, initial={"lr": 0.668})
    assert snapped.initial["values"]["lr"] == lr_hb
    with pytest.raises(ValueError, match="not swept"):
        viz.slider(QUADRATIC, sw, initial={"eps": 1e-8})


def test_slider_clips_paths_and_marks_off_scale_losses():
    import json
    sw = viz.sweep(QUADRATIC, "gd", steps=60, lr=[0.1, 0.3, 0.55])
    h = viz.slider(QUADRATIC, sw, initial={"lr": 0.55})
    assert h.count("<clipPath") == 2
    assert re.search(r'<g clip-path="url\(#[^)]+-ax\)">\s*<polyline class="ol-path"', h)
    assert re.search(r'<g clip-path="url\(#[^)]+-bx\)"><polyline class="ol-loss"', h)
    assert h.initial["diverged_at"] is not None and h.initial["off_scale_from"] is not None
    assert "off the panel's scale from step" in h.initial["readout"]
    data = json.loads(re.search(r'class="ol-data">(.*?)</script>', h).group(1))
    assert data["runs"][2]["o"] and not data["runs"][0]["o"]     # the marker's place, or none
    assert data["runs"][h.initial["index"]]["t"] == h.initial["readout"]


# -- the race ---------------------------------------------------------------------------------

def test_race_fades_diverging_runs_and_uses_the_figures_colours():
    runs = {"η = 0.1": viz.run(QUADRATIC, "gd", 60, lr=0.1),
            "η = 0.52": viz.run(QUADRATIC, "gd", 60, lr=0.52)}
    mine = {"η = 0.1": "#123456", "η = 0.52": "#654321"}
    race_mod = __import__("sys").modules["optimlib.viz.race"]
    drawn = {}
    real = race_mod._freeze_background

    def spy(fig, ax, dpi):
        leg = ax.get_legend()
        for line, text in zip(leg.get_lines(), leg.get_texts()):
            drawn[text.get_text()] = (line.get_color(), line.get_alpha())
        return real(fig, ax, dpi)
    race_mod._freeze_background = spy
    try:
        viz.race(QUADRATIC, runs, frames=10, colors=mine)
    finally:
        race_mod._freeze_background = real
    assert drawn["η = 0.1"] == ("#123456", 1.0)
    assert drawn["η = 0.52 (diverges)"] == ("#654321", 0.5)
    # it leaves the window, then is gone: the last frame holds the good run only
    assert race_mod._leaves(QUADRATIC, runs["η = 0.52"]) is not None


# -- the explorer where controls cannot work --------------------------------------------------

def test_explorer_in_the_static_book_is_a_picture_and_a_note(monkeypatch):
    monkeypatch.setenv("OPTIMLIB_STATIC_BUILD", "1")
    monkeypatch.setenv("OPTIMLIB_LAUNCH_URL", "https://mybinder.org/v2/gh/o/r/main")
    h = viz.explorer(optimizer="momentum", lr=0.1, beta=0.5, steps=30)
    assert isinstance(h, viz.HTML) and 'class="optimlib-explorer-static"' in h
    assert "Run it live" in h and 'href="https://mybinder.org/v2/gh/o/r/main"' in h
    assert '<img src="data:image/png;base64,' in h and "f = " in h
    assert "jupyter-widgets" not in h


def test_explorer_without_ipywidgets_degrades_to_a_note(monkeypatch):
    import sys
    monkeypatch.delenv("OPTIMLIB_STATIC_BUILD", raising=False)
    monkeypatch.setitem(sys.modules, "ipywidgets", None)       # import ipywidgets -> ImportError
    h = viz.explorer()
    assert isinstance(h, viz.HTML) and "pip install ipywidgets" in h and "<img" in h
    with pytest.raises(ValueError, match="unknown optimizer"):
        viz.explorer(optimizer="no_such_thing")


def test_figure_png_never_displays_wider_than_the_column():
    fig, ax = plt.subplots(figsize=(6.0, 3.0))
    ax.plot([0, 1], label="a legend far too wide for the figure " * 3)
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0))     # outside: the tight box grows
    data, md = viz.style.figure_png(fig)
    width, dpi = _png_info(data)
    assert width / dpi > 6.3                                      # the picture is wider ...
    assert round(6.3 * 96) - 1 <= md["width"] <= round(6.3 * 96)  # ... and shown at the column
