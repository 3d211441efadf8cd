"""Building a benchmark table by training: the engine of `nasbench build-table`.

Owns the choice of architectures (all, one per isomorphism class, a random sample of classes,
or a list), the (architecture x seed) runs in parallel workers (one thread each), and writing
the table in the shipped HDF5 format with full per-epoch curves. After each finished
architecture the whole table is rewritten atomically, so an interrupted build leaves a valid
file and a rerun of the same command resumes where it stopped. It never changes a table built
with other settings (space, dataset, protocol, seeds, model options).

Rows are the architectures of every trained isomorphism class, in the space's index order
(`row_order: listed`; once every class is trained, every architecture of the space, and
`row_order: space-index`). A row whose class was trained through another member carries that
member's training results (the same network) and its own parameter and FLOP counts.
"""

from __future__ import annotations

import logging
import multiprocessing
import signal
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import torch
from tqdm import tqdm

from nasbench.errors import NasbenchError
from nasbench.live.data import INPUT_SHAPE, NUM_CLASSES, load_dataset
from nasbench.live.errors import BuildTableError
from nasbench.live.models import build_model, check_options, count_flops, count_params
from nasbench.live.tasks import CLASSIFICATION, metric_specs
from nasbench.live.train import Protocol, train
from nasbench.spaces import EnumerableSpace, get_space
from nasbench.tables.format import (
    FAILED,
    MEASURED,
    MISSING,
    Dataset,
    Metric,
    read_header,
    read_table,
    seed_mean,
    write_table,
)

log = logging.getLogger(__name__)
CURVES, FINAL = CLASSIFICATION.curves, CLASSIFICATION.final
SPACE_REFERENCES = {  # space -> (title, the paper of its search space and network)
    "nb201": ("NAS-Bench-201", "Dong & Yang, NAS-Bench-201, ICLR 2020"),
    "macro": (
        "NAS-Bench-Macro",
        "Su et al., Prioritized Architecture Sampling with Monte-Carlo Tree Search, CVPR 2021",
    ),
}
RunRecord = dict[str, list[float]]  # metric -> value per epoch (test metrics: one value, the last epoch)


@dataclass(frozen=True)
class BuildSpec:
    """What makes two builds the same table: a rerun with an equal spec resumes the file."""

    space: str
    dataset: str
    protocol: Protocol
    seeds: tuple[int, ...]
    model_options: dict[str, Any] = field(default_factory=dict)

    def key(self) -> dict[str, Any]:
        """The spec as JSON-able data (stored in the table's meta)."""
        return {**asdict(self), "seeds": list(self.seeds)}


def _space(name: str) -> EnumerableSpace[Any]:
    space = get_space(name)
    if not isinstance(space, EnumerableSpace):
        raise BuildTableError(f"expected an enumerable space (e.g. nb201, macro), got {name!r}")
    return space


@cache
def classes(space_name: str) -> tuple[tuple[int, ...], ...]:
    """Rows grouped by isomorphism class, each group in index order, groups by their first row."""
    space = _space(space_name)
    groups: dict[Any, list[int]] = {}
    for row in range(space.size):
        groups.setdefault(space.canonical(space.arch(row)), []).append(row)
    return tuple(sorted(tuple(g) for g in groups.values()))


def select_archs(space_name: str, how: str, sample_seed: int = 0) -> list[str]:
    """Architectures to train, as strings: `all`, `unique` (one per class, its lowest index),
    `random:N` (N classes; the first N of one fixed shuffle, so a larger N extends a table), or a
    file with one architecture string per line."""
    space = _space(space_name)
    firsts = [group[0] for group in classes(space_name)]
    if how == "all":
        rows = list(range(space.size))
    elif how == "unique":
        rows = firsts
    elif how.startswith("random:"):
        count = how.partition(":")[2]
        if not count.isdigit() or not 0 < int(count) <= len(firsts):
            raise BuildTableError(f"expected --archs random:N with 1 <= N <= {len(firsts)}, got {how!r}")
        order = np.random.default_rng(sample_seed).permutation(len(firsts))
        rows = [firsts[i] for i in order[: int(count)]]
    else:
        return _archs_from_file(space, Path(how))
    return [space.to_str(space.arch(r)) for r in rows]


def _archs_from_file(space: EnumerableSpace[Any], path: Path) -> list[str]:
    if not path.is_file():
        raise BuildTableError(f"expected --archs all, unique, random:N or a file of architectures, got {str(path)!r}")
    lines = [line.strip() for line in path.read_text().splitlines() if line.strip() and not line.startswith("#")]
    if not lines:
        raise BuildTableError(f"expected at least one architecture string in --archs {path}, got none")
    archs = [space.to_str(space.parse(line)) for line in lines]
    return list(dict.fromkeys(archs))


@cache
def _dataset(name: str, data_dir: str | None) -> Any:
    return load_dataset(name, data_dir)  # once per process: every run of a worker reuses it


def run_one(spec: BuildSpec, arch: str, seed: int, data_dir: str | None, device: str = "cpu") -> RunRecord:
    """Train one (architecture, seed) and keep what the table stores."""
    data = _dataset(spec.dataset, data_dir)
    result = train(spec.space, arch, data, spec.protocol, seed, torch.device(device), **spec.model_options)
    record = {name: result.curves[name] for name in CURVES}
    return record | {name: [result.test[name]] for name in FINAL}


def _worker_init() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle: it stops the pool
    torch.set_num_threads(1)


Task = tuple[BuildSpec, str, int, int, str | None]  # spec, architecture, seed position, seed, data folder


def _task(args: Task) -> tuple[str, int, RunRecord]:
    spec, arch, position, seed, data_dir = args
    return arch, position, run_one(spec, arch, seed, data_dir)


def run_tasks(tasks: list[Task], jobs: int) -> Iterator[tuple[str, int, RunRecord]]:
    """Run `tasks` on the CPU, yielding each result as it finishes; one thread per run, whatever `jobs`."""
    if jobs <= 1:
        threads = torch.get_num_threads()
        torch.set_num_threads(1)
        try:
            yield from map(_task, tasks)
        finally:
            torch.set_num_threads(threads)
        return
    context = multiprocessing.get_context("spawn")  # fork after OpenMP has started can hang
    with context.Pool(jobs, initializer=_worker_init) as pool:
        yield from pool.imap_unordered(_task, tasks)


def _metric_specs(protocol: Protocol) -> dict[str, tuple[str, str, str, str]]:
    """name -> (unit, direction, kind, description) of every metric the table holds."""
    return metric_specs(CLASSIFICATION, protocol.recalibrate_bn)


def _run_arrays(spec: BuildSpec, runs: list[RunRecord]) -> dict[str, np.ndarray]:
    """metric -> (seed, epoch) values of one architecture's runs, rounded to float32 as the table stores them (a
    resumed build compares equal to a fresh one); test metrics at the last epoch only, NaN before."""
    arrays = {}
    for name in (*CURVES, *FINAL):
        values = np.full((len(spec.seeds), spec.protocol.epochs), np.nan)
        for position, record in enumerate(runs):
            if name in FINAL:
                values[position, -1] = record[name][-1]
            else:
                values[position, :] = record[name]
        arrays[name] = values.astype(np.float32).astype(np.float64)
    return arrays


def _sources(space: EnumerableSpace[Any], done: dict[str, list[RunRecord]]) -> dict[int, str]:
    """Row -> the trained architecture whose results it holds (itself, or a member of its class)."""
    trained = {space.index(space.parse(a)): a for a in done}
    sources = dict(trained)
    for group in classes(space.name):
        first = next((trained[r] for r in group if r in trained), None)
        if first is not None:
            sources.update({r: first for r in group if r not in trained})
    return sources


def _status(name: str, values: np.ndarray) -> np.ndarray:
    """Measured where a value is, missing where no run reached, failed where a run made gave NaN."""
    status = np.where(np.isnan(values), MISSING, MEASURED).astype(np.uint8)
    ran = np.ones(values.shape, dtype=bool)
    if name in FINAL:
        ran[:, :, :-1] = False
    status[ran & np.isnan(values)] = FAILED  # the run was made and its value is NaN: failed, kept
    return status


class _Writer:
    """Rewrites the whole table after each finished architecture (atomically, via `write_table`)."""

    def __init__(self, out: Path, spec: BuildSpec, space: EnumerableSpace[Any], info: dict[str, Any]) -> None:
        self.out, self.spec, self.space, self.info = out, spec, space, info
        self.counts: dict[int, tuple[float, float]] = {}  # row -> (params in M, MFLOPs)
        self.arrays: dict[str, dict[str, np.ndarray]] = {}  # architecture -> _run_arrays of its runs
        self.strings = [space.to_str(space.arch(r)) for r in range(space.size)]

    def _count(self, row: int) -> tuple[float, float]:
        if row not in self.counts:
            dataset = self.spec.dataset
            # built on the CPU: the meta device was about 3x slower here (its shape functions run in Python)
            model = build_model(self.spec.space, self.space.arch(row), NUM_CLASSES[dataset], **self.spec.model_options)
            self.counts[row] = (count_params(model) / 1e6, count_flops(model, INPUT_SHAPE[dataset]) / 1e6)
        return self.counts[row]

    def write(self, done: dict[str, list[RunRecord]], wall_seconds: float) -> None:
        sources = _sources(self.space, done)
        rows = sorted(sources)  # every row of the space once all classes are trained, else the trained ones
        for arch in done.keys() - self.arrays.keys():
            self.arrays[arch] = _run_arrays(self.spec, done[arch])
        specs = _metric_specs(self.spec.protocol)
        metrics = []
        for name in (*CURVES, *FINAL):
            values = np.stack([self.arrays[sources[row]][name] for row in rows])
            status = _status(name, values)
            unit, direction, kind, text = specs[name]
            mean, mean_status = seed_mean(values, status)
            mean = mean.astype(np.float32).astype(np.float64)  # stored as float32, like the values
            axes = ("arch", "seed", "fidelity")
            metrics.append(Metric(name, unit, direction, text, axes, values, status, mean, mean_status, kind=kind))
        counts = np.array([self._count(row) for row in rows]).reshape(len(rows), 2)
        shape_text = "x".join(map(str, INPUT_SHAPE[self.spec.dataset]))
        metrics.append(Metric("params", "M", "minimize", "parameters, millions", ("arch",), counts[:, 0], kind="cost"))
        flops_text = f"multiply-accumulates of convolutions and linear layers, millions, one {shape_text} image"
        metrics.append(Metric("flops", "MFLOPs", "minimize", flops_text, ("arch",), counts[:, 1], kind="cost"))
        meta = self._meta(sorted(done, key=lambda a: self.space.index(self.space.parse(a))), wall_seconds)
        meta["row_order"] = "space-index" if len(rows) == self.space.size else "listed"
        write_table(self.out, meta, [self.strings[r] for r in rows], [self._dataset(metrics)])

    def _dataset(self, metrics: list[Metric]) -> Dataset:
        spec = self.spec
        notes = (
            f"trained by nasbench build-table: protocol {spec.protocol.name} ({spec.protocol.description}); "
            f"split {self.info.get('split', '?')}; epochs 1..{spec.protocol.epochs - 1} are points of the "
            f"{spec.protocol.epochs}-epoch cosine schedule; test metrics after the last epoch only; the rows of a "
            "trained class share its results; until every class is trained the table lists only trained classes"
        )
        return Dataset(
            spec.dataset,
            list(range(1, spec.protocol.epochs + 1)),
            list(spec.seeds),
            observe="valid_acc",
            score="test_acc",
            cost="train_seconds",
            metrics=metrics,
            score_fallback="valid_acc",
            notes=notes,
        )

    def _meta(self, trained: list[str], wall_seconds: float) -> dict[str, Any]:
        import sklearn

        spec = self.spec
        title, reference = SPACE_REFERENCES[spec.space]
        digits = spec.dataset == "digits"
        return {
            "benchmark": self.out.stem,
            "space": spec.space,
            "title": f"{title} trained on {spec.dataset} ({spec.protocol.name}, nasbench build-table)",
            "reference": f"{reference} (space and network); trained by this suite",
            "size": self.space.size,
            "fidelity_unit": "epochs",
            "row_order": "space-index",
            "license": f"{'CC BY 4.0 (digits data, UCI)' if digits else 'data: see its terms'}; results Apache-2.0",
            "converter": "nasbench build-table",
            "converter_version": 1,
            "provenance": [
                {
                    "name": f"{spec.dataset} (trained here)",
                    "source": "scikit-learn load_digits (UCI Optical Recognition of Handwritten Digits)"
                    if digits
                    else f"{spec.dataset} python-pickle files from a local folder",
                    "version": f"scikit-learn {sklearn.__version__}, torch {torch.__version__}",
                    "license": "CC BY 4.0" if digits else "see the dataset's terms",
                    "files": {},
                }
            ],
            "build": {**self.info, "spec": spec.key(), "trained": trained, "wall_seconds": round(wall_seconds, 1)},
        }


def _resume(out: Path, spec: BuildSpec, space: EnumerableSpace[Any]) -> tuple[dict[str, list[RunRecord]], float]:
    """Finished architectures already in `out` (and the build's wall time so far); refuses other builds."""
    if not out.exists():
        return {}, 0.0
    meta, _ = read_header(out)
    build = meta.get("build")
    if not isinstance(build, dict) or "spec" not in build:
        raise BuildTableError(f"expected a table written by nasbench build-table at {out}, got {meta.get('title')!r}")
    stored = build["spec"]
    for key, wanted in spec.key().items():
        if stored.get(key) != wanted:
            expected, got = wanted, stored.get(key)
            if isinstance(wanted, dict) and isinstance(got, dict):  # name only the fields that differ
                fields = sorted(k for k in wanted.keys() | got.keys() if wanted.get(k) != got.get(k))
                expected, got = ({k: d.get(k) for k in fields} for d in (wanted, got))
            raise BuildTableError(
                f"{out} was built with another {key}: expected {expected}, got {got} "
                "(choose another --out, or delete the file to rebuild)"
            )
    table = read_table(out, spec.dataset)
    row_of = {text: i for i, text in enumerate(table.archs())}
    done = {}
    for arch in build["trained"]:
        row = row_of[space.to_str(space.parse(arch))]
        done[arch] = [
            {name: table.metrics[name].values[row, s, -1:].tolist() for name in FINAL}
            | {name: table.metrics[name].values[row, s, :].tolist() for name in CURVES}
            for s in range(len(spec.seeds))
        ]
    return done, float(build.get("wall_seconds", 0.0))


@dataclass
class BuildSummary:
    """What a build did."""

    out: Path
    trained_now: int
    finished: int
    requested: int
    wall_seconds: float


def build_table(
    spec: BuildSpec,
    archs: list[str],
    out: str | Path,
    jobs: int = 1,
    data_dir: str | None = None,
    quiet: bool = False,
    on_written: Callable[[str], None] | None = None,
    info: dict[str, Any] | None = None,
) -> BuildSummary:
    """Train `archs` x `spec.seeds` and write (or resume) the table at `out`; see the module docstring."""
    space = _space(spec.space)
    check_options(spec.space, spec.model_options)
    out = Path(out)
    if jobs < 1:
        raise NasbenchError(f"expected --jobs >= 1, got {jobs}")
    done, previous = _resume(out, spec, space)
    todo = [a for a in archs if a not in done]
    split = _dataset(spec.dataset, data_dir).split
    writer = _Writer(out, spec, space, {**(info or {}), "split": split, "threads_per_run": 1, "jobs": jobs})
    tasks = [(spec, a, p, seed, data_dir) for a in todo for p, seed in enumerate(spec.seeds)]
    partial: dict[str, dict[int, RunRecord]] = {}
    start = time.perf_counter()
    with tqdm(total=len(tasks), disable=quiet, unit="run", desc=f"build {out.name}") as bar:
        for arch, position, record in run_tasks(tasks, jobs):
            partial.setdefault(arch, {})[position] = record
            bar.update()
            if len(partial[arch]) == len(spec.seeds):
                runs = partial.pop(arch)
                done[arch] = [runs[p] for p in range(len(spec.seeds))]
                writer.write(done, previous + time.perf_counter() - start)
                if on_written is not None:
                    on_written(arch)
    if not tasks:  # nothing to train: (re)write the table with this version's layout and this command
        writer.write(done, previous)
    finished = sum(a in done for a in archs)
    return BuildSummary(out, len(todo), finished, len(archs), previous + time.perf_counter() - start)


def spec_of_table(path: str | Path) -> BuildSpec:
    """The build settings stored in a table written by `build_table` (to train more of the same)."""
    meta, _ = read_header(path)
    stored = meta.get("build", {}).get("spec") if isinstance(meta.get("build"), dict) else None
    if not isinstance(stored, dict):
        raise BuildTableError(
            f"expected a table built by nasbench build-table (it records the training protocol), got {path}"
        )
    return BuildSpec(
        stored["space"],
        stored["dataset"],
        Protocol(**stored["protocol"]),
        tuple(stored["seeds"]),
        dict(stored["model_options"]),
    )
