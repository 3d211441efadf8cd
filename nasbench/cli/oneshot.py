"""The `nasbench oneshot` command: a weight-sharing search (RSPS, SPOS, ENAS, DARTS, GDAS) judged
against the table's ground truth.

Owns its argument parsing and output text only (the work is in `nasbench.oneshot`). Importing this
module does not import torch: the handler asks for it first.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from typing import Any

from nasbench.errors import NasbenchError
from nasbench.live._torch import require_torch
from nasbench.oneshot import METHODS  # the package's __init__ is light: no torch


def add_oneshot_commands(commands: Any) -> None:
    """Register `oneshot`."""
    p = commands.add_parser("oneshot", help="one-shot NAS on a supernet, judged against the table (PyTorch)")
    p.add_argument(
        "--space",
        default="nb201",
        help="search space with a supernet: nb201 (default) or macro (judged on NAS-Bench-Macro's cifar10 table)",
    )
    p.add_argument("--method", required=True, help=", ".join(METHODS))
    p.add_argument("--dataset", default="digits", help="digits (default), cifar10 or cifar100 (from --data-dir)")
    p.add_argument("--data-dir", help="folder holding the CIFAR python-pickle files")
    p.add_argument(
        "--epochs", type=int, default=50, help="supernet training epochs (default 50, NAS-Bench-201's DARTS)"
    )
    p.add_argument("--seed", type=int, default=0, help="search seed (default 0)")
    p.add_argument(
        "--out", required=True, help="results folder (comparison layout; another method or seed may share it)"
    )
    p.add_argument("--rank", type=int, default=0, help="score N table cells with inherited weights: Kendall tau etc.")
    p.add_argument("--rank-every", type=int, help="rank after every K epochs (default: epochs / 5) and the last")
    p.add_argument("--device", default="cpu", help="cpu (default), auto, cuda, cuda:N or mps")
    p.add_argument("--threads", type=int, default=1, help="CPU threads (default 1)")
    p.add_argument("--channels", type=int, help="nb201 supernet channels C (default 16, as the table)")
    p.add_argument("--cells", type=int, help="nb201 cells N per stage (default 5, as the table)")
    p.add_argument(
        "--track-bn", action="store_true", help="batch norms track running statistics (re-estimated per path)"
    )
    p.add_argument("--order", type=int, default=1, help="DARTS: 1 (first order, default) or 2 (second order)")
    p.add_argument("--exclude-none", action="store_true", help="DARTS: derive without `none`, as original DARTS")
    p.add_argument("--select-num", type=int, help="RSPS: random cells scored to derive (default 100)")
    p.add_argument("--controller-steps", type=int, help="ENAS: controller updates per epoch (default 50)")
    p.add_argument("--aggregate", type=int, help="ENAS: sampled cells per controller update (default 20)")
    p.add_argument("--derive-samples", type=int, help="ENAS: controller samples scored to derive (default 100)")
    p.add_argument("--iterations", type=int, help="SPOS: evolution rounds (default 20)")
    p.add_argument("--population", type=int, help="SPOS: population (default 50)")
    p.add_argument(
        "--train-missing",
        type=int,
        default=0,
        help="train a derived cell the table lacks with N seeds under the table's protocol (default 0: don't)",
    )
    p.add_argument("--json", action="store_true", help="print the summary as JSON")


OPTION_OF = {
    "darts": ("order", "exclude_none"),
    "rsps": ("select_num",),
    "enas": ("controller_steps", "aggregate", "derive_samples"),
    "spos": ("iterations", "population"),
    "gdas": (),
}


def _options(args: argparse.Namespace) -> dict[str, Any]:
    """The method's own options that were given; one given to another method is an error."""
    given = {k: getattr(args, k) for ks in OPTION_OF.values() for k in ks}
    given = {k: v for k, v in given.items() if v not in (None, False) and not (k == "order" and v == 1)}
    own = OPTION_OF.get(args.method, ())
    foreign = sorted(k for k in given if k not in own)
    if foreign:
        flag = "--" + foreign[0].replace("_", "-")
        raise NasbenchError(f"expected options of {args.method}, got {flag} (an option of another method)")
    return given


def run_oneshot(args: argparse.Namespace) -> str:
    """Search, judge and write; return the text to print."""
    torch = require_torch()
    from nasbench.live._torch import resolve_device
    from nasbench.oneshot.run import check
    from nasbench.oneshot.run import run_oneshot as run
    from nasbench.oneshot.search import Settings

    check(
        args.space,
        args.method,
        args.epochs,
        args.rank,
        args.rank_every,
        dataset=args.dataset,
        train_missing=args.train_missing,
    )
    size = {k: getattr(args, k) for k in ("channels", "cells") if getattr(args, k) is not None}
    if size and args.space != "nb201":
        name, value = next(iter(size.items()))
        raise NasbenchError(
            f"expected no --{name} for {args.space} (its network is fixed, as its table's), got {value}"
        )
    if args.threads < 1:
        raise NasbenchError(f"expected --threads >= 1, got {args.threads}")
    options = _options(args)
    settings = Settings(epochs=args.epochs, track_bn=args.track_bn, **size)
    device = resolve_device(args.device)
    torch.set_num_threads(args.threads)
    summary = run(
        args.method,
        args.dataset,
        settings,
        args.seed,
        args.out,
        space=args.space,
        rank=args.rank,
        rank_every=args.rank_every,
        device=device,
        data_dir=args.data_dir,
        options=options,
        train_missing=args.train_missing,
    )
    return json.dumps(summary, indent=2) if args.json else _text(summary)


def _text(s: dict[str, Any]) -> str:
    truth = s["ground_truth"]
    if truth["score"] is not None:
        where = "" if truth["status"] == "ok" else f"{truth['status']}; "
        unit = "networks" if s.get("space") == "macro" else "classes"  # Macro merges no networks into classes
        gt = (
            f"{truth['metric']} {truth['score']:.2f} % ({where}rank {truth['rank']} of the table's "
            f"{truth['classes']} {unit}; best {truth['best']:.2f} %)"
        )
    else:
        gt = truth["status"]
    ops = ", ".join(f"{k} {v}" for k, v in s["op_histogram"].items() if v)
    lines = [
        f"{s['method']} on {s['dataset']}, seed {s['seed']}: {s['epochs']} epochs, "
        f"{s['search_seconds']:.1f} s search ({s['device']}, {s['threads']} thread(s))",
        f"derived {s['arch']}",
        f"  operations: {ops}",
        f"  ground truth: {gt}",
    ]
    if truth.get("note"):
        lines.append(f"  note: {truth['note']}")
    for p in s["ranking"]:
        lines.append(
            f"  epoch {p['epoch']}: Kendall tau {p['kendall_tau']:.3f}  Spearman rho {p['spearman_rho']:.3f}  "
            f"top-{p['top_k']} overlap {p['top_k_overlap']:.2f}  over {p['n']} table cells"
        )
    return "\n".join(lines)


ONESHOT_COMMANDS: dict[str, Callable[[argparse.Namespace], str]] = {"oneshot": run_oneshot}
