"""Hardware-aware search on a new device, constrained by the few-shot *predicted* latency (issue 20, part 3).

HELP's use case (Lee, Lee & Hwang, NeurIPS 2021, Sec. 4.3: latency-constrained NAS on an unseen
device with the meta-learned predictor in place of measurements): on a held-out device, k cells
are measured; `fewshot.ridge_predict` ("transfer": the other devices' latencies as features)
predicts every cell's latency from them; a search then maximizes the validation accuracy
subject to *predicted* latency <= bound (the k measured cells keep their measured latency). The
same search subject to the *true* latency is its reference. Each incumbent (the best
evaluation that the search's own constraint deems feasible) is scored on the truth: whether
its true latency meets the bound, and its regret (best truly feasible validation accuracy
minus the incumbent's).

What a strategy sees: the space, the table's public `BenchmarkInfo`, the problem (the bound)
and, per evaluation, a record of the validation accuracy and the constraint's latency, the
predicted one in the predicted arm. Never a benchmark or the target device's latency column;
the predictor sees the target's latency at the k cells only. The bound is the problem's
(here a quantile of the device's latencies, so that one setting means as much on every device).
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from nasbench.errors import NasbenchError
from nasbench.problem.objectives import Constraint, Problem
from nasbench.registry import opened
from nasbench.runner.fewshot import Devices, ridge_predict
from nasbench.strategies import get_strategy

ARMS = ("predicted", "true")


@dataclass(frozen=True)
class Task:
    """One device's search: the observed metric (`accuracy`), the true and the predicted latencies of every
    cell, the bound, and whether the metric is maximised (its `MetricInfo.maximize`)."""

    device: str
    accuracy: np.ndarray
    true: np.ndarray
    predicted: np.ndarray
    bound: float
    maximize: bool = True

    @property
    def sign(self) -> float:
        """+1 where higher is better, -1 where lower is: `sign * value` is always maximised."""
        return 1.0 if self.maximize else -1.0

    def optimum(self) -> float:
        """The best observed value among the cells whose true latency meets the bound."""
        return self.sign * float(np.nanmax(np.where(self.true <= self.bound, self.sign * self.accuracy, -np.inf)))


def predicted_latency(devices: Devices, target: str, shots: int, seed: np.random.SeedSequence) -> np.ndarray:
    """Every cell's latency on `target` predicted from `shots` measured cells (those keep their measurement)."""
    t = devices.names.index(target)
    logged = np.log(devices.latency)
    sources = np.delete(logged, t, axis=1)
    features = (sources - sources.mean(axis=0)) / sources.std(axis=0)
    cells = np.random.default_rng(seed).choice(len(logged), size=shots, replace=False)
    predicted = np.exp(ridge_predict(features[cells], logged[cells, t], features))
    predicted[cells] = devices.latency[cells, t]
    return predicted


def check_strategy(name: str) -> None:
    """Refuse a strategy this search cannot run as it means to: one asking for other fidelities (it is told the
    full-fidelity accuracy whatever it asks; the zero-cost ones among them), several objectives, or source tasks."""
    cls = get_strategy(name)
    if cls.multi_fidelity or cls.multi_objective or cls.meta_learning:
        kind = "multi-fidelity" if cls.multi_fidelity else "multi-objective" if cls.multi_objective else "transfer"
        raise NasbenchError(
            f"expected a single-fidelity, single-objective strategy without source tasks for --search, got {name} "
            f"({kind})"
        )


def search(
    task: Task, arm: str, strategy: str, budget: int, rng: np.random.Generator, bench_name: str = "nb201"
) -> tuple[float, bool, float]:
    """One run: (incumbent's observed value, whether its true latency meets the bound, its regret: how much worse
    than the best truly feasible value it is, >= 0 in either direction)."""
    bench = opened(bench_name)
    metric = f"latency:{task.device}"
    problem = Problem(constraints=(Constraint(metric, "<=", task.bound),))
    searcher = get_strategy(strategy)(bench.space, bench.info, rng, problem=problem)
    space: Any = bench.space  # NAS-Bench-201's: cells by index
    seen = task.predicted if arm == "predicted" else task.true
    best, best_index = -math.inf, -1  # best: sign * value, maximised
    for _ in range(budget):
        arch, fidelity = searcher.ask()
        i = int(space.index(arch))
        record = {bench.info.observe: float(task.accuracy[i]), metric: float(seen[i])}
        searcher.tell(arch, fidelity, record)
        if seen[i] <= task.bound and task.sign * task.accuracy[i] > best:
            best, best_index = task.sign * float(task.accuracy[i]), i
    if best_index < 0:
        return math.nan, False, math.nan
    value = float(task.accuracy[best_index])
    return value, bool(task.true[best_index] <= task.bound), task.sign * (task.optimum() - value)


def hardware_search(
    devices: Devices, targets: Sequence[str], shots: int, quantile: float, strategy: str, runs: int, budget: int,
    root_seed: int = 0, bench_name: str = "nb201",
) -> pd.DataFrame:  # fmt: skip
    """One row per (device, run, arm): the incumbent's accuracy, true feasibility and regret."""
    if not 0 < quantile < 1:
        raise NasbenchError(f"expected --bound-quantile between 0 and 1, got {quantile}")
    check_strategy(strategy)
    bench = opened(bench_name)
    accuracy = bench.query_many(np.arange(bench.info.size), metrics=[bench.info.observe])[bench.info.observe]
    maximize = bench.info.metrics[bench.info.observe].maximize
    rows = []
    for target in targets:
        key = zlib.crc32(target.encode())
        t = devices.names.index(target)
        true = devices.latency[:, t]
        for run in range(runs):
            predictor_seed, *arm_seeds = np.random.SeedSequence(root_seed, spawn_key=(key, shots, run)).spawn(3)
            task = Task(target, accuracy.to_numpy(float), true, predicted_latency(devices, target, shots,
                        predictor_seed), float(np.quantile(true, quantile)), maximize)  # fmt: skip
            for arm, seed in zip(ARMS, arm_seeds, strict=True):  # each arm its own stream
                rng = np.random.default_rng(seed)
                rows.append((target, run, arm, *search(task, arm, strategy, budget, rng, bench_name)))
    return pd.DataFrame(rows, columns=["device", "run", "arm", "accuracy", "feasible", "regret"])


def hardware_markdown(results: pd.DataFrame, shots: int, quantile: float, strategy: str, budget: int) -> str:
    """Per arm, over devices and runs: share of truly feasible incumbents and mean regret; then per device."""
    lines = [
        f"`{strategy}`, {budget} evaluations, validation accuracy subject to latency <= the device's "
        f"{quantile:.0%} latency quantile; predicted arm: ridge few-shot predictor from k = {shots} measured cells; "
        f"{results['device'].nunique()} held-out devices x {results['run'].nunique()} runs. Regret: best truly "
        "feasible validation accuracy minus the incumbent's (all incumbents, feasible or not).",
        "",
        "| constraint on | truly feasible incumbents | mean regret | mean regret, feasible ones |",
        "|---|---|---|---|",
    ]
    for arm in ARMS:
        part = results[results["arm"] == arm]
        feasible = part[part["feasible"]]
        lines.append(
            f"| {arm} latency | {part['feasible'].mean():.1%} | {part['regret'].mean():.3f} | "
            f"{feasible['regret'].mean():.3f} |"
        )
    per = results.groupby(["device", "arm"], sort=True).agg(feasible=("feasible", "mean"), regret=("regret", "mean"))
    lines += ["", "| device | feasible (predicted) | regret (predicted) | regret (true) |", "|---|---|---|---|"]
    for device, part in per.groupby(level="device"):
        p, t = part.loc[(device, "predicted")], part.loc[(device, "true")]
        lines.append(f"| {device} | {p['feasible']:.0%} | {p['regret']:.3f} | {t['regret']:.3f} |")
    return "\n".join(lines) + "\n"
