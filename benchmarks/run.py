"""Benchmarks of optimlib: bandwidth floor, optimizer steps against torch and naive NumPy, the
digits MLP against torch, and (optionally) the notebooks and the book build.

    python3 -m benchmarks.run                  # steps and MLP, about 2-3 minutes
    python3 -m benchmarks.run --quick          # small and fast: a check that it all runs
    python3 -m benchmarks.run --notebooks --book --results-md benchmarks/RESULTS.md

Prints a table to stdout (progress goes to stderr) and writes everything to a JSON file
(``--out``, default ``benchmarks/results/latest.json``). See ``benchmarks/README.md``.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import math
import os
import pathlib
import platform
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "benchmarks" / "results" / "latest.json"
#: set on some processors; they make current NumPy's OpenBLAS pick a slower kernel. The
#: benchmark runs itself in a subprocess without them (unless --keep-blas-env), and gives the
#: notebooks and the book build the environment it was started with.
BLAS_ENV = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
_CHILD = "_OPTIMLIB_BENCH_CHILD"
_ORIG = "_OPTIMLIB_BENCH_ORIGINAL_BLAS_ENV"

#: the optimizers whose steps have targets at 1e7 float32 (label, as in the table)
TARGET_OPTIMIZERS = ("adam", "sgd+momentum", "adamw", "lion")
#: per optimizer: (ratio key, limit, what); the floor is the in-place floor (bandwidth.py)
STEP_TARGETS = (
    ("fused/floor", 1.3, "fused step / in-place floor"),
    ("fused/torch_fused", 1.2, "fused step / torch fused=True (1 thread)"),
    ("optimlib/floor", 2.5, "NumPy step / in-place floor"),
    ("optimlib/torch_foreach", 1.0, "NumPy step / torch foreach=True (1 thread)"),
)


def step_target(label: str, key: str) -> str:
    """The name of a step target: ``step_target("adam", "fused/floor") == "adam_fused_vs_floor"``."""
    return f"{label.replace('+', '_')}_{key.replace('/', '_vs_').replace('optimlib_vs_', 'vs_')}"


TARGETS = {  # name: (limit, "<=" or ">=", what)
    **{step_target(label, key): (limit, "<=", f"{label} at 1e7 float32: {what}")
       for label in TARGET_OPTIMIZERS for key, limit, what in STEP_TARGETS},
    "naive_vs_optimlib": (3.0, ">=", "naive NumPy / optimlib at 1e7 float32 (smallest over optimizers)"),
    "mlp_vs_torch_1thread": (1.0, "<=", "digits MLP time to 97%: optimlib / torch, 1 thread"),
    "mlp_vs_torch_default": (1.0, "<=", "digits MLP time to 97%: optimlib / torch, default threads"),
    "notebook_max_seconds": (30.0, "<=", "slowest chapter notebook, seconds"),
    "book_seconds": (300.0, "<=", "whole book build, seconds"),
}
TARGET_N = 10_000_000
_STEP_TARGET_NAMES = {step_target(label, key) for label in TARGET_OPTIMIZERS for key, _, _ in STEP_TARGETS}


class UsageError(Exception):
    """Bad input: reported as one line on stderr, exit status 2."""


# -- arguments ----------------------------------------------------------------------------------

#: arrays of N elements alive at once while a case is timed (each implementation's parameter
#: and state, the gradient, the naive version's temporaries), for the memory check of --sizes
ARRAYS_PER_CASE = 16


def _sizes(text: str, flag: str, itemsize: int) -> list[int]:
    out = []
    for item in filter(None, (s.strip() for s in text.split(","))):
        try:
            x = float(item)
        except ValueError:
            raise UsageError(f"{flag}: {item!r} is not a number (write e.g. 1e5,1e6,1e7)") from None
        if not math.isfinite(x) or x != int(x) or x < 1:
            raise UsageError(f"{flag}: N must be a positive whole number of elements, got {item}")
        need, have = ARRAYS_PER_CASE * int(x) * itemsize, _memory_bytes()
        if have and need > 0.8 * have:
            raise UsageError(f"{flag}: N = {item} needs about {need / 2**30:.0f} GiB "
                             f"({ARRAYS_PER_CASE} arrays of N elements), this machine has "
                             f"{have / 2**30:.0f} GiB")
        out.append(int(x))
    return out


def _memory_bytes() -> int | None:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return None


def parse_args(argv):
    ap = argparse.ArgumentParser(prog="python3 -m benchmarks.run", description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true",
                    help="fewer repetitions and smaller arrays (seconds, not minutes)")
    ap.add_argument("--sizes", default=None,
                    help="float32 parameter sizes, comma-separated (default 1e5,1e6,1e7; --quick: 1e4,1e5)")
    ap.add_argument("--f64-sizes", default=None,
                    help="float64 sizes (default: the largest of --sizes; '' for none)")
    ap.add_argument("--only", default=None,
                    help="optimizers to time, comma-separated labels (e.g. adam,sgd+momentum)")
    ap.add_argument("--out", default=str(DEFAULT_OUT), help=f"JSON file (default {DEFAULT_OUT.relative_to(ROOT)})")
    ap.add_argument("--results-md", default=None, help="also write the table as Markdown to this file")
    ap.add_argument("--no-steps", action="store_true", help="skip the optimizer-step benchmark")
    ap.add_argument("--no-mlp", action="store_true", help="skip the digits MLP")
    ap.add_argument("--notebooks", action="store_true", help="time each chapter notebook (slow)")
    ap.add_argument("--chapters", default=str(ROOT / "chapters"), help="folder of the notebooks")
    ap.add_argument("--book", action="store_true", help="time the whole book build (slow)")
    ap.add_argument("--from-json", default=None, metavar="FILE",
                    help="measure nothing: print the table of an earlier run's JSON (and --results-md)")
    ap.add_argument("--keep-blas-env", action="store_true",
                    help=f"keep {' and '.join(BLAS_ENV)} as they are (by default the benchmark "
                         "runs without them)")
    args = ap.parse_args(argv)
    args.sizes = _sizes(args.sizes if args.sizes is not None else ("1e4,1e5" if args.quick else "1e5,1e6,1e7"),
                        "--sizes", 4)
    if args.f64_sizes is None:
        args.f64_sizes = [max(args.sizes)] if args.sizes else []
        _sizes(",".join(map(str, args.f64_sizes)), "--sizes (in float64)", 8)
    else:
        args.f64_sizes = _sizes(args.f64_sizes, "--f64-sizes", 8)
    if not args.no_steps and not (args.sizes or args.f64_sizes):
        raise UsageError("--sizes and --f64-sizes are both empty: nothing to time (or pass --no-steps)")
    return args


def _check_out(path: str, flag: str = "--out") -> pathlib.Path:
    """Fail now, not after minutes of measuring, if the file cannot be written."""
    p = pathlib.Path(path)
    if p.is_dir():
        raise UsageError(f"{flag} {path}: is a folder; give a file name such as {p / 'results.json'}")
    existed = p.exists()
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
        with open(p, "a"):
            pass
    except OSError as e:
        raise UsageError(f"{flag} {path}: cannot write there ({e.strerror or e})") from None
    if not existed:
        p.unlink()
    return p


def _select(only: str | None) -> list:
    from .steps import configs
    cases = configs()
    if only is None:
        return list(cases.values())
    chosen = []
    for label in filter(None, (s.strip().lower() for s in only.split(","))):
        if label not in cases:
            raise UsageError(f"--only: unknown optimizer {label!r}; known: {', '.join(cases)}")
        chosen.append(cases[label])
    if not chosen:
        raise UsageError("--only is empty")
    return chosen


# -- the machine --------------------------------------------------------------------------------

def machine_info() -> dict:
    import numpy as np
    info = {"python": platform.python_version(), "numpy": np.__version__, "platform": platform.platform(),
            "cpu": _cpu_name(), "cpus": os.cpu_count(),
            "blas_env": {k: os.environ.get(k) for k in BLAS_ENV},
            "loadavg": os.getloadavg() if hasattr(os, "getloadavg") else None}
    try:
        import torch
        info["torch"] = torch.__version__
        info["torch_default_threads"] = torch.get_num_threads()
    except ImportError:
        info["torch"] = None
    try:
        from threadpoolctl import threadpool_info
        info["threadpools"] = [{k: d.get(k) for k in ("internal_api", "architecture", "num_threads", "version")}
                               for d in threadpool_info()]
    except ImportError:
        info["threadpools"] = None
    return info


def _cpu_name() -> str:
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


# -- the sections -------------------------------------------------------------------------------

def _log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def run_steps(args, cases) -> tuple[list[dict], dict]:
    """The step timings, and the bandwidth measured before, during and after them."""
    import numpy as np
    import torch
    from .bandwidth import Kernels, measure_bandwidth
    from .steps import bytes_per_element, check_agreement, time_case
    _log("bandwidth ...")
    kernels = Kernels(n=1 << (22 if args.quick else 24))
    repeats = 3 if args.quick else 10
    seen = {name: [v] for name, v in measure_bandwidth(kernels, repeats).items()}
    saved = torch.get_num_threads()
    torch.set_num_threads(1)
    rows, agreement, skipped = [], {}, {}
    for case in cases:
        try:  # 8 steps of every implementation on 1,000 elements, before any timing
            agreement[case.label] = check_agreement(case)
        except Exception as e:  # e.g. an optimizer that needs matrices: report it, time the rest
            skipped[case.label] = f"{type(e).__name__}: {e}"
            _log(f"warning: {case.label} is not timed: {skipped[case.label]}")
            continue
        bad = {k: v for k, v in agreement[case.label].items() if not v < 1e-5}
        if bad:
            _log(f"warning: {case.label}: {bad} differ from optimlib by more than 1e-5 (relative)")
    cases = [c for c in cases if c.label not in skipped]
    plan = [(n, np.float32) for n in args.sizes] + [(n, np.float64) for n in args.f64_sizes]
    passes = 1 if args.quick else 2
    merged = {}  # (label, n, dtype) -> the rounds of every pass
    for pas in range(passes):  # a second pass, minutes later, has another chance of a quiet machine
        for n, dtype in plan:
            for case in cases:
                _log(f"  pass {pas + 1}/{passes}  {case.label:<14} n={n:.0e} {np.dtype(dtype).name}")
                r = time_case(case, n, dtype, rounds=3 if args.quick else 7,
                              batch_seconds=0.005 if args.quick else 0.02, probes=kernels.kernels())
                m = merged.setdefault((case.label, n, np.dtype(dtype).name),
                                      {"case": case, "seconds": {}, "gbps": {}, "r": r})
                for impl, ts in r["seconds"].items():
                    m["seconds"].setdefault(impl, []).extend(ts)
                for name, v in r["probes_gbps"].items():
                    m["gbps"].setdefault(name, []).extend(v)
                    seen[name].append(max(v))
    for (_, n, dtype), m in merged.items():
        case, r, gbps = m["case"], m["r"], {name: max(v) for name, v in m["gbps"].items()}
        bpe, k = bytes_per_element(case, dtype)
        rows.append({"optimizer": case.label, "name": case.name, "hyper": case.hyper, "n": n,
                     "dtype": np.dtype(dtype).name, "state_buffers": k,
                     "bytes_per_element": bpe, "bytes_per_step": bpe * n,
                     "ms": {impl: min(ts) * 1e3 for impl, ts in m["seconds"].items()},
                     "ms_median": {impl: float(np.median(ts)) * 1e3 for impl, ts in m["seconds"].items()},
                     "rounds": len(next(iter(m["seconds"].values()))),
                     "steps_per_round": r["steps_per_round"], "missing": r["missing"],
                     "finite": r["finite"], "agreement": agreement[case.label],
                     "bandwidth_gbps": gbps, "floor_gbps": gbps["update"]})
    torch.set_num_threads(saved)
    _log("bandwidth again ...")
    for name, v in measure_bandwidth(kernels, repeats).items():
        seen[name].append(v)
    # the best seen over the whole run: the machine's floor (the quietest moment, the strictest)
    bw = {name: max(v) for name, v in seen.items()}
    floors = [r["floor_gbps"] for r in rows]
    bw.update(floor=bw["update"], stream_floor=max(bw["copy"], bw["triad"]), array_bytes=kernels.array_bytes,
              row_floor_range=(min(floors), max(floors)) if floors else None,
              dtype=kernels.dtype, repeats=repeats, measurements=seen, skipped=skipped)
    return rows, bw


def run_mlp(quick: bool) -> dict:
    import numpy as np
    from . import mlp
    repeats = 1 if quick else 5
    kw = dict(max_epochs=3 if quick else 60)
    variants = []  # (library, dtype, threads, fn)
    for dtype in (np.float64, np.float32):
        for threads in (1, None):
            variants.append(("optimlib", dtype, threads, mlp.run_optimlib))
            variants.append(("torch", dtype, threads, mlp.run_torch))
        variants.append(("optimlib.fit", dtype, 1, mlp.run_optimlib_fit))
    results = {}
    for rep in range(repeats):  # interleaved: a busy moment of the machine hits all alike
        for lib, dtype, threads, fn in variants:
            key = f"{lib}/{np.dtype(dtype).name}/{'1 thread' if threads == 1 else 'default threads'}"
            r = fn(dtype, threads=threads, **kw)
            old = results.get(key)
            r["runs"] = (old["runs"] if old else []) + [r["seconds"]]
            if old is None or r["seconds"] < old["seconds"]:
                results[key] = r
            else:
                old["runs"] = r["runs"]
    ratios = {}
    for dtype in ("float64", "float32"):
        for th in ("1 thread", "default threads"):
            a, b = results[f"optimlib/{dtype}/{th}"], results[f"torch/{dtype}/{th}"]
            ratios[f"{dtype}/{th}"] = a["seconds"] / b["seconds"] if a["reached"] and b["reached"] else None
    return {"runs": results, "ratios": ratios, "repeats": repeats, "lr": 1e-3, "batch_size": 32,
            "target_accuracy": 0.97, "sizes": [64, 64, 10], "max_epochs": kw["max_epochs"], "quick": quick}


# -- targets and the table ----------------------------------------------------------------------

def _row(rows, label, n, dtype="float32"):
    for r in rows:
        if r["optimizer"] == label and r["n"] == n and r["dtype"] == dtype:
            return r
    return None


def add_ratios(rows, floor_gbps: float) -> None:
    """Ratios of each row. The floor is the row's bytes at the run's best in-place bandwidth
    (``a += b``: the machine's, the strict one); ``*_same_rounds`` use the in-place bandwidth
    measured in the row's own rounds."""
    for r in rows:
        ms = r["ms"]
        r["floor_ms"] = r["bytes_per_step"] / (floor_gbps * 1e9) * 1e3
        same = r["bytes_per_step"] / (r["floor_gbps"] * 1e9) * 1e3
        ol, fu = ms["optimlib"], ms.get("optimlib_fused")

        def q(a, b):
            return a / ms[b] if a is not None and b in ms else None
        r["ratios"] = {
            "optimlib/floor": ol / r["floor_ms"],
            "optimlib/floor_same_rounds": ol / same,
            "fused/floor": fu / r["floor_ms"] if fu else None,
            "fused/floor_same_rounds": fu / same if fu else None,
            "optimlib/torch_foreach": q(ol, "torch_foreach"),
            "optimlib/torch_fused": q(ol, "torch_fused"),
            "fused/torch_fused": q(fu, "torch_fused"),
            "naive/optimlib": ms["naive"] / ol if "naive" in ms else None,
        }


def evaluate_targets(res) -> dict:
    rows, out = res.get("steps") or [], {}

    def put(name, value, detail=""):
        limit, op, what = TARGETS[name]
        met = None if value is None else (value <= limit if op == "<=" else value >= limit)
        out[name] = {"what": what, "value": value, "limit": f"{op} {limit:g}", "met": met, "detail": detail}

    step_targets = {}  # target name -> (row label, ratio key)
    for label in TARGET_OPTIMIZERS:
        row = _row(rows, label, TARGET_N)
        for key, _, _ in STEP_TARGETS:
            name = step_target(label, key)
            step_targets[name] = (label, key)
            put(name, row and row["ratios"].get(key))
    naive = [(r["ratios"]["naive/optimlib"], r["optimizer"]) for r in rows
             if r["n"] == TARGET_N and r["dtype"] == "float32" and r["ratios"]["naive/optimlib"]]
    below = ", ".join(f"{name} {v:.2f}" for v, name in sorted(naive) if v < TARGETS["naive_vs_optimlib"][0])
    put("naive_vs_optimlib", min(naive)[0] if naive else None,
        (f"below 3: {below}; " if below else "") + f"largest: {max(naive)[1]} {max(naive)[0]:.2f}"
        if naive else "")
    mlp = res.get("mlp")
    if mlp:
        r1 = [mlp["ratios"][f"{d}/1 thread"] for d in ("float64", "float32")]
        rd = [mlp["ratios"][f"{d}/default threads"] for d in ("float64", "float32")]
        put("mlp_vs_torch_1thread", None if None in r1 else max(r1), "the larger of float64 and float32")
        put("mlp_vs_torch_default", None if None in rd else max(rd), "the larger of float64 and float32")
    # say why a target is not measured, so that a short run does not read as a failure
    sizes = res.get("sizes") or sorted({r["n"] for r in rows})
    for name, t in out.items():
        if t["value"] is not None:
            continue
        if name in step_targets or name == "naive_vs_optimlib":
            row = _row(rows, step_targets[name][0], TARGET_N) if name in step_targets else None
            impl = step_targets[name][1].split("/")[1] if name in step_targets else None
            t["why"] = (f"not run at N = {TARGET_N:,} (sizes were {', '.join(f'{n:,}' for n in sizes)})"
                        if TARGET_N not in sizes else
                        "that optimizer was not timed" if row is None else
                        row["missing"].get("optimlib_fused") if "fused" in name and "optimlib_fused" in row["missing"] else
                        row["missing"].get(impl, "not measured"))
        elif name.startswith("mlp") and mlp:
            t["why"] = (f"the MLP runs stop after {mlp.get('max_epochs', '?')} epochs, before "
                        f"{mlp['target_accuracy']:.0%}")
    nbs = res.get("notebooks")
    if nbs:
        slowest = max(nbs, key=lambda r: r["seconds"])
        failed = [r["notebook"] for r in nbs if not r["ok"]]
        put("notebook_max_seconds", slowest["seconds"],
            slowest["notebook"] + (f"; FAILED: {', '.join(failed)}" if failed else ""))
        if failed:
            out["notebook_max_seconds"]["met"] = False
    book = res.get("book")
    if book:
        put("book_seconds", book["seconds"], "" if book["ok"] else f"FAILED: {book.get('error', '')}")
        if not book["ok"] and book["seconds"] is not None:
            out["book_seconds"]["met"] = False
    return out


def _f(x, fmt="{:.2f}", width=8):
    return (fmt.format(x) if x is not None else "-").rjust(width)


def format_table(res) -> str:
    lines = []
    bw = res.get("bandwidth")
    if bw:
        lo, hi = bw["row_floor_range"] or (0, 0)
        lines += [f"Memory bandwidth, 1 core, NumPy with out= on {bw['array_bytes'] / 2**20:.0f} MiB arrays "
                  f"(GB/s), best over the run:",
                  f"  in-place update a += b: {bw['update']:.1f} -> the floor: a row's bytes (its streams: "
                  f"read p, g and k buffers, write p and the buffers) / {bw['update']:.1f} GB/s",
                  f"  STREAM copy {bw['copy']:.1f}, triad {bw['triad']:.1f} (counted without the write-allocate "
                  f"read; an in-place step does not pay it)",
                  f"  GB/s column: a += b in the row's own rounds ({lo:.1f} to {hi:.1f} in this run; far "
                  f"below the floor bandwidth = the machine was busy during that row)", ""]
    rows = res.get("steps")
    if rows:
        hdr = (f"{'optimizer':<13}{'B/elem':>7}{'GB/s':>6}{'floor':>8}{'optimlib':>9}{'ol-fused':>9}"
               f"{'torch-fe':>9}{'torch-fu':>9}{'naive':>9}{'ol/floor':>9}{'fu/floor':>9}{'ol/fe':>7}"
               f"{'fu/tfu':>7}{'naive/ol':>9}")
        lines.append(f"Milliseconds per step (best of {rows[0]['rounds']} interleaved rounds; one thread; "
                     "optimlib = the NumPy step, ol-fused = fused=True (Numba); torch fe = foreach=True, "
                     "fu = fused=True):")
        seen = []
        for r in rows:
            key = (r["n"], r["dtype"])
            if key not in seen:
                seen.append(key)
                lines += ["", f"N = {r['n']:.0e}  {r['dtype']}", hdr]
            ms, q = r["ms"], r["ratios"]
            lines.append(f"{r['optimizer']:<13}{r['bytes_per_element']:>7d}{r['floor_gbps']:>6.1f}"
                         f"{_f(r['floor_ms'], '{:.3f}')}"
                         f"{_f(ms.get('optimlib'), '{:.3f}', 9)}{_f(ms.get('optimlib_fused'), '{:.3f}', 9)}"
                         f"{_f(ms.get('torch_foreach'), '{:.3f}', 9)}"
                         f"{_f(ms.get('torch_fused'), '{:.3f}', 9)}{_f(ms.get('naive'), '{:.3f}', 9)}"
                         f"{_f(q['optimlib/floor'], width=9)}{_f(q.get('fused/floor'), width=9)}"
                         f"{_f(q['optimlib/torch_foreach'], width=7)}"
                         f"{_f(q.get('fused/torch_fused'), width=7)}{_f(q['naive/optimlib'], width=9)}")
        for label, why in res["bandwidth"].get("skipped", {}).items():
            lines.append(f"not timed: {label} ({why})")
        lines.append("")
    comp = res.get("compile")
    if comp and "error" not in comp:
        lines.append(f"fused=True, the first step in a fresh process (1,000 elements; seconds): compiled "
                     f"into an empty Numba cache, then loaded from it (import numba: "
                     f"{comp['compile']['numba_import']:.2f} s, then {comp['cached']['numba_import']:.2f} s)")
        lines.append(f"  {'':<22}{'compile':>9}{'cached':>9}")
        for key, v in comp["compile"].items():
            if key != "numba_import":
                lines.append(f"  {key:<22}{v:>9.3f}{comp['cached'][key]:>9.3f}")
        lines.append("  (the process's first fused step also starts Numba's dispatcher; a kernel shared "
                     "with an earlier row, AdamW's with Adam's, is already compiled)")
        lines.append("")
    elif comp:
        lines += [f"fused=True compile time: not measured ({comp['error']})", ""]
    mlp = res.get("mlp")
    if mlp:
        lines.append(f"Digits MLP {'-'.join(map(str, mlp['sizes']))}, Adam lr={mlp['lr']:g}, batch "
                     f"{mlp['batch_size']}: seconds to {mlp['target_accuracy']:.0%} test accuracy "
                     f"(best of {mlp['repeats']})")
        lines.append(f"{'':<34}{'seconds':>9}{'epochs':>8}{'test acc':>10}")
        for key, r in mlp["runs"].items():
            cap = mlp.get("max_epochs")
            lines.append(f"{key:<34}{r['seconds']:>9.3f}{r['epochs']:>8d}{r['test_acc']:>10.4f}"
                         + ("" if r["reached"] else
                            f"  (stopped at the {cap}-epoch cap of --quick)" if mlp.get("quick") else
                            "  (not reached)"))
        lines.append("optimlib / torch: " + "   ".join(
            f"{k} {_f(v, width=0)}" for k, v in mlp["ratios"].items()))
        lines.append("")
    nbs = res.get("notebooks")
    if nbs is not None:
        lines.append("Notebooks (fresh kernel each, nbclient):" if nbs else "Notebooks: none found")
        for r in nbs:
            lines.append(f"  {r['notebook']:<40}{r['seconds']:>8.1f} s  {'ok' if r['ok'] else 'FAILED'}")
        lines.append("")
    book = res.get("book")
    if book is not None:
        lines.append(f"Book build: {book['seconds']:.1f} s ({'ok' if book['ok'] else 'FAILED: ' + book['error']})"
                     if book["seconds"] is not None else f"Book build: not run ({book['error']})")
        lines.append("")
    t = res.get("targets")
    if t:
        lines.append("Targets:" + (" (--quick: small sizes and a few epochs, a check that the benchmark "
                                   "runs; the targets need the full run)" if res.get("quick") else ""))
        marks = {True: "met", False: "MISSED", None: "-"}
        lines.append(f"  steps at N = 1e7 float32, ratios of this run (floor = the in-place floor; "
                     f"- = not measured):")
        lines.append(f"  {'optimizer':<14}" + "".join(f"{k.replace('optimlib', 'numpy').replace('torch_', 'torch '):>24}"
                                                      for k, _, _ in STEP_TARGETS))
        lines.append(f"  {'':<14}" + "".join(f"{'(target <= ' + format(lim, 'g') + ')':>24}" for _, lim, _ in STEP_TARGETS))
        for label in TARGET_OPTIMIZERS:
            cells = []
            for key, _, _ in STEP_TARGETS:
                r = t.get(step_target(label, key))
                cells.append("-" if r is None or r["value"] is None else
                             f"{r['value']:.2f} {marks[r['met']]}")
            lines.append(f"  {label:<14}" + "".join(f"{c:>24}" for c in cells))
        why = sorted({r["why"] for n, r in t.items() if n in _STEP_TARGET_NAMES and r.get("why")})
        if why:
            lines.append(f"  {'':<14}(- : {'; '.join(why)})")
        for name, r in t.items():
            if name in _STEP_TARGET_NAMES:
                continue
            mark = {True: "met", False: "MISSED", None: "not measured"}[r["met"]]
            val = "-" if r["value"] is None else f"{r['value']:.2f}"
            lines.append(f"  {mark:<13}{r['what']}: {val} (target {r['limit']})"
                         + (f"  [{r['detail']}]" if r["detail"] else "")
                         + (f"\n{'':<15}({r['why']})" if r.get("why") else ""))
    return "\n".join(lines)


# -- main ---------------------------------------------------------------------------------------

def _relaunch(argv) -> int:
    """Run this benchmark in a subprocess without the BLAS variables that slow NumPy."""
    env = dict(os.environ)
    env[_ORIG] = json.dumps({k: env.pop(k) for k in BLAS_ENV if k in env})
    env[_CHILD] = "1"
    return subprocess.run([sys.executable, "-m", "benchmarks.run", *argv], cwd=ROOT, env=env).returncode


def _original_env() -> dict:
    """The environment the user started the benchmark with (for notebooks and the book)."""
    env = dict(os.environ)
    for k in (_CHILD, _ORIG):
        env.pop(k, None)
    env.update(json.loads(os.environ.get(_ORIG, "{}")))
    return env


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        args = parse_args(argv)
        out = _check_out(args.out)
        md = _check_out(args.results_md, "--results-md") if args.results_md else None
        if args.from_json:
            return _render(args.from_json, md)
        cases = [] if args.no_steps else _select(args.only)
    except UsageError as e:
        print(f"benchmarks.run: error: {e}", file=sys.stderr)
        return 2
    missing = [m for m in (("torch", "threadpoolctl") if not args.no_steps or not args.no_mlp else ())
               if importlib.util.find_spec(m) is None]
    if missing:
        print(f"benchmarks.run: error: {' and '.join(missing)} not installed; it compares optimlib with "
              f"torch and sets NumPy's threads with threadpoolctl: `pip install -r requirements-dev.txt` "
              f"(or `pip install {' '.join(missing)}`; torch's CPU build: see README.md)", file=sys.stderr)
        return 2
    if (not args.keep_blas_env and not os.environ.get(_CHILD)
            and any(k in os.environ for k in BLAS_ENV)):
        _log(f"(running in a subprocess without {', '.join(k for k in BLAS_ENV if k in os.environ)})")
        return _relaunch(argv)

    started = time.time()
    res = {"started": time.strftime("%Y-%m-%d %H:%M:%S"), "argv": argv, "machine": machine_info(),
           "quick": args.quick, "sizes": args.sizes}
    if not args.no_steps:
        rows, bw = run_steps(args, cases)
        add_ratios(rows, bw["floor"])
        res["bandwidth"], res["steps"] = bw, rows
        if importlib.util.find_spec("numba") is not None:
            from .fused import compile_times
            _log("fused kernels: compile time ...")
            res["compile"] = compile_times()
    if not args.no_mlp:
        _log("digits MLP ...")
        res["mlp"] = run_mlp(args.quick)
    if args.notebooks:
        from .books import time_notebooks
        _log(f"notebooks in {args.chapters} ...")
        res["notebooks"] = time_notebooks(pathlib.Path(args.chapters), root=ROOT, env=_original_env())
    if args.book:
        from .books import time_book
        _log("book build ...")
        res["book"] = time_book(ROOT, env=_original_env())
    res["targets"] = evaluate_targets(res)
    res["seconds"] = time.time() - started
    res["loadavg_end"] = os.getloadavg() if hasattr(os, "getloadavg") else None
    table = format_table(res)
    print(table)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(res, indent=1, default=str) + "\n")
        if md:
            md.write_text(_markdown(res, table))
    except OSError as e:
        print(f"benchmarks.run: error: cannot write results ({e})", file=sys.stderr)
        return 1
    _log(f"wrote {out}" + (f" and {md}" if md else "") + f" ({res['seconds']:.0f} s)")
    return 0


def _render(path: str, md: pathlib.Path | None) -> int:
    try:
        res = json.loads(pathlib.Path(path).read_text())
        table = format_table(res)
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise UsageError(f"--from-json {path}: not a results file of this benchmark ({e})") from None
    print(table)
    if md:
        md.write_text(_markdown(res, table))
    return 0


def _markdown(res, table) -> str:
    m = res["machine"]
    blas = [t.get("architecture") for t in m.get("threadpools") or [] if t.get("internal_api") == "openblas"]
    load = m.get("loadavg")
    return (f"# Benchmark results\n\nOne run of `python3 -m benchmarks.run {' '.join(res['argv'])}` "
            f"on {res['started']} ({res['seconds'] / 60:.1f} minutes): {m['cpu']}, {m['cpus']} cores, "
            f"Python {m['python']}, NumPy {m['numpy']} (OpenBLAS kernel: {', '.join(map(str, blas)) or '?'}), "
            f"torch {m.get('torch')}"
            + (f"; load average {load[0]:.2f} when it started" if load else "")
            + (f", {res['loadavg_end'][0]:.2f} when it ended (2 cores: a load above 2 means every "
               f"figure waited for the processor)" if res.get("loadavg_end") else "") + ". "
            f"Ratios compare figures of this one run; see [`README.md`](README.md) for what each "
            f"column means and why the targets are met or missed.\n\n```text\n{table}\n```\n")


if __name__ == "__main__":
    if not __package__:  # run as a file (python3 benchmarks/run.py): import it as the package
        sys.path.insert(0, str(ROOT))
        from benchmarks.run import main
    sys.exit(main())
