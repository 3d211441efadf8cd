"""The report's look: a fixed colour and marker per strategy, legends that are never clipped."""

from __future__ import annotations

from matplotlib import image

from nasbench.report.style import figure, legend, look, ordered, styled
from nasbench.report.writer import _save


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
