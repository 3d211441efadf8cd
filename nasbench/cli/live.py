"""The live-training subcommands of `nasbench`: train, build-table, validate, export.

Owns their argument parsing and output text only (the work is in the modules they call).
Importing this module does not import torch: each handler asks for it first and fails with a
one-line `pip install -e ".[live]"` message where it is absent.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from nasbench.errors import NasbenchError
from nasbench.files import atomic_path
from nasbench.live._torch import require_torch

DATASET_HELP = "digits (offline, default), cifar10 or cifar100 (from --data-dir)"


def output_file(path: str | None, option: str = "--out") -> None:
    """Refuse an output file that cannot be written, before any work: a folder, or a place without write access.

    Probes the nearest existing folder with a temporary file (permission bits alone do not tell: root
    ignores them, and a read-only file system honours none); creates nothing that stays.
    """
    if path is None:
        return
    out = Path(path)
    if out.is_dir():
        raise NasbenchError(f"expected a file for {option}, got the folder {path}")
    folder = out.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    try:
        if not folder.is_dir():
            raise NotADirectoryError(f"{folder} is not a folder")
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".nasbench-probe-"):
            pass
    except OSError as err:
        reason = err.strerror or str(err)
        raise NasbenchError(
            f"expected a writable place for {option}, got {path}: cannot create a file in {folder} ({reason})"
        ) from None


def _model_options(args: argparse.Namespace) -> dict[str, Any]:
    """Only the options given: a build with the defaults keeps an empty, stable spec."""
    return {k: v for k, v in (("channels", args.channels), ("cells", args.cells)) if v is not None}


def _add_model_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--channels", type=int, help="NAS-Bench-201: channels C of the first stage (default 16)")
    parser.add_argument("--cells", type=int, help="NAS-Bench-201: cells N per stage (default 5)")


def _add_train(commands: Any) -> None:
    train = commands.add_parser("train", help="train one architecture for real (PyTorch)")
    train.add_argument("space", help="search space: nb201 or macro")
    train.add_argument("arch", help="the architecture's standard string, or its index")
    train.add_argument("--dataset", default="digits", help=DATASET_HELP)
    train.add_argument("--data-dir", help="folder holding the CIFAR python-pickle files")
    train.add_argument("--protocol", help="nb201-12, nb201-200 or digits-12 (default: the dataset's)")
    train.add_argument("--epochs", type=int, help="override the protocol's number of epochs")
    train.add_argument("--seed", type=int, default=0, help="training seed (default 0)")
    train.add_argument("--device", default="auto", help="auto (default), cpu, cuda, cuda:N or mps")
    train.add_argument(
        "--threads",
        type=int,
        default=1,
        help="CPU threads (default 1: never oversubscribes a shared machine; raise it on an idle one)",
    )
    train.add_argument("--no-amp", action="store_true", help="full precision on CUDA")
    _add_model_options(train)
    train.add_argument("--out", help="also write the full record as JSON here")
    train.add_argument("--json", action="store_true", help="print JSON")
    train.add_argument("--quiet", action="store_true", help="no per-epoch progress")


def _add_build(commands: Any) -> None:
    build = commands.add_parser("build-table", help="train architectures x seeds into a table (resumable)")
    build.add_argument("--space", default="nb201", help="search space (default nb201)")
    build.add_argument("--dataset", default="digits", help=DATASET_HELP)
    build.add_argument("--data-dir", help="folder holding the CIFAR python-pickle files")
    build.add_argument("--protocol", help="nb201-12, nb201-200 or digits-12 (default: the dataset's)")
    build.add_argument("--epochs", type=int, help="override the protocol's number of epochs")
    build.add_argument("--seeds", type=int, default=3, help="seeds 0..N-1 per architecture (default 3)")
    build.add_argument(
        "--archs", default="unique", help="all, unique (default), random:N (classes), or a file of architecture strings"
    )
    build.add_argument("--sample-seed", type=int, default=0, help="shuffle seed of random:N (default 0)")
    build.add_argument("--out", required=True, help="table file (.h5); an existing build of it resumes")
    build.add_argument("--jobs", type=int, default=1, help="worker processes, one thread each (default 1)")
    _add_model_options(build)
    build.add_argument("--quiet", action="store_true", help="no progress bar")


def _add_validate(commands: Any) -> None:
    validate = commands.add_parser("validate", help="train unseen architectures and compare with a surrogate")
    validate.add_argument("surrogate", help="surrogate file (.json) fitted on a table built by build-table")
    validate.add_argument("--sample", type=int, default=32, help="architectures across the range (default 32)")
    validate.add_argument("--top", type=int, default=10, help="plus the predicted top K (default 10)")
    validate.add_argument("--seeds", type=int, default=1, help="training seeds per architecture (default 1)")
    validate.add_argument("--seed", type=int, default=0, help="sampling seed (default 0)")
    validate.add_argument("--device", default="auto", help="auto (default), cpu, cuda, cuda:N or mps")
    validate.add_argument("--jobs", type=int, default=1, help="CPU worker processes, one thread each (default 1)")
    validate.add_argument("--data-dir", help="folder holding the CIFAR python-pickle files")
    validate.add_argument("--out", help="report folder (default: validation-<surrogate name>)")
    validate.add_argument("--quiet", action="store_true", help="no progress bar")


def _add_export(commands: Any) -> None:
    export = commands.add_parser("export", help="write an architecture's network as TorchScript or torch.export")
    export.add_argument("space", help="search space: nb201 or macro")
    export.add_argument("arch", help="the architecture's standard string, or its index")
    export.add_argument(
        "--out", required=True, help="output file: .pt for TorchScript, .pt2 for torch.export (no other format)"
    )
    export.add_argument("--num-classes", type=int, default=10, help="classifier outputs (default 10)")
    export.add_argument("--input-size", type=int, help="image side used for tracing / exporting (default 32)")
    _add_model_options(export)


def add_live_commands(commands: Any) -> None:
    """Add train, build-table, validate and export to the `nasbench` subcommands."""
    for add in (_add_train, _add_build, _add_validate, _add_export):
        add(commands)


def _progress(quiet: bool, epochs: int) -> Callable[[int, dict[str, float]], None] | None:
    if quiet:
        return None

    def show(epoch: int, record: dict[str, float]) -> None:
        print(
            f"epoch {epoch:>3}/{epochs}  train loss {record['train_loss']:.4f} acc {record['train_acc']:6.2f}  "
            f"valid loss {record['valid_loss']:.4f} acc {record['valid_acc']:6.2f}  {record['epoch_seconds']:.2f} s",
            file=sys.stderr,
            flush=True,
        )

    return show


def run_train(args: argparse.Namespace) -> str:
    """Train one architecture; return the text to print."""
    torch = require_torch()
    from nasbench.live._torch import resolve_device
    from nasbench.live.data import load_dataset
    from nasbench.live.models import check_options
    from nasbench.live.train import get_protocol, train
    from nasbench.spaces import get_space

    arch = get_space(args.space).parse(args.arch)
    options = _model_options(args)
    check_options(args.space, options)
    protocol = get_protocol(args.protocol, args.dataset, args.epochs)
    if args.threads < 1:
        raise NasbenchError(f"expected --threads >= 1, got {args.threads}")
    output_file(args.out)
    data = load_dataset(args.dataset, args.data_dir)
    device = resolve_device(args.device)
    torch.set_num_threads(args.threads)
    on_epoch = _progress(args.quiet, protocol.epochs)
    result = train(
        args.space, arch, data, protocol, args.seed, device, amp=not args.no_amp, on_epoch=on_epoch, **options
    )
    record = result.to_dict()
    if args.out:
        with atomic_path(args.out) as tmp:
            tmp.write_text(json.dumps(record, indent=2))
    if args.json:
        return json.dumps(record, indent=2)
    final = result.final()
    seconds = sum(result.curves["epoch_seconds"])
    return "\n".join(
        [
            f"{args.space} / {args.dataset} ({data.split})   protocol {protocol.name}, {protocol.epochs} epochs, "
            f"seed {args.seed}, {result.device}",
            result.arch,
            f"params {result.params / 1e6:.6f} M   FLOPs {result.flops / 1e6:.3f} M (multiply-adds)",
            f"valid acc {final['valid_acc']:.2f} %   test acc {final['test_acc']:.2f} %   "
            f"test loss {final['test_loss']:.4f}   "
            f"train time {seconds:.1f} s ({seconds / protocol.epochs:.2f} s/epoch)",
        ]
    )


def _build_command(args: argparse.Namespace) -> str:
    parts = ["nasbench build-table", f"--space {args.space}", f"--dataset {args.dataset}"]
    if args.protocol:
        parts.append(f"--protocol {args.protocol}")
    if args.epochs:
        parts.append(f"--epochs {args.epochs}")
    parts += [f"--seeds {args.seeds}", f"--archs {args.archs}"]
    if args.archs.startswith("random:"):  # the shuffle seed picks the classes: the command must repeat it
        parts.append(f"--sample-seed {args.sample_seed}")
    parts += [f"--out {args.out}", f"--jobs {args.jobs}"]
    parts += [f"--{k} {v}" for k, v in _model_options(args).items()]
    return " ".join(parts)


def run_build_table(args: argparse.Namespace) -> str:
    """Build or resume a table; return the text to print."""
    require_torch()
    from nasbench.live.build import BuildSpec, build_table, select_archs
    from nasbench.live.train import get_protocol

    if args.seeds < 1:
        raise NasbenchError(f"expected --seeds >= 1, got {args.seeds}")
    if not str(args.out).endswith(".h5"):
        raise NasbenchError(f"expected an output table ending in .h5, got {args.out!r}")
    protocol = get_protocol(args.protocol, args.dataset, args.epochs)
    spec = BuildSpec(args.space, args.dataset, protocol, tuple(range(args.seeds)), _model_options(args))
    archs = select_archs(args.space, args.archs, args.sample_seed)
    info = {"command": _build_command(args), "selection": args.archs, "sample_seed": args.sample_seed}
    summary = build_table(spec, archs, args.out, args.jobs, args.data_dir, args.quiet, info=info)
    return (
        f"{summary.out}: {summary.finished}/{summary.requested} architectures x {args.seeds} seeds done "
        f"({summary.trained_now} trained now; build wall time {summary.wall_seconds / 60:.1f} min)"
    )


def run_validate(args: argparse.Namespace) -> str:
    """Check a surrogate against real training; return the text to print."""
    require_torch()
    from nasbench.live.validate import validate

    return validate(
        args.surrogate,
        sample=args.sample,
        top=args.top,
        seeds=args.seeds,
        seed=args.seed,
        device=args.device,
        jobs=args.jobs,
        data_dir=args.data_dir,
        out=args.out,
        quiet=args.quiet,
    )


def run_export(args: argparse.Namespace) -> str:
    """Write TorchScript, or a torch.export program for a .pt2 file; return the text to print."""
    require_torch()
    from nasbench.live.export import check_suffix, export_network
    from nasbench.spaces import get_space

    arch = get_space(args.space).parse(args.arch)
    check_suffix(args.out)
    output_file(args.out)
    path = export_network(args.space, arch, args.out, args.num_classes, args.input_size, **_model_options(args))
    what = "torch.export program (torch.export.load)" if path.suffix == ".pt2" else "TorchScript (torch.jit.load)"
    return f"{what} of {get_space(args.space).to_str(arch)} written to {path}"


LIVE_COMMANDS: dict[str, Callable[[argparse.Namespace], str]] = {
    "train": run_train,
    "build-table": run_build_table,
    "validate": run_validate,
    "export": run_export,
}
