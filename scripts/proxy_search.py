"""Measure the zero-cost warm-up's effect on search (re, bananas, reinforce vs their -zc twins): anytime regret.

Runs each strategy `--runs` times on one benchmark wrapped as a `ZeroCostBenchmark` (fidelity 0 answers
the chosen proxy of a proxy table at its declared per-cell CPU cost, charged to the simulated clock),
with a simulated-time budget, and writes a Markdown table of the mean regret (optimum over the cells
the proxy table covers minus the incumbent's score) at four points of the budget.

    python scripts/proxy_search.py --proxies data/nb201-proxies.h5 --proxy synflow --runs 100 \
        --out results/proxy-search.md

`--finals FILE` also writes each run's final regret (CSV: strategy, run, final_regret) for tests between
strategies; the Markdown page is the same with or without it.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import pandas as pd

import nasbench
from nasbench.benchmark.zero_cost import ZeroCostBenchmark
from nasbench.files import atomic_path
from nasbench.runner.simulation import Budget, RunSpec, simulate
from nasbench.tables.format import read_header, read_table

POINTS = (0.1, 0.25, 0.5, 1.0)


def incumbent_at(frame: pd.DataFrame, t: float) -> float:
    """The incumbent's score after every evaluation that ended by simulated time `t` (NaN before any)."""
    done = frame[frame["end"] <= t]
    return float(done["incumbent_score"].iloc[-1]) if len(done) else float("nan")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bench", default="nb201")
    parser.add_argument("--dataset", default="cifar10-valid")
    parser.add_argument("--proxies", default="data/nb201-proxies.h5")
    parser.add_argument("--proxy", default="synflow")
    parser.add_argument("--strategies", default="re,re-zc,bananas,bananas-zc")
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--bananas-runs", type=int, default=20, help="runs of the (slow) BANANAS variants")
    parser.add_argument("--budget", default="100000s")
    parser.add_argument("--hp", default='{"re-zc": {"warmup": 100}}', help="JSON: strategy -> hyperparameters")
    parser.add_argument("--out", default="results/proxy-search.md")
    parser.add_argument("--finals", default=None, help="CSV of each run's final regret (strategy, run, final_regret)")
    args = parser.parse_args(argv)
    _, datasets = read_header(args.proxies)
    table = read_table(args.proxies, next(iter(datasets)))
    bench = ZeroCostBenchmark(nasbench.load(args.bench, args.dataset), table, args.proxy)
    budget = Budget.parse(args.budget)
    metric = bench.info.score_metric(bench.info.max_fidelity)
    optimum = bench.optimum(metric)
    hps = json.loads(args.hp)
    rows, finals = [], []
    for name in args.strategies.split(","):
        runs = args.bananas_runs if name.startswith("bananas") else args.runs
        regrets = []
        for run in range(runs):
            spec = RunSpec(
                bench_name=args.bench, dataset=args.dataset, strategy=name, run=run, budget=budget,
                hyperparameters=json.dumps(hps.get(name, {}), sort_keys=True),
            )  # fmt: skip
            frame = simulate(spec, bench)
            regrets.append([optimum - incumbent_at(frame, p * budget.amount) for p in POINTS])
        values = np.array(regrets)
        finals += [(name, run, final) for run, final in enumerate(values[:, -1])]
        mean, se = np.nanmean(values, axis=0), np.nanstd(values, axis=0) / np.sqrt(len(values))
        rows.append((name, runs, mean, se))
        print(name, runs, np.round(mean, 3))
    write(args, bench, optimum, metric, rows)
    if args.finals:
        write_finals(Path(args.finals), finals)


def write_finals(path: Path, finals: list[tuple[str, int, float]]) -> None:
    """Each run's final regret as CSV (full precision, so tests between strategies see the exact values)."""
    frame = pd.DataFrame(finals, columns=["strategy", "run", "final_regret"])
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as tmp:
        frame.to_csv(tmp, index=False)


def write(args: argparse.Namespace, bench: ZeroCostBenchmark, optimum: float, metric: str, rows: list) -> None:
    head = " | ".join(f"regret at {p:.0%} of budget" for p in POINTS)
    lines = [
        f"# Zero-cost warm-up: anytime regret on {args.bench}/{args.dataset}",
        "",
        f"Command: `python scripts/proxy_search.py --proxies {args.proxies} --proxy {args.proxy} --strategies "
        f"{args.strategies} --runs {args.runs} --bananas-runs {args.bananas_runs} --budget {args.budget} "
        f"--hp '{args.hp}'`",
        "",
        f"Search space: the {bench.info.size:,} cells the proxy table covers; optimum {metric} {optimum:.3f}. "
        f"Proxy {args.proxy}, charged {bench.seconds:.3g} s of simulated time per scored cell (its median CPU "
        "time per cell in the proxy table). Regret: the optimum minus the incumbent's score (the table's score "
        f"metric at {bench.info.max_fidelity} {bench.bench.info.fidelity_unit}), mean ± standard error over runs.",
        "",
        f"| strategy | runs | {head} |",
        "|---|---:|" + "---:|" * len(POINTS),
    ]
    for name, runs, mean, se in rows:
        cells = " | ".join(f"{m:.3f} ± {s:.3f}" for m, s in zip(mean, se, strict=True))
        lines.append(f"| {name} | {runs} | {cells} |")
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(out) as tmp:
        tmp.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
