"""Proxy-guided search: the zero-cost benchmark (fidelity 0) and `re-zc` / `bananas-zc` through the runner."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import nasbench
from nasbench.benchmark.zero_cost import ZeroCostBenchmark
from nasbench.errors import NasbenchError, UnknownName
from nasbench.proxies.build import ProxySpec, build_proxy_table
from nasbench.proxies.inputs import BatchSpec
from nasbench.runner.simulation import Budget, RunSpec, simulate
from nasbench.tables.format import read_table

CELLS = 40


@pytest.fixture(scope="module")
def zc(tmp_path_factory: pytest.TempPathFactory) -> ZeroCostBenchmark:
    spec = ProxySpec("nb201", ("synflow", "params"), BatchSpec("gaussian", 4, 4), 0, {"channels": 2, "cells": 1})
    path = Path(tmp_path_factory.mktemp("zc")) / "nb201-proxies.h5"
    build_proxy_table(spec, path, limit=CELLS, quiet=True)
    return ZeroCostBenchmark(nasbench.load("nb201", "cifar10-valid"), read_table(path, "gaussian"), "synflow", 2.5)


def _run(bench: object, strategy: str, budget: str, seed: int = 0, workers: int = 1, **hp: object) -> pd.DataFrame:
    import json

    spec = RunSpec(
        bench_name="nb201", dataset="cifar10-valid", strategy=strategy, run=0, budget=Budget.parse(budget),
        root_seed=seed, workers=workers, hyperparameters=json.dumps(hp, sort_keys=True),
    )  # fmt: skip
    return simulate(spec, bench)  # type: ignore[arg-type]


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


def test_re_zc_starts_from_the_proxys_best(zc: ZeroCostBenchmark) -> None:
    frame = _run(zc, "re-zc", "30000s", warmup=20, population_size=5)
    warm, rest = frame.iloc[:20], frame.iloc[20:]
    assert (warm["fidelity"] == 0).all() and (warm["cost"] == 2.5).all()
    assert (rest["fidelity"] == 200).all() and len(rest) > 5
    scores = dict(zip(warm["arch"], warm["observed"], strict=True))
    best = sorted(scores, key=lambda a: -scores[a])[:5]
    assert rest["arch"].iloc[:5].tolist() == best
    pd.testing.assert_frame_equal(frame, _run(zc, "re-zc", "30000s", warmup=20, population_size=5))
    plain = _run(zc.bench, "re-zc", "30000s", warmup=20, population_size=5)  # no fidelity 0: plain `re`
    assert (plain["fidelity"] == 200).all()
    assert frame["arch"].tolist() != _run(zc, "re-zc", "30000s", seed=1, warmup=20, population_size=5)["arch"].tolist()


def test_bananas_zc_scores_every_architecture_it_trains(zc: ZeroCostBenchmark) -> None:
    hp = {"initial_samples": 4, "candidates": 10, "batch_size": 3, "epochs": 5, "ensemble_size": 2}
    frame = _run(zc, "bananas-zc", "40evals", **hp)
    scored = set(frame.loc[frame["fidelity"] == 0, "arch"])
    trained = frame.loc[frame["fidelity"] == 200, "arch"]
    assert len(trained) >= 7 and set(trained[:-1]) <= scored  # the last one's proxy may still be queued
    pd.testing.assert_frame_equal(frame, _run(zc, "bananas-zc", "40evals", **hp))
    parallel = _run(zc, "bananas-zc", "40evals", workers=4, **hp)
    assert len(parallel) == 40 and parallel["worker"].nunique() == 4


@pytest.mark.parametrize(("name", "base"), [("re-zc", "re"), ("bananas-zc", "bananas")])
def test_without_a_zero_cost_fidelity_each_is_its_base_strategy(name: str, base: str) -> None:
    from nasbench.strategies import get_strategy

    plain = nasbench.load("nb201", "cifar10-valid")

    def trajectory(strategy: str) -> list[str]:
        hp = {"epochs": 5} if base == "bananas" else {}
        search, seen = get_strategy(strategy)(plain.space, plain.info, np.random.default_rng(0), **hp), []
        for _ in range(12):
            arch, fidelity = search.ask()
            search.tell(arch, fidelity, plain.query(arch, fidelity, metrics=[plain.info.observe]))
            seen.append(plain.space.to_str(arch))
        return seen

    assert trajectory(name) == trajectory(base)


@pytest.fixture
def data_with_proxies(zc: ZeroCostBenchmark, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    import shutil

    from nasbench.registry import data_dir

    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "nb201.h5").symlink_to(data_dir() / "nb201.h5")
    shutil.copy(zc.table_path, folder / "nb201-proxies.h5")
    monkeypatch.setenv("NASBENCH_DATA", str(folder))
    return folder


def test_the_zero_cost_estimator_opens_the_proxy_table_beside_the_table(data_with_proxies: Path) -> None:
    bench = nasbench.load("nb201", "cifar100", estimator="zero-cost:params")
    assert isinstance(bench, ZeroCostBenchmark) and bench.info.fidelities[0] == 0 and bench.info.dataset == "cifar100"
    with pytest.raises(UnknownName, match="expected a proxy of"):
        nasbench.load("nb201", estimator="zero-cost:magic")
    (data_with_proxies / "nb201-proxies.h5").unlink()
    with pytest.raises(UnknownName, match="expected a proxy table .*nb201-proxies.h5 for --estimator zero-cost:params"):
        nasbench.load("nb201", estimator="zero-cost:params")


def test_compare_runs_the_zero_cost_strategies_from_the_command_line(
    data_with_proxies: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from nasbench.cli.main import main

    argv = [
        "compare",
        "--bench",
        "nb201",
        "--estimator",
        "zero-cost:synflow",
        "--strategies",
        "re,re-zc",
        "--runs",
        "1",
    ]
    assert main([*argv, "--budget", "10evals", "--out", str(tmp_path / "a"), "--quiet"]) == 2
    assert "expected a time budget" in capsys.readouterr().err
    assert main([*argv, "--budget", "20000s", "--set", "re-zc.warmup=10", "--out", str(tmp_path / "b"), "--quiet"]) == 0
    runs = pd.concat(pd.read_parquet(p) for p in sorted((tmp_path / "b").rglob("*.parquet")))
    assert (runs["fidelity"] == 0).sum() == 10 and (runs["fidelity"] == 200).any()
