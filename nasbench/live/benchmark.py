"""`LiveBenchmark`: the Benchmark protocol answered by training, cached as a table.

Owns answering `query(arch, fidelity, seed)` by training (the trainer and protocols of
`nasbench.live.train`) and the cache of those answers. The cache *is* a table in the shipped
HDF5 format, with the same layout and build record as `nasbench build-table` writes (so
`nasbench.load(path)` opens it, `build-table` can extend it, and a table built by `build-table`
with the same space, dataset, protocol, seeds and model options pre-fills it). After each
trained (architecture, seed) the whole file is rewritten atomically: an interrupted search
loses at most the run in training. An (architecture, seed) trained to `epochs` is never trained
again for any fidelity up to `epochs`.

Fidelity `f` is epoch `f` of the protocol's full schedule (cosine over `protocol.epochs`), as in
every table here. A higher fidelity therefore continues the lower one's run from its checkpoint,
bit-for-bit (`nasbench.live.train.train_until`); checkpoints live in memory, and on disk next to
the cache (`<cache>.checkpoints/`) so that worker processes share them. A run trained as its own
shorter cosine schedule (e.g. NAS-Bench-201's separate 12-epoch protocol `nb201-12`) is not a
prefix of a longer one: continuing it would not equal training the longer schedule, so those are
separate protocols here, never continued into each other.

It never advances a clock and never charges a budget: a record states the measured training
seconds of reaching its fidelity (`train_seconds`), which a runner may charge. Reference:
Dong & Yang, NAS-Bench-201, ICLR 2020 (the network and protocol); Ying et al., NAS-Bench-101,
ICML 2019 (intermediate-epoch values as fidelities of one schedule).
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import torch

from nasbench.benchmark.base import REFERENCE, BenchmarkInfo, Candidates, MetricInfo, best_value
from nasbench.errors import NasbenchError, UnknownName
from nasbench.files import atomic_path
from nasbench.live.build import BuildSpec
from nasbench.live.data import ImageData
from nasbench.live.latency import BATCH
from nasbench.live.models import build_model, check_options, count_flops, count_params
from nasbench.live.tasks import get_task, metric_specs
from nasbench.live.train import Checkpoint, Protocol, train_until
from nasbench.problem.front import InfeasibleProblem
from nasbench.problem.objectives import Constraint
from nasbench.spaces import get_space
from nasbench.spaces.base import EnumerableSpace, SearchSpace

# The cheapest architecture by parameters and by FLOPs, where the space is too large to count: there the costs
# add up over positions whose shapes do not depend on the choices (NB201's edges, NAS-Bench-Macro's layers),
# and this one takes the cheapest choice everywhere (`none`: no module; `identity`: nothing or a 1x1
# convolution, less than any MBConv block of the same shapes). Smaller spaces are counted whole.
CHEAPEST = {"nb201": "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|", "macro": "00000000"}
COUNTED_WHOLE = 1000  # spaces up to this size: every architecture counted (about 5 ms each on a CPU)

Run = dict[str, list[float]]  # metric -> value after each epoch reached (test metrics: one value, once complete)


class CacheMismatch(NasbenchError):
    """A cache table written for another space, dataset, protocol, seeds, model options or data."""


def data_fingerprint(data: ImageData) -> str:
    """SHA-256 of the data's splits (images and labels): a cache belongs to exactly these data."""
    digest = hashlib.sha256()
    for x, y in (data.train, data.valid, data.test):
        digest.update(np.ascontiguousarray(x.cpu().numpy()).tobytes())
        digest.update(np.ascontiguousarray(y.cpu().numpy()).tobytes())
    return digest.hexdigest()


@dataclass
class TrainOrder:
    """One (architecture, seed) to train to `epochs`: what a worker process needs, picklable."""

    arch: str
    seed: int
    epochs: int


class LiveBenchmark:
    """Score architectures by training them on `data`; answers are cached in the table at `cache`.

    Args:
        space: the search space's name (a model builder must exist: nb201, macro, mlp) or a space
            object over such a space (e.g. one restricted to a table's architectures).
        data: the train / validation / test splits (`nasbench.live.data`).
        protocol: the training recipe; fidelities are its epochs 1..`protocol.epochs`.
        seeds: the training seeds a run may draw.
        cache: the cache table (.h5); None keeps answers in memory only.
        device: where to train.
        model_options: the builder's options (e.g. NB201's `channels`, `cells`).
        name: the benchmark's name in results.
        observe: the metric a search observes (`valid_acc`, `valid_bacc`, `valid_loss`, or for regression
            data `valid_loss` (MSE) or `valid_mae`); the data's `task` names the metrics a run records.
        latency: also answer `latency`, milliseconds per forward pass of a batch measured on this machine
            and `device` (`nasbench.live.latency`; per architecture, once, kept in the cache table).
    """

    # False where the "test" split is the validation split the search observes (`nasbench search`'s folds):
    # a real-time run's scores are then not flagged held out
    score_held_out: bool = True

    def __init__(
        self,
        space: str | SearchSpace[Any],
        data: ImageData,
        protocol: Protocol,
        seeds: Sequence[int] = (0,),
        cache: str | Path | None = None,
        device: str = "cpu",
        model_options: dict[str, Any] | None = None,
        name: str | None = None,
        observe: str = "valid_acc",
        latency: bool = False,
    ) -> None:
        self.space = get_space(space) if isinstance(space, str) else space
        self.space_name = self.space.name
        self.model_options = dict(model_options or {})
        check_options(self.space_name, self.model_options)
        self.data, self.protocol, self.device, self.observe = data, protocol, device, observe
        self.task = get_task(data.task)
        if observe not in self.task.curves:
            raise UnknownName(f"expected a metric to observe among {', '.join(self.task.curves)}, got {observe!r}")
        self.seeds = tuple(int(s) for s in seeds)
        if not self.seeds or len(set(self.seeds)) != len(self.seeds):
            raise NasbenchError(f"expected distinct training seeds, got {list(seeds)}")
        self.spec = BuildSpec(self.space_name, data.name, protocol, self.seeds, self.model_options)
        self.name = name or f"live-{self.space_name}"
        self.cache = None if cache is None else Path(cache)
        self.runs: dict[str, dict[int, Run]] = {}  # architecture string -> seed -> its run
        self.counts: dict[str, tuple[float, float]] = {}  # architecture string -> (params M, MFLOPs)
        self.latency = latency
        self.latencies: dict[str, float] = {}  # architecture string -> milliseconds per batch (measured here)
        self.checkpoints: dict[tuple[str, int], Checkpoint] = {}
        self.trained: list[tuple[str, int, int]] = []  # (architecture, seed, epochs) trained by this object
        self._behind: WriteBehind | None = None
        self._lock = threading.Lock()
        if self.cache is not None and self.cache.exists():
            self._load()

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["checkpoints"] = {}  # a worker reads them from disk
        state["_behind"], state["_lock"] = None, None  # a worker never writes the cache
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()

    # -- the public description -------------------------------------------------------------------
    @property
    def score(self) -> str:
        """The metric a result is scored on: the observed one, on test (`valid_bacc` -> `test_bacc`, ...)."""
        return self.observe.replace("valid_", "test_", 1)

    @cached_property
    def data_sha256(self) -> str:
        """SHA-256 of the data the answers come from (the splits)."""
        return data_fingerprint(self.data)

    @cached_property
    def info(self) -> BenchmarkInfo:
        """Fidelities are the protocol's epochs; the search observes validation accuracy, is scored on test."""
        epochs = tuple(range(1, self.protocol.epochs + 1))
        metrics = {}
        for metric, (unit, direction, kind, text) in metric_specs(self.task, self.protocol.recalibrate_bn).items():
            at = (epochs[-1],) if metric in self.task.final else epochs
            metrics[metric] = MetricInfo(metric, unit, direction, text, kind, at)
        metrics["params"] = MetricInfo("params", "M", "minimize", "parameters, millions", "cost", epochs)
        metrics["flops"] = MetricInfo("flops", "MFLOPs", "minimize", "multiply-accumulates, millions", "cost", epochs)
        if self.latency:
            text = f"median ms per forward pass of a batch of {BATCH} on this machine ({self.device}, 1 CPU thread)"
            metrics["latency"] = MetricInfo("latency", "ms", "minimize", text, "cost", epochs)
        size = self.space.size if isinstance(self.space, EnumerableSpace) else 0
        return BenchmarkInfo(
            name=self.name,
            dataset=self.data.name,
            space=self.space_name,
            fidelities=epochs,
            fidelity_unit="epochs",
            seeds=self.seeds,
            metrics=metrics,
            observe=self.observe,
            score=self.score,
            score_fallback=self.observe,
            cost="train_seconds",
            size=size,
        )

    def fidelity_index(self, fidelity: int | None) -> int:
        """Position of `fidelity` among the epochs; an error names the range."""
        if fidelity is None:
            return self.protocol.epochs - 1
        if isinstance(fidelity, bool) or not isinstance(fidelity, int | np.integer):
            raise UnknownName(f"expected a fidelity in 1..{self.protocol.epochs} epochs, got {fidelity!r}")
        if not 1 <= fidelity <= self.protocol.epochs:
            raise UnknownName(f"expected a fidelity in 1..{self.protocol.epochs} epochs, got {fidelity}")
        return int(fidelity) - 1

    def seeds_run(self, arch: Any, fidelity: int | None = None) -> tuple[int, ...]:
        """Every architecture may be trained with any of the benchmark's seeds."""
        return self.seeds

    def candidates(self) -> Candidates:
        """The architectures trained so far (a reference: a search may find better)."""
        archs = [self.space.from_str(a) for a in self.runs]
        return Candidates(archs, len(archs), REFERENCE, f"the {len(archs)} architectures trained on {self.data.name}")

    def optimum(self, metric: str, where: np.ndarray | None = None) -> float:
        """Best full-fidelity seed mean of `metric` among the cached architectures (trains missing seeds)."""
        return best_value(self, metric, where)

    # -- answers --------------------------------------------------------------------------------
    def cached(
        self, arch: Any, fidelity: int | None = None, seed: int | None = None, metrics: Sequence[str] | None = None
    ) -> dict[str, float] | None:
        """The record `query` would give, from the cache alone; None where a run is missing (nothing trains)."""
        text = self.space.to_str(self.space.validate(arch))
        epoch = self.fidelity_index(fidelity) + 1
        seeds = self.seeds if seed is None else (self._check_seed(seed),)
        runs = [self.runs.get(text, {}).get(s) for s in seeds]
        if any(r is None or len(r["train_seconds"]) < epoch for r in runs):
            return None
        return self._record(text, [r for r in runs if r is not None], epoch, metrics)

    def missing(self, arch: Any, fidelity: int | None = None, seed: int | None = None) -> list[TrainOrder]:
        """The training a `query` of these arguments needs: one order per (architecture, seed) not cached so far."""
        text = self.space.to_str(self.space.validate(arch))
        epoch = self.fidelity_index(fidelity) + 1
        orders = []
        for s in self.seeds if seed is None else (self._check_seed(seed),):
            run = self.runs.get(text, {}).get(s)
            if run is None or len(run["train_seconds"]) < epoch:
                orders.append(TrainOrder(text, s, epoch))
        return orders

    def query(
        self, arch: Any, fidelity: int | None = None, seed: int | None = None, metrics: Sequence[str] | None = None
    ) -> dict[str, float]:
        """One record at `fidelity` epochs (None: all), for `seed` (None: the mean over the seeds), training
        what the cache lacks; `train_seconds` is the training time of reaching that epoch."""
        return query_by_training(self, arch, fidelity, seed, metrics)

    def query_many(
        self,
        archs: Sequence[Any] | np.ndarray,
        fidelity: int | None = None,
        seed: int | None = None,
        metrics: Sequence[str] | None = None,
    ) -> pd.DataFrame:
        """`query` for each architecture, one row each (training is per architecture: no vectorisation)."""
        return pd.DataFrame([self.query(a, fidelity, seed, metrics) for a in archs])

    def _check_seed(self, seed: int) -> int:
        if seed not in self.seeds:
            raise UnknownName(f"expected a training seed among {list(self.seeds)}, got {seed!r}")
        return int(seed)

    def _record(self, text: str, runs: list[Run], epoch: int, metrics: Sequence[str] | None) -> dict[str, float]:
        final = self.task.final
        names = [*self.task.curves, *(final if epoch == self.protocol.epochs else ()), "params", "flops"]
        names += ["latency"] if self.latency else []
        if metrics is not None:
            unknown = [m for m in metrics if m not in names]
            if unknown:
                raise UnknownName(f"expected metrics among {', '.join(names)} at {epoch} epochs, got {unknown[0]!r}")
            names = list(metrics)
        params, flops = self.counts[text]
        record = {}
        for name in names:
            if name in ("params", "flops", "latency"):
                record[name] = params if name == "params" else flops if name == "flops" else self.latency_of(text)
                continue
            values = [r[name][-1] if name in final else r[name][epoch - 1] for r in runs]
            # the mean as a table stores it (float32), so a cached answer equals the table's
            record[name] = values[0] if len(values) == 1 else float(np.float32(np.nanmean(values)))
        return record

    def worker_init(self) -> None:
        """Set up a worker process that trains for this benchmark: one thread (processes share the cores)."""
        torch.set_num_threads(1)

    # -- training (may run in a worker process) and the cache (written by the owner only) ----------------
    def train(self, order: TrainOrder) -> tuple[Run, tuple[float, float]]:
        """Train one (architecture, seed) to `order.epochs`, continuing from its checkpoint; touches no cache."""
        key = (order.arch, order.seed)
        checkpoint = self.checkpoints.get(key) or self._read_checkpoint(key)
        if checkpoint is not None and checkpoint.epoch > order.epochs:
            checkpoint = None
        result, after = train_until(
            self.space_name,
            order.arch,
            self.data,
            self.protocol,
            order.seed,
            order.epochs,
            torch.device(self.device),
            checkpoint,
            **self.model_options,
        )
        self.trained.append((order.arch, order.seed, order.epochs))
        if order.epochs < self.protocol.epochs:
            self.checkpoints[key] = after
            self._write_checkpoint(key, after)
        else:
            self.checkpoints.pop(key, None)
        run = {name: [float(v) for v in result.curves[name]] for name in self.task.curves}
        run |= {name: [float(result.test[name])] for name in self.task.final if name in result.test}
        return run, (result.params / 1e6, result.flops / 1e6)

    def add_run(
        self,
        order: TrainOrder,
        outcome: tuple[Run, tuple[float, float]],
        wait: bool = True,
        charged: float | None = None,
    ) -> None:
        """Keep a trained run (from `train`, here or in a worker) and rewrite the cache table atomically.

        `wait=False` writes behind, in a thread (the real-time runner's loop does not wait for the file;
        `flush` does): a rewrite pending when a newer one is asked is replaced by it. `charged`: the wall
        seconds a real-time run charged for this training, kept as the run's `wall_seconds` curve (what a
        resumed run is charged again: `recorded_seconds`).
        """
        run, counts = outcome
        if charged is not None:
            run = {**run, "wall_seconds": _wall_curve(self.runs.get(order.arch, {}).get(order.seed), run, charged)}
        with np.errstate(over="ignore"):  # a diverged run's loss beyond float32 is stored as inf
            stored = {k: [float(np.float32(v)) for v in values] for k, values in run.items()}  # as the table stores
        old = self.runs.get(order.arch, {}).get(order.seed)
        if old is None or len(old["train_seconds"]) < len(stored["train_seconds"]):
            with self._lock:
                self.runs.setdefault(order.arch, {})[order.seed] = stored
        self.counts.setdefault(order.arch, (float(np.float32(counts[0])), float(np.float32(counts[1]))))
        if self.cache is not None and wait:
            self.flush()
            self.write()
        elif self.cache is not None:
            self._writer().request()

    def recorded_seconds(self, arch: Any, seed: int | None, start: int, end: int) -> float:
        """Seconds recorded for training `arch` from epoch `start` (0: from scratch) to `end`, summed over the
        seeds (None: every seed): the run's `wall_seconds` where a real-time run charged them, else its
        training seconds (e.g. a pre-filled table's)."""
        text = self.space.to_str(self.space.validate(arch))
        total = 0.0
        for s in self.seeds if seed is None else (self._check_seed(seed),):
            run = self.runs[text][s]
            curve = run.get("wall_seconds") or run["train_seconds"]
            total += curve[end - 1] - (curve[start - 1] if start else 0.0)
        return total

    def unpaid_seconds(self, order: TrainOrder, reached: int) -> float:
        """Recorded seconds of the epochs `order` continues from (a checkpoint of its cached run) beyond `reached`,
        the epochs the asking run trained itself: what the continuation spares a run that never paid for them."""
        key = (order.arch, order.seed)
        run = self.runs.get(order.arch, {}).get(order.seed)
        have = 0 if run is None else len(run["train_seconds"])
        path = self._checkpoint_path(key)
        if run is None or have <= reached or not (key in self.checkpoints or (path is not None and path.exists())):
            return 0.0  # nothing continued (trained from the start), or only what the run paid for
        curve = run.get("wall_seconds") or run["train_seconds"]
        return curve[have - 1] - (curve[reached - 1] if reached else 0.0)

    def flush(self) -> None:
        """Wait until the cache file holds every run kept (after `add_run(..., wait=False)`)."""
        if self._behind is not None:
            self._behind.flush()

    def _writer(self) -> WriteBehind:
        if self._behind is None:
            self._behind = WriteBehind(self.write)
        return self._behind

    def _checkpoint_path(self, key: tuple[str, int]) -> Path | None:
        if self.cache is None:
            return None
        name = hashlib.sha256(f"{key[0]}#{key[1]}".encode()).hexdigest()[:24]
        return self.cache.with_name(f"{self.cache.name}.checkpoints") / f"{name}.pt"

    def _read_checkpoint(self, key: tuple[str, int]) -> Checkpoint | None:
        path = self._checkpoint_path(key)
        if path is None or not path.exists():
            return None
        try:
            return Checkpoint(**torch.load(path, weights_only=False))
        except (OSError, RuntimeError, EOFError, TypeError):  # a damaged checkpoint: train from the start
            return None

    def _write_checkpoint(self, key: tuple[str, int], checkpoint: Checkpoint) -> None:
        path = self._checkpoint_path(key)
        if path is None:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(path) as tmp:
            torch.save(checkpoint.__dict__, tmp)

    def counts_of(self, text: str) -> tuple[float, float]:
        """(params in M, MFLOPs) of an architecture, computed on the CPU without training."""
        if text not in self.counts:
            model = build_model(self.space_name, text, self.data.num_classes, **self.model_options)
            counts = (count_params(model) / 1e6, count_flops(model, self.data.input_shape) / 1e6)
            self.counts[text] = (float(np.float32(counts[0])), float(np.float32(counts[1])))
        return self.counts[text]

    def cost_floor(self) -> tuple[float, float]:
        """The least (params in M, MFLOPs) of any architecture of the space, counted without training."""
        if self.space_name in CHEAPEST:
            return self.counts_of(CHEAPEST[self.space_name])
        space = get_space(self.space_name)
        assert isinstance(space, EnumerableSpace) and space.size <= COUNTED_WHOLE, self.space_name
        counts = []
        for arch in space.all():  # not kept in `counts`: the cache table lists the architectures trained
            model = build_model(self.space_name, arch, self.data.num_classes, **self.model_options)
            counts.append((count_params(model) / 1e6, count_flops(model, self.data.input_shape) / 1e6))
        low = np.asarray(counts, dtype=np.float32).min(axis=0)
        return float(low[0]), float(low[1])

    def check_costs(self, constraints: Sequence[Constraint]) -> None:
        """Refuse, before anything trains, an upper bound on params or FLOPs that no architecture meets."""
        bounded = [c for c in constraints if c.metric in ("params", "flops") and c.op in ("<=", "<")]
        if not bounded:
            return
        floor = dict(zip(("params", "flops"), self.cost_floor(), strict=True))
        for c in bounded:
            if not c.satisfied(floor[c.metric]):
                raise InfeasibleProblem(
                    f"expected constraints that some architecture meets, got {str(c)!r}: no architecture of "
                    f"{self.space_name} does (the least {c.metric} is {floor[c.metric]:g}, counted without training)"
                )

    def latency_of(self, text: str) -> float:
        """Milliseconds per forward pass of a batch, measured once here on the benchmark's device."""
        if text not in self.latencies:
            from nasbench.live.latency import measure_latency

            model = build_model(self.space_name, text, self.data.num_classes, **self.model_options)
            self.latencies[text] = float(np.float32(measure_latency(model, self.data.input_shape, self.device)))
        return self.latencies[text]

    def write(self) -> None:
        """Rewrite the cache table (atomically) from every run kept."""
        assert self.cache is not None
        from nasbench.live.cache import write_cache

        with self._lock:
            runs = {arch: dict(seeds) for arch, seeds in self.runs.items()}  # a snapshot: runs may grow meanwhile
        write_cache(self, runs)

    def _load(self) -> None:
        from nasbench.live.cache import read_cache

        read_cache(self)


def _wall_curve(old: Run | None, run: Run, charged: float) -> list[float]:
    """The run's cumulative wall seconds per epoch: the old run's up to where it stopped, then `charged`
    spread over the newly trained epochs in proportion to their training seconds."""
    reached = 0 if old is None else len(old["train_seconds"])
    seconds = run["train_seconds"]
    prior = [] if old is None else list(old.get("wall_seconds") or old["train_seconds"])[:reached]
    base, start = (prior[-1], seconds[reached - 1]) if reached else (0.0, 0.0)
    span = seconds[-1] - start
    share = [(t - start) / span if span > 0 else 1.0 for t in seconds[reached:]]
    return prior + [base + charged * f for f in share]


def query_by_training(
    bench: Any, arch: Any, fidelity: int | None, seed: int | None, metrics: Sequence[str] | None
) -> dict[str, float]:
    """`bench.cached(...)` after training what `bench.missing(...)` names (a LiveBenchmark or its folds)."""
    for order in bench.missing(arch, fidelity, seed):
        bench.add_run(order, bench.train(order))
    record = bench.cached(arch, fidelity, seed, metrics)
    assert record is not None
    return record


class WriteBehind:
    """Runs `write` in a thread whenever asked, at most one at a time; asks made meanwhile merge into one."""

    def __init__(self, write: Callable[[], None]) -> None:
        self.write = write
        self.condition = threading.Condition()
        self.pending = False
        self.busy = False
        self.error: BaseException | None = None
        threading.Thread(target=self._loop, name="nasbench-cache-writer", daemon=True).start()

    def request(self) -> None:
        with self.condition:
            self._raise()
            self.pending = True
            self.condition.notify_all()

    def flush(self) -> None:
        with self.condition:
            self.condition.wait_for(lambda: not self.pending and not self.busy)
            self._raise()

    def _raise(self) -> None:
        if self.error is not None:
            error, self.error = self.error, None
            raise error

    def _loop(self) -> None:
        while True:
            with self.condition:
                self.condition.wait_for(lambda: self.pending)
                self.pending, self.busy = False, True
            try:
                self.write()
            except BaseException as err:  # handed to the next request or flush
                self.error = err
            with self.condition:
                self.busy = False
                self.condition.notify_all()
