"""MO and constrained search on surrogates: exact fronts on small spaces, reference fronts on large ones."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import nasbench
from nasbench.errors import InvalidArchitecture
from nasbench.problem.front import (
    EXACT,
    REFERENCE,
    FrontTracker,
    InfeasibleProblem,
    candidates,
    check_feasible,
    compute_true_front,
)
from nasbench.problem.objectives import parse_problem
from nasbench.registry import data_dir, load_table
from nasbench.results import ResultsFolder
from nasbench.runner.compare import compare
from nasbench.surrogate.benchmark import SurrogateBenchmark
from nasbench.surrogate.model import fit_surrogate

SMALL = {"n_estimators": 40}


def brute_front(maximized: np.ndarray, minimized: np.ndarray) -> set[int]:
    """Indices no other index beats: at least as good in both, strictly better in one."""
    keep = set()
    for start in range(0, len(maximized), 1000):
        a, b = maximized[start : start + 1000, None], minimized[start : start + 1000, None]
        no_worse = (maximized[None, :] >= a) & (minimized[None, :] <= b)
        better = (maximized[None, :] > a) | (minimized[None, :] < b)
        keep |= {start + i for i in np.flatnonzero(~(no_worse & better).any(axis=1))}
    return keep


@pytest.fixture(scope="module")
def nb201(c10) -> SurrogateBenchmark:
    return SurrogateBenchmark(fit_surrogate(c10, ensemble=1, hyperparameters=SMALL))


@pytest.fixture(scope="module")
def accel() -> SurrogateBenchmark:
    table = nasbench.load("accel")
    surrogate = fit_surrogate(table, extra_metrics=["throughput:a100"], ensemble=1, hyperparameters=SMALL)
    return SurrogateBenchmark(surrogate, table=table.table.path)  # its reference candidates: the trained networks


def test_nb201_front_is_exact_over_every_surrogate_prediction(nb201) -> None:
    problem = parse_problem("valid_acc,train_seconds", None, nb201.info)
    front = compute_true_front(nb201, problem)
    predicted = nb201.surrogate.predict(list(nb201.space.all()))
    assert len(predicted["valid_acc"]) == 15625
    assert set(front.rows.tolist()) == brute_front(predicted["valid_acc"], predicted["train_seconds"])
    assert front.kind == EXACT and "all 15,625 architectures" in front.description
    assert np.array_equal(front.values[:, 0], predicted["valid_acc"][front.rows].astype(float))
    tracker = FrontTracker(front)
    for arch in (nb201.space.arch(int(i)) for i in front.rows):
        record = nb201.query(arch, metrics=problem.metrics)  # what the runner scores a run by
        tracker.add(np.array([record[m] for m in problem.metrics]))
    assert tracker.attainment == 1.0 and tracker.regret == pytest.approx(0.0, abs=1e-12)


def test_nb201_query_many_takes_space_indices(nb201) -> None:
    rows = np.array([0, 7, 15624])
    by_index = nb201.query_many(rows)
    by_arch = nb201.query_many([nb201.space.arch(int(i)) for i in rows])
    assert by_index.equals(by_arch)
    with pytest.raises(InvalidArchitecture, match="expected indices in 0..15624"):
        nb201.query_many(np.array([15625]))


def test_accel_reference_front_is_over_the_trained_networks(accel) -> None:
    found = candidates(accel)
    strings = load_table("accel", "imagenet").table.archs()
    assert found.kind == REFERENCE and found.size == len(strings) == 5125
    assert [accel.space.to_str(a) for a in found.select] == strings
    problem = parse_problem("val_top1,throughput:a100", None, accel.info)
    front = compute_true_front(accel, problem)
    predicted = accel.surrogate.predict(found.select)
    assert set(front.rows.tolist()) == brute_front(predicted["val_top1"], -predicted["throughput:a100"])
    assert front.kind == REFERENCE and "5,125 trained networks of accel/imagenet" in front.description
    with pytest.raises(InvalidArchitecture, match="too large to enumerate"):
        accel.query_many(np.array([0]))


def test_beyond_a_reference_front_regret_is_negative(accel) -> None:
    problem = parse_problem("val_top1,throughput:a100", None, accel.info)
    front = compute_true_front(accel, problem)
    tracker = FrontTracker(front)
    tracker.add(front.values[0])
    assert tracker.regret > 0 and tracker.attainment == 1 / len({tuple(p) for p in front.points.tolist()})
    tracker.add(np.array([front.values[:, 0].max() + 1, front.values[:, 1].max() * 2]))  # dominates the front
    assert tracker.regret < 0


def test_infeasible_constraints_are_refused_naming_where_they_were_checked(accel, nb201) -> None:
    impossible = parse_problem(None, ["throughput:a100>=1e9"], accel.info)
    with pytest.raises(InfeasibleProblem, match=r"checked on the 5,125 trained networks\)$"):
        check_feasible(accel, impossible)
    cheap = parse_problem(None, ["train_seconds<=1"], nb201.info)
    with pytest.raises(InfeasibleProblem, match=r"no architecture of nb201/cifar10-valid .*train_seconds spans") as err:
        check_feasible(nb201, cheap)
    assert "trained networks" not in str(err.value)
    seconds = nb201.surrogate.predict(list(nb201.space.all()))["train_seconds"]
    bound = float(np.median(seconds))
    feasible = parse_problem(None, [f"train_seconds<={bound}"], nb201.info)
    assert check_feasible(nb201, feasible) == int((seconds.astype(float) <= bound).sum())


@pytest.fixture(scope="module")
def data(tmp_path_factory, accel, nb201) -> Path:
    """A data folder with the real tables and small surrogates, so the CLI loads them by name."""
    folder = tmp_path_factory.mktemp("data")
    for name in ("accel", "nb201"):
        (folder / f"{name}.h5").symlink_to(data_dir() / f"{name}.h5")
    accel.surrogate.save(folder / "surrogates" / "accel-imagenet.json")
    nb201.surrogate.save(folder / "surrogates" / "nb201-cifar10-valid.json")
    return folder


def nasbench_cli(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NASBENCH_DATA": str(data)}
    return subprocess.run(
        [sys.executable, "-m", "nasbench.cli", *args], capture_output=True, text=True, env=env, timeout=300
    )


ACCEL = ["compare", "--bench", "accel", "--estimator", "surrogate", "--objectives", "val_top1,throughput:a100"]


@pytest.mark.slow
def test_accel_accuracy_against_throughput_through_the_cli(data, tmp_path) -> None:
    out, again = tmp_path / "out", tmp_path / "again"
    for folder in (out, again):
        args = [*ACCEL, "--strategies", "mo-rs,nsga2", "--runs", "2", "--budget", "30evals", "--out", str(folder)]
        result = nasbench_cli(data, *args, "--quiet")
        assert result.returncode == 0, result.stderr
    settings = json.loads((out / "comparison.json").read_text())
    assert settings["front"] == "reference: surrogate predictions over the 5,125 trained networks of accel/imagenet"
    runs = sorted((out / "runs").glob("*/*.parquet"))
    assert len(runs) == 4
    for path in runs:  # byte-identical on repeat
        assert path.read_bytes() == (again / path.relative_to(out)).read_bytes()
    report = nasbench_cli(data, "report", str(out), "--out", str(tmp_path / "report"))
    assert report.returncode == 0, report.stderr
    index = (tmp_path / "report" / "index.md").read_text()
    assert "reference front: surrogate predictions over the 5,125 trained networks" in index
    assert "negative regret = beyond them" in index and "--estimator surrogate" in index
    assert (tmp_path / "report" / "pareto_fronts.png").exists()
    assert (tmp_path / "report" / "final_hv_regret.csv").exists()


def test_accel_infeasible_constraint_through_the_cli(data, tmp_path) -> None:
    args = [*ACCEL, "--strategies", "mo-rs", "--runs", "1", "--budget", "5evals", "--out", str(tmp_path / "x")]
    args += ["--constraint", "throughput:a100>=1e9"]
    result = nasbench_cli(data, *args)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "checked on the 5,125 trained networks" in result.stderr


def test_nb201_surrogate_comparison_records_an_exact_front(data, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("NASBENCH_DATA", str(data))
    out = tmp_path / "out"
    compare(
        bench="nb201",
        dataset="cifar10-valid",
        strategies=["mo-rs", "nsga2"],
        runs=2,
        budget="25evals",
        out=str(out),
        quiet=True,
        estimator="surrogate",
        objectives="valid_acc,train_seconds",
    )
    settings = json.loads((out / "comparison.json").read_text())
    assert settings["front"] == "exact: surrogate predictions over all 15,625 architectures"
    frame = ResultsFolder(out).load()
    assert (frame["hv_regret"] >= 0).all() and frame["attainment"].between(0, 1).all()
