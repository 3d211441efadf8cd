"""Surrogate speed (issue 5 targets): fit on all of NAS-Bench-201 under 30 s on 2 cores, predict 100,000
architectures under 1 s, load a saved surrogate under 200 ms; and one query on the shipped surrogates."""

from __future__ import annotations

import numpy as np
import pytest

import nasbench
from nasbench.registry import surrogate_path
from nasbench.surrogate.model import fit_surrogate, load_surrogate


@pytest.fixture(scope="module")
def c10():
    return nasbench.load("nb201", dataset="cifar10-valid")


@pytest.mark.benchmark(group="surrogate: fit on all 15,625 NB201 architectures")
def test_fit(benchmark, c10) -> None:
    benchmark.pedantic(fit_surrogate, args=(c10,), rounds=3, warmup_rounds=0)
    if not benchmark.disabled:
        assert benchmark.stats.stats.median < 30


@pytest.mark.parametrize("name", ["nb201-cifar10-valid", "nb101-cifar10", "accel-imagenet"])
@pytest.mark.benchmark(group="surrogate: load a shipped file")
def test_load(benchmark, name: str) -> None:
    bench, _, dataset = name.partition("-")
    path = surrogate_path(bench, dataset)
    benchmark.pedantic(load_surrogate, args=(path,), rounds=10, warmup_rounds=1)
    if not benchmark.disabled:
        assert benchmark.stats.stats.median < 0.2


@pytest.mark.parametrize(("name", "dataset"), [("nb201", "cifar10-valid"), ("nb101", "cifar10"), ("accel", "imagenet")])
@pytest.mark.benchmark(group="surrogate: predict 100,000 random architectures (every metric)")
def test_predict_100k(benchmark, name: str, dataset: str) -> None:
    surrogate = nasbench.load(name, dataset=dataset, estimator="surrogate").surrogate
    rng = np.random.default_rng(0)
    archs = [surrogate.space.sample(rng) for _ in range(100_000 if name != "nb101" else 20_000)]
    benchmark.pedantic(surrogate.predict, args=(archs,), rounds=3, warmup_rounds=1)
    if not benchmark.disabled and name == "nb201":  # the target; accel predicts 13 metrics, nb101 20,000
        assert benchmark.stats.stats.median < 1.0


@pytest.mark.benchmark(group="surrogate: one query (new architecture each time)")
def test_query(benchmark) -> None:
    bench = nasbench.load("accel", dataset="imagenet", estimator="surrogate")
    rng = np.random.default_rng(0)
    archs = iter([bench.space.sample(rng) for _ in range(20_000)])
    benchmark.pedantic(lambda: bench.query(next(archs)), rounds=2000, warmup_rounds=10)
