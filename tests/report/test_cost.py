"""The cost table: per-run means of simulated wall-clock, evaluations, training and charged optimizer time."""

from __future__ import annotations

import pandas as pd

from nasbench.report.cost import cost_markdown, cost_table


def frame() -> pd.DataFrame:
    rows = [  # (strategy, run, eval, end, cost)
        ("re", 0, 0, 100.0, 100.0),
        ("re", 0, 1, 350.0, 250.0),
        ("rs", 0, 0, 120.0, 120.0),
        ("rs", 0, 1, 200.0, 80.0),
        ("rs", 0, 2, 300.0, 100.0),
        ("rs", 1, 0, 1000.0, 900.0),
    ]
    table = pd.DataFrame(rows, columns=["strategy", "run", "eval", "end", "cost"])
    return table.assign(dataset="c10")


def test_means_per_run_by_hand() -> None:
    table = cost_table(frame(), {("c10", "rs"): 2.0})
    assert table["strategy"].tolist() == ["rs", "re"]  # the report's strategy order, not the alphabet
    rs, re = (table[table["strategy"] == s].iloc[0] for s in ("rs", "re"))
    assert (rs["runs"], rs["wall_clock_s"], rs["evaluations"], rs["training_s"]) == (2, 650.0, 2.0, 600.0)
    assert rs["optimizer_s"] == (2.0 * 3 + 2.0 * 1) / 2  # overhead per proposal x evaluations, averaged
    assert (re["runs"], re["wall_clock_s"], re["evaluations"], re["training_s"], re["optimizer_s"]) == (
        1,
        350.0,
        2.0,
        350.0,
        0.0,
    )


def test_markdown_rounds_and_names_the_strategies() -> None:
    lines = cost_markdown(cost_table(frame(), {("c10", "rs"): 2.0})).splitlines()
    assert lines[0].startswith("| dataset | strategy | runs | simulated wall-clock (s) |")
    assert lines[2:] == [
        "| c10 | Random search | 2 | 650 | 2.0 | 600 | 4.0 |",
        "| c10 | Reg. evolution | 1 | 350 | 2.0 | 350 | 0.0 |",
    ]
