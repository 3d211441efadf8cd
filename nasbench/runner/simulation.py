"""The simulated experiment loop: one search run on a benchmark, in simulated time.

Owns simulated time and budgets: a discrete-event simulation of k asynchronous
workers. Only this module advances the clock. An evaluation takes the benchmark's
training cost for its fidelity; workers finish in order of simulated time, ties in the
order they started (the event queue is keyed on (time, counter)). The optimizer's own
compute is charged by a declared model (`overhead_seconds` per proposal, zero by
default), never by the host's clock, so a run is identical on every machine and for
every number of processes.

A strategy observes only the validation metric, plus the objectives and constrained
metrics of the run's `Problem` when it has them, and the training-side metrics it declares
in `also_observes` (the training loss, for a training-speed estimator; never the scored metric).
Each finished evaluation is recorded with the incumbent (the best feasible observation at the
highest fidelity reached so far), its observed value, and its score at the benchmark's full fidelity on data the search
did not observe (`Scorer`: the test metric, else the unobserved seeds; flagged where none is
left); with `transfer`, also its score on other datasets of the table (`transfer_<dataset>`).
With `pin_fidelity` every evaluation runs at the run's fidelity whatever a strategy asks, and
the strategy is told the fidelity it asked (NAS-Bench-201's BOHB worker). An evaluation
that violates a constraint is recorded as infeasible, never dropped. A multi-objective
run also records each evaluation's objectives and the attained front's hypervolume, its
regret against the true front (a reference front on a large surrogate space, where regret
may be negative: see `nasbench.problem.front`), the share of that front found and the additive
epsilon indicator against it.
"""

from __future__ import annotations

import heapq
import json
import math
import re
import zlib
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from nasbench._version import __version__
from nasbench.benchmark.base import Benchmark, BenchmarkInfo, utility_sign
from nasbench.benchmark.meta import MetaInfo
from nasbench.errors import NasbenchError
from nasbench.problem.front import FrontTracker, true_front
from nasbench.problem.objectives import parse_problem
from nasbench.strategies import strategy_class

PROGRESS = ("hypervolume", "hv_regret", "attainment", "epsilon")
SEED_MEAN = -1  # among an architecture's observed seeds: the search observed its full-fidelity seed mean
MAX_EVALUATIONS = 200_000  # per run: beyond any tabular space's meaningful search; bounds memory (~200 MB)
COLUMNS = (
    "eval",
    "worker",
    "start",
    "end",
    "arch",
    "fidelity",
    "query_seed",
    "observed",
    "cost",
    "incumbent",
    "incumbent_observed",
    "incumbent_score",
    "incumbent_held_out",
)
TYPES = {
    "eval": "int64",
    "worker": "int64",
    "fidelity": "int64",
    "query_seed": "int64",
    "start": "float64",
    "end": "float64",
    "observed": "float64",
    "cost": "float64",
    "incumbent_observed": "float64",
    "incumbent_score": "float64",
    "incumbent_held_out": "bool",
}
ARROW = {"int64": pa.int64(), "float64": pa.float64(), "bool": pa.bool_()}  # TYPES as Arrow types
STRING = pa.large_string()  # what pandas' string columns became in the files before runs were written from Arrow
_BUDGET = re.compile(r"^\s*([0-9]*\.?[0-9]+(?:e[+-]?[0-9]+)?)\s*(s|m|h|evals)\s*$")
_SECONDS = {"s": 1.0, "m": 60.0, "h": 3600.0}  # '20m' is 1200 s: minutes and hours are read as seconds


@dataclass(frozen=True)
class Budget:
    """How long a run may search: a number of evaluations or of simulated seconds."""

    amount: float
    unit: str

    @classmethod
    def parse(cls, text: str) -> Budget:
        """Read '12000s' (seconds; '20m' and '2h' too) or '150evals' (evaluations)."""
        match = _BUDGET.match(str(text))
        if not match:
            raise NasbenchError(f"expected a budget like '12000s' or '150evals', got {text!r}")
        amount, unit = float(match.group(1)), match.group(2)
        if amount <= 0 or (unit == "evals" and not amount.is_integer()):
            raise NasbenchError(f"expected a positive budget (whole evaluations), got {text!r}")
        if unit in _SECONDS:
            amount, unit = amount * _SECONDS[unit], "s"
        return cls(amount, unit)

    def __str__(self) -> str:
        return f"{self.amount:g}{self.unit}"


@dataclass(frozen=True, kw_only=True)
class RunSpec:
    """Everything that determines one run, and nothing that does not (jobs, backend)."""

    bench_name: str  # the benchmark's registry name (`Simulation.bench` is the loaded Benchmark)
    dataset: str
    strategy: str
    run: int
    budget: Budget
    root_seed: int = 0
    workers: int = 1
    fidelity: int | None = None
    pin_fidelity: bool = False  # evaluate at `fidelity` whatever a strategy asks; tell it what it asked
    overhead_seconds: float = 0.0
    hyperparameters: str = "{}"  # JSON, so the spec stays hashable and picklable
    estimator: str = "table"
    objectives: str = ""  # e.g. "valid_acc,latency:pixel3"; empty: the observed metric alone
    constraints: str = ""  # e.g. "latency:raspi4<=10", several joined by ';'
    transfer_to: tuple[str, ...] = ()  # other datasets of the table the incumbent is also scored on
    strategy_path: str = ""  # a plug-in's module:Class, imported by each worker itself ("" for a built-in)
    strategy_version: str | None = None  # the plug-in's version where the comparison was set up
    meta_from: tuple[str, ...] = ()  # source datasets a transfer strategy learns from (never this one)
    meta_data: str = "history"  # what it gets of them: "history" (an earlier search) or "tables"

    @property
    def run_id(self) -> str:
        return f"{self.strategy}-{self.run:04d}"

    def seed_sequence(self) -> np.random.SeedSequence:
        """This run's own stream: (root seed, strategy name, run index); stable across strategy sets."""
        return np.random.SeedSequence(self.root_seed, spawn_key=(zlib.crc32(self.strategy.encode()), self.run))


@dataclass(order=True)
class _Job:
    end: float
    counter: int
    start: float = field(compare=False)
    worker: int = field(compare=False)
    arch: Any = field(compare=False)
    asked: int = field(compare=False)  # the fidelity the strategy asked for (and is told)
    fidelity: int = field(compare=False)  # the fidelity evaluated (differs only when pinned)
    seed: int | None = field(compare=False)
    observed: float = field(compare=False)
    cost: float = field(compare=False)
    record: dict[str, float] = field(compare=False)


@dataclass
class _Incumbent:
    fidelity: int
    utility: float
    arch: Any
    text: str
    observed: float
    seen: set[int]  # the seeds the search observed of `arch`: the set in `Simulation.seen`, shared
    columns: tuple[Any, ...] = ()  # its columns in a row, as scored when `seen` held `n_seen` seeds
    n_seen: int = -1


class Simulation:
    """One run of one strategy on one benchmark (`transfer`: the same table's other datasets, by name)."""

    def __init__(
        self,
        spec: RunSpec,
        bench: Benchmark,
        transfer: dict[str, Benchmark] | None = None,
        meta: MetaInfo | None = None,
    ) -> None:
        self.spec, self.bench, self.info = spec, bench, bench.info
        strategy_seq, noise_seq = spec.seed_sequence().spawn(2)
        hyperparameters = json.loads(spec.hyperparameters)
        self.problem = parse_problem(spec.objectives, spec.constraints, bench.info)
        cls = strategy_class(spec.strategy, spec.strategy_path, spec.strategy_version)
        if cls.meta_learning:  # the source tasks' arrays only: a strategy never gets a benchmark
            hyperparameters["meta"] = meta
        self.strategy = cls(
            bench.space, bench.info, np.random.default_rng(strategy_seq), problem=self.problem, **hyperparameters
        )
        self.problem_metrics = self.problem.metrics  # a computed property: read once, used per evaluation
        self.also_observed = also_observed(self.strategy.also_observes, self.info)
        self.multi_objective, self.constrained = self.problem.multi_objective, bool(self.problem.constraints)
        extra = [*self.problem_metrics, *self.also_observed]
        self.metrics = list(dict.fromkeys([self.info.observe, self.info.cost, *extra]))
        self.tracker = self._front_tracker()
        self.utility_sign = utility_sign(self.info.metrics[self.info.observe].maximize)
        self.noise = np.random.default_rng(noise_seq)
        self.fidelity = spec.fidelity if spec.fidelity is not None else self.info.max_fidelity
        bench.fidelity_index(self.fidelity)
        self.scorer = Scorer(bench)
        self.transfer = {name: Scorer(other) for name, other in (transfer or {}).items()}
        self.events: list[_Job] = []
        self.free = list(range(spec.workers))
        self.started = 0
        self.time_budget = spec.budget.unit == "s"
        self.optimizer_free_at = 0.0
        self.incumbent: _Incumbent | None = None
        self.seen: dict[Any, set[int]] = {}  # per architecture, the seeds the search has observed
        self.rows: list[tuple[Any, ...]] = []

    def _front_tracker(self) -> FrontTracker | None:
        """The attained front measured against the true front (several objectives only)."""
        return FrontTracker(true_front(self.bench, self.problem)) if self.problem.multi_objective else None

    def run(self) -> pd.DataFrame:
        """Simulate until the budget is spent; one row per finished evaluation."""
        return self.run_table().to_pandas()

    def run_table(self) -> pa.Table:
        """`run` as the Arrow table a results file holds (no pandas on the way)."""
        self._fill(0.0)
        while self.events:
            job = heapq.heappop(self.events)
            if self.spec.budget.unit == "s" and job.end > self.spec.budget.amount:
                break
            self._finish(job)
            heapq.heappush(self.free, job.worker)
            self._fill(job.end)
        return self._table()

    def _fill(self, now: float) -> None:
        while self.free:
            start = max(now, self.optimizer_free_at) + self.spec.overhead_seconds
            if start >= self.spec.budget.amount if self.time_budget else self.started >= self.spec.budget.amount:
                return
            if self.started >= MAX_EVALUATIONS:
                raise NasbenchError(
                    f"expected a budget of at most {MAX_EVALUATIONS:,} evaluations per run, got {self.spec.budget}, "
                    f"which affords more on {self.spec.bench_name}/{self.spec.dataset}: use a smaller budget"
                )
            arch, asked = self.strategy.ask()
            asked = self.fidelity if asked is None else asked
            fidelity = self.fidelity if self.spec.pin_fidelity else asked
            self.optimizer_free_at = start
            seeds = self.bench.seeds_run(arch, fidelity)
            seed = seeds[int(self.noise.integers(len(seeds)))] if seeds else None
            record = self.bench.query(arch, fidelity, seed, metrics=self.metrics)
            cost = record[self.info.cost]
            worker = heapq.heappop(self.free)
            job = _Job(
                start + cost,
                self.started,
                start,
                worker,
                arch,
                asked,
                fidelity,
                seed,
                record[self.info.observe],
                cost,
                record,
            )
            heapq.heappush(self.events, job)
            self.started += 1

    def _observation(self, job: _Job) -> dict[str, float]:
        """What the strategy is told: the observed metric (objectives instead, when several), constraints."""
        also = {m: job.record[m] for m in self.also_observed} if self.also_observed else {}
        if self.multi_objective:
            return {**also, **{m: job.record[m] for m in self.problem_metrics}}
        if not self.problem_metrics and not also:
            return {self.info.observe: job.observed}
        return {**also, self.info.observe: job.observed, **{m: job.record[m] for m in self.problem_metrics}}

    def _finish(self, job: _Job) -> None:
        self.strategy.tell(job.arch, job.asked, self._observation(job))
        if job.seed is not None or job.fidelity == self.info.max_fidelity:
            self.seen.setdefault(job.arch, set()).add(SEED_MEAN if job.seed is None else job.seed)
        utility = -math.inf if math.isnan(job.observed) else self.utility_sign * job.observed
        feasible = self.problem.feasible(job.record) if self.constrained else True
        best = self.incumbent
        text = self.bench.space.to_str(job.arch)
        if feasible and (
            best is None or job.fidelity > best.fidelity or (job.fidelity == best.fidelity and utility > best.utility)
        ):
            seen = self.seen.setdefault(job.arch, set())
            self.incumbent = best = _Incumbent(job.fidelity, utility, job.arch, text, job.observed, seen)
        if best is None:
            incumbent: tuple[Any, ...] = ("", math.nan, math.nan, False, *(math.nan for _ in self.transfer))
        else:
            incumbent = self._incumbent_columns(best)
        self.rows.append(
            (
                len(self.rows),
                job.worker,
                job.start,
                job.end,
                text,
                job.fidelity,
                -1 if job.seed is None else job.seed,
                job.observed,
                job.cost,
                *incumbent,
                *self._problem_columns(job, feasible),
            )
        )

    def _incumbent_columns(self, best: _Incumbent) -> tuple[Any, ...]:
        """The incumbent's columns, scored again only when it changed or the search saw more of its seeds."""
        if best.n_seen != len(best.seen):  # a seen set only grows: its size tells whether it changed
            score, held_out = self.scorer.held_out(best.arch, best.seen)
            transfer = (scorer.held_out(best.arch, set())[0] for scorer in self.transfer.values())
            best.columns, best.n_seen = (best.text, best.observed, score, held_out, *transfer), len(best.seen)
        return best.columns

    def _problem_columns(self, job: _Job, feasible: bool) -> tuple[Any, ...]:
        """Feasibility and constrained values; for several objectives, the front's progress too."""
        if not self.problem_metrics:
            return ()
        constraints = tuple(job.record[c.metric] for c in self.problem.constraints)
        if self.tracker is None:
            return (feasible, *constraints)
        names = [o.metric for o in self.problem.objectives]
        scored = self.bench.query(job.arch, self.info.max_fidelity, None, metrics=self.problem_metrics)
        if self.problem.feasible(scored):  # the true front is of seed means at full fidelity: so is this
            self.tracker.add(np.array([scored[m] for m in names]))
        observed = tuple(job.record[m] for m in names)
        progress = (self.tracker.volume, self.tracker.regret, self.tracker.attainment, self.tracker.epsilon)
        return (feasible, *constraints, *observed, *(scored[m] for m in names), *progress)

    def _problem_names(self) -> list[str]:
        if not self.problem_metrics:
            return []
        names = ["feasible", *(f"constraint_{k}" for k in range(len(self.problem.constraints)))]
        if self.tracker is None:
            return names
        d = range(len(self.problem.objectives))
        return [*names, *(f"objective_{k}" for k in d), *(f"objective_{k}_scored" for k in d), *PROGRESS]

    def _settings(self) -> dict[str, Any]:
        """The run's constant columns, first in the frame."""
        hyperparameters = self.strategy.hyperparameters()
        problem = bool(self.problem_metrics)
        return run_settings(self.spec, hyperparameters, self.info.observe, self.scorer.metric, self.bench, problem)

    def _table(self) -> pa.Table:
        """The run as one table, built column-wise once: constants repeated, evaluations typed.

        Numbers go through numpy as pandas took them, NaN stored as null as `Table.from_pandas`
        stored it, so a file reads back as it did when runs were written from a DataFrame.
        """
        names = [*COLUMNS, *(f"transfer_{name}" for name in self.transfer), *self._problem_names()]
        types = {**TYPES, **dict.fromkeys(names[len(COLUMNS) :], "float64")}
        if self.problem_metrics:
            types["feasible"] = "bool"
        values = list(zip(*self.rows, strict=True)) if self.rows else [() for _ in names]
        n = len(self.rows)
        columns = {
            k: pa.repeat(pa.scalar(v, STRING if isinstance(v, str) else ARROW["int64"]), n)
            for k, v in self._settings().items()
        }
        for name, column in zip(names, values, strict=True):
            kind = types.get(name)
            columns[name] = (
                pa.array(column, STRING) if kind is None else pa.array(np.array(column, dtype=kind), from_pandas=True)
            )
        return pa.table(columns)


class Scorer:
    """What an incumbent scores, independent of its selection (`data/README.md`, "Scoring").

    The table's score metric at full fidelity where it is not the observed one (e.g. test accuracy),
    as a seed mean; else the mean over the seeds the search did not observe for that architecture;
    where it observed them all (or the table has none), the observed mean, flagged as not held out.
    """

    def __init__(self, bench: Benchmark) -> None:
        self.bench, info = bench, bench.info
        self.fidelity = info.max_fidelity
        self.metric = info.score_metric(self.fidelity)
        self.independent = self.metric != info.observe
        self.cache: dict[tuple[Any, frozenset[int]], tuple[float, bool]] = {}

    def held_out(self, arch: Any, seen: set[int]) -> tuple[float, bool]:
        """(score, whether it is held out) of `arch` when the search observed the seeds `seen`."""
        key = (arch, frozenset() if self.independent else frozenset(seen))
        if key not in self.cache:
            self.cache[key] = self._score(arch, key[1])
        return self.cache[key]

    def _score(self, arch: Any, seen: frozenset[int]) -> tuple[float, bool]:
        if self.independent or not seen:  # the table's seed mean: nothing of it was observed
            return self._mean(arch), True
        if SEED_MEAN in seen:  # the search observed the seed mean itself (a table without seeds)
            return self._mean(arch), False
        unseen = [s for s in self.bench.seeds_run(arch, self.fidelity) if s not in seen]
        if not unseen:
            return self._mean(arch), False
        values = [self.bench.query(arch, self.fidelity, s, metrics=[self.metric])[self.metric] for s in unseen]
        finite = [v for v in values if not math.isnan(v)]
        return (float(np.mean(finite)) if finite else math.nan), True

    def _mean(self, arch: Any) -> float:
        return self.bench.query(arch, self.fidelity, None, metrics=[self.metric])[self.metric]


def also_observed(names: tuple[str, ...], info: BenchmarkInfo) -> tuple[str, ...]:
    """The extra metrics a strategy asks to observe: the benchmark's, never the scored (held-out) one nor any
    other measured on the test split (`test_*`: e.g. `test_loss` beside a `test_acc` score)."""
    tests = {m for m in info.metrics if m.startswith("test_")}
    held_out = ({info.score, info.score_fallback} | tests) - {info.observe, None}
    for name in names:
        if name not in info.metrics or name in held_out:
            allowed = ", ".join(m for m in info.metrics if m not in held_out)
            raise NasbenchError(f"expected a metric a search may observe on {info.name} ({allowed}), got {name!r}")
    return tuple(names)


def scoring_rule(info: BenchmarkInfo) -> str:
    """The scoring rule of `Scorer` on this benchmark, in one line (`comparison.json`'s "scoring")."""
    at = f"{info.max_fidelity} {info.fidelity_unit}"
    metric = info.score_metric(info.max_fidelity)
    if metric != info.observe:
        return f"{metric} at {at}, seed mean (held-out: the search observes {info.observe})"
    if info.seeds:
        return f"{metric} at {at}, mean over the seeds the search did not observe (else flagged, not held out)"
    return f"{metric} at {at} as observed (no held-out data in this table: scores include selection bias)"


def simulate(
    spec: RunSpec, bench: Benchmark, transfer: dict[str, Benchmark] | None = None, meta: MetaInfo | None = None
) -> pd.DataFrame:
    """Run one search; returns its evaluations (see `Simulation`; `meta`: a transfer strategy's source tasks)."""
    return simulate_table(spec, bench, transfer, meta).to_pandas()


def simulate_table(
    spec: RunSpec, bench: Benchmark, transfer: dict[str, Benchmark] | None = None, meta: MetaInfo | None = None
) -> pa.Table:
    """`simulate`, as the Arrow table that the results store writes."""
    if not math.isfinite(spec.overhead_seconds) or spec.overhead_seconds < 0:
        raise NasbenchError(f"expected a non-negative optimizer overhead, got {spec.overhead_seconds}")
    return Simulation(spec, bench, transfer, meta).run_table()


def run_settings(
    spec: RunSpec, hyperparameters: dict[str, Any], observe: str, score: str, bench: Any, problem: bool = False
) -> dict[str, Any]:
    """A run's constant columns, first in its frame (a `Simulation`'s, and a run written in the same schema);
    `problem`: with the run's objectives and constraints."""
    return {
        "run_id": spec.run_id,
        "strategy": spec.strategy,
        "run": spec.run,
        "root_seed": spec.root_seed,
        "benchmark": spec.bench_name,
        "dataset": spec.dataset,
        "estimator": spec.estimator,
        "budget": str(spec.budget),
        "workers": spec.workers,
        "hyperparameters": json.dumps(hyperparameters, sort_keys=True),
        "observe_metric": observe,
        "score_metric": score,
        **({"objectives": spec.objectives, "constraints": spec.constraints} if problem else {}),
        "code_version": __version__,
        "data_sha256": bench.data_sha256,
    }
