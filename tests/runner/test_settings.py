"""The comparison's settings object, held-out scoring, fair budgets, transfer scores and run-file checks."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import FrozenInstanceError
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from nasbench.errors import NasbenchError
from nasbench.results import ResultsError, ResultsFolder
from nasbench.runner.compare import run_comparison
from nasbench.runner.settings import Comparison
from nasbench.runner.simulation import Budget, RunSpec, simulate

BASE = {"bench": "nb201", "strategies": ("rs",), "runs": 1, "budget": "20000s"}


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "nasbench.cli", *args], capture_output=True, text=True, timeout=300, env={**os.environ}
    )


def test_settings_are_frozen_keyword_only_and_round_trip(tmp_path) -> None:
    with pytest.raises(TypeError):
        Comparison("nb201", ("rs",), "20000s")  # type: ignore[misc]
    with pytest.raises(TypeError):
        RunSpec("nb201", "cifar10-valid", "rs", 0, Budget.parse("3evals"))  # type: ignore[misc]
    comparison = Comparison(**{**BASE, "hyperparameters": {"rs": {}}})
    with pytest.raises(FrozenInstanceError):
        comparison.runs = 3  # type: ignore[misc]
    outcome = run_comparison(comparison, out=str(tmp_path), quiet=True)
    again = Comparison.from_record(outcome.folder.read_settings())
    assert again == Comparison(**{**BASE, "dataset": "cifar10-valid", "hyperparameters": {"rs": {}}})


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"overhead_seconds": -1}, "expected overhead_seconds a finite number of at least 0, got -1"),
        ({"overhead_seconds": float("nan")}, "finite number"),
        ({"root_seed": -1}, "expected seed of at least 0, got -1"),
        ({"root_seed": 1.5}, "expected seed as an integer"),
        ({"runs": True}, "expected runs as an integer"),
        ({"strategies": ("rs", "rs")}, "expected distinct strategies"),
        ({"strategies": ()}, "expected at least one of strategies"),
        ({"hyperparameters": {"rs": {"x": float("inf")}}}, "expected a finite number for rs.x"),
        ({"budget": "99999999999999999999evals"}, "at most 200,000 evaluations"),
        ({"budget": "200000evals"}, "expected at most 156,250 evaluations per run on nb201/cifar10-valid"),
        ({"budget": "1s"}, "expected a budget that affords one evaluation"),
        ({"strategies": ("rs", "hyperband"), "budget": "50evals"}, "expected a time budget"),
        ({"transfer_to": ("cifar10-valid",)}, "other than the searched one"),
        ({"transfer_to": ("mnist",)}, "unknown dataset 'mnist'"),
        ({"pin_fidelity": True}, "expected a --fidelity to pin"),
    ],
)
def test_a_refused_setting_writes_nothing(tmp_path, change: dict, message: str) -> None:
    out = tmp_path / "out"
    with pytest.raises(NasbenchError, match=message):
        run_comparison(out=str(out), quiet=True, **{**BASE, **change})
    assert not out.exists()


def test_cli_refusal_then_corrected_rerun(tmp_path) -> None:
    out = str(tmp_path / "out")
    args = ["compare", "--bench", "nb201", "--strategies", "rs", "--runs", "1", "--budget", "20000s", "--out", out]
    for bad in (["--overhead-seconds", "-1"], ["--seed", "-1"], ["--set", "rs.x=NaN"]):
        result = cli(*args, *bad)
        assert result.returncode == 2 and result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
        assert not Path(out).exists()
    first = cli(*args, "--quiet")
    assert first.returncode == 0, first.stderr
    assert "1 runs done, 0 reused" in first.stdout and "best by median final score: rs" in first.stdout
    assert f"next: nasbench report {out} --out {out}/report" in first.stdout
    second = cli(*args, "--quiet")
    assert "1/1 runs already done" in second.stdout
    assert "NaN" not in (Path(out) / "comparison.json").read_text()


def test_compare_help_lists_strategies_benchmarks_and_an_example() -> None:
    from nasbench.strategies import STRATEGIES

    text = cli("compare", "--help").stdout
    assert all(f" {name}," in text or f" {name} " in text for name in STRATEGIES)  # the list kept up to date
    from nasbench.registry import list_benchmarks

    assert all(bench["name"] in text for bench in list_benchmarks())
    assert "nasbench list" in text and "example:" in text and "--stat" in text


def test_compare_report_accepts_stat(tmp_path) -> None:
    out = str(tmp_path / "out")
    result = cli(
        "compare", "--bench", "nb201", "--strategies", "rs,re", "--runs", "2", "--budget", "20000s",
        "--out", out, "--quiet", "--report", "--stat", "mean",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "report in" in result.stdout


def test_a_damaged_data_page_behind_an_intact_footer_is_named(tmp_path) -> None:
    folder = run_comparison(out=str(tmp_path), quiet=True, **{**BASE, "runs": 2}).folder
    path = folder.run_path("rs", 1)
    metadata = pq.read_metadata(path)
    chunk = metadata.row_group(0).column(metadata.schema.names.index("observed"))
    middle = (chunk.dictionary_page_offset or chunk.data_page_offset) + chunk.total_compressed_size // 2
    data = bytearray(path.read_bytes())
    data[middle : middle + 16] = bytes(16)  # inside one column's pages, far from the footer
    path.write_bytes(bytes(data))
    pq.read_metadata(path)  # the footer still reads: only the content shows the damage
    with pytest.raises(ResultsError, match=f"{path} is damaged"):
        run_comparison(out=str(tmp_path), quiet=True, **{**BASE, "runs": 2})
    with pytest.raises(ResultsError, match=str(path)):
        ResultsFolder(tmp_path).load()


def run_frame(c10, strategy: str, run: int, **extra) -> pd.DataFrame:
    spec = RunSpec(
        bench_name="nb201", dataset="cifar10-valid", strategy=strategy, run=run, budget=Budget.parse("400000s"), **extra
    )
    return simulate(spec, c10)


def test_a_long_time_budget_stops_at_the_evaluation_bound(c10, monkeypatch) -> None:
    from nasbench.runner import simulation

    monkeypatch.setattr(simulation, "MAX_EVALUATIONS", 50)
    with pytest.raises(NasbenchError, match="at most 50 evaluations per run"):
        run_frame(c10, "rs", 0)


def inflation(c10, strategy: str, runs: int) -> tuple[list[float], list[float]]:
    """Per run: the final score minus a fixed never-observed seed's value, under the held-out rule and the
    old rule (the seed mean, observed seeds included)."""
    new, old = [], []
    rng = np.random.default_rng(7)
    for run in range(runs):
        frame = run_frame(c10, strategy, run)
        last = frame.iloc[-1]
        arch = last["incumbent"]
        observed = set(frame.loc[(frame["arch"] == arch) & (frame["fidelity"] == 200), "query_seed"])
        seeds = [s for s in c10.seeds_run(c10.space.parse(arch), 200) if s not in observed]
        assert bool(last["incumbent_held_out"]) == bool(seeds)
        if seeds:  # one of them, drawn independently of the search (seed positions are not exchangeable)
            fixed = c10.query(arch, fidelity=200, seed=seeds[int(rng.integers(len(seeds)))])["valid_acc"]
            new.append(last["incumbent_score"] - fixed)
            old.append(c10.query(arch, fidelity=200)["valid_acc"] - fixed)
    return new, old


def test_held_out_scoring_removes_the_selection_inflation(c10) -> None:
    """Against a fixed never-observed seed of each final incumbent, the held-out score has no bias
    (within 3 standard errors); the seed mean with the observed seed (the old rule) is inflated."""
    new, old = [], []
    for strategy in ("rs", "re", "ls", "hyperband"):
        more = inflation(c10, strategy, 40)
        new += more[0]
        old += more[1]
    se = np.std(new, ddof=1) / np.sqrt(len(new))
    assert len(new) > 140 and abs(np.mean(new)) < 3 * se
    assert np.mean(old) > 3 * np.std(old, ddof=1) / np.sqrt(len(old))  # the old rule: inflated


def test_a_table_without_held_out_data_is_flagged(tmp_path) -> None:
    folder = run_comparison(
        out=str(tmp_path), quiet=True, bench="nb101", strategies=("rs",), runs=1, budget="20evals"
    ).folder
    frame = folder.load()
    assert not frame["incumbent_held_out"].any()
    assert "no held-out data" in folder.read_settings()["scoring"]


def test_transfer_scores_are_the_other_datasets_seed_means(tmp_path) -> None:
    import nasbench

    folder = run_comparison(
        out=str(tmp_path), quiet=True, **{**BASE, "runs": 2, "transfer_to": ("cifar100", "imagenet16-120")}
    ).folder
    frame = folder.load()
    for dataset in ("cifar100", "imagenet16-120"):
        other = nasbench.load("nb201", dataset=dataset)
        for _, row in frame.iloc[::7].iterrows():
            assert row[f"transfer_{dataset}"] == other.query(row["incumbent"], fidelity=200)["valid_acc"]


def test_pinned_fidelity_answers_every_rung_at_that_fidelity(c10) -> None:
    frame = run_frame(c10, "bohb", 0, fidelity=12, pin_fidelity=True)
    assert set(frame["fidelity"]) == {12}
    costs = frame["cost"].to_numpy()
    expected = [c10.query(a, fidelity=12)["train_seconds"] for a in frame["arch"]]
    assert np.array_equal(costs, expected)
