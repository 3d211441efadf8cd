"""The figure functions: panels, lines and consistent colours."""

from __future__ import annotations

import pandas as pd
import pytest
from matplotlib import image

from nasbench.report.plots import anytime_plot, cd_diagram, rank_plot
from nasbench.report.ranks import rank_test
from nasbench.report.style import figure, legend, look, ordered, styled
from nasbench.report.writer import _save, load_results
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


def test_colours_are_fixed_per_strategy() -> None:
    assert look("re") == look("re") and look("re")["color"] != look("rs")["color"]
    assert (
        len({look(s)["color"] for s in ("rs", "re", "reinforce", "ls", "bananas", "gp-bo", "sh", "hyperband", "bohb")})
        == 9
    )


def test_every_registered_strategy_has_its_own_colour_and_marker() -> None:
    from nasbench.strategies import STRATEGIES

    names = sorted(STRATEGIES)
    assert len({(look(s)["color"], look(s)["marker"]) for s in names}) == len(names)
    assert len({look(s)["color"] for s in names}) == len(names)  # RS and MO-RS were both black
    assert len({look(s)["marker"] for s in names}) == len(names)


@styled
def _legend_figure(strategies: list[str]):
    fig, axes = figure(1)
    axes[0].plot([0, 1], [0, 1])
    legend(fig, strategies, per_panel=3, n=dict.fromkeys(strategies, "n=100/100"))
    return fig


def test_legends_are_never_clipped(tmp_path) -> None:
    from nasbench.strategies import STRATEGIES

    fig = _legend_figure(ordered(STRATEGIES))
    fig.canvas.draw()
    width = fig.legends[0].get_window_extent().width / fig.dpi  # inches
    assert width > fig.get_figwidth()  # wider than the panel: a plain save would cut it
    _save(fig, tmp_path, "legend")
    saved = image.imread(tmp_path / "legend.png").shape[1] / 200  # inches at the saved 200 dpi
    assert saved >= width


def test_single_and_multi_objective_strategies_keep_their_looks_in_one_figure(frame) -> None:
    mixed = pd.concat([frame, frame[frame["strategy"] == "rs"].assign(strategy="mo-rs")], ignore_index=True)
    fig = anytime_plot(mixed, x="evals")
    colours = {}
    for line in fig.axes[0].get_lines():
        colours.setdefault(line.get_color(), set()).add(line.get_marker())
    assert look("rs")["color"] in colours and look("mo-rs")["color"] in colours
    assert look("rs")["color"] != look("mo-rs")["color"] and look("re")["color"] != look("nsga2")["color"]
