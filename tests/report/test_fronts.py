"""Multi-objective report panels on a small real comparison: fronts, hypervolume regret, the regret table."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib import image

import nasbench
from nasbench.errors import NasbenchError
from nasbench.problem.front import table_values
from nasbench.problem.pareto import non_dominated
from nasbench.report.fronts import attained, front_plot, median_run, multi_objective_rows, settings
from nasbench.report.writer import load_results, write_report
from nasbench.runner.compare import compare


@pytest.fixture(scope="module")
def results(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("mo")
    compare(
        bench="nb201",
        dataset="cifar10-valid",
        strategies=["mo-rs", "nsga2"],
        runs=5,
        budget="40evals",
        out=str(out),
        quiet=True,
        objectives="valid_acc,latency:pixel3",
        constraints=["latency:raspi4<=30"],
    )
    return out


@pytest.fixture(scope="module")
def report(results, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("mo-report")
    write_report([results], out)
    return out


def test_multi_objective_figures_and_tables(report) -> None:
    for name in ("pareto_fronts", "hv_regret_evals", "hv_regret_time", "true_front_found", "anytime_evals"):
        for extension in ("png", "svg", "pdf"):
            assert (report / f"{name}.{extension}").stat().st_size > 5_000
        height, width, _ = image.imread(report / f"{name}.png").shape
        assert 400 < width < 1600 and 200 < height < 1200
    index = (report / "index.md").read_text()
    assert "## Multi-objective: hypervolume regret" in index and "![pareto fronts](pareto_fronts.png)" in index
    assert "reference point (the table's nadir): valid_acc" in index and "subject to latency:raspi4<=30" in index
    assert "--objectives valid_acc,latency:pixel3" in index and "--constraint 'latency:raspi4<=30'" in index
    assert (report / "final_hv_regret.tex").read_text().startswith("\\begin{tabular}")
    assert "## Multi-objective: additive epsilon indicator" in index and "valid_acc 9.712 %" in index
    assert "## Constraints" in index and "| MO random search | " in index.split("## Constraints")[1]
    assert "(best meeting latency:raspi4<=30)" in index


def test_epsilon_table_equals_the_runs_final_epsilon(results, report) -> None:
    frame = pd.concat(pd.read_parquet(p) for p in sorted((results / "runs").glob("*/*.parquet")))
    final = pd.read_csv(report / "final_epsilon.csv").query("checkpoint == 'final'").set_index("strategy")
    for strategy, group in frame[frame["eval"] == 39].groupby("strategy"):
        assert final.loc[strategy, "mean"] == pytest.approx(group["epsilon"].mean()) and final.loc[strategy, "n"] == 5
        assert (group["epsilon"] > 0).all()


def test_three_objectives_get_the_first_against_each_other(tmp_path) -> None:
    out = tmp_path / "three"
    compare(
        bench="nb201",
        dataset="cifar10-valid",
        strategies=["mo-rs"],
        runs=2,
        budget="15evals",
        out=str(out),
        quiet=True,
        objectives="valid_acc,latency:pixel3,params",
    )
    frame, _ = load_results([out])
    rows = multi_objective_rows(frame)
    figure = front_plot(rows, settings(rows))
    labels = [(ax.get_ylabel(), ax.get_xlabel()) for ax in figure.axes]
    assert labels == [("valid_acc (%)", "latency:pixel3 (ms)"), ("valid_acc (%)", "params (M)")]
    assert "2-D projections" in figure.get_suptitle()


def test_regret_table_equals_an_independent_computation(results, report) -> None:
    frame = pd.concat(pd.read_parquet(p) for p in sorted((results / "runs").glob("*/*.parquet")))
    table = pd.read_csv(report / "final_hv_regret.csv")
    final = table[table["checkpoint"] == "final"].set_index("strategy")
    for strategy, group in frame[frame["eval"] == 39].groupby("strategy"):
        assert final.loc[strategy, "mean"] == pytest.approx(group["hv_regret"].mean())
        assert final.loc[strategy, "n"] == 5
    assert "**" in (report / "final_hv_regret.md").read_text()


def test_fronts_and_median_run(results) -> None:
    frame, _ = load_results([results])
    rows = multi_objective_rows(frame)
    fronts = settings(rows)
    setting = fronts["cifar10-valid"]
    c10 = nasbench.load("nb201", dataset="cifar10-valid")
    raspi = table_values(c10, ["latency:raspi4"])[setting.truth.rows, 0]
    assert (raspi <= 30).all() and len(setting.values) == len(setting.truth.rows)
    group = rows[rows["strategy"] == "nsga2"]
    finals = group.sort_values("eval").groupby("run")["hv_regret"].last().sort_values()
    assert finals.loc[median_run(group)] == finals.iloc[2]
    points = attained(group[group["run"] == 0], 2)
    assert len(points) == group[(group["run"] == 0) & group["feasible"]].shape[0]
    assert non_dominated(points * setting.truth.loss_sign).any()


def test_folders_of_different_problems_on_one_dataset_are_refused(results, tmp_path) -> None:
    other = tmp_path / "other"
    compare(
        bench="nb201",
        dataset="cifar10-valid",
        strategies=["mo-re"],
        runs=1,
        budget="5evals",
        out=str(other),
        quiet=True,
        objectives="valid_acc,params",
    )
    with pytest.raises(NasbenchError, match=r"solve different problems on cifar10-valid \(valid_acc,latency:pixel3 "):
        load_results([results, other])  # once, one front silently stood for both


def test_single_objective_results_have_no_multi_objective_rows(tmp_path) -> None:
    out = tmp_path / "so"
    compare(
        bench="nb201", dataset="cifar10-valid", strategies=["rs"], runs=2, budget="10evals", out=str(out), quiet=True
    )
    frame, _ = load_results([out])
    assert multi_objective_rows(frame).empty
    write_report([out], tmp_path / "report")
    assert not (tmp_path / "report" / "pareto_fronts.png").exists()
    assert np.isfinite(frame["incumbent_score"]).all()


def test_regret_of_a_constrained_search_is_against_the_best_feasible_architecture() -> None:
    from nasbench.report.optimum import optimum

    c10 = nasbench.load("nb201", dataset="cifar10-valid")
    values = table_values(c10, ["valid_acc", "latency:raspi4"])
    best, maximize = optimum("nb201", "cifar10-valid", "valid_acc", "latency:raspi4<=10")
    assert maximize and best == values[values[:, 1] <= 10, 0].max() < values[:, 0].max()
    assert optimum("nb201", "cifar10-valid", "valid_acc")[0] == values[:, 0].max()


def test_multi_objective_runs_are_ranked_and_tested_by_hypervolume_regret(results, report) -> None:
    from scipy import stats

    frame = pd.concat(pd.read_parquet(p) for p in sorted((results / "runs").glob("*/*.parquet")))
    final = frame[frame["eval"] == 39].set_index("strategy")["hv_regret"]
    tests = pd.read_csv(report / "tests_hv.csv")
    expected = stats.mannwhitneyu(final.loc["mo-rs"], final.loc["nsga2"], alternative="two-sided").pvalue
    assert tests["mann_whitney_p"].tolist() == [pytest.approx(expected)] and tests["n_a"].tolist() == [5]
    assert not (report / "tests.csv").exists()  # never by the single observed metric
    assert (report / "ranks_hv_time.png").exists() and not (report / "ranks_time.png").exists()
    index = (report / "index.md").read_text()
    assert "## Tests within each task: final hypervolume regret" in index
