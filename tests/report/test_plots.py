"""The figure functions: panels, lines and consistent colours."""

from __future__ import annotations

import pandas as pd
import pytest

from nasbench.report.plots import anytime_plot, cd_diagram, rank_plot
from nasbench.report.ranks import rank_test
from nasbench.report.style import look
from nasbench.report.writer import load_results
from nasbench.runner.compare import compare


@pytest.fixture(scope="module")
def frame(tmp_path_factory) -> pd.DataFrame:
    out = tmp_path_factory.mktemp("plots")
    compare(
        bench="nb201",
        dataset="cifar10-valid",
        strategies=["rs", "re"],
        runs=3,
        budget="30evals",
        out=str(out / "a"),
        quiet=True,
    )
    compare(
        bench="nb201",
        dataset="imagenet16-120",
        strategies=["rs", "re"],
        runs=3,
        budget="30evals",
        out=str(out / "b"),
        quiet=True,
    )
    return load_results([out / "a", out / "b"])[0]


def test_one_panel_per_dataset_one_line_per_strategy(frame) -> None:
    for x in ("time", "evals"):
        fig = anytime_plot(frame, x=x)
        assert [ax.get_title() for ax in fig.axes] == ["cifar10-valid", "imagenet16-120"]
        colours = [line.get_color() for line in fig.axes[0].get_lines() if line.get_label()[:1] != "_"]
        assert look("rs")["color"] in colours and look("re")["color"] in colours
        assert "interquartile" in fig._suptitle.get_text()
        assert fig.axes[0].get_xlabel() in ("simulated wall-clock (s)", "evaluations")


def test_regret_uses_log_axes(frame) -> None:
    fig = anytime_plot(
        frame, y="regret", stat="mean", optimum={"cifar10-valid": (91.61, True), "imagenet16-120": (46.73, True)}
    )
    assert fig.axes[0].get_yscale() == "log" and fig.axes[0].get_xscale() == "log"
    assert "bootstrap" in fig._suptitle.get_text()


def test_rank_plot_and_cd_diagram(frame) -> None:
    fig = rank_plot(frame)
    assert fig.axes[0].get_ylim()[0] > fig.axes[0].get_ylim()[1]  # rank 1 at the top
    tasks = frame.groupby(["dataset", "strategy"])["incumbent_score"].median().unstack("strategy")
    cd = cd_diagram(rank_test(tasks, ["rs", "re"], True, method="wilcoxon"))
    assert "Wilcoxon" in cd._suptitle.get_text() and "over 2 tasks" in cd._suptitle.get_text()
    assert "Nemenyi" in cd_diagram(rank_test(tasks, ["rs", "re"], True))._suptitle.get_text()


def test_single_and_multi_objective_strategies_keep_their_looks_in_one_figure(frame) -> None:
    mixed = pd.concat([frame, frame[frame["strategy"] == "rs"].assign(strategy="mo-rs")], ignore_index=True)
    fig = anytime_plot(mixed, x="evals")
    colours = {}
    for line in fig.axes[0].get_lines():
        colours.setdefault(line.get_color(), set()).add(line.get_marker())
    assert look("rs")["color"] in colours and look("mo-rs")["color"] in colours
    assert look("rs")["color"] != look("mo-rs")["color"] and look("re")["color"] != look("nsga2")["color"]


def test_a_median_score_curve_counts_runs_without_an_incumbent_as_worst_also_when_lower_is_better() -> None:
    import numpy as np

    # fcnet's valid_loss is minimised: a run that has no incumbent yet is the worst, +inf, not -inf
    ends, scores = [10.0, 20.0, 30.0, 40.0], [0.5, 0.4, 0.3, 0.2]
    frame = pd.DataFrame(
        {
            "benchmark": "fcnet",
            "dataset": "protein_structure",
            "score_metric": "valid_loss",
            "strategy": "rs",
            "run": range(4),
            "eval": 0,
            "end": ends,
            "incumbent_score": scores,
        }
    )
    fig = anytime_plot(frame, x="time")
    line = next(li for li in fig.axes[0].get_lines() if len(li.get_xdata()) > 1)  # the median line
    grid, median = np.asarray(line.get_xdata()), np.asarray(line.get_ydata())
    three = (grid >= 30.0) & (grid < 40.0)  # three runs have an incumbent: 0.5, 0.4, 0.3; the fourth is worst
    assert three.any() and np.allclose(median[three], 0.45)
