"""The adapters add little (issue 17, Speed): `objective_function` ≤ 2x `query` per call.

Both loop over the same 1,000 NAS-Bench-201 architectures (as architecture objects for
`query`, as plain-dict configurations for `objective_function`), so both pay the same
loop and the same cache misses of the table. Also measured, not checked: a ConfigSpace
`Configuration` instead of a dict, and a configuration seen for the first time (the
decoding cache cleared before each round). The ratio is checked only when timings are
enabled (`tox -e bench`); the minimum of the rounds is compared, the least disturbed one.
"""

from __future__ import annotations

import ConfigSpace as CS
import numpy as np
import pytest

import nasbench
from nasbench.adapters.config_space import configspace, encoding, to_config
from nasbench.adapters.objective import objective_function

BENCH = nasbench.load("nb201", dataset="cifar10-valid")
ARCHS = [BENCH.space.arch(int(i)) for i in np.random.default_rng(0).permutation(15625)[:1000]]
CONFIGS = [to_config(BENCH, a) for a in ARCHS]
SPACE = configspace(BENCH)
CONFIGURATIONS = [CS.Configuration(SPACE, values=c) for c in CONFIGS]
ROUNDS = {"rounds": 100, "iterations": 1, "warmup_rounds": 5}
MINIMA: dict[str, float] = {}


def _queries() -> list[dict[str, float]]:
    return [BENCH.query(a, 200) for a in ARCHS]


def _objectives(configs: list) -> list[dict]:
    return [objective_function(BENCH, c, 200) for c in configs]


def _record(benchmark, key: str) -> float | None:
    if benchmark.disabled:
        return None
    MINIMA[key] = benchmark.stats.stats.min / len(ARCHS)
    print(f"{key}: {MINIMA[key] * 1e6:.2f} µs per call")
    return MINIMA[key]


@pytest.mark.benchmark(group="objective_function vs query")
def test_query(benchmark) -> None:
    records = benchmark.pedantic(_queries, **ROUNDS)
    assert records[0] == BENCH.query(ARCHS[0], 200)
    _record(benchmark, "query")


@pytest.mark.benchmark(group="objective_function vs query")
def test_objective_function(benchmark) -> None:
    results = benchmark.pedantic(_objectives, args=(CONFIGS,), **ROUNDS)
    assert [r["info"] for r in results] == _queries()
    ours = _record(benchmark, "objective_function")
    if ours is not None and "query" in MINIMA:
        print(f"objective_function / query = {ours / MINIMA['query']:.2f}")
        assert ours <= 2 * MINIMA["query"]


@pytest.mark.benchmark(group="objective_function vs query")
def test_objective_function_configuration(benchmark) -> None:
    results = benchmark.pedantic(_objectives, args=(CONFIGURATIONS,), **ROUNDS)
    assert [r["info"] for r in results] == _queries()
    _record(benchmark, "objective_function (Configuration)")


@pytest.mark.benchmark(group="objective_function vs query")
def test_objective_function_first_sight(benchmark) -> None:
    def cleared() -> tuple[tuple, dict]:
        encoding(BENCH)._cache.clear()
        return (CONFIGS,), {}

    results = benchmark.pedantic(_objectives, setup=cleared, rounds=30, warmup_rounds=2)
    assert [r["info"] for r in results] == _queries()
    _record(benchmark, "objective_function (first sight)")
