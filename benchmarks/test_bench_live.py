"""Live training speed on this CPU (issue 7): seconds per digits epoch of a NAS-Bench-201 network at the
published size, one process with one thread against two processes with one thread each, as
`nasbench build-table --jobs 1 / 2` runs them. A timed run is 2 epochs of the `digits-12` optimiser
(with its batch-norm re-estimation and validation pass), then the test pass: per epoch, divide by 2.
Issue 18: the real-time runner's overhead per evaluation besides training, and one cache rewrite."""

from __future__ import annotations

import multiprocessing
import time
import uuid
from pathlib import Path
from typing import Any

import pytest

torch = pytest.importorskip("torch")

from nasbench.live.benchmark import LiveBenchmark, TrainOrder  # noqa: E402
from nasbench.live.build import BuildSpec, _task, _worker_init, run_one  # noqa: E402
from nasbench.live.data import load_digits  # noqa: E402
from nasbench.live.train import get_protocol  # noqa: E402
from nasbench.runner.realtime import run_realtime  # noqa: E402
from nasbench.runner.simulation import Budget, RunSpec  # noqa: E402

pytestmark = pytest.mark.slow
ARCHS = {
    "all-conv3x3": "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|",
    "mixed": "|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|",
    "pool-skip": "|avg_pool_3x3~0|+|skip_connect~0|avg_pool_3x3~1|+|skip_connect~0|avg_pool_3x3~1|skip_connect~2|",
}
SPEC = BuildSpec("nb201", "digits", get_protocol("digits-12", "digits", 2), (0,))


@pytest.fixture(scope="module")
def pool():
    """Two spawned workers of one thread each, started and warm (dataset loaded) before any timing."""
    with multiprocessing.get_context("spawn").Pool(2, initializer=_worker_init) as workers:
        workers.map(_task, [(SPEC, ARCHS["pool-skip"], 0, 0, None)] * 2)
        yield workers


@pytest.mark.parametrize("name", list(ARCHS))
@pytest.mark.benchmark(group="live: a 2-epoch digits run, 1 process x 1 thread")
def test_one_process(benchmark, name: str) -> None:
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        record = benchmark.pedantic(run_one, args=(SPEC, ARCHS[name], 0, None), rounds=3, warmup_rounds=1)
    finally:
        torch.set_num_threads(threads)
    assert len(record["valid_acc"]) == 2


@pytest.mark.parametrize("name", list(ARCHS))
@pytest.mark.benchmark(group="live: two 2-epoch digits runs at once, 2 processes x 1 thread")
def test_two_processes(benchmark, pool, name: str) -> None:
    tasks = [(SPEC, ARCHS[name], 0, seed, None) for seed in (0, 1)]
    results = benchmark.pedantic(pool.map, args=(_task, tasks), rounds=3, warmup_rounds=0)
    assert [position for _, position, _ in results] == [0, 0] and len(results) == 2


class Replayed(LiveBenchmark):
    """A LiveBenchmark whose `train` answers with one real run recorded beforehand: a timed search then
    measures everything but training (strategy, runner, cache bookkeeping, the cache file written behind)."""

    recorded: Any = None

    def train(self, order: TrainOrder) -> Any:
        return self.recorded


def _replayed(folder: Path, recorded: Any) -> Replayed:
    bench = Replayed("nb201", load_digits(), SPEC.protocol, (0,), folder / f"{uuid.uuid4().hex}.h5")
    bench.recorded = recorded
    return bench


@pytest.mark.benchmark(group="live: real-time runner overhead per evaluation (all but training), 50 evaluations")
def test_live_runner_overhead_per_evaluation(benchmark, tmp_path: Path) -> None:
    """Issue 18's target: at most 50 ms per evaluation besides training (re on NB201, a growing cache)."""
    recorded = LiveBenchmark("nb201", load_digits(), SPEC.protocol, model_options={"channels": 2, "cells": 1}).train(
        TrainOrder(ARCHS["mixed"], 0, SPEC.protocol.epochs)
    )
    spec = RunSpec(bench_name="live", dataset="digits", strategy="re", run=0, budget=Budget.parse("50evals"))

    def search() -> float:
        bench = _replayed(tmp_path, recorded)
        start = time.perf_counter()
        frame = run_realtime(spec, bench)  # ends with the cache flushed: every write is counted
        assert len(frame) == 50
        return (time.perf_counter() - start) / 50

    per_evaluation = benchmark.pedantic(search, rounds=3, warmup_rounds=1)
    assert per_evaluation <= 0.05


@pytest.mark.benchmark(group="live: one synchronous rewrite of a 50-architecture cache table")
def test_cache_rewrite(benchmark, tmp_path: Path) -> None:
    """What the writer thread spends per finished evaluation, overlapping training (not in the loop above)."""
    bench = _replayed(tmp_path, None)
    recorded = LiveBenchmark("nb201", load_digits(), SPEC.protocol, model_options={"channels": 2, "cells": 1}).train(
        TrainOrder(ARCHS["mixed"], 0, SPEC.protocol.epochs)
    )
    space = bench.space
    for index in range(50):
        bench.add_run(TrainOrder(space.to_str(space.arch(index * 97)), 0, SPEC.protocol.epochs), recorded, wait=False)
    bench.flush()
    benchmark.pedantic(bench.write, rounds=5, warmup_rounds=1)
