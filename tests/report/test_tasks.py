"""Tasks in a report, on real comparisons: NAS-Bench-101's and NAS-Bench-Macro's `cifar10` are two tasks (their
runs never pooled, each with its own optimum), and a live comparison's one-shot and black-box runs are one."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from matplotlib import pyplot as plt

from nasbench.cli.main import main
from nasbench.report.analysis import analyses, within_tasks
from nasbench.report.final import final_table
from nasbench.report.optimum import optima, optimum
from nasbench.report.plots import anytime_plot
from nasbench.report.tasks import task_names, with_tasks
from nasbench.report.writer import load_results, write_report
from nasbench.runner.compare import compare


@pytest.fixture(scope="module")
def cifar10(tmp_path_factory) -> list[Path]:
    """rs and re on NAS-Bench-101's cifar10 (accuracy as a fraction) and on NAS-Bench-Macro's (in %)."""
    out = tmp_path_factory.mktemp("cifar10")
    for bench in ("nb101", "macro"):
        compare(
            bench=bench,
            dataset="cifar10",
            strategies=["rs", "re"],
            runs=3,
            budget="10evals",
            out=str(out / bench),
            quiet=True,
        )
    return [out / "nb101", out / "macro"]


def _finals(folder: Path) -> pd.Series:
    """Per strategy, the mean of its runs' last incumbent scores, from the run files themselves."""
    runs = pd.concat(pd.read_parquet(p) for p in sorted((folder / "runs").glob("*/*.parquet")))
    last = runs.sort_values(["strategy", "run", "eval"]).groupby(["strategy", "run"]).tail(1)
    return last.groupby("strategy")["incumbent_score"].mean()


def test_a_task_is_named_by_its_dataset_unless_two_benchmarks_share_it() -> None:
    names = task_names([("nb101", "cifar10"), ("macro", "cifar10"), ("nb201", "cifar100"), ("nb101", "cifar10")])
    assert names == {
        ("macro", "cifar10"): "macro/cifar10",
        ("nb101", "cifar10"): "nb101/cifar10",
        ("nb201", "cifar100"): "cifar100",
    }
    rows = pd.DataFrame({"benchmark": ["nb201", "nb201"], "dataset": ["cifar100", "cifar10-valid"]})
    assert list(with_tasks(rows)["task"]) == ["cifar100", "cifar10-valid"]  # one benchmark: names as before


@pytest.mark.slow
def test_two_benchmarks_sharing_a_dataset_are_two_tasks_each_with_its_own_optimum(cifar10, tmp_path: Path) -> None:
    write_report(cifar10, tmp_path)
    final = pd.read_csv(tmp_path / "final.csv").query("checkpoint == 'final'")
    assert sorted(set(final["dataset"])) == ["macro/cifar10", "nb101/cifar10"]
    for folder in cifar10:
        cells = final[final["dataset"] == f"{folder.name}/cifar10"].set_index("strategy")
        assert list(cells["n"]) == [3, 3]  # never 6: the other benchmark's runs stay out
        for strategy, mean in _finals(folder).items():
            assert cells.loc[strategy, "mean"] == pytest.approx(mean)
    tests = pd.read_csv(tmp_path / "tests.csv")
    assert sorted(tests["task"]) == ["macro/cifar10", "nb101/cifar10"] and set(tests["n_a"]) == {3}
    best = optima(load_results(cifar10)[0])
    assert best == {
        "nb101/cifar10": optimum("nb101", "cifar10", "valid_acc"),
        "macro/cifar10": optimum("macro", "cifar10", "test_acc"),
    }
    assert best["nb101/cifar10"][0] < 1 < best["macro/cifar10"][0]  # a fraction and a percentage: never one optimum
    index = (tmp_path / "index.md").read_text()
    assert f"macro/cifar10 {best['macro/cifar10'][0]:.2f}, nb101/cifar10 {best['nb101/cifar10'][0]:.2f}" in index
    assert "only 2 tasks" in index


def test_strategies_on_two_benchmarks_sharing_a_dataset_are_never_tested_against_each_other(tmp_path: Path) -> None:
    for bench, strategy in (("nb101", "rs"), ("macro", "re")):
        compare(
            bench=bench,
            dataset="cifar10",
            strategies=[strategy],
            runs=2,
            budget="5evals",
            out=str(tmp_path / bench),
            quiet=True,
        )
    frame, settings = load_results([tmp_path / "nb101", tmp_path / "macro"])
    table = final_table(frame)
    assert sorted(zip(table["dataset"], table["strategy"], table["n"], strict=True)) == [
        ("macro/cifar10", "re", 2),
        ("nb101/cifar10", "rs", 2),
    ]
    assert sorted(s["task"] for s in settings) == ["macro/cifar10", "nb101/cifar10"]
    (analysis,) = analyses(frame, {task: up for task, (_, up) in optima(frame).items()})
    assert all(not test.pairs for test in within_tasks(analysis))  # rs on one benchmark, re on another: no test
    figure = anytime_plot(frame, "evals")
    panels = {ax.get_title(): ax.get_ylabel() for ax in figure.axes if ax.get_title()}
    assert panels == {
        "macro/cifar10": "test_acc of incumbent (%)",
        "nb101/cifar10": "valid_acc of incumbent (fraction)",
    }
    plt.close(figure)


@pytest.mark.slow
def test_a_live_comparison_is_one_task_with_its_one_shot_and_black_box_runs(tmp_path: Path) -> None:
    torch = pytest.importorskip("torch")
    live, table = tmp_path / "live", tmp_path / "table"
    argv = ["compare", "--estimator", "live", "--bench", "nb201", "--dataset", "digits", "--strategies", "darts,rs"]
    argv += ["--runs", "2", "--budget", "2evals", "--epochs", "1", "--channels", "2", "--cells", "1", "--quiet"]
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        assert main([*argv, "--out", str(live)]) == 0
    finally:
        torch.set_num_threads(threads)
    frame, _ = load_results([live])
    assert set(frame["task"]) == {"digits"} and set(frame["strategy"]) == {"darts", "rs"}
    compare(
        bench="nb201-digits", dataset="digits", strategies=["rs"], runs=2, budget="2evals", out=str(table), quiet=True
    )
    frame, settings = load_results([live, table])
    cache = f"{live / 'cache.h5'}/digits"  # the live comparison's benchmark is its cache table
    assert sorted(s["task"] for s in settings) == sorted([cache, "nb201-digits/digits"])
    final = final_table(frame)
    assert sorted(zip(final["dataset"], final["strategy"], strict=True)) == sorted(
        [(cache, "darts"), (cache, "rs"), ("nb201-digits/digits", "rs")]
    )
    best = optima(frame)
    (analysis,) = analyses(frame, {task: up for task, (_, up) in best.items()})
    pairs = {test.task: [(a, b) for a, b, *_ in test.pairs] for test in within_tasks(analysis)}
    assert pairs == {cache: [("rs", "darts")], "nb201-digits/digits": []}
    assert set(best) == {cache, "nb201-digits/digits"}
