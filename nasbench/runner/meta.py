"""Meta-learning across tasks: which source tasks a search may learn from, and what it gets from them.

Owns the task protocol of a meta-comparison (issue 20): resolving `--meta-from` into source
datasets of the same table (never the target, all over the target's space), and building the
`MetaInfo` a transfer strategy is handed (`nasbench.benchmark.meta`). Two settings:

- "history": on each source, the observations of an earlier search there: regularized
  evolution (`re`, defaults) for `HISTORY_BUDGET`, on its own stream (root seed, source, run
  index), so that each run of the target learns from a different past;
- "tables": each source's whole table, the observed metric's seed mean at full fidelity.

It hands a strategy arrays of the source tasks only (never a benchmark object, never the
target's table), and it draws nothing from a strategy's stream. `leave_one_out` runs one
comparison per dataset of a benchmark, each learning from all the others, into one folder
(`meta.json` lists the targets); it writes nothing else itself.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from nasbench.benchmark.base import Benchmark, utility_sign
from nasbench.benchmark.meta import SETTINGS, MetaInfo, SourceTask
from nasbench.errors import NasbenchError, UnknownName
from nasbench.files import atomic_path
from nasbench.registry import list_benchmarks, opened
from nasbench.runner.simulation import Budget, RunSpec, simulate

ALL_OTHERS = "ALL_OTHERS"
HISTORY_STRATEGY = "re"
HISTORY_BUDGET = Budget(100, "evals")
HISTORY_TEXT = f"one {HISTORY_STRATEGY} search of {HISTORY_BUDGET} per source task, its own stream per run"


class MetaError(NasbenchError):
    """A meta-comparison's source tasks or setting outside what the benchmark allows."""


def datasets_of(bench: str) -> list[str]:
    """The datasets of benchmark `bench`'s table, in file order."""
    for found in list_benchmarks():
        if found["name"] == bench:
            return list(found["datasets"])
    opened(bench)  # an unknown benchmark: the registry's error names the known ones
    return []


def source_datasets(bench: str, target: str, meta_from: Sequence[str], estimator: str = "table") -> tuple[str, ...]:
    """`meta_from` as source datasets: ALL_OTHERS expanded; each known, not the target, over the target's space."""
    known = datasets_of(bench)
    names = [d for d in known if d != target] if list(meta_from) == [ALL_OTHERS] else list(meta_from)
    if ALL_OTHERS in names:
        raise MetaError(f"expected {ALL_OTHERS} alone or dataset names, got {','.join(meta_from)}")
    if not names:
        raise MetaError(f"expected at least one source task besides {target!r} in {bench}, got none")
    for name in names:
        if name not in known:
            raise UnknownName(f"unknown source task {name!r} of {bench}; available: {', '.join(known)}")
        if name == target:
            raise MetaError(f"expected source tasks other than the target, got {name!r}")
    for name in names:
        check_same_space(opened(bench, target, estimator), opened(bench, name, estimator))
    return tuple(names)


def check_same_space(target: Benchmark, source: Benchmark) -> None:
    """A source must search the target's space. It may tabulate a part of it, or more (NAS-Bench-Graph's
    proteins holds 2,021 of the 26,206 networks): strategies skip a source's architectures the target lacks."""
    mine, theirs = target.info.space, source.info.space
    if mine != theirs:
        raise MetaError(
            f"expected source tasks over the target's space {mine}, got {source.info.dataset!r} over {theirs}"
        )


def check_setting(setting: str) -> None:
    """Refuse an unknown `--meta-data`."""
    if setting not in SETTINGS:
        raise MetaError(f"expected --meta-data one of {', '.join(SETTINGS)}, got {setting!r}")


def meta_info(spec: RunSpec) -> MetaInfo | None:
    """The `MetaInfo` of one run (None without source tasks): the sources' data, never the target's."""
    if not spec.meta_from:
        return None
    sources = tuple(
        _source(spec.bench_name, name, spec.estimator, spec.meta_data, spec.root_seed, spec.run)
        for name in spec.meta_from
    )
    space = opened(spec.bench_name, spec.dataset, spec.estimator).info.space
    return MetaInfo(setting=spec.meta_data, target=spec.dataset, space=space, sources=sources)


def _source(bench: str, dataset: str, estimator: str, setting: str, root_seed: int, run: int) -> SourceTask:
    if setting == "tables":
        return _table_task(bench, dataset, estimator)
    return _history_task(bench, dataset, estimator, root_seed, run)


@lru_cache(maxsize=64)
def _table_task(bench: str, dataset: str, estimator: str) -> SourceTask:
    """A source's whole table: every candidate's observed metric, seed mean at full fidelity."""
    source = opened(bench, dataset, estimator)
    info = source.info
    found = source.candidates()
    values = source.query_many(found.select, info.max_fidelity, metrics=[info.observe])[info.observe].to_numpy(float)
    archs = _strings(source, found.select)
    return SourceTask(dataset, archs, utility_sign(info.metrics[info.observe].maximize) * values)


def _strings(source: Benchmark, select: np.ndarray | list[object]) -> tuple[str, ...]:
    """The standard strings of candidates given as rows (a table) or as architectures."""
    table = getattr(source, "table", None)
    if table is not None and isinstance(select, np.ndarray):
        archs = table.archs()
        return tuple(archs[int(i)] for i in select)
    return tuple(source.space.to_str(a) for a in select)


@lru_cache(maxsize=4096)
def _history_task(bench: str, dataset: str, estimator: str, root_seed: int, run: int) -> SourceTask:
    """The observations of an earlier search on a source: `re` for HISTORY_BUDGET, on its own stream."""
    source = opened(bench, dataset, estimator)
    stream = np.random.SeedSequence(root_seed, spawn_key=(zlib.crc32(f"meta-history/{dataset}".encode()),))
    seed = int(stream.generate_state(1, np.uint64)[0]) % 2**63  # a root seed of its own: no run shares it
    spec = RunSpec(
        bench_name=bench,
        dataset=dataset,
        strategy=HISTORY_STRATEGY,
        run=run,
        budget=HISTORY_BUDGET,
        root_seed=seed,
        estimator=estimator,
    )
    frame = simulate(spec, source)
    info = source.info
    sign = utility_sign(info.metrics[info.observe].maximize)
    return SourceTask(dataset, tuple(frame["arch"]), sign * frame["observed"].to_numpy(float))


def prefetch(specs: Sequence[RunSpec]) -> None:
    """Compute the source tasks' data of `specs` in this process (forked workers then inherit it)."""
    seen: set[tuple[str, ...]] = set()
    for spec in specs:
        for name in spec.meta_from:
            key = (spec.bench_name, name, spec.estimator, spec.meta_data, str(spec.root_seed), str(spec.run))
            if key not in seen:
                seen.add(key)
                _source(spec.bench_name, name, spec.estimator, spec.meta_data, spec.root_seed, spec.run)


META_FILE = "meta.json"


def leave_one_out(
    *,
    bench: str,
    strategies: Sequence[str],
    budget: str,
    out: str,
    runs: int = 100,
    meta_data: str = "history",
    root_seed: int = 0,
    jobs: int = 1,
    quiet: bool = False,
) -> Path:
    """Leave-one-task-out: a comparison per dataset of `bench`, learning from all the others, in `out/<dataset>`.

    Every target's settings are checked before the first run; `out/meta.json` lists the targets
    (what `nasbench report` reads to find them). Resumable as `compare` is. Returns `out`.
    """
    from nasbench.runner.compare import resolve, run_comparison  # compare imports this module
    from nasbench.runner.executors import check_backend
    from nasbench.runner.settings import Comparison

    check_backend("local", jobs, None)
    targets = datasets_of(bench)
    comparisons = [
        Comparison(
            bench=bench,
            dataset=target,
            strategies=tuple(strategies),
            budget=Budget.parse(budget),
            runs=runs,
            root_seed=root_seed,
            meta_from=(ALL_OTHERS,),
            meta_data=meta_data,
        )
        for target in targets
    ]
    for comparison in comparisons:
        resolve(comparison)
    folder = Path(out)
    _write_index(folder, {"format": "nasbench-meta", "benchmark": bench, "targets": targets, "meta_data": meta_data})
    for comparison in comparisons:
        run_comparison(comparison, out=str(folder / str(comparison.dataset)), jobs=jobs, quiet=quiet)
    return folder


def _write_index(folder: Path, index: dict[str, Any]) -> None:
    """`meta.json`, written once; a folder of another meta-comparison is refused."""
    path = folder / META_FILE
    if path.exists():
        before = json.loads(path.read_text())
        if before != index:
            raise MetaError(f"expected {folder} to hold the same meta-comparison, got one of {before.get('benchmark')}")
        return
    with atomic_path(path) as tmp:
        tmp.write_text(json.dumps(index, indent=2, sort_keys=True) + "\n")
