"""`nasbench meta`: leave-one-task-out comparisons, or few-shot latency on unseen devices (HELP's task).

Argument parsing and output only: the work is `runner.meta.leave_one_out`'s and `runner.fewshot`'s.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from nasbench.errors import NasbenchError
from nasbench.files import atomic_path

META_EXAMPLE = """\
examples:
  nasbench meta --bench graph --strategies re,re-warm,gp-bo,rgpe --runs 30 --budget 100evals --out results/meta-graph
  nasbench report results/meta-graph --out report/meta-graph
  nasbench meta --bench nb201 --metric latency --devices ALL --shots 5,10,20 --out results/help
  nasbench meta --bench nb201 --metric latency --devices ALL --shots 10 --search re --budget 100evals --runs 30 \
      --bound-quantile 0.25 --out results/help-search   # search under the predicted latency
"""


def add_meta_commands(commands: Any) -> None:
    """Register `meta` on the top-level subparsers."""
    meta = commands.add_parser(
        "meta",
        help="meta-learning: leave-one-task-out comparisons, or few-shot latency on an unseen device",
        epilog=META_EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    meta.add_argument("--bench", required=True, help="benchmark name, e.g. graph (every dataset is a target once)")
    meta.add_argument("--strategies", help="comma-separated, e.g. re,re-warm,rgpe (leave-one-task-out)")
    meta.add_argument("--runs", type=int, default=100, help="runs per strategy and target (default 100)")
    meta.add_argument("--budget", help="per run, e.g. 100evals (leave-one-task-out)")
    meta.add_argument("--meta-data", default="history", help="history (default) or tables: what sources give")
    meta.add_argument("--metric", help="few-shot mode: a per-device metric family, e.g. latency")
    meta.add_argument("--devices", default="ALL", help="few-shot targets: ALL or comma-separated devices")
    meta.add_argument("--shots", default="10", help="measured cells on the new device, e.g. 5,10,20 (default 10)")
    meta.add_argument("--draws", type=int, default=10, help="random draws of the k cells per device (default 10)")
    meta.add_argument(
        "--maml", action="store_true", help="few-shot mode: also HELP's meta-learned predictor (MAML, ~6 CPU-s a fit)"
    )
    meta.add_argument("--search", help="few-shot mode: also search each device under the predicted latency, e.g. re")
    meta.add_argument(
        "--bound-quantile", type=float, default=0.25, help="latency bound as the device's quantile (default 0.25)"
    )
    meta.add_argument("--seed", type=int, default=0, help="root seed (default 0)")
    meta.add_argument("--jobs", type=int, default=1, help="local processes (default 1)")
    meta.add_argument("--out", required=True, help="results folder")
    meta.add_argument("--quiet", action="store_true", help="no progress bar")


def run_meta(args: argparse.Namespace) -> str:
    """Run a leave-one-task-out meta-comparison, or the few-shot latency study; return the text to print."""
    if args.metric:
        return _few_shot(args)
    if not args.strategies or not args.budget:
        raise NasbenchError("expected --strategies and --budget for a leave-one-task-out comparison, got none")
    from nasbench.runner.meta import leave_one_out

    strategies = [s.strip() for s in args.strategies.split(",") if s.strip()]
    folder = leave_one_out(
        bench=args.bench, strategies=strategies, budget=args.budget, out=args.out, runs=args.runs,
        meta_data=args.meta_data, root_seed=args.seed, jobs=args.jobs, quiet=args.quiet,
    )  # fmt: skip
    return f"results in {folder} (one comparison per target)\nnext: nasbench report {folder} --out {folder}/report"


def _few_shot(args: argparse.Namespace) -> str:
    from nasbench.registry import opened
    from nasbench.runner.fewshot import check, check_shots, devices_of, few_shot, summary_markdown

    try:
        shots = [int(k) for k in args.shots.split(",")]
    except ValueError:
        raise NasbenchError(f"expected --shots as whole numbers like 5,10,20, got {args.shots!r}") from None
    if args.draws < 1:
        raise NasbenchError(f"expected --draws of at least 1, got {args.draws}")
    search = _search_settings(args, shots)
    check_shots(opened(args.bench).info.size, shots)
    devices = devices_of(args.bench, args.metric)
    targets = check(devices, [d.strip() for d in args.devices.split(",") if d.strip()], shots)
    results = few_shot(devices, targets, shots, args.draws, args.seed, maml=args.maml)
    out = Path(args.out)
    settings = {"benchmark": args.bench, "metric": args.metric, "devices": list(targets), "shots": shots,
                "draws": args.draws, "root_seed": args.seed, "maml": args.maml}  # fmt: skip
    text = summary_markdown(results)
    files = [("fewshot.csv", results.to_csv(index=False)), ("fewshot.md", text)]
    if search is not None:
        from nasbench.runner.hwsearch import hardware_markdown, hardware_search

        settings["search"] = search
        found = hardware_search(devices, targets, shots[0], args.bound_quantile, args.search, args.runs,
                                search["budget"], args.seed, args.bench)  # fmt: skip
        searched = hardware_markdown(found, shots[0], args.bound_quantile, args.search, search["budget"])
        files += [("hwsearch.csv", found.to_csv(index=False)), ("hwsearch.md", searched)]
        text += "\n" + searched
    for name, content in (*files, ("settings.json", json.dumps(settings, indent=2) + "\n")):
        with atomic_path(out / name) as tmp:
            tmp.write_text(content)
    return f"{text}\nresults in {out}"


def _search_settings(args: argparse.Namespace, shots: list[int]) -> dict[str, Any] | None:
    """The latency-constrained search's settings (None without --search), checked before any work."""
    if not args.search:
        return None
    from nasbench.runner.hwsearch import check_strategy

    check_strategy(args.search)  # an unknown name, or one this search cannot run, fails here
    if len(shots) != 1:
        raise NasbenchError(f"expected one --shots value with --search, got {args.shots}")
    budget = (args.budget or "").removesuffix("evals")
    if not budget.isdigit() or int(budget) < 1:
        raise NasbenchError(f"expected --budget like 100evals with --search, got {args.budget!r}")
    if not 0 < args.bound_quantile < 1:
        raise NasbenchError(f"expected --bound-quantile between 0 and 1, got {args.bound_quantile}")
    if args.runs < 1:
        raise NasbenchError(f"expected --runs of at least 1, got {args.runs}")
    return {"strategy": args.search, "budget": int(budget), "bound_quantile": args.bound_quantile, "runs": args.runs}


META_COMMANDS = {"meta": run_meta}
