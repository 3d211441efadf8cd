"""Live training speed on this CPU (issue 7): seconds per digits epoch of a NAS-Bench-201 network at the
published size, one process with one thread against two processes with one thread each, as
`nasbench build-table --jobs 1 / 2` runs them. A timed run is 2 epochs of the `digits-12` optimiser
(with its batch-norm re-estimation and validation pass), then the test pass: per epoch, divide by 2."""

from __future__ import annotations

import multiprocessing

import pytest

torch = pytest.importorskip("torch")

from nasbench.live.build import BuildSpec, _task, _worker_init, run_one  # noqa: E402
from nasbench.live.train import get_protocol  # noqa: E402

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
