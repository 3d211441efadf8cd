"""The live-search commands of `nasbench`: `search`, and `compare --estimator live`.

Owns their argument parsing and output text only (the work is in `nasbench.live.search` and
`nasbench.runner.realtime`). Importing this module does not import torch.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from nasbench.errors import NasbenchError
from nasbench.live._torch import require_torch

LIVE_SPACES = ("nb201", "macro")


def add_live_compare_options(compare: argparse.ArgumentParser) -> None:
    """The options `compare --estimator live` adds (training protocol, network size, device)."""
    from nasbench.oneshot import METHODS  # names only: no torch

    group = compare.add_argument_group(
        "with --estimator live (train every evaluation; cost: measured seconds)",
        f"--strategies may also name one-shot methods ({', '.join(sorted(METHODS))}) beside black-box ones: "
        "one evaluation is one supernet epoch, its derived cell scored as every incumbent (trained off the clock)",
    )
    group.add_argument("--epochs", type=int, help="override the protocol's number of epochs (the fidelities)")
    group.add_argument("--protocol", help="nb201-12, nb201-200 or digits-12 (default: the dataset's)")
    group.add_argument("--train-seeds", type=int, default=1, help="training seeds 0..N-1 a run may draw (default 1)")
    group.add_argument("--channels", type=int, help="NAS-Bench-201: channels C of the first stage (default 16)")
    group.add_argument("--cells", type=int, help="NAS-Bench-201: cells N per stage (default 5)")
    group.add_argument("--data-dir", help="folder holding the CIFAR python-pickle files")
    group.add_argument("--device", default="cpu", help="cpu (default), cuda, cuda:N or mps")


def run_live_compare(args: argparse.Namespace) -> str:
    """`compare --estimator live`: a real-time comparison whose cache is OUT/cache.h5."""
    require_torch()
    from nasbench.cli.main import _comparison
    from nasbench.live._torch import resolve_device
    from nasbench.live.benchmark import LiveBenchmark
    from nasbench.live.data import load_dataset
    from nasbench.live.train import get_protocol
    from nasbench.problem.objectives import parse_problem
    from nasbench.runner.compare import summary
    from nasbench.runner.realtime import run_realtime_comparison

    if args.backend != "local" or args.jobs != 1:
        raise NasbenchError("expected --estimator live without --backend or --jobs (use --workers: processes)")
    if args.dataset is None:
        args.dataset = "digits"
    oneshot, oneshot_hp = _take_oneshot(args)  # one-shot methods run beside the Comparison's strategies
    comparison = _comparison(args)  # --config and the flags on top, as for any comparison
    if comparison.bench not in LIVE_SPACES:
        raise NasbenchError(
            f"expected --bench among {', '.join(LIVE_SPACES)} with --estimator live, got {comparison.bench!r}"
        )
    dataset = str(comparison.dataset)
    if args.train_seeds < 1:
        raise NasbenchError(f"expected --train-seeds >= 1, got {args.train_seeds}")
    protocol = get_protocol(args.protocol, dataset, args.epochs)
    options = {k: v for k, v in (("channels", args.channels), ("cells", args.cells)) if v is not None}
    cache = Path(args.out) / "cache.h5"
    device = str(resolve_device(args.device))
    data = load_dataset(dataset, args.data_dir)
    seeds = tuple(range(args.train_seeds))
    bench = LiveBenchmark(
        comparison.bench, data, protocol, seeds, cache, device, options, name=f"live-{comparison.bench}"
    )
    bench.check_costs(parse_problem(comparison.objectives, list(comparison.constraints or []), bench.info).constraints)
    if not oneshot:
        return summary(run_realtime_comparison(comparison, bench, args.out, str(cache), quiet=args.quiet))
    from nasbench.oneshot.live import add_to_record, oneshot_specs, run_oneshot_runs
    from nasbench.results import ResultsFolder
    from nasbench.runner.realtime import realtime_record

    record = add_to_record(realtime_record(comparison, bench, str(cache)), oneshot, oneshot_hp, bench)
    folder = ResultsFolder(args.out)
    folder.prepare(record)  # every method checked and recorded before anything trains
    outcome = run_realtime_comparison(comparison, bench, args.out, str(cache), quiet=args.quiet)
    ran, reused = run_oneshot_runs(oneshot_specs(oneshot, oneshot_hp, record, str(cache)), bench, folder)
    return summary(replace(outcome, ran=outcome.ran + ran, reused=outcome.reused + reused, others=tuple(oneshot)))


def _take_oneshot(args: argparse.Namespace) -> tuple[list[str], dict[str, dict[str, Any]]]:
    """The one-shot methods among --strategies and their --set values, taken out of `args`."""
    from nasbench.cli.main import _hyperparameters, _names
    from nasbench.oneshot import METHODS

    names = _names(args.strategies)
    oneshot = [n for n in names if n in METHODS]
    if not oneshot:
        return [], {}
    if len(oneshot) == len(names):
        raise NasbenchError(
            f"expected at least one black-box strategy beside the one-shot methods {','.join(oneshot)} "
            "(one-shot alone: `nasbench oneshot`), got none"
        )
    if args.config:
        raise NasbenchError(f"expected one-shot methods ({','.join(oneshot)}) with flags only, got --config")
    args.strategies = ",".join(n for n in names if n not in METHODS)
    mine = [item for item in args.set if item.partition(".")[0] in oneshot]
    args.set = [item for item in args.set if item not in mine]
    return oneshot, _hyperparameters(mine)


def add_search_commands(commands: Any) -> None:
    """Add `search` to the `nasbench` subcommands."""
    search = commands.add_parser("search", help="search a network for your data by training (real time)")
    search.add_argument(
        "--data", required=True, help="digits, a .npz (X, y), a .csv (with --target) or an image folder"
    )
    search.add_argument("--target", help="the CSV column to predict")
    search.add_argument("--space", default=None, help="nb201 or macro for images; mlp for tabular data (default)")
    search.add_argument("--strategy", default="re", help="a search strategy (default re: regularized evolution)")
    search.add_argument("--budget", required=True, help="real time, e.g. 10m, 600s, 1h, or evaluations (20evals)")
    search.add_argument("--cv", type=int, help="K-fold cross-validation (default: one stratified hold-out split)")
    search.add_argument(
        "--metric",
        default="accuracy",
        help="labels: accuracy (default), balanced_accuracy, log_loss; a continuous target: mse or mae",
    )
    search.add_argument(
        "--objectives",
        help="a multi-objective search (with --strategy mo-rs, mo-re, nsga2 or parego): accuracy,params or "
        "accuracy,latency (latency: median ms of 15 forward passes of a batch of 32 after 3 warm-up passes, "
        "one CPU thread, on --device, measured on this machine); the Pareto front goes to OUT/front.csv",
    )
    search.add_argument(
        "--export-format",
        default="torchscript",
        help="the retrained network: torchscript (OUT/model.pt, default), exported (OUT/model.pt2, torch.export) "
        "or both",
    )
    search.add_argument("--epochs", type=int, help="training epochs (default 12)")
    search.add_argument("--workers", type=int, default=1, help="parallel training processes (default 1)")
    search.add_argument("--seed", type=int, default=0, help="seed of the split and the search (default 0)")
    search.add_argument("--channels", type=int, help="NAS-Bench-201: channels C of the first stage (default 16)")
    search.add_argument("--cells", type=int, help="NAS-Bench-201: cells N per stage (default 5)")
    search.add_argument("--device", default="cpu", help="cpu (default), cuda, cuda:N or mps")
    search.add_argument("--threads", type=int, default=1, help="CPU threads of in-process training (default 1)")
    search.add_argument("--out", required=True, help="output folder (rerunning the command resumes from its cache)")
    search.add_argument("--quiet", action="store_true", help="no progress")


def run_search(args: argparse.Namespace) -> str:
    """Search, retrain the winner, score it on the test split; return the text to print."""
    torch = require_torch()
    from nasbench.live.search import SearchSettings, search

    if args.threads < 1:
        raise NasbenchError(f"expected --threads >= 1, got {args.threads}")
    torch.set_num_threads(args.threads)  # worker processes (--workers > 1) use one each

    options = {k: v for k, v in (("channels", args.channels), ("cells", args.cells)) if v is not None}
    settings = SearchSettings(
        data=args.data,
        target=args.target,
        space=args.space,
        strategy=args.strategy,
        budget=args.budget,
        cv=args.cv,
        metric=args.metric,
        epochs=args.epochs,
        workers=args.workers,
        seed=args.seed,
        model_options=options,
        device=args.device,
        objectives=args.objectives,
        export_format=args.export_format,
    )
    return search(settings, args.out, quiet=args.quiet).summary()


SEARCH_COMMANDS: dict[str, Callable[[argparse.Namespace], str]] = {"search": run_search}
