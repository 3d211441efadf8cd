"""Final-performance tables: mean, std, standard error and n per strategy, at the budget and at checkpoints.

Owns the numbers and their Markdown, LaTeX (booktabs) and CSV forms; it draws nothing.
Checkpoints are the run's end ('final'), a number of evaluations ('50evals') or of
simulated seconds ('6000s'); a run that has no incumbent yet at a checkpoint is left out
of that checkpoint's statistics.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from nasbench.errors import NasbenchError
from nasbench.report.curves import run_curves
from nasbench.report.style import LABELS, ordered

_CHECKPOINT = re.compile(r"^([0-9]*\.?[0-9]+(?:e[+-]?[0-9]+)?)(s|evals)$")  # as Budget prints: 1e+06s


def final_values(frame: pd.DataFrame, checkpoint: str = "final", y: str = "incumbent_score") -> pd.DataFrame:
    """One row per (dataset, strategy, run): the value at `checkpoint`."""
    if checkpoint == "final":
        ordered_rows = frame.sort_values(["dataset", "strategy", "run", "eval"], kind="stable")
        last = ordered_rows.groupby(["dataset", "strategy", "run"], sort=True).tail(1)  # NaN kept: `last()` skips it
        return last[["dataset", "strategy", "run", y]].rename(columns={y: "value"}).reset_index(drop=True)
    match = _CHECKPOINT.match(checkpoint)
    if not match:
        raise NasbenchError(f"expected a checkpoint like 'final', '50evals' or '6000s', got {checkpoint!r}")
    x = "evals" if match.group(2) == "evals" else "time"
    rows = []
    for (dataset, strategy), group in frame.groupby(["dataset", "strategy"], sort=True):
        curves = run_curves(group, x, np.array([float(match.group(1))]), y)
        rows += [(dataset, strategy, int(r), v) for r, v in zip(curves.runs, curves.values[:, 0], strict=True)]
    return pd.DataFrame(rows, columns=["dataset", "strategy", "run", "value"])


def final_table(
    frame: pd.DataFrame, checkpoints: tuple[str, ...] = ("final",), y: str = "incumbent_score"
) -> pd.DataFrame:
    """Long table: dataset, checkpoint, strategy, mean, std, sem, n."""
    parts = []
    for checkpoint in checkpoints:
        values = final_values(frame, checkpoint, y).dropna(subset=["value"])
        summary = values.groupby(["dataset", "strategy"], sort=True)["value"].agg(["mean", "std", "count"])
        summary["sem"] = summary["std"] / np.sqrt(summary["count"])
        summary = summary.rename(columns={"count": "n"}).reset_index()
        summary.insert(1, "checkpoint", checkpoint)
        parts.append(summary[["dataset", "checkpoint", "strategy", "mean", "std", "sem", "n"]])
    return pd.concat(parts, ignore_index=True)


def _cells(
    table: pd.DataFrame, maximize: bool | dict[str, bool], bold: tuple[str, str], plus_minus: str, digits: int
) -> pd.DataFrame:
    columns = list(dict.fromkeys(zip(table["dataset"], table["checkpoint"], strict=True)))
    strategies = ordered(table["strategy"])
    cells = pd.DataFrame(
        "-",
        index=[LABELS.get(s, s) for s in strategies],
        columns=[f"{d} ({c})" if len({c for _, c in columns}) > 1 else d for d, c in columns],
    )
    for column, (dataset, checkpoint) in zip(cells.columns, columns, strict=True):
        part = table[(table["dataset"] == dataset) & (table["checkpoint"] == checkpoint)].set_index("strategy")
        up = maximize[dataset.split(" -> ")[0]] if isinstance(maximize, dict) else maximize  # 'A -> B': A's metric
        best = part["mean"].max() if up else part["mean"].min()
        for strategy in strategies:
            if strategy not in part.index:
                continue
            row = part.loc[strategy]
            mean = f"{row['mean']:.{digits}f}"
            if row["mean"] == best:
                mean = f"{bold[0]}{mean}{bold[1]}"
            spread = "" if np.isnan(row["std"]) else f" {plus_minus} {row['std']:.{digits}f} ({row['sem']:.{digits}f})"
            cells.loc[LABELS.get(strategy, strategy), column] = f"{mean}{spread}, n={int(row['n'])}"
    return cells


def to_markdown(table: pd.DataFrame, maximize: bool | dict[str, bool] = True, digits: int = 2) -> str:
    """Markdown: mean ± std (standard error) and the number of runs per cell, the best mean per column in bold
    (`maximize`: one direction, or one per dataset)."""
    cells = _cells(table, maximize, ("**", "**"), "±", digits)
    header = "| strategy | " + " | ".join(cells.columns) + " |"
    lines = [header, "| --- |" + " --- |" * len(cells.columns)]
    lines += [f"| {name} | " + " | ".join(row) + " |" for name, row in cells.iterrows()]
    return "\n".join(lines) + "\n"


def to_latex(table: pd.DataFrame, maximize: bool | dict[str, bool] = True, digits: int = 2) -> str:
    """LaTeX (booktabs): mean $\\pm$ std (standard error) and n per cell, the best mean per column in bold."""
    cells = _cells(table, maximize, ("\\textbf{", "}"), "$\\pm$", digits)
    lines = [
        "\\begin{tabular}{l" + "c" * len(cells.columns) + "}",
        "\\toprule",
        "Strategy & " + " & ".join(_tex(c) for c in cells.columns) + " \\\\",
        "\\midrule",
    ]
    lines += [f"{_tex(str(name))} & " + " & ".join(row) + " \\\\" for name, row in cells.iterrows()]
    lines += ["\\bottomrule", "\\end{tabular}"]
    return "\n".join(lines) + "\n"


def _tex(text: str) -> str:
    return text.replace("_", "\\_").replace("%", "\\%").replace("&", "\\&")
