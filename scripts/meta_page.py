"""Write the tables of results/meta.md from `nasbench meta` folders (issue 20).

For each leave-one-task-out folder: per target task and transfer strategy, the gain over the
non-transfer twin at 10/25/50/100 % of the budget (signed: positive is better), the Mann-Whitney
p-value, Vargha-Delaney A12 and the outcome (`nasbench.report.meta.versus_twins`); then wins /
ties / losses per strategy. For a few-shot folder (`fewshot.csv`), its summary, and the
latency-constrained search's table where it ran one (`hwsearch.csv`). Prints Markdown.

Usage: python scripts/meta_page.py FOLDER [FOLDER ...] > tables.md
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pandas as pd

from nasbench.report.meta import expand, versus_twins
from nasbench.report.optimum import optima
from nasbench.report.writer import load_results
from nasbench.runner.fewshot import summary_markdown
from nasbench.runner.hwsearch import hardware_markdown


def transfer_tables(folder: str) -> str:
    """The transfer-vs-twin table of one leave-one-task-out folder, and its wins/ties/losses."""
    frame, settings = load_results(expand([folder]))
    maximize = {dataset: up for dataset, (_, up) in optima(frame).items()}
    table = versus_twins(frame, settings, maximize)
    runs = frame.groupby("strategy")["run"].nunique().min()
    first = settings[0]
    what = f"{first['benchmark']}, meta data {first.get('meta_data', '-')}"
    lines = [f"### {what}: {len(settings)} targets, {runs} runs per strategy, {first['budget']}"]
    lines += ["", "| target | strategy (twin) | gain 10% | gain 25% | gain 50% | gain 100% | p | A12 | outcome |"]
    lines.append("|---|---|---|---|---|---|---|---|---|")
    for row in table.to_dict("records"):
        gains = " | ".join(f"{row[f'gain_{p}%']:+.3g}" for p in (10, 25, 50, 100))
        lines.append(
            f"| {row['task']} | {row['strategy']} ({row['twin']}) | {gains} | {row['p']:.2g} | {row['a12']:.2f} | "
            f"{row['outcome']} |"
        )
    lines += ["", "| strategy | wins | ties | losses |", "|---|---|---|---|"]
    for strategy, part in table.groupby("strategy", sort=True):
        counts = part["outcome"].value_counts()
        lines.append(f"| {strategy} | {counts.get('win', 0)} | {counts.get('tie', 0)} | {counts.get('loss', 0)} |")
    return "\n".join(lines) + "\n"


def few_shot_tables(folder: Path) -> str:
    """The few-shot summary, then the search under the predicted latency where the folder holds one."""
    text = summary_markdown(pd.read_csv(folder / "fewshot.csv"))
    if (folder / "hwsearch.csv").is_file():
        settings = json.loads((folder / "settings.json").read_text())
        search = settings["search"]
        found = pd.read_csv(folder / "hwsearch.csv")
        text += "\n" + hardware_markdown(
            found, settings["shots"][0], search["bound_quantile"], search["strategy"], search["budget"]
        )
    return text


def main(folders: list[str]) -> None:
    for folder in folders:
        fewshot = Path(folder) / "fewshot.csv"
        print(few_shot_tables(Path(folder)) if fewshot.is_file() else transfer_tables(folder))


if __name__ == "__main__":
    main(sys.argv[1:])
