"""The built book in headless Chromium: every page of ``_build/html`` is served on localhost and
read like a reader would, with the checks of ``book_browser.py`` (console errors, math typeset,
images loaded, animations and sliders responding, internal links resolving, weight under 2 MB,
a screenshot under ``_build/screenshots/``).

Runs when the book is built (``python tools/build_book.py``); skipped otherwise, unless
``OPTIMLIB_REQUIRE_BROWSER=1`` (CI), which turns a missing build, browser or playwright into a
failure. ``OPTIMLIB_BOOK_HTML`` points it at another build.
"""
import os
import pathlib
import re

import pytest

import book_browser as bb

pytestmark = pytest.mark.browser

REQUIRED = os.environ.get("OPTIMLIB_REQUIRE_BROWSER") == "1"
HTML = bb.html_root()
BUILT = (HTML / "index.html").exists()


def _browser_missing() -> str | None:
    if not pathlib.Path(bb.CHROMIUM).exists():
        return f"no Chromium at {bb.CHROMIUM} (apt-get install -y chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install playwright; the browser is Debian's)"
    return None


def _need(build: bool = True):
    why = _browser_missing() or (None if BUILT or not build else
                                 f"no built book at {HTML} (python tools/build_book.py)")
    if why:
        if REQUIRED:
            pytest.fail(f"OPTIMLIB_REQUIRE_BROWSER=1 but {why}")
        pytest.skip(why)


PAGES = bb.all_pages(HTML) if BUILT else []


@pytest.fixture(scope="module")
def book():
    _need()
    with bb.BookBrowser(HTML) as b:
        yield b
        bb.SHARED_BYTES["total"] = sum(b.shared_seen.values())


def test_every_toc_page_is_built():
    _need()
    missing = [p for p in bb.toc_pages(bb.book_root(HTML)) if not (HTML / p).exists()]
    assert not missing, f"pages in _toc.yml without HTML in {HTML}: {missing}"


@pytest.mark.parametrize("page", PAGES or ["(book not built)"])
def test_page_in_browser(book, page):
    r = book.check(page)
    assert r.ok, f"{page} ({r.summary()}):\n  " + "\n  ".join(r.problems)


# -- the checker checks: a tiny site with one good page and one full of faults ----------------

def _selftest_site(root: pathlib.Path) -> pathlib.Path:
    import matplotlib
    matplotlib.use("Agg")
    from optimlib import viz
    from optimlib.problems import QUADRATIC

    race = viz.race(QUADRATIC, {"gd": {"lr": 0.4}, "momentum": {"lr": 0.2}}, frames=6, steps=10)
    sw = viz.sweep(QUADRATIC, "momentum", steps=10, lr=[0.1, 0.3], beta=[0.0, 0.5])
    slider = viz.slider(QUADRATIC, sw)
    def png_uri(width, height, dpi):
        import base64
        import io
        from PIL import Image
        buf = io.BytesIO()
        Image.new("RGB", (width, height), "white").save(buf, format="png", dpi=(dpi, dpi))
        return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()

    def equation(box_px, glyph_px, top_px):  # a display equation's box holding a transpose sign
        return (f'<div class="math" id="eq{box_px}"><mjx-container style="display:block;'
                f'overflow:auto;height:{box_px}px"><mjx-c class="mjx-c22A4" style="display:'
                f'block;margin-top:{top_px}px;width:10px;height:{glyph_px}px"></mjx-c>'
                f'</mjx-container></div>')

    # the equations above are typeset by hand: tell the checker MathJax has run
    mathjax_done = "<script>window.MathJax = {startup: {promise: Promise.resolve()}};</script>"
    sharp = f'<img src="{png_uri(1380, 600, 200)}" width="672" height="292">'
    coarse = f'<img src="{png_uri(100, 50, 100)}" width="300" height="150">'
    shrunk = f'<img src="{png_uri(2000, 700, 200)}" width="600" height="210">'
    html = root / "html"
    (html / "selftest").mkdir(parents=True)
    head = '<!doctype html><html><head><meta charset="utf-8"></head><body>'
    (html / "selftest" / "good.html").write_text(
        head + mathjax_done + '<h1 id="top">Good</h1>' + race + slider + sharp + equation(30, 20, 5)
        + '<a href="#top">top</a>'
        '<a href="bad.html#oops">bad page anchor</a><a href="https://example.org/">external</a>'
        "</body></html>")
    dead_slider = re.sub(r'optimlibSlider\(document\.getElementById\("[^"]+"\)\);', "", str(slider))
    (html / "selftest" / "bad.html").write_text(
        head + '<p id="oops">Raw $$\\frac{a}{b}$$ left</p><span class="math">\\(x\\)</span>'
        '<img src="missing.png"><a href="nowhere.html">x</a><a href="good.html#no-such-id">y</a>'
        '<script>undefinedFunction()</script>' + dead_slider
        + '<img src="https://cdn.example.org/x.png">' + coarse + shrunk + equation(10, 8, 0)
        + "</body></html>")
    return html


def test_checker_passes_good_and_catches_faults(tmp_path):
    _need(build=False)
    html = _selftest_site(tmp_path)
    with bb.BookBrowser(html, screenshots=tmp_path / "shots") as b:
        good, bad = b.check("selftest/good.html"), b.check("selftest/bad.html")
    assert good.ok, good.problems
    assert good.animations == {"n": 1, "ok": 1} and good.sliders == {"n": 1, "ok": 1}
    assert good.links["n"] == 2 and not good.links["broken"]
    assert good.legibility["n"] == 4 and good.legibility["min_ratio"] >= 1.9    # race: 2, slider, img
    assert good.legibility["min_9pt_px"] >= 11.5 and good.transposes == {"n": 1, "clipped": 0}
    text = "\n".join(bad.problems)
    for expected in ("raw TeX", "math: MathJax did not load", "image not loaded: img missing.png",
                     "broken link: selftest/nowhere.html", "broken link: selftest/good.html#no-such-id",
                     "undefinedFunction", "external request blocked: https://cdn.example.org",
                     "did not redraw the path", "figure too coarse: img data:image/png",
                     "figure shrunk: img", "transpose sign clipped: eq10"):
        assert expected in text, f"the checker missed {expected!r}:\n{text}"
    assert (tmp_path / "shots" / "selftest__good.png").stat().st_size > 1000
    bb.RESULTS[:] = [r for r in bb.RESULTS if not r.page.startswith("selftest/")]
