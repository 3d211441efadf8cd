"""Summarise `nasbench oneshot --json` outputs into results/oneshot-digits.md (mean ± std over seeds).

Usage: python scripts/oneshot_digits.py SUMMARY.json ... --out results/oneshot-digits.md [--note TEXT]
Reads only the summaries the command printed; reruns nothing.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

from nasbench.files import atomic_path


def _stat(values: list[float], digits: int = 2) -> str:
    if not values:
        return "-"
    mean = statistics.fmean(values)
    spread = statistics.stdev(values) if len(values) > 1 else 0.0
    return f"{mean:.{digits}f} ± {spread:.{digits}f}"


def _rows(summaries: list[dict[str, Any]]) -> list[str]:
    by_method: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for s in summaries:
        by_method[s["method"]].append(s)
    lines = [
        "| method | seeds | search s | derived cell in table | true test acc % (table, else trained here) | "
        "rank among the table classes | "
        "Kendall τ (last epoch) | Spearman rho | top-10 overlap | ops of the derived cells (none/skip/1x1/3x3/pool) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for method, runs in by_method.items():
        found = [r["ground_truth"] for r in runs if r["ground_truth"]["score"] is not None]
        tabulated = sum(r["ground_truth"]["status"] == "ok" for r in runs)
        last = [r["ranking"][-1] for r in runs if r["ranking"]]
        ops = [sum(r["op_histogram"][k] for r in runs) for k in runs[0]["op_histogram"]]
        lines.append(
            f"| {method} | {len(runs)} | {_stat([r['search_seconds'] for r in runs], 0)} | {tabulated}/{len(runs)} | "
            f"{_stat([g['score'] for g in found])} | {_stat([g['rank'] for g in found], 1)} | "
            f"{_stat([p['kendall_tau'] for p in last], 3)} | {_stat([p['spearman_rho'] for p in last], 3)} | "
            f"{_stat([p['top_k_overlap'] for p in last])} | {'/'.join(map(str, ops))} |"
        )
    return lines


def _over_epochs(summaries: list[dict[str, Any]]) -> list[str]:
    per: dict[tuple[str, int], list[float]] = defaultdict(list)
    for s in summaries:
        for p in s["ranking"]:
            per[(s["method"], p["epoch"])].append(p["kendall_tau"])
    lines = ["| method | epoch | Kendall τ (mean ± std over seeds) |", "| --- | ---: | ---: |"]
    lines += [f"| {m} | {e} | {_stat(v, 3)} |" for (m, e), v in sorted(per.items())]
    return lines


def _cells(summaries: list[dict[str, Any]]) -> list[str]:
    lines = ["| method | seed | derived cell | ground truth |", "| --- | ---: | --- | --- |"]
    for s in summaries:
        g = s["ground_truth"]
        n = len(g.get("seed_scores", []))
        where = "" if g["status"] == "ok" else f"{g['status']}, {n} seed{'s' if n != 1 else ''}; "
        truth = f"{g['score']:.2f} % ({where}rank {g['rank']})" if g["score"] is not None else g["status"]
        cell = s["arch"].replace("|", "\\|")  # a pipe inside a table cell must be escaped
        lines.append(f"| {s['method']} | {s['seed']} | `{cell}` | {truth} |")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("summaries", nargs="+")
    parser.add_argument("--out", required=True)
    parser.add_argument("--note", default="", help="Markdown put above the tables (the command, the machine)")
    args = parser.parse_args(argv)
    summaries = []
    for path in args.summaries:
        try:
            summaries.append(json.loads(Path(path).read_text()))
        except (OSError, ValueError) as err:
            print(f"oneshot_digits: error: expected a summary JSON at {path}, got {err}", file=sys.stderr)
            return 2
    text = [args.note, "", *_rows(summaries), "", "Ranking quality over training epochs:", "", *_over_epochs(summaries)]
    text += ["", "Every derived cell:", "", *_cells(summaries), ""]
    with atomic_path(Path(args.out)) as tmp:
        tmp.write_text("\n".join(text))
    return 0


if __name__ == "__main__":
    sys.exit(main())
