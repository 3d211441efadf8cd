"""The zero-cost proxy subcommands of `nasbench`: `proxies` (build a proxy table) and
`proxies-card` (judge a proxy table against a benchmark's accuracies).

Owns their argument parsing and output text only (the work is in `nasbench.proxies`).
Importing this module does not import torch.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from nasbench.errors import NasbenchError

DEFAULT_PROXIES = "synflow,naswot,jacov,snip,grad_norm,fisher,zen,params,flops"


def add_proxies_commands(commands: Any) -> None:
    """Add `proxies` and `proxies-card` to the `nasbench` subcommands."""
    build = commands.add_parser("proxies", help="score zero-cost proxies for every cell of a space (resumable)")
    build.add_argument("--space", required=True, help="nb201 or macro")
    build.add_argument("--proxies", default=DEFAULT_PROXIES, help=f"comma-separated (default {DEFAULT_PROXIES})")
    build.add_argument("--batch", default="digits", help="digits (default), gaussian, cifar10 or cifar100")
    build.add_argument("--data-dir", help="folder holding the CIFAR python-pickle files (--batch cifar10/cifar100)")
    build.add_argument("--batch-size", type=int, default=32, help="images in the batch (default 32)")
    build.add_argument("--resolution", type=int, default=8, help="image side in pixels (default 8)")
    build.add_argument("--seed", type=int, default=0, help="weight initialisation and batch seed (default 0)")
    build.add_argument("--limit", type=int, help="only the first N cells of the fixed random order")
    build.add_argument("--out", required=True, help="output table (.h5); an existing one of the same settings resumes")
    build.add_argument("--jobs", type=int, default=1, help="worker processes, one thread each (default 1)")
    build.add_argument("--write-every", type=float, default=60.0, help="seconds between table rewrites (default 60)")
    build.add_argument("--quiet", action="store_true", help="no progress bar")
    from nasbench.cli.live import _add_model_options

    _add_model_options(build)
    card = commands.add_parser("proxies-card", help="Spearman / Kendall of each proxy against a benchmark's accuracy")
    card.add_argument("tables", nargs="+", help="proxy tables written by `nasbench proxies`")
    card.add_argument(
        "--bench", required=True, help="the benchmark judging each table, comma-separated in order: nb201 or macro"
    )
    card.add_argument("--out", default="results/proxies.md", help="Markdown card (default results/proxies.md)")
    card.add_argument("--seed", type=int, default=0, help="seed of the XGBoost split and fit (default 0)")


def run_proxies(args: argparse.Namespace) -> str:
    """Build or resume a proxy table; return the text to print."""
    from nasbench.cli.live import _model_options, output_file
    from nasbench.live._torch import require_torch

    require_torch()
    from nasbench.proxies import check_proxies
    from nasbench.proxies.build import ProxySpec, build_proxy_table, check_spec
    from nasbench.proxies.inputs import BatchSpec

    if not str(args.out).endswith(".h5"):
        raise NasbenchError(f"expected an output table ending in .h5, got {args.out!r}")
    if args.limit is not None and args.limit < 1:
        raise NasbenchError(f"expected --limit >= 1, got {args.limit}")
    proxies = tuple(check_proxies([p.strip() for p in args.proxies.split(",") if p.strip()]))
    from nasbench.proxies.inputs import CLASSES

    classes = CLASSES.get(args.batch, 10)  # an unknown kind is refused by check_spec
    batch = BatchSpec(args.batch, args.batch_size, args.resolution, classes, args.seed, args.data_dir)
    options = _model_options(args)
    spec = ProxySpec(args.space, proxies, batch, args.seed, options)
    check_spec(spec)
    output_file(args.out)
    command = (
        f"nasbench proxies --space {args.space} --proxies {','.join(proxies)} --batch {args.batch} "
        f"--batch-size {args.batch_size} --resolution {args.resolution} --seed {args.seed} --out {args.out}"
    ) + "".join(f" --{k} {v}" for k, v in options.items())
    summary = build_proxy_table(
        spec, args.out, args.jobs, args.limit, args.write_every, args.quiet, info={"command": command}
    )
    rate = summary.cells / summary.wall_seconds if summary.wall_seconds > 0 else float("nan")
    return (
        f"{summary.out}: {summary.cells}/{summary.size} cells ({summary.scored_now} scored now; "
        f"build wall time {summary.wall_seconds / 60:.1f} min, {rate:.3f} cells/s)"
    )


def run_proxies_card(args: argparse.Namespace) -> str:
    """Write the proxy card; return the text to print."""
    from nasbench.proxies.card import write_card

    benches = [b.strip() for b in args.bench.split(",")]
    if len(benches) != len(args.tables):
        raise NasbenchError(f"expected one --bench per table ({len(args.tables)}), got {args.bench!r}")
    path = write_card(list(zip(args.tables, benches, strict=True)), args.out, args.seed)
    return f"proxy card written to {path}"


PROXIES_COMMANDS: dict[str, Callable[[argparse.Namespace], str]] = {
    "proxies": run_proxies,
    "proxies-card": run_proxies_card,
}
