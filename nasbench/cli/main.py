"""The `nasbench` command: parse arguments, call the library, print.

Owns argument parsing and output formatting only. Every user error is a
`NasbenchError`, printed as one line on stderr with exit status 2, never a
traceback.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from nasbench._version import __version__
from nasbench.cli.live import LIVE_COMMANDS, add_live_commands
from nasbench.cli.meta import META_COMMANDS, add_meta_commands
from nasbench.cli.oneshot import ONESHOT_COMMANDS, add_oneshot_commands
from nasbench.cli.proxies import PROXIES_COMMANDS, add_proxies_commands
from nasbench.cli.search import SEARCH_COMMANDS, add_live_compare_options, add_search_commands
from nasbench.cli.surrogate import add_surrogate_commands, run_surrogate
from nasbench.errors import NasbenchError

if TYPE_CHECKING:
    from nasbench.benchmark.base import Benchmark
    from nasbench.runner.settings import Comparison


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="nasbench", description="Real NAS benchmarks, offline.")
    parser.add_argument("--version", action="version", version=f"nasbench {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    listing = commands.add_parser(
        "list",
        help="benchmarks, datasets, metrics, fidelities, sources",
        description="Describe the benchmarks of the data folder; a damaged file is named on stderr (exit 2), "
        "the others are still listed.",
    )
    listing.add_argument("names", nargs="*", metavar="NAME", help="only these benchmarks or table files (.h5)")
    listing.add_argument("--rows", action="store_true", help="the architecture string of each row of one NAME")
    listing.add_argument("--json", action="store_true", help="print JSON")

    query = commands.add_parser("query", help="look up one architecture")
    query.add_argument("bench", help="benchmark name, e.g. nb201, or a table file (.h5)")
    query.add_argument("arch", help="the architecture's standard string, or its index")
    query.add_argument("--dataset", help="dataset (default: the benchmark's first)")
    query.add_argument("--estimator", default="table", help="table (default) or surrogate")
    query.add_argument("--fidelity", type=int, help="fidelity, e.g. epochs (default: the largest)")
    query.add_argument("--train-seed", type=int, dest="seed", help="one training seed (default: the mean over seeds)")
    query.add_argument("--seed", dest="old_seed", help=argparse.SUPPRESS)  # refused with a hint in run_query
    query.add_argument("--metric", action="append", dest="metrics", help="only this metric (repeatable)")
    query.add_argument("--all", action="store_true", help="include per-device hardware metrics")
    query.add_argument("--json", action="store_true", help="print JSON")
    _add_compare(commands)
    add_surrogate_commands(commands)
    add_live_commands(commands)
    add_search_commands(commands)
    add_meta_commands(commands)
    add_oneshot_commands(commands)
    add_proxies_commands(commands)
    report = commands.add_parser("report", help="figures and tables from results folders")
    report.add_argument("folders", nargs="+", help="results folders of `nasbench compare`")
    report.add_argument("--out", required=True, help="report folder")
    report.add_argument(
        "--stat",
        choices=("median", "mean"),
        default="median",
        help="median with IQR band (default) or mean with 95%% bootstrap CI",
    )
    return parser


COMPARE_EXAMPLE = """\
strategies: rs, re, reinforce, ls, bananas, gp-bo, sh, hyperband, bohb, rs-lce (single objective);
            mo-rs, nsga2, mo-re, parego (with --objectives);
            re-warm, re-prior, reinforce-prior, rgpe, bananas-transfer (with --meta-from);
            re-zc, bananas-zc, reinforce-zc (with --estimator zero-cost:<proxy>); a plug-in as module:Class
benchmarks: nb201, nb101, nlp, macro, graph, fcnet, accel, nb201-digits, nb201-proxies, macro-proxies
            (`nasbench list` shows each one's datasets, fidelities and metrics)
plug-ins:   any strategy class as module:Class (e.g. examples.my_strategy:MyStrategy), or the name of a
            `nasbench.strategies` entry point; --set takes its name or class name
settings:   --config FILE (YAML or JSON, the keys of comparison.json; a comparison.json replays it)

example:
  nasbench compare --bench nb201 --dataset cifar10-valid --strategies rs,re,hyperband \\
      --runs 20 --budget 200000s --out results/nb201-c10
  nasbench report results/nb201-c10 --out report/nb201-c10
"""


def _add_compare(commands: Any) -> None:
    compare = commands.add_parser(
        "compare",
        help="compare search strategies on a benchmark (resumable)",
        epilog=COMPARE_EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    compare.add_argument(
        "--config",
        metavar="FILE",
        help="settings from a YAML or JSON file with the keys of comparison.json (a finished comparison's "
        "comparison.json replays it); the flags below override it",
    )
    compare.add_argument("--bench", help="benchmark name, e.g. nb201 (see `nasbench list`)")
    compare.add_argument("--dataset", help="dataset (default: the benchmark's first)")
    compare.add_argument(
        "--estimator", help="table (default), surrogate, live (trains), or zero-cost:<proxy> (re-zc, bananas-zc, ...)"
    )
    compare.add_argument(
        "--strategies", help="comma-separated, e.g. rs,re,reinforce,ls; a plug-in as module:Class (my_pkg.search:Mine)"
    )
    compare.add_argument(
        "--objectives", help="two or three metrics to trade off, e.g. valid_acc,latency:pixel3 (mo-rs, nsga2, ...)"
    )
    compare.add_argument("--constraint", action="append", help="e.g. 'latency:raspi4<=10' (repeatable; <=, >=, <, >)")
    compare.add_argument("--runs", type=int, help="runs per strategy (default 100)")
    compare.add_argument(
        "--budget",
        help="per run: simulated seconds ('12000s') or evaluations ('150evals'; comparing multi-fidelity "
        "with single-fidelity strategies needs seconds, so that each gets the same compute)",
    )
    compare.add_argument("--workers", type=int, help="simulated parallel workers (default 1)")
    compare.add_argument("--jobs", type=int, default=1, help="local processes (default 1)")
    compare.add_argument("--out", required=True, help="results folder")
    compare.add_argument("--seed", type=int, help="root seed of the searches' random streams (default 0)")
    compare.add_argument("--fidelity", type=int, help="fidelity of single-fidelity strategies (default: full)")
    compare.add_argument(
        "--pin-fidelity",
        action="store_true",
        default=None,
        help="evaluate every proposal at --fidelity, whatever fidelity a strategy asks (NB201's BOHB worker)",
    )
    compare.add_argument(
        "--transfer-to",
        metavar="DATASETS",
        help="also score each incumbent on these datasets of the same table (comma-separated; columns transfer_*)",
    )
    compare.add_argument(
        "--meta-from",
        metavar="DATASETS",
        help="source tasks transfer strategies learn from: ALL_OTHERS or datasets of the same table (comma-separated)",
    )
    compare.add_argument(
        "--meta-data",
        help="what they get of the sources: history (an earlier search on each, default) or tables (whole tables)",
    )
    compare.add_argument(
        "--overhead-seconds", type=float, help="simulated optimizer time charged per proposal (default 0)"
    )
    compare.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="STRATEGY.NAME=VALUE",
        help="a hyperparameter, e.g. re.population_size=20 (repeatable)",
    )
    compare.add_argument("--backend", default="local", help="local, dask or ray (default local)")
    local = "(default: a local cluster of --jobs processes on loopback)"
    compare.add_argument("--scheduler", help=f"Dask scheduler address, e.g. tcp://HOST:8786 {local}")
    compare.add_argument("--address", help=f"Ray cluster address, e.g. auto {local}")
    compare.add_argument(
        "--worker-timeout", type=float, default=30.0, help="seconds a cluster's workers may take to arrive (default 30)"
    )
    compare.add_argument("--quiet", action="store_true", help="no progress bar")
    compare.add_argument("--report", action="store_true", help="then write a report to OUT/report")
    compare.add_argument(
        "--stat", choices=("median", "mean"), default="median", help="the report's statistic (with --report)"
    )
    add_live_compare_options(compare)


def _hyperparameters(items: list[str]) -> dict[str, dict[str, Any]]:
    result: dict[str, dict[str, Any]] = {}
    for item in items:
        key, sep, text = item.partition("=")
        strategy, dot, name = key.rpartition(".")  # a plug-in's path has dots; a hyperparameter's name none
        if not sep or not dot or not strategy or not name:
            raise NasbenchError(f"expected --set STRATEGY.NAME=VALUE, got {item!r}")
        try:
            value = json.loads(text)
        except ValueError:
            value = text
        result.setdefault(strategy, {})[name] = value
    return result


def _names(text: str | None) -> list[str]:
    return [s.strip() for s in (text or "").split(",") if s.strip()]


def _comparison(args: argparse.Namespace) -> Comparison:
    """The comparison of --config FILE (if given) with the flags given on top of it."""
    from nasbench.runner.config import check_recorded, comparison_from, read_config

    config = read_config(args.config) if args.config else {}
    flags = {
        "bench": args.bench,
        "dataset": args.dataset,
        "strategies": tuple(_names(args.strategies)) if args.strategies is not None else None,
        "runs": args.runs,
        "budget": args.budget,
        "workers": args.workers,
        "root_seed": args.seed,
        "fidelity": args.fidelity,
        "pin_fidelity": args.pin_fidelity,
        "overhead_seconds": args.overhead_seconds,
        "hyperparameters": _hyperparameters(args.set),
        "estimator": args.estimator,
        "objectives": args.objectives,
        "constraints": tuple(args.constraint) if args.constraint is not None else None,
        "transfer_to": tuple(_names(args.transfer_to)) if args.transfer_to is not None else None,
        "meta_from": tuple(_names(args.meta_from)) if args.meta_from is not None else None,
        "meta_data": args.meta_data,
    }
    comparison = comparison_from(config, flags)
    check_recorded(config, comparison)
    return comparison


def run_compare(args: argparse.Namespace) -> str:
    """Run or resume a comparison; return the text to print."""
    # imports the strategies' scikit-learn models: only when needed
    from nasbench.runner.compare import run_comparison, summary

    if args.estimator == "live":
        from nasbench.cli.search import run_live_compare

        text = run_live_compare(args)
        return f"{text}\n{_report([args.out], os.path.join(args.out, 'report'), args.stat)}" if args.report else text
    comparison = _comparison(args)
    address = args.scheduler or args.address
    outcome = run_comparison(
        comparison,
        out=args.out,
        jobs=args.jobs,
        backend=args.backend,
        address=address,
        quiet=args.quiet,
        wait_s=args.worker_timeout,
    )
    text = summary(outcome)
    if args.report:
        return f"{text}\n{_report([str(outcome.folder.path)], str(outcome.folder.path / 'report'), args.stat)}"
    return text


def _report(folders: list[str], out: str, stat: str) -> str:
    from nasbench.report.meta import expand
    from nasbench.report.writer import write_report  # matplotlib: only when needed

    return f"report in {write_report(expand(folders), out, stat)}"


def run_report(args: argparse.Namespace) -> str:
    """Write a report; return the text to print."""
    return _report(args.folders, args.out, args.stat)


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


def _index(bench: Benchmark, arch: Any) -> int | None:
    """The architecture's index in its space, else its table row, else None (a surrogate of a huge space)."""
    if hasattr(bench.space, "index"):
        return int(bench.space.index(arch))
    return int(bench.row(arch)) if hasattr(bench, "row") else None


def run_query(args: argparse.Namespace) -> str:
    """Look up one architecture; return the text to print."""
    if args.old_seed is not None:
        raise NasbenchError(
            f"expected --train-seed {args.old_seed} for a training seed (`--seed` is compare's root seed), got --seed"
        )

    from nasbench.registry import canonical_metric, load  # numpy, pandas, h5py: only when needed

    bench = load(args.bench, dataset=args.dataset, estimator=args.estimator)
    arch = bench.space.parse(args.arch)
    metrics = [canonical_metric(bench.info.metrics, m) for m in args.metrics] if args.metrics else args.metrics
    if metrics is None and args.all:
        f = bench.fidelity_index(args.fidelity)
        metrics = [m for m, info in bench.info.metrics.items() if bench.info.fidelities[f] in info.fidelities]
    record = bench.query(arch, fidelity=args.fidelity, seed=args.seed, metrics=metrics)
    info = bench.info
    fidelity = args.fidelity if args.fidelity is not None else info.max_fidelity
    header = {
        "benchmark": info.name,
        "dataset": info.dataset,
        "arch": bench.space.to_str(arch),
        "index": _index(bench, arch),
        "fidelity": fidelity,
        "fidelity_unit": info.fidelity_unit,
        "seed": args.seed,
    }
    if args.json:
        return json.dumps({**header, "metrics": {k: _finite(v) for k, v in record.items()}}, indent=2)
    seed = f"seed {args.seed}" if args.seed is not None else ("mean over seeds" if info.seeds else "as published")
    if args.estimator == "surrogate":
        seed = f"surrogate: {'a draw for ' + seed if args.seed is not None else 'ensemble mean'}"
    describe = getattr(bench.space, "describe", None)
    config = [", ".join(f"{k}={v}" for k, v in describe(arch).items())] if describe else []
    index = "" if header["index"] is None else f"   index {header['index']}"
    lines = [
        f"{info.name} / {info.dataset}{index}   {fidelity} {info.fidelity_unit}   {seed}",
        f"{header['arch']}",
        *config,
    ]
    width = max([4, *(len(info.metrics[name].unit) for name in record)]) + 2
    lines += ["", f"{'metric':<24}{'value':>14}  {'unit':<{width}}{'direction'}"]
    for name, value in record.items():
        m = info.metrics[name]
        lines.append(f"{name:<24}{value:>14.6g}  {m.unit:<{width}}{m.direction}")
    return "\n".join(lines)


def run_list(args: argparse.Namespace) -> str:
    """Describe the benchmarks (or list one table's rows); return the text to print.

    Unreadable files are named in an error raised after the readable ones are printed.
    """
    if args.rows:
        return _rows(args)
    from nasbench.registry import scan_benchmarks  # numpy, pandas, h5py: only when needed

    problems: list[str] = []
    if args.names:
        benchmarks = [_header(name) for name in args.names]
    else:
        benchmarks, problems = scan_benchmarks()
    if args.json:
        text = json.dumps(benchmarks, indent=2)
    else:
        text = "\n\n".join(_describe(b) for b in benchmarks) or "no benchmark tables found"
    if problems:
        print(text, flush=True)
        raise NasbenchError(f"left out {len(problems)} unreadable table file(s): {'; '.join(problems)}")
    return text


def _header(name: str) -> dict[str, Any]:
    from nasbench.registry import canonical_benchmark, table_path
    from nasbench.tables.format import read_header

    name = canonical_benchmark(name)
    meta, datasets = read_header(table_path(name))
    return {"name": name, **meta, "datasets": datasets}


def _rows(args: argparse.Namespace) -> str:
    """The standard string of each table row, in row order (a partial table's architectures)."""
    if len(args.names) != 1:
        raise NasbenchError(f"expected one benchmark name with --rows, got {len(args.names)}")
    from nasbench.registry import load_table

    archs = load_table(args.names[0]).table.archs()
    return json.dumps(archs) if args.json else "\n".join(archs)


def _describe(bench: dict[str, Any]) -> str:
    lines = [f"{bench['name']}: {bench['title']} ({bench['reference']})", f"  license: {bench['license']}"]
    lines += [f"  source: {s['name']}: {s['source']} ({s['license']})" for s in bench["provenance"]]
    for name, ds in bench["datasets"].items():
        lines.append(
            f"  dataset {name}: fidelities {', '.join(map(str, ds['fidelities']))} {bench['fidelity_unit']}, "
            f"seeds {', '.join(map(str, ds['seeds'])) or 'none'}; observe {ds['observe']}, score {ds['score']}"
            + (f" (else {ds['score_fallback']})" if ds.get("score_fallback") else "")
        )
        hardware: dict[tuple[str, str, str], list[str]] = {}
        for metric, info in ds["metrics"].items():
            if info["kind"] == "hardware":
                kind, _, device = metric.partition(":")
                hardware.setdefault((kind, info["unit"], info["direction"]), []).append(device or metric)
                continue
            lines.append(f"    {metric:<16}{info['unit']:<7}{info['direction']:<10}{info['description']}")
        for (kind, unit, direction), devices in hardware.items():
            lines.append(f"    {kind}:<device> ({unit}, {direction}) on {len(devices)} settings: {', '.join(devices)}")
    rows, size = bench["rows"], bench.get("size", "?")
    partial = isinstance(size, int) and size > rows  # a table of part of its space
    lines.append(f"  architectures: {rows}" + (f" of the space's {size:,}" if partial else ""))
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `nasbench` command."""
    args = _parser().parse_args(argv)
    logging.basicConfig(format="nasbench: note: %(message)s", level=logging.WARNING)
    try:
        commands = {
            "list": run_list,
            "query": run_query,
            "compare": run_compare,
            "report": run_report,
            "surrogate": run_surrogate,
            **LIVE_COMMANDS,
            **SEARCH_COMMANDS,
            **META_COMMANDS,
            **ONESHOT_COMMANDS,
            **PROXIES_COMMANDS,
        }
        output = commands[args.command](args)
        print(output)
    except NasbenchError as err:
        print(f"nasbench: error: {err}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # e.g. piped into `head`: the reader has what it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as err:  # e.g. an output folder that cannot be written: the user's to fix, no traceback
        print(f"nasbench: error: {err.strerror or err}: {err.filename or ''}".rstrip(": "), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("nasbench: interrupted; finished runs are saved, rerun the same command to resume", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
