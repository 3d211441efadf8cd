"""Run counts: empty runs named, fewer runs than asked for and unequal counts stated in words."""

from __future__ import annotations

import pandas as pd

from nasbench.report.counts import count_notes, empty_runs, run_counts


def frame(runs: dict[str, int]) -> pd.DataFrame:
    rows = [(s, r, 0) for s, n in runs.items() for r in range(n)]
    return pd.DataFrame(rows, columns=["strategy", "run", "eval"]).assign(dataset="c10")


def test_empty_runs_are_the_run_files_without_rows(tmp_path) -> None:
    for name in ("runs/rs/0.parquet", "runs/rs/1.parquet", "runs/re/0.parquet"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).touch()
    assert empty_runs(tmp_path, frame({"rs": 1, "re": 1})) == [str(tmp_path / "runs/rs/1.parquet")]
    assert empty_runs(tmp_path, frame({"rs": 2, "re": 1})) == []


def test_equal_counts_give_no_note() -> None:
    data = frame({"rs": 3, "re": 3})
    assert run_counts(data).to_dict() == {("c10", "re"): 3, ("c10", "rs"): 3}
    assert count_notes(data, [{"dataset": "c10", "strategies": ["rs", "re"], "runs": 3}]) == []


def test_missing_empty_and_unequal_runs_are_each_stated() -> None:
    setting = {"dataset": "c10", "strategies": ["re", "rs"], "runs": 3, "empty_runs": ["runs/re/2.parquet"]}
    assert count_notes(frame({"rs": 3, "re": 2}), [setting]) == [
        "1 run(s) with no evaluation, left out of every number: runs/re/2.parquet",
        "Reg. evolution on c10: 2 runs with evaluations, the settings ask for 3",
        "run counts differ (Random search on c10 3, Reg. evolution on c10 2); every table and figure gives n",
    ]


def test_runs_ending_without_a_scored_incumbent_are_stated() -> None:
    # e.g. no evaluation met the constraints: the final table and the tests leave such runs out, so say so
    data = pd.concat([frame({"rs": 3, "re": 3}), frame({"rs": 3}).assign(eval=1)], ignore_index=True)
    data["incumbent_score"] = 90.0
    data.loc[(data["strategy"] == "rs") & (data["run"] == 1) & (data["eval"] == 1), "incumbent_score"] = float("nan")
    setting = {"dataset": "c10", "strategies": ["rs", "re"], "runs": 3}
    assert count_notes(data, [setting]) == [
        "Random search on c10: 1 of 3 runs end without a scored incumbent (no feasible evaluation, or no finite "
        "held-out value), left out of the final table and the tests"
    ]
