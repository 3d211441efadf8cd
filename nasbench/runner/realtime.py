"""The real-time runner mode: the same strategies and results, with evaluations that really train.

Owns the wall clock of a live search: the same ask/tell loop, incumbent and results schema as
`nasbench.runner.simulation` (a `RealTimeRun` is a `Simulation` whose clock is the host's), with
cost = the measured wall seconds of each evaluation and a budget in real seconds ('20m' is 1200 s).
`workers` > 1 trains in that many processes (spawned; each sets one thread), the strategy and the
cache stay in this process, which alone writes the cache. With one worker, training runs in this
process, and the run ends at the first evaluation finishing past the budget (cached, not recorded).

A cached answer (an (architecture, seed) trained to that fidelity before, e.g. by an interrupted
run of the same command, or a pre-filled table) costs the seconds recorded for training it beyond
the fidelity this run has already reached for it (an answer it has reached before costs its whole
recorded training again, as a repeated query does in a simulation): the wall seconds a real-time run
charged when it trained it (the cache's `wall_seconds`), else the recorded training seconds. The
clock of the worker it answers moves on by them, so a resumed search spends its budget as the
interrupted one did, evaluation for evaluation, and repeats its proposals while they come from the
cache. A training that continues from a checkpoint another run left is charged likewise: the
recorded seconds up to the checkpoint beyond the fidelity this run reached, then the wall seconds of
the continuation (no run trains for free on another's epochs).

Each worker keeps its own clock: the wall seconds since the run started plus the recorded seconds
charged to it, so a cached answer delays only the worker it answers, not the evaluations training
meanwhile on the others. An evaluation ends at its start plus its own cost, and the strategy is told
the evaluations in the order they end, as in a simulation: one that ends (on its worker's clock)
after the clock of a worker still training waits until that clock has passed its end (or the
budget), and its worker then continues from its end. With one worker nothing ever waits. Real time
is not reproducible bit-for-bit: what a strategy has been told when it asks depends on which worker
finished first.

With several objectives (`--objectives`, a multi-objective strategy) the strategy is told every
objective, as in a simulation; each evaluation's objectives are recorded (`objective_<k>`), but
not the hypervolume regret and other front progress of simulated runs: those need the true front
of the whole space, which a live search never trains. Its front is the non-dominated set of what it
evaluated (`pareto_rows`).

The benchmark must answer from its cache alone (`cached`), list what it lacks as picklable training
orders (`missing`), train one order anywhere (`train`, in a worker) and keep its outcome (`add_run`,
here): `nasbench.live.benchmark.LiveBenchmark` does. The incumbent is scored from the cache only
(its test metric at full fidelity; NaN until it is trained that far): scoring never trains.
"""

from __future__ import annotations

import heapq
import math
import multiprocessing
import queue
import sys
import time
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import replace
from typing import Any, Protocol

from tqdm import tqdm

from nasbench._version import __version__
from nasbench.benchmark.base import Benchmark
from nasbench.problem.objectives import parse_problem
from nasbench.results import ResultsFolder
from nasbench.runner.compare import Outcome, _check_fair_budget, _strategy_settings, run_specs
from nasbench.runner.settings import Comparison
from nasbench.runner.simulation import RunSpec, Simulation, _Job

MODE = "real-time"


class Trainable(Benchmark, Protocol):
    """A Benchmark that trains on demand (see the module docstring)."""

    def cached(
        self, arch: Any, fidelity: int | None = None, seed: int | None = None, metrics: Sequence[str] | None = None
    ) -> dict[str, float] | None: ...

    def missing(self, arch: Any, fidelity: int | None, seed: int | None) -> list[Any]: ...

    def train(self, order: Any) -> Any: ...

    def add_run(self, order: Any, outcome: Any, wait: bool = True, charged: float | None = None) -> None: ...

    def recorded_seconds(self, arch: Any, seed: int | None, start: int, end: int) -> float: ...

    def unpaid_seconds(self, order: Any, reached: int) -> float: ...

    def flush(self) -> None: ...

    def worker_init(self) -> None: ...


_WORKER: Any = None  # the benchmark of this worker process


def _init_worker(bench: Trainable) -> None:
    global _WORKER
    _WORKER = bench
    bench.worker_init()


def _ready(_: int) -> None:
    time.sleep(0.05)  # long enough for every worker to take one: each has finished starting


def _train_orders(orders: list[Any]) -> list[tuple[Any, Any]]:
    return [(order, _WORKER.train(order)) for order in orders]


class CachedScorer:
    """The incumbent's score from the cache alone: its score metric at full fidelity (NaN until trained so far)."""

    def __init__(self, bench: Trainable) -> None:
        self.bench, info = bench, bench.info
        self.fidelity = info.max_fidelity
        self.metric = info.score_metric(self.fidelity)
        self.independent = self.metric != info.observe and held_out(bench)

    def held_out(self, arch: Any, seen: set[int]) -> tuple[float, bool]:
        record = self.bench.cached(arch, self.fidelity, None, metrics=[self.metric])
        return (math.nan if record is None else record[self.metric]), self.independent


class RealTimeRun(Simulation):
    """One search run against a trainable benchmark, on the host's clock (see the module docstring)."""

    def __init__(
        self, spec: RunSpec, bench: Trainable, on_evaluation: Callable[[RealTimeRun], None] | None = None
    ) -> None:
        super().__init__(spec, bench)
        self.live: Trainable = bench
        self.scorer = CachedScorer(bench)  # type: ignore[assignment]
        self.done: queue.SimpleQueue[tuple[int, Any]] = queue.SimpleQueue()
        self.running: dict[int, _Job] = {}  # started and not yet told: training, or pending
        self.training: set[int] = set()  # the workers training now
        self.pending: list[_Job] = []  # finished or answered, a heap by end: told in that order
        self.origin = 0.0
        self.offset = [0.0] * spec.workers  # per worker: the seconds its clock is ahead of the wall's
        self.reached: dict[tuple[Any, int | None], int] = {}  # (arch, seed) -> the fidelity this run paid for
        self.pool: Any = None
        self.on_evaluation = on_evaluation  # e.g. a progress line after each recorded evaluation

    def _front_tracker(self) -> None:
        return None  # no true front: see the module docstring

    def _problem_columns(self, job: _Job, feasible: bool) -> tuple[Any, ...]:
        """Feasibility, constrained values and, for several objectives, each objective as observed."""
        columns = super()._problem_columns(job, feasible)
        if not self.problem.multi_objective:
            return columns
        return (*columns, *(job.record[o.metric] for o in self.problem.objectives))

    def _problem_names(self) -> list[str]:
        names = super()._problem_names()
        if not self.problem.multi_objective:
            return names
        return [*names, *(f"objective_{k}" for k in range(len(self.problem.objectives)))]

    def now(self, worker: int | None = None) -> float:
        """Seconds on `worker`'s clock: wall time since the run started, plus the recorded cost of the cached
        answers it gave (less what it waited for the others); None: the earliest worker's clock."""
        return time.perf_counter() - self.origin + (min(self.offset) if worker is None else self.offset[worker])

    def run_table(self) -> Any:
        """Search until the budget is spent; one row per finished evaluation, as `Simulation.run_table`."""
        with self._pool() as self.pool:
            if self.pool is not None:  # the clock starts once the workers are up (imports take seconds)
                self.pool.map(_ready, range(self.spec.workers), chunksize=1)
            self.origin = time.perf_counter()
            self._start_jobs()
            while self.running and self._collect() and self._release():
                pass  # past the budget, evaluations still training are abandoned
            if self.pool is not None:
                self.pool.terminate()
        self.live.flush()
        return self._table()

    def _pool(self) -> AbstractContextManager[Any]:
        if self.spec.workers == 1:
            return nullcontext()
        context = multiprocessing.get_context("spawn")  # fork after OpenMP has started can hang
        return context.Pool(self.spec.workers, initializer=_init_worker, initargs=(self.live,))

    def _due(self, end: float) -> bool:
        """Whether an evaluation ending at `end` can be told: every training worker's clock has passed it (or the
        budget, past which nothing is told)."""
        end = min(end, self.spec.budget.amount) if self.time_budget else end
        return all(self.now(worker) >= end for worker in self.training)

    def _collect(self) -> bool:
        """Wait for a training to finish, no longer than until the first pending evaluation is due; keep what
        it trained. False when the budget ran out with nothing pending."""
        if not self.training:
            return True
        end = self.pending[0].end if self.pending else math.inf
        end = min(end, self.spec.budget.amount) if self.time_budget else end
        timeout = None if math.isinf(end) else max(max(end - self.now(w) for w in self.training), 0.0)
        try:
            key, outcome = self.done.get(timeout=timeout)
        except queue.Empty:
            return bool(self.pending)
        if isinstance(outcome, BaseException):
            raise outcome
        self._trained(self.running[key], outcome)
        return True

    def _release(self) -> bool:
        """Tell the strategy each pending evaluation that is due, in the order they end, and start the next;
        False once one ends past the budget (not recorded)."""
        while self.pending and self._due(self.pending[0].end):
            job = heapq.heappop(self.pending)
            del self.running[job.counter]
            if self.time_budget and job.end > self.spec.budget.amount:
                return False
            if self.pool is not None:  # it may have waited for the others: its worker continues from its end
                self.offset[job.worker] = job.end - (time.perf_counter() - self.origin)
            job.observed = job.record[self.info.observe]
            self._finish(job)
            if self.on_evaluation is not None:
                self.on_evaluation(self)
            heapq.heappush(self.free, job.worker)
            self._start_jobs()
        return True

    def _spent(self, worker: int) -> bool:
        if self.time_budget:
            return self.now(worker) >= self.spec.budget.amount
        return self.started >= self.spec.budget.amount

    def _start_jobs(self) -> None:
        """Ask for a proposal per free worker; answer it from the cache or send it to train."""
        while self.free:
            if self._spent(self.free[0]):
                if not self.time_budget:
                    return
                heapq.heappop(self.free)  # this worker's clock is past the budget: it stops
                continue
            arch, asked = self.strategy.ask()
            asked = self.fidelity if asked is None else asked
            fidelity = self.fidelity if self.spec.pin_fidelity else asked
            seeds = self.bench.seeds_run(arch, fidelity)
            seed = seeds[int(self.noise.integers(len(seeds)))] if seeds else None
            worker = heapq.heappop(self.free)
            start = self.now(worker)
            job = _Job(start, self.started, start, worker, arch, asked, fidelity, seed, math.nan, 0.0, {})
            record = self.live.cached(arch, fidelity, seed, metrics=self.metrics)
            self.running[job.counter] = job
            self.started += 1
            if record is not None:
                job.cost, job.record = self._replayed(arch, fidelity, seed), record
                self.offset[worker] += job.cost
                job.end = job.start + job.cost
                heapq.heappush(self.pending, job)
            else:  # training continued from another run's checkpoint: charged the epochs before it, as if cached
                orders = self.live.missing(arch, fidelity, seed)
                reached = self.reached.get((arch, seed), 0)
                job.cost = sum(self.live.unpaid_seconds(order, reached) for order in orders)
                self.offset[worker] += job.cost
                self.training.add(worker)
                self._send(job, orders)

    def _replayed(self, arch: Any, fidelity: int, seed: int | None) -> float:
        """A cached answer's cost: the recorded seconds beyond the fidelity this run has reached, or all of
        them for an answer it has reached before (see the module docstring)."""
        reached = self.reached.get((arch, seed), 0)
        self.reached[(arch, seed)] = max(reached, fidelity)
        return self.live.recorded_seconds(arch, seed, reached if fidelity > reached else 0, fidelity)

    def _send(self, job: _Job, orders: list[Any]) -> None:
        key = job.counter
        if self.pool is None:  # one worker: train here
            self.done.put((key, [(order, self.live.train(order)) for order in orders]))
            return
        self.pool.apply_async(
            _train_orders,
            (orders,),
            callback=lambda out: self.done.put((key, out)),
            error_callback=lambda err: self.done.put((key, err)),
        )

    def _trained(self, job: _Job, outcome: list[tuple[Any, Any]]) -> None:
        """Keep what `job` trained; it ends now on its worker's clock and is told once due (`_release`)."""
        self.training.discard(job.worker)
        unpaid, job.cost = job.cost, self.now(job.worker) - job.start  # its clock moved on by the unpaid seconds
        for order, result in outcome:  # the cache file is written behind: see flush
            self.live.add_run(order, result, wait=False, charged=(job.cost - unpaid) / len(outcome))
        job.record = self.live.cached(job.arch, job.fidelity, job.seed, metrics=self.metrics) or {}
        key = (job.arch, job.seed)
        self.reached[key] = max(self.reached.get(key, 0), job.fidelity)
        job.end = job.start + job.cost
        heapq.heappush(self.pending, job)

    def _settings(self) -> dict[str, Any]:
        return {**super()._settings(), "mode": MODE}


def run_realtime(spec: RunSpec, bench: Trainable, on_evaluation: Callable[[RealTimeRun], None] | None = None) -> Any:
    """One real-time search run (see `RealTimeRun`); `on_evaluation(run)` after each recorded evaluation."""
    return RealTimeRun(spec, bench, on_evaluation).run()


def held_out(bench: Any) -> bool:
    """Whether `bench`'s score metric is measured on data the search never observes (`score_held_out`)."""
    return bool(getattr(bench, "score_held_out", True))


def realtime_record(comparison: Comparison, bench: Trainable, where: str) -> dict[str, Any]:
    """The settings `comparison.json` holds for a real-time comparison (`where`: the cache table's path)."""
    if comparison.fidelity is not None:
        bench.fidelity_index(comparison.fidelity)
    problem = parse_problem(comparison.objectives, list(comparison.constraints or []), bench.info)
    full = _strategy_settings(bench, comparison, problem)
    _check_fair_budget(comparison, bench)
    metric = bench.info.score_metric(bench.info.max_fidelity)
    split = "the held-out test split" if held_out(bench) else "the validation split the search observes"
    return {
        **comparison.record(),
        "benchmark": where,
        "dataset": bench.info.dataset,
        "mode": MODE,
        "scoring": f"{metric} at {bench.info.max_fidelity} {bench.info.fidelity_unit} on {split}, "
        f"from the cache (the search observes {bench.info.observe}); cost: measured wall seconds on this machine",
        "data_sha256": bench.data_sha256,
        "strategies": full,
        "code_version": __version__,
    }


def run_realtime_comparison(
    comparison: Comparison,
    bench: Trainable,
    out: str,
    where: str,
    quiet: bool = False,
    on_evaluation: Callable[[RealTimeRun], None] | None = None,
) -> Outcome:
    """Run (or resume) a comparison in real time on `bench`: every (strategy, run) one after another.

    Finished runs in `out` are kept; an interrupted one reruns from the start, its evaluations answered
    by the cache where they were trained before (see the module docstring).
    """
    record = realtime_record(comparison, bench, where)
    folder = ResultsFolder(out)
    folder.prepare(record)
    specs = [  # results name the cache table as their benchmark: a report opens it like any table
        replace(spec, bench_name=where)
        for spec in run_specs(comparison, record)
        if not folder.is_done(spec.strategy, spec.run)
    ]
    for spec in tqdm(specs, desc="runs", unit="run", disable=quiet or not specs, file=sys.stderr):
        folder.write_run(spec.strategy, spec.run, run_realtime(spec, bench, on_evaluation))
    total = len(comparison.strategies) * comparison.runs
    return Outcome(folder, comparison, len(specs), total - len(specs))


def pareto_rows(history: Any, problem: Any) -> Any:
    """The rows of `history` (a real-time run's frame with `objective_<k>` columns) on its Pareto front:
    non-dominated among the feasible evaluations at the run's highest fidelity, one row per architecture."""
    import numpy as np

    from nasbench.problem.pareto import non_dominated

    names = [f"objective_{k}" for k in range(len(problem.objectives))]
    rows = history[history["fidelity"] == history["fidelity"].max()]
    if "feasible" in rows:
        rows = rows[rows["feasible"].astype(bool)]
    rows = rows.drop_duplicates("arch", keep="last")
    values = rows[names].to_numpy(dtype=float)
    signs = np.array([o.loss_sign for o in problem.objectives])
    finite = np.isfinite(values).all(axis=1)
    rows, values = rows[finite], values[finite]
    return rows[non_dominated(values * signs)] if len(rows) else rows
