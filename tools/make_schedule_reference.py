"""Record torch.optim.lr_scheduler's learning rates as reference data for optimlib.schedules.

    python3 tools/make_schedule_reference.py     # writes tests/reference/torch_schedules.json

For every configuration in ``CONFIGS`` (optimlib's schedule name and keyword arguments, which are
torch's with the base lr first), torch's scheduler runs on a one-parameter SGD optimizer and the
file stores ``get_last_lr()[0]`` after t calls of ``scheduler.step()`` for t = 0, 1, ..., steps
(each ``scheduler.step()`` after an ``optimizer.step()``, torch's order). For one-cycle's momentum
it stores the optimizer's ``momentum`` (SGD) or ``betas[0]`` (Adam) instead. JSON keeps every
float exactly (repr round-trips). The torch version is recorded under ``"torch_version"``.

This module imports torch only inside its functions, so the tests can import ``CONFIGS``.
"""
from __future__ import annotations

import json
import warnings
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "tests" / "reference" / "torch_schedules.json"

#: torch class for each optimlib name
TORCH_NAMES = {"step_lr": "StepLR", "multistep_lr": "MultiStepLR", "exponential_lr": "ExponentialLR",
               "cosine_annealing_lr": "CosineAnnealingLR", "linear_lr": "LinearLR",
               "cosine_annealing_warm_restarts": "CosineAnnealingWarmRestarts",
               "one_cycle_lr": "OneCycleLR", "one_cycle_momentum": "OneCycleLR",
               "sequential": "SequentialLR"}


def _c(schedule, steps, **kwargs):
    return {"schedule": schedule, "kwargs": kwargs, "steps": steps}


def _oc(**kw):
    return kw


_ONE_CYCLE = [
    _oc(max_lr=0.1, total_steps=100),
    _oc(max_lr=0.1, total_steps=100, anneal_strategy="linear"),
    _oc(max_lr=0.1, total_steps=100, three_phase=True),
    _oc(max_lr=0.1, total_steps=100, pct_start=0.25, anneal_strategy="linear", three_phase=True),
    _oc(max_lr=1.0, total_steps=37, pct_start=0.4, div_factor=10.0, final_div_factor=100.0),
    _oc(max_lr=0.01, total_steps=7),               # pct_start * total_steps - 1 = 1.1
    _oc(max_lr=0.5, total_steps=200, pct_start=0.1, three_phase=True, div_factor=5.0),
]

CONFIGS = [
    _c("step_lr", 40, lr=0.1, step_size=7),
    _c("step_lr", 40, lr=0.5, step_size=3, gamma=0.5),
    _c("step_lr", 10, lr=0.3, step_size=1, gamma=0.9),
    _c("multistep_lr", 40, lr=0.1, milestones=[5, 12, 30]),
    _c("multistep_lr", 10, lr=1.0, milestones=[1, 2], gamma=0.3),
    _c("exponential_lr", 60, lr=0.1, gamma=0.95),
    _c("exponential_lr", 30, lr=2.0, gamma=0.5),
    _c("cosine_annealing_lr", 45, lr=0.1, T_max=10),                 # past T_max: it rises
    _c("cosine_annealing_lr", 45, lr=0.1, T_max=10, eta_min=0.01),
    _c("cosine_annealing_lr", 6, lr=1.0, T_max=1),
    _c("cosine_annealing_lr", 200, lr=0.3, T_max=37, eta_min=0.05),
    _c("cosine_annealing_lr", 350, lr=0.1, T_max=100),
    _c("linear_lr", 10, lr=0.1),
    _c("linear_lr", 30, lr=0.1, start_factor=0.01, end_factor=1.0, total_iters=20),
    _c("linear_lr", 30, lr=0.2, start_factor=1.0, end_factor=0.1, total_iters=15),
    _c("linear_lr", 12, lr=0.1, start_factor=0.5, end_factor=0.0, total_iters=7),
    _c("cosine_annealing_warm_restarts", 50, lr=0.1, T_0=10),
    _c("cosine_annealing_warm_restarts", 100, lr=0.1, T_0=5, T_mult=2),
    _c("cosine_annealing_warm_restarts", 150, lr=0.1, T_0=3, T_mult=3, eta_min=0.001),
    _c("cosine_annealing_warm_restarts", 70, lr=0.05, T_0=1, T_mult=2),
    *[_c("one_cycle_lr", kw["total_steps"], **kw) for kw in _ONE_CYCLE],
    _c("one_cycle_momentum", 100, total_steps=100),
    _c("one_cycle_momentum", 100, total_steps=100, anneal_strategy="linear",
       base_momentum=0.8, max_momentum=0.9),
    _c("one_cycle_momentum", 100, total_steps=100, three_phase=True),
    _c("one_cycle_momentum", 37, total_steps=37, pct_start=0.4, _optimizer="adam"),
    _c("sequential", 60, milestones=[5], schedules=[
        {"schedule": "linear_lr", "kwargs": {"lr": 0.1, "start_factor": 0.01, "total_iters": 5}},
        {"schedule": "cosine_annealing_lr", "kwargs": {"lr": 0.1, "T_max": 45}}]),
    _c("sequential", 40, milestones=[10], schedules=[
        {"schedule": "exponential_lr", "kwargs": {"lr": 0.1, "gamma": 0.9}},
        {"schedule": "step_lr", "kwargs": {"lr": 0.1, "step_size": 3, "gamma": 0.5}}]),
    _c("sequential", 80, milestones=[4, 20], schedules=[
        {"schedule": "linear_lr", "kwargs": {"lr": 0.2, "start_factor": 0.25, "total_iters": 4}},
        {"schedule": "multistep_lr", "kwargs": {"lr": 0.2, "milestones": [5, 10], "gamma": 0.5}},
        {"schedule": "cosine_annealing_lr", "kwargs": {"lr": 0.2, "T_max": 25, "eta_min": 0.01}}]),
    _c("sequential", 50, milestones=[8], schedules=[
        {"schedule": "linear_lr", "kwargs": {"lr": 0.1, "start_factor": 0.1, "total_iters": 8}},
        {"schedule": "cosine_annealing_warm_restarts", "kwargs": {"lr": 0.1, "T_0": 6, "T_mult": 2}}]),
]


def _torch_scheduler(torch, opt, schedule: str, kwargs: dict):
    S = torch.optim.lr_scheduler
    kw = {k: v for k, v in kwargs.items() if not k.startswith("_")}
    if schedule == "sequential":
        subs = [_torch_scheduler(torch, opt, c["schedule"], c["kwargs"]) for c in kw["schedules"]]
        return S.SequentialLR(opt, subs, milestones=kw["milestones"])
    if schedule in ("one_cycle_lr", "one_cycle_momentum"):
        if schedule == "one_cycle_momentum":
            kw = {"max_lr": 0.1, **kw}
        if "pct_start" in kw:
            kw["pct_start"] = float(kw["pct_start"])
        return S.OneCycleLR(opt, **kw)
    lr = kw.pop("lr")
    return getattr(S, TORCH_NAMES[schedule])(opt, **kw)


def torch_values(config: dict) -> list:
    """What torch's scheduler gives for ``config`` after t = 0, 1, ..., steps scheduler steps."""
    import torch
    p = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    lr0 = _base_lr(config)
    if config["kwargs"].get("_optimizer") == "adam":
        opt = torch.optim.Adam([p], lr=lr0)
        read = lambda: opt.param_groups[0]["betas"][0]  # noqa: E731
    else:
        opt = torch.optim.SGD([p], lr=lr0, momentum=0.9)
        read = ((lambda: opt.param_groups[0]["momentum"]) if config["schedule"] == "one_cycle_momentum"
                else (lambda: sched.get_last_lr()[0]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch's deprecation notes are not what is measured
        sched = _torch_scheduler(torch, opt, config["schedule"], config["kwargs"])
        values = [float(read())]
        for _ in range(config["steps"]):
            opt.step()
            sched.step()
            values.append(float(read()))
    return values


def _base_lr(config: dict) -> float:
    kw = config["kwargs"]
    if "lr" in kw:
        return kw["lr"]
    if config["schedule"] == "sequential":
        return kw["schedules"][0]["kwargs"]["lr"]
    return 0.1


def main() -> None:
    import torch
    data = {"torch_version": torch.__version__,
            "what": "get_last_lr()[0] (or the momentum) after t = 0..steps scheduler.step() calls",
            "configs": [{**c, "values": torch_values(c)} for c in CONFIGS]}
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(data, indent=1) + "\n")
    print(f"wrote {len(CONFIGS)} configurations to {OUT}")


if __name__ == "__main__":
    main()
