"""The zero-cost benchmark: fidelity 0 answers a proxy at its declared cost; `--estimator zero-cost:<proxy>`."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import nasbench
from nasbench.benchmark.zero_cost import ZeroCostBenchmark
from nasbench.errors import NasbenchError, UnknownName
from nasbench.tables.format import read_table
from tests.conftest import CELLS


def test_fidelity_zero_answers_the_proxy_at_the_declared_cost(zc: ZeroCostBenchmark) -> None:
    assert zc.info.fidelities == (0, 12, 200) and zc.info.size == CELLS and zc.info.metrics["synflow"].maximize
    arch = zc.space.sample(np.random.default_rng(0))
    record = zc.query(arch, 0, metrics=["valid_acc", "train_seconds"])
    assert record == {"valid_acc": zc.values[zc.space.to_str(arch)], "train_seconds": 2.5}
    assert zc.query(arch, 200) == zc.bench.query(arch, 200)
    assert zc.candidates().size == CELLS and zc.optimum("valid_acc") <= zc.bench.optimum("valid_acc")


def test_a_proxy_or_space_that_does_not_fit_is_refused(zc: ZeroCostBenchmark) -> None:
    table = read_table(zc.table_path, "gaussian")
    with pytest.raises(UnknownName, match="expected a proxy of"):
        ZeroCostBenchmark(zc.bench, table, "seconds:synflow")
    with pytest.raises(NasbenchError, match="expected a proxy table of macro"):
        ZeroCostBenchmark(nasbench.load("macro"), table, "synflow")


def test_the_zero_cost_estimator_opens_the_proxy_table_beside_the_table(data_with_proxies: Path) -> None:
    bench = nasbench.load("nb201", "cifar100", estimator="zero-cost:params")
    assert isinstance(bench, ZeroCostBenchmark) and bench.info.fidelities[0] == 0 and bench.info.dataset == "cifar100"
    with pytest.raises(UnknownName, match="expected a proxy of"):
        nasbench.load("nb201", estimator="zero-cost:magic")
    (data_with_proxies / "nb201-proxies.h5").unlink()
    with pytest.raises(UnknownName, match="expected a proxy table .*nb201-proxies.h5 for --estimator zero-cost:params"):
        nasbench.load("nb201", estimator="zero-cost:params")
