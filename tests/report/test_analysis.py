"""Which value each analysis ranks: single-objective runs by score, multi-objective runs by hypervolume regret."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from nasbench.report.analysis import across_tasks, analyses, task_label, task_scores, within_tasks


def runs(dataset: str, finals: dict[str, list[float]], hv: bool = False) -> pd.DataFrame:
    """Two evaluations per run; the second holds the final value (or hypervolume regret)."""
    rows = []
    for strategy, values in finals.items():
        for run, value in enumerate(values):
            for evaluation, v in enumerate((np.nan if hv else value - 1.0, value)):
                rows.append((dataset, strategy, run, evaluation, np.nan if hv else v, v if hv else np.nan))
    columns = ["dataset", "strategy", "run", "eval", "incumbent_score", "hv_regret"]
    return pd.DataFrame(rows, columns=columns).assign(benchmark="nb201")


def test_single_and_multi_objective_rows_are_analysed_apart() -> None:
    single = runs("c10", {"rs": [90.0, 91.0], "re": [92.0, 93.0]})
    multi = runs("c100", {"nsga2": [0.1, 0.2], "mo-rs": [0.3, 0.4]}, hv=True)
    multi.loc[multi["eval"] == 0, "hv_regret"] = 0.5
    found = analyses(pd.concat([single, multi], ignore_index=True), {"c10": True, "c100": True})
    assert [(a.suffix, a.y, a.what) for a in found] == [
        ("", "incumbent_score", "final score"),
        ("_hv", "hv_regret", "final hypervolume regret"),
    ]
    assert found[0].strategies == ["rs", "re"] and found[1].strategies == ["mo-rs", "nsga2"]
    assert found[1].maximize == {"c10": False, "c100": False}  # regret: lower is better everywhere
    assert analyses(single, {"c10": True})[0].rows.equals(single) and len(analyses(single, {"c10": True})) == 1


def test_task_scores_are_signed_so_that_higher_is_better() -> None:
    frame = pd.concat(
        [
            runs("c10", {"rs": [90.0, 92.0, 97.0], "re": [93.0, 94.0, 95.0]}),
            runs("lat", {"rs": [3.0, 5.0, 4.0], "re": [2.0, 9.0, 1.0]}),
        ]
    )
    analysis = analyses(frame, {"c10": True, "lat": False})[0]
    scores = task_scores(analysis, "median")
    assert list(scores.index) == [task_label("nb201", "c10"), "nb201/lat"]
    assert scores.loc["nb201/c10"].to_dict() == {"re": 94.0, "rs": 92.0}
    assert scores.loc["nb201/lat"].to_dict() == {"re": -2.0, "rs": -4.0}  # minimized: negated medians
    assert task_scores(analysis, "mean").loc["nb201/c10", "rs"] == pytest.approx(93.0)


def test_tests_within_and_across_tasks() -> None:
    better = {"rs": [90.0, 90.5, 91.0, 90.2, 90.7], "re": [93.0, 93.5, 94.0, 93.2, 93.7]}
    analysis = analyses(runs("c10", better), {"c10": True})[0]
    (within,) = within_tasks(analysis)
    # complete separation of 5 and 5 runs: exact two-sided Mann-Whitney p = 2 / C(10, 5) = 2/252; one pair, Holm = p
    assert within.task == "nb201/c10" and within.counts == {"rs": 5, "re": 5}
    assert within.pairs == [("rs", "re", pytest.approx(2 / 252), pytest.approx(2 / 252))]
    assert across_tasks(analysis, "median", "nemenyi") is None  # one task: no ranks across tasks
    two = analyses(pd.concat([runs("c10", better), runs("c100", better)]), {"c10": True, "c100": True})[0]
    assert across_tasks(two, "median", "nemenyi") is None  # two tasks: ranks across them are not meaningful
    tasks = {"c10": True, "c100": True, "in16": True}
    three = analyses(pd.concat([runs(task, better) for task in tasks]), tasks)[0]
    ranks = across_tasks(three, "median", "nemenyi")
    assert ranks is not None and ranks.blocks == 3 and ranks.average_ranks == {"rs": 2.0, "re": 1.0}
