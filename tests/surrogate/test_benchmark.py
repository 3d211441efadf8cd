"""A surrogate answers like a table: the runner, every strategy and `nasbench.load` use it unchanged."""

from __future__ import annotations

import numpy as np
import pytest

import nasbench
from nasbench.errors import UnknownName
from nasbench.registry import data_dir
from nasbench.runner.simulation import Budget, RunSpec, simulate
from nasbench.strategies import STRATEGIES, get_strategy
from nasbench.surrogate.benchmark import SurrogateBenchmark
from nasbench.surrogate.model import SurrogateFileError, fit_surrogate

SMALL = {"n_estimators": 40}


@pytest.fixture(scope="module")
def bench(c10) -> SurrogateBenchmark:
    return SurrogateBenchmark(fit_surrogate(c10, hyperparameters=SMALL))


def test_query_and_query_many_agree(bench) -> None:
    archs = [bench.space.sample(np.random.default_rng(i)) for i in range(20)]
    frame = bench.query_many(archs)
    for i, arch in enumerate(archs):
        record = bench.query(arch)
        assert record == pytest.approx(frame.iloc[i].drop("arch").to_dict(), rel=1e-6)
        assert bench.query(bench.space.to_str(arch), seed=777) == bench.query(arch, seed=777)
    assert list(frame.columns) == ["valid_acc", "train_seconds", "arch"]  # the strings, as a table's query_many
    assert frame["arch"].tolist() == [bench.space.to_str(a) for a in archs]
    assert bench.query_many(np.array([0, 7]))["arch"].tolist() == [
        bench.space.to_str(bench.space.arch(i)) for i in (0, 7)
    ]
    assert bench.query(archs[0], metrics=["train_seconds"]).keys() == {"train_seconds"}


def test_description_matches_the_table(bench, c10) -> None:
    info = bench.info
    assert info.fidelities == (200,) and info.observe == "valid_acc" and info.cost == "train_seconds"
    assert info.seeds == c10.info.seeds and info.size == 15625
    assert info.metrics["valid_acc"].direction == "maximize"
    assert bench.seeds_run(bench.space.arch(0)) == c10.info.seeds


def test_other_fidelities_and_metrics_are_named(bench) -> None:
    with pytest.raises(UnknownName, match="predicts fidelity 200 .* only, not 12"):
        bench.query(bench.space.arch(0), fidelity=12)
    with pytest.raises(UnknownName, match="does not predict 'test_acc'; it predicts: valid_acc, train_seconds"):
        bench.query(bench.space.arch(0), metrics=["test_acc"])


@pytest.mark.parametrize("strategy", [s for s in STRATEGIES if not get_strategy(s).multi_objective])
def test_every_strategy_runs_on_a_surrogate(bench, strategy: str) -> None:
    spec = RunSpec(
        bench_name="nb201",
        dataset="cifar10-valid",
        strategy=strategy,
        run=0,
        budget=Budget.parse("12evals"),
        workers=2,
        estimator="surrogate",
    )
    frame = simulate(spec, bench)
    assert len(frame) == 12 and frame["estimator"].eq("surrogate").all()
    assert np.isfinite(frame["incumbent_score"]).all()
    again = simulate(spec, bench)
    assert frame.equals(again)


def test_load_finds_the_shipped_surrogates() -> None:
    # the least held-out tau each card reports; digits: 500 trained classes, 400 to fit on (card: 0.576)
    for name, dataset, tau in (
        ("nb201", "cifar10-valid", 0.87),
        ("nb101", "cifar10", 0.7),
        ("accel", "imagenet", 0.9),
        ("nb201-digits", "digits", 0.5),
    ):
        bench = nasbench.load(name, dataset=dataset, estimator="surrogate")
        record = bench.query(bench.space.sample(np.random.default_rng(0)))
        assert np.isfinite(record[bench.info.observe])
        assert bench.surrogate.meta["card"]["surrogate"]["kendall_tau"] > tau


def test_load_names_what_is_missing() -> None:
    with pytest.raises(UnknownName, match="no surrogate for nb201/cifar100 .* shipped: .*nb201-cifar10-valid"):
        nasbench.load("nb201", dataset="cifar100", estimator="surrogate")
    with pytest.raises(UnknownName, match="unknown estimator 'model'; available: table, surrogate"):
        nasbench.load("nb201", estimator="model")


def test_records_hold_the_hardware_metrics_only_when_named() -> None:
    accel, table = nasbench.load("accel", estimator="surrogate"), nasbench.load("accel")
    arch = table.space.sample(np.random.default_rng(3))
    defaults = ["val_top1", "train_seconds", "val_top5", "params", "macs"]
    assert list(accel.query(arch)) == defaults == list(accel.query_many([arch]).columns)[:-1]  # then "arch"
    assert set(defaults) == set(table.query(arch))
    named = accel.query(arch, seed=1, metrics=["throughput:a100", "val_top1"])
    assert list(named) == ["throughput:a100", "val_top1"]
    every = accel.surrogate.draw([arch], 1)
    assert named == {m: float(every[m][0]) for m in named}  # predicted alone, the same values
    assert accel.query(arch, seed=1)["val_top1"] == named["val_top1"]


def test_a_surrogate_file_of_another_benchmark_is_refused(tmp_path, monkeypatch) -> None:
    (tmp_path / "surrogates").mkdir()
    shipped = data_dir() / "surrogates" / "nb201-digits.json"
    (tmp_path / "surrogates" / "nb201-cifar10-valid.json").write_bytes(shipped.read_bytes())
    monkeypatch.setenv("NASBENCH_DATA", str(tmp_path))
    with pytest.raises(SurrogateFileError, match="a surrogate of nb201-digits/digits, not of nb201/cifar10-valid"):
        nasbench.load("nb201", dataset="cifar10-valid", estimator="surrogate")
