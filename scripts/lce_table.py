"""Summarise learning-curve early stopping against its baselines: final regret per strategy and pairwise tests.

Reads finished `nasbench compare` folders (a label may pick one strategy of a folder, so that runs of the
same strategy under other settings, e.g. `rs-lce` with `estimator=sotl`, sit beside the default) and
prints one Markdown table per benchmark: the final regret (the table's optimum of the scored metric
minus the incumbent's score, in the metric's unit, x100 where it is a fraction), mean ± standard error,
the evaluations per run, and two-sided Mann-Whitney U tests of every pair, Holm-corrected.

    python scripts/lce_table.py "digits=/tmp/lce/digits" "digits:rs-lce sotl=/tmp/lce/digits-sotl:rs-lce"
"""

from __future__ import annotations

import argparse
import itertools
from collections import defaultdict
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import mannwhitneyu

import nasbench
from nasbench.report.ranks import holm


def finals(folder: Path, strategy: str) -> pd.DataFrame:
    """One row per run: the final incumbent's score and the number of evaluations."""
    rows = []
    for path in sorted((folder / "runs" / strategy).glob("*.parquet")):
        frame = pd.read_parquet(path, columns=["benchmark", "dataset", "incumbent_score"])
        first, last = frame.iloc[0], frame.iloc[-1]
        rows.append((first["benchmark"], first["dataset"], last["incumbent_score"], len(frame)))
    return pd.DataFrame(rows, columns=["benchmark", "dataset", "score", "evaluations"])


def section(task: str, groups: dict[str, pd.DataFrame]) -> list[str]:
    """The Markdown of one benchmark: regret per labelled group of runs, then every pair's test."""
    bench_name, dataset = next(iter(groups.values()))[["benchmark", "dataset"]].iloc[0]
    bench = nasbench.load(bench_name, dataset)
    metric = bench.info.score_metric(bench.info.max_fidelity)
    sign = 1.0 if bench.info.metrics[metric].maximize else -1.0
    scale = 100.0 if bench.info.metrics[metric].unit == "fraction" else 1.0
    optimum = bench.optimum(metric)
    regrets = {label: scale * sign * (optimum - g["score"].to_numpy()) for label, g in groups.items()}
    lines = [f"### {task} (scored on {metric}, optimum {scale * optimum:.3f})", ""]
    lines += ["| strategy | runs | final regret | evaluations per run |", "|---|---:|---:|---:|"]
    for label, regret in regrets.items():
        sem, evaluations = regret.std(ddof=1) / np.sqrt(len(regret)), groups[label]["evaluations"].mean()
        lines.append(f"| {label} | {len(regret)} | {regret.mean():.3f} ± {sem:.3f} | {evaluations:.1f} |")
    pairs = list(itertools.combinations(regrets, 2))
    raw = [float(mannwhitneyu(regrets[a], regrets[b]).pvalue) for a, b in pairs]
    tests = [f"{a} vs {b}: p = {p:.2g}" for (a, b), p in zip(pairs, holm(raw), strict=True)]
    return [*lines, "", "Mann-Whitney U, Holm-corrected: " + "; ".join(tests) + ".", ""]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("groups", nargs="+", help="task=FOLDER (every strategy) or 'task:label=FOLDER:strategy'")
    args = parser.parse_args()
    tasks: dict[str, dict[str, pd.DataFrame]] = defaultdict(dict)
    for item in args.groups:
        key, _, where = item.partition("=")
        task, _, label = key.partition(":")
        folder, _, strategy = where.partition(":")
        names = [strategy] if strategy else sorted(p.name for p in (Path(folder) / "runs").iterdir())
        for name in names:
            tasks[task][label or name] = finals(Path(folder), name)
    for task, groups in tasks.items():
        print("\n".join(section(task, groups)))


if __name__ == "__main__":
    main()
