"""Cost per strategy: simulated wall-clock, evaluations, and the optimizer overhead charged.

Owns the cost table only. The optimizer overhead is what the runner charged by its
declared model (overhead seconds per proposal, from the comparison's settings); the
host's clock never enters results.
"""

from __future__ import annotations

import pandas as pd

from nasbench.report.style import LABELS, ordered
from nasbench.report.tasks import TASK, with_tasks


def cost_table(frame: pd.DataFrame, overhead_seconds: dict[tuple[str, str], float]) -> pd.DataFrame:
    """Per (task, strategy): runs, and mean simulated wall-clock, evaluations, training and optimizer s per run.

    The task's name (`nasbench.report.tasks`) is in column `dataset`; `overhead_seconds` is keyed by it."""
    per_run = (
        with_tasks(frame)
        .groupby([TASK, "strategy", "run"], sort=True)
        .agg(wall_clock_s=("end", "max"), evaluations=("eval", "size"), training_s=("cost", "sum"))
        .reset_index()
        .rename(columns={TASK: "dataset"})
    )
    per_run["optimizer_s"] = [
        overhead_seconds.get((d, s), 0.0) * n
        for d, s, n in zip(per_run["dataset"], per_run["strategy"], per_run["evaluations"], strict=True)
    ]
    grouped = per_run.groupby(["dataset", "strategy"], sort=True)
    table = grouped[["wall_clock_s", "evaluations", "training_s", "optimizer_s"]].mean()
    table.insert(0, "runs", grouped.size())
    table = table.reset_index()
    rank = {s: i for i, s in enumerate(ordered(table["strategy"]))}
    return table.sort_values(["dataset", "strategy"], key=lambda c: c.map(rank) if c.name == "strategy" else c)


def cost_markdown(table: pd.DataFrame) -> str:
    """The cost table as Markdown, means per run."""
    lines = [
        "| dataset | strategy | runs | simulated wall-clock (s) | evaluations | training (s) | optimizer (s) |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for row in table.itertuples():
        lines.append(
            f"| {row.dataset} | {LABELS.get(row.strategy, row.strategy)} | {row.runs} | {row.wall_clock_s:,.0f} | "
            f"{row.evaluations:.1f} | {row.training_s:,.0f} | {row.optimizer_s:,.1f} |"
        )
    return "\n".join(lines) + "\n"
