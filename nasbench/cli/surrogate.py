"""`nasbench surrogate fit` and `nasbench surrogate card`: argument parsing and output only.

The work is `surrogate.fit_surrogate`, `fidelity_card.build_card` and `card_text`'s.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from nasbench.cli.live import output_file
from nasbench.errors import NasbenchError


def add_surrogate_commands(commands: Any) -> None:
    """Register `surrogate fit` and `surrogate card` on the top-level subparsers."""
    surrogate = commands.add_parser("surrogate", help="fit an XGBoost surrogate of a table; show its fidelity card")
    actions = surrogate.add_subparsers(dest="action", required=True)
    fit = actions.add_parser("fit", help="fit a surrogate on a table, measure its fidelity card, save it")
    fit.add_argument("bench", help="benchmark name, e.g. nb201")
    fit.add_argument("--dataset", help="dataset (default: the benchmark's first)")
    fit.add_argument("--metric", help="the metric a search observes (default: the table's)")
    fit.add_argument("--fidelity", type=int, help="fidelity to predict (default: the largest)")
    fit.add_argument("--extra-metrics", default="", help="comma-separated metrics to predict as well, e.g. params")
    fit.add_argument("--out", required=True, help="surrogate file to write (JSON)")
    fit.add_argument("--force", action="store_true", help="overwrite an existing file")
    fit.add_argument("--seed", type=int, default=0, help="seed of the models and of the card's split (default 0)")
    fit.add_argument("--no-card", action="store_true", help="skip the held-out fidelity card")
    fit.add_argument(
        "--ranking-runs", type=int, default=0, help="runs per strategy of the strategy-ranking check (default 0: skip)"
    )
    fit.add_argument("--quiet", action="store_true", help="no progress on stderr")
    card = actions.add_parser("card", help="print a surrogate's fidelity card")
    card.add_argument("path", help="surrogate file")
    card.add_argument("--json", action="store_true", help="print the card as JSON")


def run_surrogate(args: argparse.Namespace) -> str:
    """Run `surrogate fit` or `surrogate card`; return the text to print."""
    from nasbench.fidelity.markdown import card_markdown
    from nasbench.surrogate.model import load_surrogate

    if args.action == "card":
        meta = load_surrogate(args.path).meta
        shown = {k: v for k, v in meta.items() if k != "training_classes"}
        return json.dumps(shown, indent=2) if args.json else card_markdown(meta).rstrip("\n")
    surrogate = _fit(args)  # print adds the final newline
    return f"{card_markdown(surrogate.meta).rstrip()}\n\nsurrogate written to {Path(args.out).resolve()}"


def _fit(args: argparse.Namespace) -> Any:
    from nasbench.fidelity.card import build_card
    from nasbench.registry import load_table
    from nasbench.surrogate.model import fit_plan, fit_surrogate

    out = Path(args.out)
    if out.exists() and not args.force:  # before the fit, not only at `save`: a fit and its card take a minute
        raise NasbenchError(f"{out} exists; pass --force to overwrite it")
    if args.ranking_runs < 0:
        raise NasbenchError(f"expected --ranking-runs of at least 0, got {args.ranking_runs}")
    output_file(args.out)
    bench = load_table(args.bench, args.dataset)
    extra = [m.strip() for m in args.extra_metrics.split(",") if m.strip()]
    metric, fidelity, _ = fit_plan(bench, args.metric, args.fidelity, extra)  # checked before the first line
    show = _progress(args.quiet)
    show(f"fitting a surrogate of {bench.info.name}/{bench.info.dataset} ({metric} at {fidelity} "
         f"{bench.info.fidelity_unit}) on {bench.info.size:,} architectures ...")  # fmt: skip
    surrogate = fit_surrogate(bench, args.metric, args.fidelity, extra, seed=args.seed)
    if not args.no_card:
        checks = f"held-out split{f', strategy ranking over {args.ranking_runs} runs' if args.ranking_runs else ''}"
        show(f"fitted; measuring its fidelity card ({checks}) ...")
        surrogate.meta["card"] = build_card(bench, surrogate, args.ranking_runs, args.seed)
    surrogate.save(out, force=args.force)
    show("done")
    return surrogate


def _progress(quiet: bool) -> Callable[[str], None]:
    """A line on stderr per stage, with the seconds since the fit began."""
    start = time.perf_counter()

    def show(text: str) -> None:
        if not quiet:
            print(f"nasbench: [{time.perf_counter() - start:5.0f} s] {text}", file=sys.stderr, flush=True)

    return show
