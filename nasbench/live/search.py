"""`nasbench search`: NAS on a user's data, in real time, from data to an exported, tested network.

Owns the plan of one search (every check before anything is written: data, space, strategy,
metric, budget, cache) and its steps: a test split the search never sees (stratified by class;
shuffled for regression); a real-time search (`nasbench.runner.realtime`) on a `LiveBenchmark`
over a hold-out of the rest (or K folds); the winner (the final incumbent) retrained on train +
validation under the same protocol and scored once on the test split; the outputs in one folder.

`--metric`: accuracy, balanced_accuracy (maximised), log_loss (minimised) for class labels; mse,
mae (minimised) for a continuous target. The search follows the observed metric's
`MetricInfo.maximize`, so the results schema's direction rules hold unchanged.

`--objectives accuracy,params` or `accuracy,latency` (one performance metric of `--metric`'s names
plus params, flops or latency; two or three in all) makes it a multi-objective search with a
multi-objective strategy (mo-rs, mo-re, nsga2, parego). Latency is measured on this machine as
`nasbench.live.latency` says (median of 15 forward passes of a batch of 32 after 3 warm-up passes,
one CPU thread, on the search's device). The search's Pareto front (non-dominated among the
evaluated designs, full fidelity) goes to OUT/front.csv and final.json; the design retrained and
exported is the front's best by the performance objective.

    OUT/best.txt           the winning architecture's string
    OUT/model.pt           the retrained network as TorchScript (`torch.jit.load`, no nasbench needed);
                           it takes standardised inputs and gives logits, or for regression the target
    OUT/model.pt2          the same as a `torch.export` program (`export_format` exported or both;
                           `torch.export.load(path).module()`, any batch size)
    OUT/history/           the search history (a results folder: `nasbench report` draws it)
    OUT/cache.h5           every trained run, a table (`nasbench.load`); a rerun resumes from it
    OUT/final.json         the winner, its test score, the splits, the classes
    OUT/report.md          the anytime curve over real time, the top designs, the final test score

During the search the networks' "test" metrics are measured on the validation split (the cache holds
nothing of the test split); the test split is used once, by the retrained winner.
"""

from __future__ import annotations

import json
import math
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from nasbench.errors import NasbenchError, UnknownName
from nasbench.files import atomic_path
from nasbench.live._torch import resolve_device
from nasbench.live.benchmark import LiveBenchmark
from nasbench.live.crossval import CrossValidated
from nasbench.live.data import ImageData
from nasbench.live.export import save_exported, save_torchscript
from nasbench.live.models import build_model
from nasbench.live.tasks import Rescaled
from nasbench.live.train import Protocol, train_until
from nasbench.live.userdata import UserData, image_data, load_user_data, search_splits, test_split
from nasbench.runner.realtime import RealTimeRun, run_realtime_comparison
from nasbench.runner.settings import Comparison
from nasbench.runner.simulation import Budget
from nasbench.spaces import get_space
from nasbench.strategies import get_strategy

METRICS = {  # --metric -> (what the search observes, the final test score, the task)
    "accuracy": ("valid_acc", "test_acc", "classification"),
    "balanced_accuracy": ("valid_bacc", "test_bacc", "classification"),
    "log_loss": ("valid_loss", "test_loss", "classification"),
    "mse": ("valid_loss", "test_loss", "regression"),
    "mae": ("valid_mae", "test_mae", "regression"),
}
IMAGE_SPACES, TABULAR_SPACES = ("nb201", "macro"), ("mlp",)
PROBE_ARCH = {"nb201": 0, "macro": 0, "mlp": 0}  # the probe of the budget check: the space's first architecture
TOP = 5
EXPORT_FORMATS = ("torchscript", "exported", "both")


@dataclass(frozen=True)
class SearchSettings:
    """What one search is (see the module docstring); validated by `plan`."""

    data: str
    target: str | None = None
    space: str | None = None
    strategy: str = "re"
    budget: str = "10m"
    cv: int | None = None
    metric: str = "accuracy"
    epochs: int | None = None
    workers: int = 1
    seed: int = 0
    model_options: dict[str, Any] = field(default_factory=dict)
    device: str = "cpu"
    objectives: str | None = None
    export_format: str = "torchscript"  # or "exported" (model.pt2), or "both"


@dataclass
class Plan:
    """A checked search: the data, its splits, the benchmark and the comparison to run."""

    settings: SearchSettings
    data: UserData
    rest: np.ndarray
    test: np.ndarray
    bench: LiveBenchmark | CrossValidated
    comparison: Comparison
    protocol: Protocol
    options: dict[str, Any]
    metric: str = "accuracy"  # `--metric`'s name, or the performance objective's


@dataclass
class SearchOutcome:
    """What a search found and where it wrote it."""

    out: Path
    best: str
    metric: str
    test_score: float
    evaluations: int
    seconds: float
    history: Any = None
    plan: Plan | None = None
    front: Any = None  # with several objectives: the Pareto front's rows (architecture, objectives)

    def summary(self) -> str:
        """The lines `nasbench search` prints."""
        lines = [
            f"best architecture: {self.best}",
            f"test {self.metric}: {self.test_score:.4f} (retrained on train + validation; test split unseen)",
            f"{self.evaluations} evaluations in {self.seconds:.0f} s; outputs in {self.out}",
            f"  {_model_files(self.plan)}, best.txt, history/, cache.h5, final.json, report.md",
        ]
        if self.front is not None:
            lines.append(f"Pareto front ({len(self.front)} designs, validation; also in front.csv):")
            lines += ["  " + "  ".join(f"{v:.4g}" if isinstance(v, float) else str(v) for v in row)
                      for row in self.front.itertuples(index=False)]  # fmt: skip
        return "\n".join(lines)


def _model_files(plan: Plan | None) -> str:
    pt, pt2 = "model.pt (TorchScript)", "model.pt2 (torch.export)"
    chosen = plan.settings.export_format if plan is not None else "torchscript"
    return {"torchscript": pt, "exported": pt2, "both": f"{pt}, {pt2}"}[chosen]


def _protocol(data: UserData, epochs: int | None) -> Protocol:
    """The digits recipe (batch 32, lr 0.05, cosine, batch norm re-estimated): sized for small data."""
    from nasbench.live.train import get_protocol

    protocol = get_protocol("digits-12", "digits", epochs)
    return Protocol(**{**asdict(protocol), "name": f"search-{protocol.epochs}", "recalibrate_bn": data.kind == "image"})


def _space(settings: SearchSettings, data: UserData) -> str:
    allowed = IMAGE_SPACES if data.kind == "image" else TABULAR_SPACES
    space = settings.space or allowed[0]
    if space not in allowed:
        raise UnknownName(f"expected --space among {', '.join(allowed)} for {data.kind} data, got {space!r}")
    return space


def plan(settings: SearchSettings, out: str | Path, data: UserData | None = None) -> Plan:
    """Check everything a search needs, in order, before anything is written or trained (one-line errors).

    `data`: arrays already read (the estimators'); else `settings.data` names them.
    """
    metric = settings.metric.replace("-", "_")
    if metric not in METRICS:
        raise UnknownName(f"expected --metric among {', '.join(METRICS)}, got {settings.metric!r}")
    objectives = _objectives(settings, metric)
    if settings.export_format not in EXPORT_FORMATS:
        raise UnknownName(f"expected --export-format among {', '.join(EXPORT_FORMATS)}, got {settings.export_format!r}")
    metric = settings.objectives.split(",")[0].strip().replace("-", "_") if settings.objectives else metric
    observe, _, task = METRICS[metric]
    if settings.cv is not None and (
        isinstance(settings.cv, bool) or not isinstance(settings.cv, int) or settings.cv < 2
    ):
        raise NasbenchError(f"expected --cv K with K >= 2 folds, got {settings.cv!r}")
    get_strategy(settings.strategy)
    budget = Budget.parse(settings.budget)
    data = data if data is not None else load_user_data(settings.data, settings.target, task)
    if data.task != task:
        raise NasbenchError(f"expected {task} data for --metric {settings.metric}, got {data.task} data")
    space = _space(settings, data)
    options = dict(settings.model_options) | ({"features": data.x.shape[1]} if space == "mlp" else {})
    protocol = _protocol(data, settings.epochs)
    rest, test = test_split(data, settings.seed)
    splits = search_splits(data, rest, settings.cv, settings.seed)
    device = str(resolve_device(settings.device))
    folds = []
    for i, (train, valid) in enumerate(splits):
        name = f"{data.name}-holdout" if settings.cv is None else f"{data.name}-fold{i + 1}of{settings.cv}"
        split = image_data(data, train, valid, valid, name)  # "test" slot: validation (see above)
        cache = Path(out) / ("cache.h5" if settings.cv is None else f"cache-fold{i + 1}.h5")
        latency = objectives is not None and "latency" in objectives.split(",")
        name = f"live-{space}"
        folds.append(LiveBenchmark(space, split, protocol, (0,), cache, device, options, name, observe, latency))
    bench: LiveBenchmark | CrossValidated = folds[0] if settings.cv is None else CrossValidated(folds)
    bench.score_held_out = False  # the "test" slot holds the validation split: the history's scores are observed
    comparison = Comparison(
        bench=space,
        dataset=folds[0].data.name if settings.cv is None else f"{data.name}-cv{settings.cv}",
        strategies=(settings.strategy,),
        budget=budget,
        runs=1,
        workers=settings.workers,
        root_seed=settings.seed,
        estimator="live",
        objectives=objectives,
    )
    if budget.unit == "s":
        _check_budget(bench, budget.amount, get_strategy(settings.strategy).multi_fidelity)
    return Plan(settings, data, rest, test, bench, comparison, protocol, options, metric)


def _objectives(settings: SearchSettings, metric: str) -> str | None:
    """The runner's objectives for `--objectives` (e.g. 'accuracy,latency' -> 'valid_acc,latency'), or None.

    The first is the performance metric (one of `METRICS`, which also sets what the search observes);
    the others are params, flops or latency.
    """
    if not settings.objectives:
        return None
    names = [n.strip().replace("-", "_") for n in settings.objectives.split(",")]
    costs = ("params", "flops", "latency")
    if names[0] not in METRICS or not 2 <= len(names) <= 3 or not all(n in costs for n in names[1:]):
        raise UnknownName(
            f"expected --objectives as one of {', '.join(METRICS)} then one or two of {', '.join(costs)} "
            f"(e.g. accuracy,latency), got {settings.objectives!r}"
        )
    if len(set(names)) != len(names):
        raise UnknownName(f"expected distinct --objectives, got {settings.objectives!r}")
    if not get_strategy(settings.strategy).multi_objective:  # said here in the user's names, not the runner's
        raise NasbenchError(
            f"expected a multi-objective --strategy (mo-rs, mo-re, nsga2 or parego) for --objectives "
            f"{settings.objectives}, got {settings.strategy}"
        )
    if settings.metric not in ("accuracy", names[0]):
        raise UnknownName(f"expected --metric {names[0]} as in --objectives (or none), got {settings.metric!r}")
    return ",".join([METRICS[names[0]][0], *names[1:]])


def _check_budget(bench: LiveBenchmark | CrossValidated, seconds: float, multi_fidelity: bool) -> None:
    """Refuse a budget below one evaluation, estimated from two timed training steps on the search's device
    after one untimed one (kernel selection, allocation); nothing is kept."""
    folds = len(bench.folds) if isinstance(bench, CrossValidated) else 1
    bench = bench.folds[0] if isinstance(bench, CrossValidated) else bench
    space = get_space(bench.space_name)
    arch = space.arch(PROBE_ARCH[bench.space_name])  # type: ignore[attr-defined]
    device = torch.device(bench.device)
    model = build_model(bench.space_name, arch, bench.data.num_classes, **bench.model_options).to(device)
    x, y = (t[: bench.protocol.batch_size].to(device) for t in bench.data.train)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.0)
    for i in range(3):
        if i == 1:
            _synchronize(device)
            start = time.perf_counter()
        optimizer.zero_grad()
        out = model(x)
        loss = (
            nn.functional.mse_loss(out.squeeze(1), y) if bench.task.regression else nn.functional.cross_entropy(out, y)
        )
        loss.backward()
        optimizer.step()
    _synchronize(device)
    step = (time.perf_counter() - start) / 2
    steps = math.ceil(len(bench.data.train[1]) / bench.protocol.batch_size)
    epochs = 1 if multi_fidelity else bench.protocol.epochs
    estimate = step * steps * epochs * folds
    if seconds < estimate:
        raise NasbenchError(
            f"expected a budget that affords one evaluation (about {estimate:.3g} s: {epochs} epoch(s) of "
            f"{steps} steps{f' on each of {folds} folds' if folds > 1 else ''} on this machine), got {seconds:g} s"
        )


def _synchronize(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def _progress(plan: Plan, quiet: bool) -> Any:
    if quiet:
        return None
    budget = plan.comparison.budget

    def show(run: RealTimeRun) -> None:
        now = run.now()
        left = f"{max(budget.amount - now, 0):.0f} s left" if budget.unit == "s" else f"{run.started}/{budget}"
        best = run.incumbent.observed if run.incumbent is not None else math.nan
        print(f"search: {len(run.rows)} evaluations, best {run.info.observe} {best:.4g}, {left}", file=sys.stderr)

    return show


def search(
    settings: SearchSettings, out: str | Path, quiet: bool = False, data: UserData | None = None
) -> SearchOutcome:
    """Plan, search (or resume), retrain the winner, test it, write every output (see the module docstring)."""
    out = Path(out)
    checked = plan(settings, out, data)
    start = time.perf_counter()
    where = "cache.h5" if settings.cv is None else "cache-fold1.h5"  # a CV search: one table per fold
    outcome = run_realtime_comparison(
        checked.comparison,
        checked.bench,
        str(out / "history"),
        str(out / where),
        quiet=True,
        on_evaluation=_progress(checked, quiet),
    )
    history = outcome.folder.load()
    if history.empty:
        raise NasbenchError("expected at least one evaluation within the budget, got none: give a larger --budget")
    front = _front(checked, history, out)
    # several objectives: the front's best by the performance objective (the incumbent may tie with a cheaper one)
    best = str(history["incumbent"].iloc[-1]) if front is None or front.empty else str(front["architecture"][0])
    score, model, final = _final(checked, best)
    metric = checked.metric
    if settings.export_format in ("torchscript", "both"):
        save_torchscript(model, final.test[0][:2], out / "model.pt")
    if settings.export_format in ("exported", "both"):
        save_exported(model, final.test[0][:2], out / "model.pt2")
    with atomic_path(out / "best.txt") as tmp:
        tmp.write_text(best + "\n")
    record = _record(checked, best, metric, score, history)
    if front is not None:
        record["front"] = front.to_dict(orient="records")
    with atomic_path(out / "final.json") as tmp:
        tmp.write_text(json.dumps(record, indent=2) + "\n")
    from nasbench.live.search_report import write_report

    write_report(out, checked.bench, history, record)
    seconds = float(history["end"].iloc[-1]) if len(history) else time.perf_counter() - start
    return SearchOutcome(out, best, metric, score, len(history), seconds, history, checked, front)


def _front(checked: Plan, history: Any, out: Path) -> Any:
    """With several objectives: the search's Pareto front (architecture, objectives), written to OUT/front.csv."""
    objectives = checked.comparison.objectives
    if not objectives:
        return None
    from nasbench.problem.objectives import parse_problem
    from nasbench.runner.realtime import pareto_rows

    problem = parse_problem(objectives, [], checked.bench.info)
    names = objectives.split(",")
    rows = pareto_rows(history, problem)
    front = rows[["arch", *(f"objective_{k}" for k in range(len(names)))]]
    ascending = not problem.objectives[0].maximize  # the best by the performance objective first
    front = front.set_axis(["architecture", *names], axis=1).sort_values(names[0], ascending=ascending, kind="stable")
    with atomic_path(out / "front.csv") as tmp:
        front.to_csv(tmp, index=False)
    return front.reset_index(drop=True)


def _final(checked: Plan, best: str) -> tuple[float, torch.nn.Module, ImageData]:
    """Retrain `best` on train + validation (same protocol, seed 0) and score it once on the test split."""
    data = checked.data
    final = image_data(data, checked.rest, checked.test[:0], checked.test, data.name)
    final.valid = final.test  # evaluated after each epoch (batch norm re-estimated): the last one is the score
    device = torch.device(checked.bench.device)
    space = checked.bench.space_name
    result, state = train_until(
        space, best, final, checked.protocol, 0, checked.protocol.epochs, device, **checked.options
    )
    model: torch.nn.Module = build_model(space, best, final.num_classes, **checked.options)
    model.load_state_dict(state.model)
    if final.task == "regression":
        model = Rescaled(model, final.target_mean, final.target_std)
    score = result.test[METRICS[checked.metric][1]]
    return float(score), model.cpu().eval(), final


def _validation(checked: Plan, best: str) -> dict[str, Any]:
    """The winner's validation score as the search saw it: mean and spread over folds where it used CV."""
    observe = checked.bench.info.observe
    record = checked.bench.cached(best, None, None) or {}
    return {"metric": observe, "mean": record.get(observe), "std_over_folds": record.get(f"{observe}_std")}


def _split_text(checked: Plan) -> str:
    bench = checked.bench
    if isinstance(bench, CrossValidated):
        return f"{len(bench.folds)}-fold stratified cross-validation of the search rows; test held out"
    return bench.data.split + " (train/validation/validation) of the search rows; test held out"


def _record(checked: Plan, best: str, metric: str, score: float, history: Any) -> dict[str, Any]:
    settings = checked.settings
    return {
        "best_architecture": best,
        "space": checked.bench.space_name,
        "metric": metric,
        "test_score": score,
        "evaluations": len(history),
        "search_seconds": float(history["end"].iloc[-1]),
        "validation": _validation(checked, best),
        "data": settings.data,
        "rows": {"search": len(checked.rest), "test": len(checked.test)},
        "split": _split_text(checked),
        "classes": [str(c) for c in checked.data.classes],
        "protocol": asdict(checked.protocol),
        "settings": {**asdict(settings)},
    }
