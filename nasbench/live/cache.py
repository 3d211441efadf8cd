"""The cache table of a `LiveBenchmark`: read it (refusing another build's) and rewrite it atomically.

Owns the mapping between a `LiveBenchmark`'s runs (architecture -> seed -> per-epoch values) and
the shipped HDF5 table layout, with the build record `nasbench build-table` writes (`build.spec`:
space, dataset, protocol, seeds, model options; plus `data_sha256`, the fingerprint of the data).
A run trained to `e` epochs fills fidelities 1..e (measured) and leaves the rest missing; test
metrics exist once the schedule is complete. It trains nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from nasbench.errors import NasbenchError
from nasbench.live.build import SPACE_REFERENCES
from nasbench.live.data import DATASETS
from nasbench.live.tasks import metric_specs
from nasbench.spaces import get_space
from nasbench.spaces.base import EnumerableSpace
from nasbench.tables.format import FAILED, MEASURED, MISSING, Dataset, Metric, read_header, read_table, seed_mean
from nasbench.tables.format import write_table as write_hdf5

WALL_TEXT = (
    "wall seconds a real-time search charged for training up to each epoch (this machine; missing where a "
    "run was not trained by one)"
)

if TYPE_CHECKING:
    from nasbench.live.benchmark import LiveBenchmark


def _check_build(bench: LiveBenchmark, meta: dict[str, Any]) -> None:
    """The cache's build record must be this benchmark's: same spec, same data."""
    from nasbench.live.benchmark import CacheMismatch

    build = meta.get("build")
    if not isinstance(build, dict) or not isinstance(build.get("spec"), dict):
        raise CacheMismatch(f"expected a cache table written by nasbench (with its build record), got {bench.cache}")
    stored = build["spec"]
    for key, wanted in bench.spec.key().items():
        got = stored.get(key)
        if got != wanted:
            if isinstance(wanted, dict) and isinstance(got, dict):  # name only the fields that differ
                fields = sorted(k for k in wanted.keys() | got.keys() if wanted.get(k) != got.get(k))
                wanted, got = ({k: d.get(k) for k in fields} for d in (wanted, got))
            raise CacheMismatch(f"expected a cache table of {key} {wanted}, got {got} in {bench.cache}")
    fingerprint = build.get("data_sha256")
    if fingerprint is None and bench.data.name not in DATASETS:
        raise CacheMismatch(f"expected a cache table of the data {bench.data.name}, got one without a data record")
    if fingerprint is not None and fingerprint != bench.data_sha256:
        raise CacheMismatch(
            f"expected a cache table of these {bench.data.name} data (sha256 {bench.data_sha256[:12]}...), "
            f"got one of other data ({str(fingerprint)[:12]}...) in {bench.cache}"
        )


def read_cache(bench: LiveBenchmark) -> None:
    """Fill `bench.runs` and `bench.counts` from its cache table; refuse a table of another build."""
    from nasbench.live.benchmark import CacheMismatch

    assert bench.cache is not None
    meta, datasets = read_header(bench.cache)
    _check_build(bench, meta)
    if bench.data.name not in datasets:
        raise NasbenchError(
            f"expected dataset {bench.data.name} in the cache table {bench.cache}, got {list(datasets)}"
        )
    table = read_table(bench.cache, bench.data.name)
    lacking = [name for name in (*bench.task.curves, *bench.task.final) if name not in table.metrics]
    if lacking:
        raise CacheMismatch(
            f"expected a cache table with the {bench.task.name} metrics, got one without {lacking[0]} in {bench.cache}"
        )
    seconds = table.metrics["train_seconds"]
    for row, text in enumerate(table.archs()):
        for position, seed in enumerate(bench.seeds):
            reached = int((seconds.status[row, position] != MISSING).sum())
            if reached == 0:
                continue
            run = {name: table.metrics[name].values[row, position, :reached].tolist() for name in bench.task.curves}
            wall = np.full(reached, np.nan)
            if "wall_seconds" in table.metrics:
                wall = table.metrics["wall_seconds"].values[row, position, :reached]
            if np.isfinite(wall).all():  # charged by a real-time run (see `add_run`)
                run["wall_seconds"] = wall.tolist()
            for name in bench.task.final:
                if table.metrics[name].status[row, position, -1] != MISSING:
                    run[name] = [float(table.metrics[name].values[row, position, -1])]
            bench.runs.setdefault(text, {})[seed] = run
        if text in bench.runs:
            values = (table.metrics["params"].values[row], table.metrics["flops"].values[row])
            bench.counts[text] = (float(np.ravel(values[0])[0]), float(np.ravel(values[1])[0]))
            latency = table.metrics["latency"].values[row] if "latency" in table.metrics else np.nan
            if bench.latency and np.isfinite(latency).all():  # measured when first asked (see latency.py)
                bench.latencies[text] = float(np.ravel(latency)[0])


def _arrays(
    bench: LiveBenchmark, runs: dict[str, dict[int, Any]], archs: list[str], name: str
) -> tuple[np.ndarray, np.ndarray]:
    """(values, status) of one metric over (arch, seed, epoch): measured where reached, missing beyond."""
    epochs = bench.protocol.epochs
    values = np.full((len(archs), len(bench.seeds), epochs), np.nan)
    reached = np.zeros(values.shape, dtype=bool)
    for row, text in enumerate(archs):
        for position, seed in enumerate(bench.seeds):
            run = runs[text].get(seed)
            if run is None or name not in run:
                continue
            if name in bench.task.final:
                values[row, position, -1] = run[name][-1]
                reached[row, position, -1] = True
            else:
                values[row, position, : len(run[name])] = run[name]
                reached[row, position, : len(run[name])] = True
    status = np.where(reached, MEASURED, MISSING).astype(np.uint8)
    status[reached & np.isnan(values)] = FAILED
    return values, status


def _order(bench: LiveBenchmark, runs: dict[str, dict[int, Any]]) -> list[str]:
    """The cached architectures in the space's index order (where it has one), else in training order."""
    archs = list(runs)
    space = get_space(bench.space_name)
    if isinstance(space, EnumerableSpace):
        return sorted(archs, key=lambda a: space.index(space.parse(a)))
    return archs


def write_cache(bench: LiveBenchmark, runs: dict[str, dict[int, Any]]) -> None:
    """Rewrite the whole cache table atomically (a temporary file, then a rename) from `runs` (a snapshot)."""
    assert bench.cache is not None
    archs = _order(bench, runs)
    specs = metric_specs(bench.task, bench.protocol.recalibrate_bn)
    metrics = []
    wall = any("wall_seconds" in r for seeds in runs.values() for r in seeds.values())
    specs["wall_seconds"] = ("s", "minimize", "cost", WALL_TEXT)
    for name in (*bench.task.curves, *bench.task.final, *(["wall_seconds"] if wall else [])):
        values, status = _arrays(bench, runs, archs, name)
        unit, direction, kind, text = specs[name]
        mean, mean_status = seed_mean(values, status)
        mean = mean.astype(np.float32).astype(np.float64)
        metrics.append(
            Metric(
                name, unit, direction, text, ("arch", "seed", "fidelity"), values, status, mean, mean_status, kind=kind
            )
        )
    counts = np.array([bench.counts_of(a) for a in archs]).reshape(len(archs), 2)
    metrics.append(Metric("params", "M", "minimize", "parameters, millions", ("arch",), counts[:, 0], kind="cost"))
    shape = "x".join(map(str, bench.data.input_shape))
    text = f"multiply-accumulates of convolutions and linear layers, millions, one {shape} input"
    metrics.append(Metric("flops", "MFLOPs", "minimize", text, ("arch",), counts[:, 1], kind="cost"))
    if bench.latency:
        values = np.array([bench.latencies.get(a, np.nan) for a in archs], dtype=float)  # never measured here
        text = bench.info.metrics["latency"].description
        metrics.append(Metric("latency", "ms", "minimize", text, ("arch",), values, kind="cost"))
    write_hdf5(bench.cache, _meta(bench, runs, archs), archs, [_dataset(bench, metrics)])


def _dataset(bench: LiveBenchmark, metrics: list[Metric]) -> Dataset:
    protocol = bench.protocol
    notes = (
        f"trained by a nasbench live search: protocol {protocol.name} ({protocol.description}); split "
        f"{bench.data.split}; epoch e is epoch e of the {protocol.epochs}-epoch cosine schedule (lower "
        "fidelities continued, never restarted); a run trained to e epochs is missing beyond e; test metrics "
        "after the last epoch only"
    )
    return Dataset(
        bench.data.name,
        list(range(1, protocol.epochs + 1)),
        list(bench.seeds),
        observe=bench.task.observe,
        score=bench.task.score,
        cost="train_seconds",
        metrics=metrics,
        score_fallback=bench.task.observe,
        notes=notes,
    )


def _meta(bench: LiveBenchmark, runs: dict[str, dict[int, Any]], archs: list[str]) -> dict[str, Any]:
    import sklearn
    import torch

    title, reference = SPACE_REFERENCES.get(bench.space_name, (bench.space_name, "this suite"))
    complete = [a for a in archs if all(len(r.get(bench.task.final[0], [])) for r in runs[a].values())]
    space = get_space(bench.space_name)
    size = space.size if isinstance(space, EnumerableSpace) else len(archs)
    assert bench.cache is not None
    return {
        "benchmark": bench.cache.stem,
        "space": bench.space_name,
        "title": f"{title} trained on {bench.data.name} ({bench.protocol.name}, nasbench live search cache)",
        "reference": f"{reference} (space and network); trained by this suite",
        "size": size,
        "fidelity_unit": "epochs",
        "row_order": "space-index" if isinstance(space, EnumerableSpace) and len(archs) == size else "listed",
        "license": "data: see its terms; results Apache-2.0",
        "converter": "nasbench live search",
        "converter_version": 1,
        "provenance": [
            {
                "name": f"{bench.data.name} (trained here)",
                "source": f"data with sha256 {bench.data_sha256}",
                "version": f"scikit-learn {sklearn.__version__}, torch {torch.__version__}",
                "license": "see the data's terms",
                "files": {},
            }
        ],
        "build": {
            "spec": bench.spec.key(),
            "trained": complete,
            "data_sha256": bench.data_sha256,
            "split": bench.data.split,
            "threads_per_run": 1,
            "wall_seconds": round(sum(r["train_seconds"][-1] for seeds in runs.values() for r in seeds.values()), 1),
        },
    }
