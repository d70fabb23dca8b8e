"""Drive headless Chromium over every page of the built book and check what a reader sees.

Used by ``test_book_in_browser.py`` (pytest, marker ``browser``) and runnable alone::

    python tests/browser/book_browser.py [_build/html]

For each page (every file of ``_toc.yml``, plus the other pages Sphinx writes at the top of
``_build/html``: index, search, genindex, ...) it records:

- ``console``: JavaScript errors (console errors and uncaught exceptions);
- ``requests``: requests that failed, or went outside the local server (an offline book needs
  nothing from a CDN: they are blocked and reported);
- ``math``: MathJax has run, every ``.math`` element is typeset, no raw TeX is left in the text;
- ``images``: every ``<img>`` (and the pictures inside sliders and behind animations) decoded,
  naturalWidth > 0;
- ``animations``: every jshtml animation: "Next frame" and "Play" change the frame;
- ``sliders``: every optimlib slider: each range input moved by the keyboard redraws the path;
- ``legibility``: every figure in the page's article (cell-output images, the pictures of
  sliders and races) has >= MIN_PX_RATIO image pixels per CSS pixel as displayed (>= ~200 dpi),
  and, when its PNG records its dpi, is shown at >= MIN_PX_PER_INCH CSS px per inch of the
  figure, so that text of 9 pt is at least 9 pt on screen (96 CSS px = 1 in); reported as the
  smallest ratio and the size in CSS px at which 9-pt text appears;
- ``clipped``: the glyph box of every transpose sign (⊤) of a display equation lies inside its
  equation's box with 1 px to spare (the theme makes each display equation a scroll box, which
  clips the ⊤'s bar when its box touches the edge);
- ``widgets``: every ipywidgets view embedded in the page has been rendered;
- ``links``: every link to a local file and anchor resolves;
- weight: the page's own bytes (HTML + images + local files only it loads); files under
  ``_static/``, ``mathjax/`` and ``widgets/`` are shared by every page and counted once, apart;
- a full-page screenshot under ``_build/screenshots/``.
"""
from __future__ import annotations

import functools
import http.server
import json
import os
import pathlib
import re
import socketserver
import sys
import threading
import time
import urllib.parse
from dataclasses import asdict, dataclass, field

ROOT = pathlib.Path(__file__).resolve().parents[2]
MAX_PAGE_BYTES = 2 * 1024 * 1024           # no page may weigh more (its own bytes)
SHARED_PREFIXES = ("_static/", "mathjax/", "widgets/", "searchindex.js", "objects.inv")
# sphinx-thebe writes its loader twice on every page (`const THEBE_JS_URL` declared twice):
# a harmless SyntaxError while thebe is part of the build. Only this exact message is allowed.
KNOWN_CONSOLE_ERRORS = (
    re.compile(r"Identifier 'THEBE_JS_URL' has already been declared"),
)
# errors whose cure is known: the hint is added to the failure message
HINTS = (
    (re.compile(r"invalid theme mode"),
     "the theme has no default colour mode: add `html_context: {default_mode: light}` under "
     "`sphinx: config:` in _config.yml"),
    (re.compile(r"reading 'Queue'"),
     "ipywidgets' embed typesets widget descriptions with MathJax 2 (MathJax.Hub.Queue) under "
     "MathJax 3: load a MathJax.Hub shim before embed-amd.js, or give widgets no description="),
    (re.compile(r"@jupyter-widgets/html-manager/dist/"),
     "the widget embed looks for its fonts under <page dir>/@jupyter-widgets/html-manager/dist/: "
     "map that AMD path to the vendored widgets/ folder (requirejs paths) and vendor the .woff2"),
    (re.compile(r"THEBE_JS_URL"), "sphinx-thebe's loader, written twice per page"),
)
MIN_PX_RATIO = 1.9        # image px per displayed CSS px: 200 dpi shown at 96-100 px per inch
MIN_FRAME_RATIO = 1.45    # an animation's frames: moving lines only (its text is in the background)
MIN_PX_PER_INCH = 96 * 0.95   # displayed CSS px per figure inch: 9 pt shown as >= 8.5 pt
CHROMIUM = os.environ.get("OPTIMLIB_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
VIEWPORT = {"width": 1200, "height": 900}
RAW_TEX = re.compile(r"\$\$|\\\(|\\\[|\\(?:frac|begin|end|sum|sqrt|nabla|theta|eta|beta|alpha|"
                     r"mathbf|mathrm|left|right|cdot|partial|epsilon|varepsilon|lambda|kappa|mu)\b")


def html_root() -> pathlib.Path:
    return pathlib.Path(os.environ.get("OPTIMLIB_BOOK_HTML", ROOT / "_build" / "html")).resolve()


def toc_pages(root: pathlib.Path = ROOT) -> list[str]:
    """The book's pages in reading order, as paths of their HTML files (``chapters/x.html``)."""
    import yaml
    toc = yaml.safe_load((root / "_toc.yml").read_text())
    files = [toc["root"]]

    def walk(node):
        if isinstance(node, dict):
            if "file" in node:
                files.append(node["file"])
            for key in ("parts", "chapters", "sections"):
                for child in node.get(key, []) or []:
                    walk(child)
        elif isinstance(node, list):
            for child in node:
                walk(child)

    walk({k: v for k, v in toc.items() if k != "root"})
    out = []
    for f in files:
        f = re.sub(r"\.(ipynb|md|rst)$", "", f)
        out.append(f + ".html")
    return list(dict.fromkeys(out))


def book_root(html: pathlib.Path) -> pathlib.Path:
    """The book's source folder of a build ``<book>/_build/html`` (else this repository)."""
    cand = pathlib.Path(html).resolve().parents[1]
    return cand if (cand / "_toc.yml").exists() else ROOT


def all_pages(html: pathlib.Path | None = None) -> list[str]:
    """The TOC's pages, then the pages Sphinx writes at the top of the build (index, search,
    genindex, ...). Nothing else: a stale page from outside the TOC (say, from a virtual
    environment inside the checkout) is not the book."""
    html = html or html_root()
    pages = toc_pages(book_root(html))
    extra = sorted(p.name for p in html.glob("*.html"))
    return pages + [p for p in extra if p not in pages]


# ---------------------------------------------------------------------------------------------
# A local server on a free port, in a thread
# ---------------------------------------------------------------------------------------------

class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep the test output readable
        pass


class _Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


class LocalServer:
    """``with LocalServer(dir) as url:`` serves ``dir`` on 127.0.0.1 at a free port."""

    def __init__(self, directory: pathlib.Path):
        self.directory = pathlib.Path(directory)

    def __enter__(self) -> str:
        handler = functools.partial(_QuietHandler, directory=str(self.directory))
        self.httpd = _Server(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/"

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(5)


# ---------------------------------------------------------------------------------------------
# In-page checks (JavaScript run by playwright)
# ---------------------------------------------------------------------------------------------

JS_MATH = r"""async () => {
  const n = document.querySelectorAll('.math').length;
  let typeset = 0, status = 'none';
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
    await MathJax.startup.promise; status = 'done';
  } else if (n) status = 'MathJax did not load';
  typeset = document.querySelectorAll('.math mjx-container, mjx-container').length;
  const untypeset = [...document.querySelectorAll('.math')]
      .filter(e => !e.querySelector('mjx-container')).map(e => e.textContent.slice(0, 60));
  const clone = document.body.cloneNode(true);
  clone.querySelectorAll('pre, code, script, style, textarea, mjx-container, .highlight, '
                         + '.widget-subarea, .jupyter-widgets').forEach(e => e.remove());
  return {n, typeset, status, untypeset, text: clone.textContent};
}"""

JS_IMAGES = r"""async () => {
  const bad = [];
  const check = async (src, what) => {
    const im = new Image(); im.src = src;
    try { await im.decode(); if (!im.naturalWidth) bad.push(what + ': empty'); }
    catch (e) { bad.push(what + ': not decodable ' + src.slice(0, 80)); }
  };
  const imgs = [...document.images];
  imgs.forEach(im => { if (im.loading === 'lazy') im.loading = 'eager'; });
  await Promise.all(imgs.map(im => im.complete ? null : new Promise(r => {
      im.addEventListener('load', r); im.addEventListener('error', r); setTimeout(r, 5000); })));
  imgs.forEach((im, i) => {
    if (!im.getAttribute('src') && im.id.startsWith('_anim_img')) return;  // set by its player
    if (!(im.complete && im.naturalWidth > 0))
      bad.push('img ' + (im.getAttribute('src') || im.id || i).slice(0, 80));
  });
  for (const im of document.querySelectorAll('svg image'))
    await check(im.getAttribute('href') || im.getAttribute('xlink:href') || '', 'svg image');
  for (const im of document.querySelectorAll('.optimlib-race img')) {
    const m = /url\(["']?(data:[^"')]+)/.exec(im.style.background || im.style.backgroundImage);
    if (m) await check(m[1], 'animation background'); else bad.push('animation without background');
  }
  return {n: imgs.length, bad};
}"""

JS_LEGIBILITY = r"""async () => {
  // the dpi a PNG records (its pHYs chunk), or 0
  const pngDpi = async (src) => {
    try {
      const b = new Uint8Array(await (await fetch(src)).arrayBuffer());
      const v = new DataView(b.buffer);
      for (let i = 8; i + 8 <= b.length; ) {
        const len = v.getUint32(i), type = String.fromCharCode(...b.slice(i + 4, i + 8));
        if (type === 'pHYs') return v.getUint8(i + 16) === 1 ? v.getUint32(i + 8) * 0.0254 : 0;
        if (type === 'IDAT') return 0;
        i += 12 + len;
      }
    } catch (e) {}
    return 0;
  };
  const natural = async (src) => {
    const im = new Image(); im.src = src;
    try { await im.decode(); } catch (e) { return 0; }
    return im.naturalWidth;
  };
  const items = [];
  const article = document.querySelector('article, main, body');
  for (const im of article.querySelectorAll('img')) {
    if (im.closest('.optimlib-race')) continue;      // below, with its background
    const src = im.currentSrc || im.src;
    if (!src || /\.svg(\?|$)|^data:image\/svg/.test(src) || !im.clientWidth) continue;
    items.push({what: 'img ' + (im.getAttribute('src') || '').slice(0, 60), src,
                nat: im.naturalWidth, shown: im.clientWidth});
  }
  for (const svg of article.querySelectorAll('.optimlib-slider svg')) {
    const im = svg.querySelector('image');
    if (!im) continue;
    const src = im.getAttribute('href') || im.getAttribute('xlink:href');
    items.push({what: 'slider picture', src, nat: await natural(src), shown: svg.clientWidth});
  }
  for (const im of article.querySelectorAll('.optimlib-race img')) {
    const m = /url\(["']?(data:[^"')]+)/.exec(im.style.background || im.style.backgroundImage);
    if (m) items.push({what: 'animation background', src: m[1], nat: await natural(m[1]),
                       shown: im.clientWidth});
    if (im.src) items.push({what: 'animation frame', src: im.src, nat: im.naturalWidth,
                            shown: im.clientWidth});
  }
  for (const it of items) { it.dpi = await pngDpi(it.src); delete it.src; }
  return items.filter(it => it.shown > 0);
}"""

JS_MATH_CLIP = r"""() => {
  const out = [];
  let n = 0;
  for (const box of document.querySelectorAll('div.math mjx-container')) {
    const b = box.getBoundingClientRect();
    if (!b.width) continue;
    for (const g of box.querySelectorAll('mjx-c.mjx-c22A4')) {
      n++;
      const r = g.getBoundingClientRect();
      // its ink overhangs the font's box a little: a glyph box touching the edge is clipped
      if (r.top < b.top + 1 || r.bottom > b.bottom - 1)
        out.push((box.closest('div.math').id || 'equation') + ': glyph ' +
                 r.top.toFixed(1) + '..' + r.bottom.toFixed(1) + ' not inside its box (1 px to spare) ' +
                 b.top.toFixed(1) + '..' + b.bottom.toFixed(1));
    }
  }
  return {n, clipped: out};
}"""

JS_WIDGETS = r"""() => {
  const views = [...document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]')];
  const rendered = views.filter(s => {
    const p = s.previousElementSibling;
    return p && p.classList.contains('widget-subarea') && p.children.length > 0;
  }).length;
  return {n: views.length, rendered};
}"""

JS_LINKS = r"""() => [...document.querySelectorAll('a[href]')].map(a => a.href)"""

JS_IDS = r"""() => [...document.querySelectorAll('[id], a[name]')].map(e => e.id || e.getAttribute('name'))"""


@dataclass
class _Msg:  # an uncaught exception, seen as a console error
    text: str
    type: str = "error"


@dataclass
class PageResult:
    page: str
    own_bytes: int = 0
    shared_new_bytes: int = 0
    seconds: float = 0.0
    console: list = field(default_factory=list)
    allowed_console: list = field(default_factory=list)
    requests: list = field(default_factory=list)
    math: dict = field(default_factory=dict)
    images: dict = field(default_factory=dict)
    animations: dict = field(default_factory=dict)
    sliders: dict = field(default_factory=dict)
    widgets: dict = field(default_factory=dict)
    legibility: dict = field(default_factory=dict)
    transposes: dict = field(default_factory=dict)
    links: dict = field(default_factory=dict)
    screenshot: str = ""
    problems: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        m, i, a, s, w, ln = (self.math, self.images, self.animations, self.sliders, self.widgets,
                             self.links)
        return (f"math {m.get('typeset', 0)}/{m.get('n', 0)}, img {i.get('n', 0)}, "
                f"anim {a.get('ok', 0)}/{a.get('n', 0)}, slider {s.get('ok', 0)}/{s.get('n', 0)}, "
                f"widget {w.get('rendered', 0)}/{w.get('n', 0)}, "
                + (f"figures {self.legibility['n']} (min {self.legibility['min_ratio']:.2f} px/px, "
                   f"9 pt = {self.legibility['min_9pt_px']:.1f} px), " if self.legibility.get('n') else "")
                + f"links {ln.get('n', 0)} "
                f"({len(ln.get('broken', []))} broken), console {len(self.console)}"
                + (f" (+{len(self.allowed_console)} thebe)" if self.allowed_console else ""))


_PLAYWRIGHT: dict = {}


def _browser():
    """One headless Chromium per process (playwright's sync API cannot be started twice)."""
    if "browser" not in _PLAYWRIGHT:
        import atexit

        from playwright.sync_api import sync_playwright
        pw = sync_playwright().start()
        _PLAYWRIGHT["pw"] = pw
        _PLAYWRIGHT["browser"] = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                                    headless=True)

        def stop():
            for closer in (_PLAYWRIGHT["browser"].close, pw.stop):
                try:
                    closer()
                except Exception:  # noqa: BLE001 - best effort on the way out
                    pass
        atexit.register(stop)
    return _PLAYWRIGHT["browser"]


def _hint(problem: str) -> str:
    for pattern, hint in HINTS:
        if pattern.search(problem):
            return f"{problem} [{hint}]"
    return problem


REDIRECT = re.compile(r'<meta http-equiv="Refresh" content="0; url=([^"]+)"', re.I)

#: every page checked in this process, for the report (pytest's terminal summary prints it)
RESULTS: list = []
#: bytes of the shared assets loaded by the pages of the book ("total"), set by the test
SHARED_BYTES: dict = {}


class BookBrowser:
    """A server plus one headless Chromium; :meth:`check` inspects one page."""

    def __init__(self, html: pathlib.Path | None = None, screenshots: pathlib.Path | None = None):
        self.html = pathlib.Path(html or html_root())
        self.screenshots = pathlib.Path(screenshots or self.html.parent / "screenshots")
        self.shared_seen: dict[str, int] = {}
        self._ids: dict[str, set] = {}

    def __enter__(self):
        self.screenshots.mkdir(parents=True, exist_ok=True)
        self._server = LocalServer(self.html)
        self.base = self._server.__enter__()
        self.context = _browser().new_context(viewport=VIEWPORT)
        return self

    def __exit__(self, *exc):
        try:
            self.context.close()
        finally:
            self._server.__exit__(*exc)

    # -- helpers --------------------------------------------------------------------------
    def _local_path(self, url: str) -> str | None:
        """The path (relative to the book) of a URL on our server, else None."""
        if not url.startswith(self.base):
            return None
        path = urllib.parse.unquote(urllib.parse.urlsplit(url).path).lstrip("/")
        if path == "" or path.endswith("/"):
            path += "index.html"
        return path

    def _file_ids(self, rel: str) -> set:
        if rel not in self._ids:
            text = (self.html / rel).read_text(errors="replace")
            self._ids[rel] = set(re.findall(r'\b(?:id|name)="([^"]+)"', text))
        return self._ids[rel]

    # -- one page -------------------------------------------------------------------------
    def check(self, page_path: str) -> PageResult:
        res = PageResult(page_path)
        t0 = time.perf_counter()
        if not (self.html / page_path).is_file():
            res.problems.append(f"page not built: {page_path} (listed in _toc.yml?)")
            RESULTS.append(res)
            return res
        source = (self.html / page_path).read_text(errors="replace")
        redirect = REDIRECT.search(source) if len(source) < 2000 else None
        if redirect:  # index.html: only a pointer to the first page, which is checked itself
            target = urllib.parse.urljoin(page_path, redirect.group(1)).split("#")[0]
            res.own_bytes = len(source.encode())
            res.links = {"n": 1, "broken": [] if (self.html / target).exists() else [target]}
            res.problems += [f"redirect to a missing page: {b}" for b in res.links["broken"]]
            res.seconds = time.perf_counter() - t0
            RESULTS.append(res)
            return res
        page = self.context.new_page()
        loaded: dict[str, int] = {}

        def on_console(msg):
            if msg.type == "error":
                text = msg.text
                if any(p.search(text) for p in KNOWN_CONSOLE_ERRORS):
                    res.allowed_console.append(text)
                else:
                    res.console.append(text)

        def on_response(resp):
            rel = self._local_path(resp.url)
            if rel is None:
                return
            if resp.status >= 400:
                res.requests.append(f"HTTP {resp.status} {rel}")
            elif (self.html / rel).is_file():
                loaded[rel] = (self.html / rel).stat().st_size

        def route(r):
            url = r.request.url
            if url.startswith(self.base) or url.startswith(("data:", "blob:", "about:")):
                r.continue_()
            else:
                res.requests.append(f"external request blocked: {url[:120]}")
                r.abort()

        page.on("console", on_console)
        page.on("pageerror", lambda e: on_console(_Msg(f"uncaught: {e}")))
        page.on("response", on_response)
        page.on("requestfailed",
                lambda r: None if not r.url.startswith(self.base)
                else res.requests.append(f"failed {self._local_path(r.url)}: {r.failure}"))
        page.route("**/*", route)
        try:
            page.goto(self.base + page_path, wait_until="load", timeout=60_000)
            page.wait_for_load_state("networkidle", timeout=30_000)
            self._check_math(page, res)
            self._check_widgets(page, res)
            self._check_legibility(page, res)
            res.images = page.evaluate(JS_IMAGES)
            for b in res.images["bad"]:
                res.problems.append(f"image not loaded: {b}")
            # the picture as a reader first sees it (before the checks below click and type)
            shot = self.screenshots / (page_path.replace("/", "__").removesuffix(".html") + ".png")
            page.screenshot(path=str(shot), full_page=True)
            res.screenshot = str(shot)
            self._check_animations(page, res)
            self._check_sliders(page, res)
            self._check_links(page, page_path, res)
        except Exception as e:  # noqa: BLE001 - a check that crashes is a failed page
            res.problems.append(f"check crashed: {type(e).__name__}: {e}")
        finally:
            page.close()
        # weight: the page's own files; shared assets only the first time any page loads them
        loaded[page_path] = (self.html / page_path).stat().st_size
        for rel, size in loaded.items():
            if rel.startswith(SHARED_PREFIXES):
                if rel not in self.shared_seen:
                    self.shared_seen[rel] = size
                    res.shared_new_bytes += size
            else:
                res.own_bytes += size
        if res.own_bytes > MAX_PAGE_BYTES:
            res.problems.append(f"page weighs {res.own_bytes / 1024:.0f} KB, over "
                                f"{MAX_PAGE_BYTES / 1024:.0f} KB")
        res.problems += [_hint(f"console error: {c}") for c in res.console]
        res.problems += [_hint(f"request: {r}") for r in res.requests]
        res.seconds = time.perf_counter() - t0
        RESULTS.append(res)
        return res

    def _check_math(self, page, res):
        m = page.evaluate(JS_MATH)
        text = m.pop("text")
        raw = sorted({text[max(0, x.start() - 30): x.end() + 30].replace("\n", " ")
                      for x in RAW_TEX.finditer(text)})[:5]
        m["raw_tex"] = raw
        res.math = m
        if m["n"] and m["status"] != "done":
            res.problems.append(f"math: {m['status']}")
        if m["untypeset"]:
            res.problems.append(f"math not typeset: {m['untypeset'][:3]}")
        if raw:
            res.problems.append(f"raw TeX in the text: {raw}")

    def _check_legibility(self, page, res):
        items = page.evaluate(JS_LEGIBILITY)
        ratios, px9 = [], []
        for it in items:
            ratio = it["nat"] / it["shown"] if it["nat"] else 0.0
            ratios.append(ratio)
            least = MIN_FRAME_RATIO if it["what"] == "animation frame" else MIN_PX_RATIO
            if ratio < least:
                res.problems.append(f"figure too coarse: {it['what']} has {it['nat']} px shown at "
                                    f"{it['shown']} px ({ratio:.2f} px per px, under {least})")
            if it["dpi"] and it["nat"]:
                per_inch = it["shown"] / (it["nat"] / it["dpi"])
                px9.append(9 / 72 * per_inch)
                if per_inch < MIN_PX_PER_INCH:
                    res.problems.append(
                        f"figure shrunk: {it['what']} is {it['nat'] / it['dpi']:.2f} in wide shown "
                        f"in {it['shown']} px ({per_inch:.0f} px per inch: 9-pt text shows as "
                        f"{9 / 72 * per_inch:.1f} px): make it at most 6.3 in wide (viz.use_style)")
        still = [r for r, it in zip(ratios, items) if it["what"] != "animation frame"]
        res.legibility = {"n": len(items), "min_ratio": min(still, default=0.0),
                          "min_9pt_px": min(px9, default=0.0)}
        t = page.evaluate(JS_MATH_CLIP)
        res.transposes = {"n": t["n"], "clipped": len(t["clipped"])}
        for c in t["clipped"]:
            res.problems.append(f"transpose sign clipped: {c}")

    def _check_widgets(self, page, res):
        deadline = time.time() + 20
        w = page.evaluate(JS_WIDGETS)
        while w["rendered"] < w["n"] and time.time() < deadline:
            page.wait_for_timeout(250)
            w = page.evaluate(JS_WIDGETS)
        res.widgets = w
        if w["rendered"] < w["n"]:
            res.problems.append(f"widgets: {w['n'] - w['rendered']} of {w['n']} not rendered")

    def _check_animations(self, page, res):
        anims = page.locator("div.animation")
        n = anims.count()
        ok = 0
        for i in range(n):
            a = anims.nth(i)
            img, slider = a.locator("img[id^='_anim_img']"), a.locator("input.anim-slider")
            state = lambda: (img.evaluate("e => e.src.length + ':' + e.src.slice(-48)"),  # noqa: E731
                             int(slider.input_value()))
            try:
                a.scroll_into_view_if_needed()
                a.locator("button[title='First frame']").click()
                src0, f0 = state()
                a.locator("button[title='Next frame']").click()
                src1, f1 = state()
                a.locator("button[title='Play']").click()
                page.wait_for_timeout(700)
                a.locator("button[title='Pause']").click()
                src2, f2 = state()
            except Exception as e:  # noqa: BLE001
                res.problems.append(f"animation {i + 1}: {type(e).__name__}: {e}")
                continue
            if not (src1 != src0 and f1 == f0 + 1):
                res.problems.append(f"animation {i + 1}: 'Next frame' did not change the frame")
            elif not (f2 > f1 and src2 != src1):
                res.problems.append(f"animation {i + 1}: 'Play' did not advance the frames")
            else:
                ok += 1
        res.animations = {"n": n, "ok": ok}

    def _check_sliders(self, page, res):
        blocks = page.locator(".optimlib-slider")
        n = blocks.count()
        ok = 0
        for i in range(n):
            b = blocks.nth(i)
            path = b.locator("polyline.ol-path")
            inputs = b.locator("input[type=range]")
            good = inputs.count() > 0 and bool(path.get_attribute("points"))
            if not good:
                res.problems.append(f"slider {i + 1}: no controls or no path drawn")
            for j in range(inputs.count()):
                inp = inputs.nth(j)
                before = path.get_attribute("points")
                at_max = inp.input_value() == inp.get_attribute("max")
                key, back = ("ArrowLeft", "ArrowRight") if at_max else ("ArrowRight", "ArrowLeft")
                inp.focus()
                inp.press(key)
                after = path.get_attribute("points")
                inp.press(back)
                restored = path.get_attribute("points")
                if after == before or restored != before:
                    good = False
                    res.problems.append(f"slider {i + 1}: moving {inp.get_attribute('data-param')} "
                                        f"did not redraw the path")
            ok += good
        res.sliders = {"n": n, "ok": ok}

    def _check_links(self, page, page_path, res):
        hrefs = page.evaluate(JS_LINKS)
        here_ids = set(page.evaluate(JS_IDS))
        broken, n = [], 0
        for href in dict.fromkeys(hrefs):
            rel = self._local_path(href)
            if rel is None:
                continue  # external (launch buttons, repository) or mailto: not ours to check
            n += 1
            frag = urllib.parse.unquote(urllib.parse.urlsplit(href).fragment)
            target = self.html / rel
            if not target.exists():
                broken.append(href.removeprefix(self.base))
                continue
            if target.is_dir():
                target, rel = target / "index.html", rel.rstrip("/") + "/index.html"
            if frag and rel.endswith(".html"):
                ids = here_ids if rel == page_path else self._file_ids(rel)
                if frag not in ids:
                    broken.append(href.removeprefix(self.base))
        res.links = {"n": n, "broken": broken}
        for b in broken:
            res.problems.append(f"broken link: {b}")


def report(results: list[PageResult], shared_bytes: int) -> str:
    """A Markdown table: page, own weight, checks, time."""
    lines = ["| page | weight (KB) | checks | s | ok |", "|---|---:|---|---:|---|"]
    for r in results:
        lines.append(f"| {r.page} | {r.own_bytes / 1024:.0f} | {r.summary()} | {r.seconds:.1f} | "
                     f"{'yes' if r.ok else 'NO'} |")
    lines.append(f"| shared assets (theme, MathJax, widgets; loaded once) | {shared_bytes / 1024:.0f} "
                 f"| | | |")
    allowed = sorted({m for r in results for m in r.allowed_console})
    if allowed:
        lines.append("")
        lines.append(f"Allowed console error (sphinx-thebe's duplicate loader), seen on "
                     f"{sum(bool(r.allowed_console) for r in results)} pages: {allowed[0]}")
    return "\n".join(lines)


def write_report(results, shared_bytes, out_dir: pathlib.Path) -> pathlib.Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "report.md").write_text(report(results, shared_bytes) + "\n")
    (out_dir / "report.json").write_text(json.dumps(
        {"pages": [{**asdict(r), "ok": r.ok} for r in results], "shared_bytes": shared_bytes},
        indent=1))
    return out_dir / "report.md"


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    html = pathlib.Path(argv[0]).resolve() if argv else html_root()
    t0 = time.perf_counter()
    with BookBrowser(html) as bb:
        results = [bb.check(p) for p in all_pages(html)]
        shared = sum(bb.shared_seen.values())
    print(report(results, shared))
    for r in results:
        for p in r.problems:
            print(f"{r.page}: {p}")
    print(f"report: {write_report(results, shared, bb.screenshots)}; "
          f"{len(results)} pages in {time.perf_counter() - t0:.0f} s")
    return 0 if all(r.ok for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
