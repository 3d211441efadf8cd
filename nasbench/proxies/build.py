"""Building a proxy table: every chosen proxy for every architecture of a space, the engine of
`nasbench proxies`.

Owns the cell order (one fixed shuffle of the space, so that a partial table is a uniform random
sample), the per-cell computation (a network initialised from a seeded generator, each proxy on
a fresh copy) with its CPU time per proxy, the worker processes (one thread each) and the table
in the shipped HDF5 format: one dataset named after the input batch, one metric per proxy
(direction maximize, as each paper ranks), `seconds:<proxy>` costs and `proxy_seconds`. The table
is rewritten atomically every `write_every` seconds and at the end (Ctrl-C included), so an
interrupted build leaves a valid file and the same command resumes it. It never changes a table
built with other settings, and never trains.
"""

from __future__ import annotations

import gc
import multiprocessing
import signal
import threading
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from nasbench.errors import NasbenchError
from nasbench.proxies import DESCRIPTIONS, check_proxies, get_proxy
from nasbench.proxies.inputs import BatchSpec, check_batch, make_batch
from nasbench.spaces import EnumerableSpace, get_space
from nasbench.tables.format import FAILED, MEASURED, Dataset, Metric, read_header, read_table, write_table

ORDER_SEED = 0  # the shuffle of the space's rows: part of the protocol, never drawn per build
UNITS = {"params": "M", "flops": "MFLOPs"}


class ProxyBuildError(NasbenchError):
    """An output table that belongs to another proxy build, or a space without a network."""


@dataclass(frozen=True)
class ProxySpec:
    """What makes two builds the same table: a rerun with an equal spec resumes the file."""

    space: str
    proxies: tuple[str, ...]
    batch: BatchSpec
    init_seed: int = 0
    model_options: dict[str, Any] = field(default_factory=dict)

    def key(self) -> dict[str, Any]:
        """The spec as JSON-able data (stored in the table's meta)."""
        batch = {k: v for k, v in asdict(self.batch).items() if k != "data_dir"}  # a moved folder still resumes
        return {**asdict(self), "proxies": list(self.proxies), "batch": batch}


_BATCH: dict[BatchSpec, Any] = {}  # per process: each worker makes the batch once


def check_spec(spec: ProxySpec) -> EnumerableSpace[Any]:
    """The spec's space, after refusing unknown proxies, a space without a network or a batch it cannot take."""
    from nasbench.live.models import MIN_INPUT_SIZE, check_options

    check_options(spec.space, spec.model_options)
    check_proxies(list(spec.proxies))
    check_batch(spec.batch, MIN_INPUT_SIZE[spec.space])
    if spec.batch not in _BATCH:  # a missing or unreadable dataset folder fails here, before any work
        _BATCH[spec.batch] = make_batch(spec.batch)
    space = get_space(spec.space)
    if not isinstance(space, EnumerableSpace):
        raise ProxyBuildError(f"expected an enumerable space, got {spec.space!r}")
    return space


def cell_order(size: int) -> list[int]:
    """The rows in build order: one fixed shuffle, so that any prefix is a uniform random sample."""
    return np.random.default_rng(ORDER_SEED).permutation(size).tolist()


def score_cell(spec: ProxySpec, row: int) -> tuple[int, dict[str, float], dict[str, float]]:
    """(row, proxy -> value, proxy -> seconds) of one architecture: same spec and row, same values."""
    import torch

    from nasbench.live.models import build_model

    if spec.batch not in _BATCH:
        _BATCH[spec.batch] = make_batch(spec.batch)
    inputs, targets = _BATCH[spec.batch]
    space = get_space(spec.space)
    assert isinstance(space, EnumerableSpace)
    init = torch.Generator().manual_seed(spec.init_seed)
    model = build_model(spec.space, space.arch(row), spec.batch.classes, generator=init, **spec.model_options)
    values, seconds = {}, {}
    for name in spec.proxies:
        start = time.process_time()  # CPU time of this one-thread process: a shared machine's load stays out
        values[name] = get_proxy(name)(model, inputs, targets, torch.Generator().manual_seed(spec.init_seed))
        seconds[name] = time.process_time() - start
    gc.collect()  # hooks close over their tensors: free those cycles now, not after hundreds of cells
    return row, values, seconds


def _worker_init() -> None:
    import torch

    torch.set_num_threads(1)


def _score(args: tuple[ProxySpec, int]) -> tuple[int, dict[str, float], dict[str, float]]:
    return score_cell(*args)


def run_cells(spec: ProxySpec, rows: list[int], jobs: int) -> Iterator[tuple[int, dict[str, float], dict[str, float]]]:
    """Score `rows`, yielding each as it finishes; one thread per process, whatever `jobs`."""
    import torch

    if jobs <= 1:
        threads = torch.get_num_threads()
        torch.set_num_threads(1)
        try:
            yield from (score_cell(spec, row) for row in rows)
        finally:
            torch.set_num_threads(threads)
        return
    context = multiprocessing.get_context("spawn")  # fork after OpenMP has started can hang
    with context.Pool(jobs, initializer=_worker_init) as pool:
        yield from pool.imap_unordered(_score, [(spec, row) for row in rows], chunksize=4)


Done = dict[int, tuple[dict[str, float], dict[str, float]]]  # row -> (values, seconds)


def _metrics(spec: ProxySpec, rows: list[int], done: Done) -> list[Metric]:
    metrics = []
    for name in spec.proxies:
        values = np.array([done[r][0][name] for r in rows], dtype=np.float64)
        status = np.where(np.isnan(values), FAILED, MEASURED).astype(np.uint8)  # -inf (a singular kernel) is a score
        text = f"{DESCRIPTIONS[name]}; input {spec.batch.describe()}"
        metrics.append(Metric(name, UNITS.get(name, "score"), "maximize", text, ("arch",), values, status))
    for name in spec.proxies:
        seconds = np.array([done[r][1][name] for r in rows], dtype=np.float64)
        text = f"CPU time of {name} on this cell (build machine, 1 thread)"
        metrics.append(Metric(f"seconds:{name}", "s", "minimize", text, ("arch",), seconds, kind="cost"))
    total = np.array([sum(done[r][1].values()) for r in rows], dtype=np.float64)
    text = "CPU time of every proxy of this table on this cell (build machine, 1 thread)"
    metrics.append(Metric("proxy_seconds", "s", "minimize", text, ("arch",), total, kind="cost"))
    return metrics


def write(out: Path, spec: ProxySpec, space: EnumerableSpace[Any], done: Done, info: dict[str, Any]) -> None:
    """Write the table of the cells in `done` (rows in space order; every row once all are done)."""
    rows = sorted(done)
    title = {"nb201": "NAS-Bench-201", "macro": "NAS-Bench-Macro"}.get(spec.space, spec.space)
    notes = (
        f"zero-cost proxies at initialisation (seed {spec.init_seed}), computed by nasbench proxies on "
        f"{len(rows)} of {space.size} cells (a uniform random sample until complete); input {spec.batch.describe()}. "
        "Published proxy figures used CIFAR batches at 32x32; these do not."
    )
    dataset = Dataset(
        spec.batch.kind,
        [1],
        [spec.init_seed],
        observe=spec.proxies[0],
        score=spec.proxies[0],
        cost="proxy_seconds",
        metrics=_metrics(spec, rows, done),
        notes=notes,
    )
    meta = {
        "benchmark": out.stem,
        "space": spec.space,
        "title": f"{title} zero-cost proxies ({spec.batch.kind} batch, nasbench proxies)",
        "reference": "Abdelfattah et al., Zero-Cost Proxies for Lightweight NAS, ICLR 2021 (proxies); this suite",
        "size": space.size,
        "fidelity_unit": "none (scored at initialisation)",
        "row_order": "space-index" if len(rows) == space.size else "listed",
        "license": "Apache-2.0",
        "converter": "nasbench proxies",
        "converter_version": 1,
        "provenance": [_provenance(spec)],
        "build": {**info, "spec": spec.key(), "cells": len(rows)},
    }
    write_table(out, meta, [space.to_str(space.arch(r)) for r in rows], [dataset])


def _provenance(spec: ProxySpec) -> dict[str, Any]:
    import sklearn
    import torch

    digits = spec.batch.kind == "digits"
    return {
        "name": "zero-cost proxies computed here",
        "source": spec.batch.describe(),
        "version": f"torch {torch.__version__}, scikit-learn {sklearn.__version__}",
        "license": "digits data CC BY 4.0 (UCI); values Apache-2.0" if digits else "Apache-2.0",
        "files": {},
    }


def resume(out: Path, spec: ProxySpec, space: EnumerableSpace[Any]) -> tuple[Done, float]:
    """Cells already in `out` and the build's wall time so far; refuses a table of other settings."""
    if not out.exists():
        return {}, 0.0
    meta, _ = read_header(out)
    build = meta.get("build")
    if not isinstance(build, dict) or "spec" not in build:
        raise ProxyBuildError(f"expected a table written by nasbench proxies at {out}, got {meta.get('title')!r}")
    if build["spec"] != spec.key():
        diff = sorted(k for k, v in spec.key().items() if build["spec"].get(k) != v)
        got = {k: build["spec"].get(k) for k in diff}
        raise ProxyBuildError(
            f"{out} was built with other settings: expected { ({k: spec.key()[k] for k in diff}) }, got {got} "
            "(choose another --out, or delete the file to rebuild)"
        )
    table = read_table(out, spec.batch.kind)
    rows = [space.index(space.parse(a)) for a in table.archs()]
    done: Done = {}
    for i, row in enumerate(rows):
        values = {n: float(table.metrics[n].values[i, 0, 0]) for n in spec.proxies}
        seconds = {n: float(table.metrics[f"seconds:{n}"].values[i, 0, 0]) for n in spec.proxies}
        done[row] = (values, seconds)
    return done, float(build.get("wall_seconds", 0.0))


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt  # a `kill` stops a build as Ctrl-C does: the cells done are written first


def _stop_on_sigterm() -> Any:
    """Make SIGTERM stop the build like Ctrl-C (main thread only); the handler it replaces, or None."""
    if threading.current_thread() is not threading.main_thread():
        return None
    return signal.signal(signal.SIGTERM, _interrupt)


@dataclass
class ProxyBuildSummary:
    """What a build did."""

    out: Path
    scored_now: int
    cells: int
    size: int
    wall_seconds: float


def build_proxy_table(
    spec: ProxySpec,
    out: str | Path,
    jobs: int = 1,
    limit: int | None = None,
    write_every: float = 60.0,
    quiet: bool = False,
    info: dict[str, Any] | None = None,
) -> ProxyBuildSummary:
    """Score the space's cells (the first `limit` of the fixed order, default all) into `out`, resuming it."""
    from tqdm import tqdm

    space, out = check_spec(spec), Path(out)
    if jobs < 1:
        raise NasbenchError(f"expected --jobs >= 1, got {jobs}")
    done, previous = resume(out, spec, space)
    order = cell_order(space.size)[: space.size if limit is None else limit]
    todo = [r for r in order if r not in done]
    start, last, now = time.perf_counter(), time.perf_counter(), 0
    meta = lambda: {**(info or {}), "jobs": jobs, "wall_seconds": round(previous + time.perf_counter() - start, 1)}  # noqa: E731
    previous_handler = _stop_on_sigterm()
    try:
        with tqdm(total=len(todo), disable=quiet, unit="cell", desc=f"proxies {out.name}") as bar:
            for row, values, seconds in run_cells(spec, todo, jobs):
                done[row], now = (values, seconds), now + 1
                bar.update()
                if time.perf_counter() - last >= write_every:
                    write(out, spec, space, done, meta())
                    last = time.perf_counter()
    finally:
        if previous_handler is not None:
            signal.signal(signal.SIGTERM, previous_handler)
        if done and (now or not out.exists()):
            write(out, spec, space, done, meta())
    return ProxyBuildSummary(out, now, len(done), space.size, previous + time.perf_counter() - start)
