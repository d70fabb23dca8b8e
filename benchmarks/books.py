"""Wall-clock time of each chapter notebook, and of the whole book build.

Both run in a scratch copy of the work tree (without ``_build`` and ``.git``), so that they are
cold, as on a fresh clone, and touch nothing in the checkout (other people may be building the
book in it). Each notebook runs top to bottom in a fresh kernel through nbclient, in a
subprocess started in the notebook's folder, as the book build runs it; its time includes the
kernel's start. The book is built by ``tools/build_book.py --fresh`` (every notebook executed).
"""
from __future__ import annotations

import contextlib
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import time

__all__ = ["scratch_copy", "time_notebooks", "time_book"]

_EXECUTE = r"""
import sys, time, nbformat
from nbclient import NotebookClient
nb = nbformat.read(sys.argv[1], as_version=4)
t0 = time.perf_counter()
NotebookClient(nb, timeout=int(sys.argv[2]), kernel_name="python3").execute()
print("EXECUTED_SECONDS", time.perf_counter() - t0)
"""

# hidden folders (.git, a .venv, caches), other virtual environments and build output
_SKIP = shutil.ignore_patterns(".*", "venv", "env", "site-packages", "build", "dist", "_build",
                               "__pycache__", "*.egg-info", "results")


@contextlib.contextmanager
def scratch_copy(root: pathlib.Path):
    """A temporary copy of ``root``'s work tree; yields its path; removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="optimlib-bench-") as tmp:
        dest = pathlib.Path(tmp) / "book"
        shutil.copytree(root, dest, ignore=_SKIP, symlinks=True)
        yield dest


def _env_for(copy: pathlib.Path | None, env: dict | None) -> dict:
    """The copy's optimlib first on the path (not the checkout's, if it is installed editable),
    and one BLAS thread for the kernels unless told otherwise, as conftest.py and
    tools/build_book.py set it for pytest and the book build."""
    env = dict(os.environ if env is None else env)
    if copy is not None:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(copy), env.get("PYTHONPATH")]))
    env.setdefault("OPENBLAS_NUM_THREADS", "1")
    return env


def _tail(text: str, lines: int = 3) -> str:
    text = re.sub(r"\x1b\[[0-9;]*m", "", text)  # the kernel's colours
    return "\n".join(text.strip().splitlines()[-lines:])


def time_notebooks(folder: pathlib.Path, root: pathlib.Path | None = None, env: dict | None = None,
                   timeout: int = 600) -> list[dict]:
    """One record per ``*.ipynb`` in ``folder``: seconds, ok, and the error's last lines.

    With ``root`` (the work tree holding ``folder``) they run in a scratch copy of it.
    """
    folder = pathlib.Path(folder).resolve()
    if root is not None:
        root = pathlib.Path(root).resolve()
        if root in folder.parents or root == folder:
            with scratch_copy(root) as copy:
                return time_notebooks(copy / folder.relative_to(root), None, _env_for(copy, env), timeout)
    env = _env_for(None, env)
    out = []
    for nb in sorted(folder.glob("*.ipynb")):
        t0 = time.perf_counter()
        try:
            r = subprocess.run([sys.executable, "-c", _EXECUTE, nb.name, str(timeout)],
                               cwd=nb.parent, env=env, capture_output=True, text=True,
                               timeout=timeout + 60)
            ok, err = r.returncode == 0, "" if r.returncode == 0 else _tail(r.stderr)
            cells = [float(line.split()[1]) for line in r.stdout.splitlines()
                     if line.startswith("EXECUTED_SECONDS")]
        except subprocess.TimeoutExpired:
            ok, err, cells = False, f"timed out after {timeout + 60} s", []
        seconds = time.perf_counter() - t0
        out.append({"notebook": nb.name, "seconds": seconds, "ok": ok, "error": err,
                    "cells_seconds": cells[0] if cells else None})  # without the kernel's start
        status = "ok" if ok else "FAILED: " + (err.splitlines() or [""])[-1]
        print(f"  {nb.name:<40} {seconds:7.1f} s  {status}", file=sys.stderr, flush=True)
    return out


def time_book(root: pathlib.Path, env: dict | None = None, timeout: int = 1800) -> dict:
    """Seconds of ``python3 tools/build_book.py --fresh`` in a scratch copy of ``root``."""
    root = pathlib.Path(root)
    if not (root / "tools" / "build_book.py").exists():
        return {"seconds": None, "ok": False, "error": "tools/build_book.py does not exist (yet)"}
    with scratch_copy(root) as copy:
        t0 = time.perf_counter()
        try:
            r = subprocess.run([sys.executable, "tools/build_book.py", "--fresh"], cwd=copy,
                               env=_env_for(copy, env), capture_output=True, text=True, timeout=timeout)
            ok, err = r.returncode == 0, "" if r.returncode == 0 else _tail(r.stderr or r.stdout)
        except subprocess.TimeoutExpired:
            ok, err = False, f"timed out after {timeout} s"
        seconds = time.perf_counter() - t0
    return {"seconds": seconds, "ok": ok, "error": err,
            "command": "python3 tools/build_book.py --fresh (in a scratch copy of the work tree)"}
