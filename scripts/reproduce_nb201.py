"""Reproduce NAS-Bench-201's comparison of RS, REA, REINFORCE and BOHB (Dong & Yang, ICLR 2020, Sec. 5).

Protocol, as in the paper: the search observes 12-epoch validation accuracy, each run
has 12,000 simulated seconds, 500 runs per method; each run's final incumbent is scored
by its 200-epoch validation accuracy (mean over seeds), reported as mean +- std. BOHB
uses the paper's settings (4 samples per proposal, no random fraction, bandwidth factor 3)
over the 12- and 200-epoch fidelities.

Writes results/reproduce-nb201/<dataset>/ (parquet runs) and results/reproduce-nb201.md.
Usage: python scripts/reproduce_nb201.py [--runs 500] [--jobs 2] [--quiet]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from nasbench.errors import NasbenchError
from nasbench.runner.compare import compare

ROOT = Path(__file__).resolve().parent.parent
DATASETS = ("cifar10-valid", "cifar100", "imagenet16-120")
METHODS = {"rs": "Random search", "re": "REA", "reinforce": "REINFORCE", "bohb": "BOHB"}
BOHB_NB201 = {"num_samples": 4, "random_fraction": 0.0, "bandwidth_factor": 3}


def run(runs: int, jobs: int, out: Path, quiet: bool) -> dict[str, dict[str, tuple[float, float]]]:
    """Run every (dataset, method); return dataset -> method -> (mean, std) of final scores."""
    table: dict[str, dict[str, tuple[float, float]]] = {}
    for dataset in DATASETS:
        folder = compare(
            "nb201",
            dataset,
            list(METHODS),
            runs,
            "12000s",
            str(out / dataset),
            jobs=jobs,
            fidelity=12,
            hyperparameters={"bohb": BOHB_NB201},
            quiet=quiet,
        )
        results = folder.load()
        results = results[results["run"] < runs]
        final = results.groupby(["strategy", "run"])["incumbent_score"].last().groupby("strategy")
        table[dataset] = {
            name: (float(stats["mean"]), float(stats["std"])) for name, stats in final.agg(["mean", "std"]).iterrows()
        }
    return table


def markdown(table: dict[str, dict[str, tuple[float, float]]], runs: int) -> str:
    """The results as a Markdown table, with the command that made them."""
    lines = [
        "# NAS-Bench-201: RS, REA, REINFORCE and BOHB",
        "",
        f"200-epoch validation accuracy (%) of each run's final incumbent, mean ± std over {runs} runs; "
        "search on 12-epoch validation accuracy, 12,000 simulated seconds per run.",
        "",
        f"Made by `python scripts/reproduce_nb201.py --runs {runs}`.",
        "",
        "| method | " + " | ".join(DATASETS) + " |",
        "| --- | " + " | ".join("---" for _ in DATASETS) + " |",
    ]
    for name, label in METHODS.items():
        cells = [f"{table[d][name][0]:.2f} ± {table[d][name][1]:.2f}" for d in DATASETS]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=500)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--out", type=Path, default=ROOT / "results" / "reproduce-nb201")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    try:
        table = run(args.runs, args.jobs, args.out, args.quiet)
    except NasbenchError as err:
        print(f"reproduce_nb201: error: {err}", file=sys.stderr)
        return 2
    text = markdown(table, args.runs)
    report = args.out.parent / f"{args.out.name}.md"
    report.write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
