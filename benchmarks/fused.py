"""What ``fused=True`` costs before its first step: Numba's compile time, and the cached load.

Each figure is the first ``opt.step`` of a fused optimizer in a fresh Python process, with
Numba's cache in a new empty folder (``NUMBA_CACHE_DIR``): the first process compiles the
kernel for that dtype and writes it to the cache, a second process with the same folder loads
it from there. A kernel shared by two optimizers (Adam and AdamW) compiles once.
"""
from __future__ import annotations

import json
import os
import pathlib
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent

__all__ = ["compile_times"]

_CODE = r"""
import json, sys, time
t0 = time.perf_counter()
import numba
numba_import = time.perf_counter() - t0
import numpy as np
from optimlib import optim
out = {"numba_import": numba_import}
for label, name, hyper, dtype in json.loads(sys.argv[1]):
    p = np.ones(1000, dtype)
    opt = optim.get(name, [p], fused=True, **hyper)
    t0 = time.perf_counter()
    opt.step([np.ones(1000, dtype)])
    out[f"{label}/{dtype}"] = time.perf_counter() - t0
print(json.dumps(out))
"""


def compile_times(cases=None, dtypes=("float32", "float64"), timeout: float = 600) -> dict:
    """``{"compile": {label/dtype: s}, "cached": {...}}``: the first step's seconds in a fresh
    process with an empty cache, then in another process with the cache the first one wrote.
    ``cases``: ``[(label, name, hyper)]``, default every optimizer with a fused step."""
    from optimlib import optim
    if cases is None:
        cases = [(n, n, {}) for n, cls in optim.OPTIMIZERS.items() if cls.fused_update]
        cases.append(("sgd+momentum", "sgd", {"momentum": 0.9}))
    plan = json.dumps([(label, name, hyper, d) for d in dtypes for label, name, hyper in cases])
    out = {}
    with tempfile.TemporaryDirectory(prefix="optimlib-numba-cache-") as cache:
        env = {**os.environ, "NUMBA_CACHE_DIR": cache,
               "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
        for what in ("compile", "cached"):
            r = subprocess.run([sys.executable, "-c", _CODE, plan], cwd=ROOT, env=env,
                               capture_output=True, text=True, timeout=timeout)
            if r.returncode:
                return {"error": r.stderr.strip().splitlines()[-1] if r.stderr.strip() else "failed"}
            out[what] = json.loads(r.stdout)
    return out
