"""Convert NAS-Bench-Graph's light release (../shared/raw/nas_bench_graph) into data/graph.h5.

Reads {cora,citeseer,pubmed,cs,physics,photo,computers,arxiv,proteins}.bench (PyPI
nas-bench-graph 1.4.0): per architecture key, validation and test performance, latency and
parameters. The keys are checked against this project's own derivation of the benchmark's
canonical networks (nasbench.spaces.graph.representatives): 26,206 networks, 2,021 with
the 5 layer types run on proteins. The light release publishes one value per network and
no training time: every evaluation costs one unit. Also writes nasbench/spaces/graph_keys.npy.
Deterministic output.

Usage: python scripts/convert_graph.py [--raw DIR] [--out FILE]
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from nasbench.files import atomic_path
from nasbench.spaces.graph import KEYS_FILE, OPS, PROTEINS_OPS, representatives
from nasbench.tables.format import Dataset, Metric, write_table
from nasbench.tables.raw import RAW_ROOT, hashes, load_plain_pickle, run_converter

CONVERTER_VERSION = 1
ROOT = Path(__file__).resolve().parent.parent
DATASETS = ("cora", "citeseer", "pubmed", "cs", "physics", "photo", "computers", "arxiv", "proteins")
FIELDS = {  # raw field -> (metric, unit, direction, description, kind)
    "valid_perf": ("valid_perf", "score", "maximize", "validation performance (accuracy; ROC-AUC on proteins)",
                   "performance"),
    "perf": ("test_perf", "score", "maximize", "test performance (accuracy; ROC-AUC on proteins)", "performance"),
    "latency": ("latency", "s", "minimize", "inference latency", "cost"),
    "para": ("params", "M", "minimize", "parameters, millions", "cost"),
}  # fmt: skip


def read(raw: Path, name: str) -> dict[int, dict[str, float]]:
    records = load_plain_pickle((raw / f"{name}.bench").read_bytes(), allow_numpy_scalars=True)
    assert isinstance(records, dict)
    return records


def dataset(raw: Path, name: str, keys: list[int]) -> Dataset:
    """One dataset's metrics, rows in key order; networks not run on it are missing."""
    records = read(raw, name)
    expected = [a.key for a in representatives(PROTEINS_OPS if name == "proteins" else OPS)]
    if sorted(records) != expected:
        raise SystemExit(f"{name}.bench does not hold exactly the derived canonical networks")
    metrics = [
        Metric(
            metric,
            unit,
            direction,
            description,
            ("arch", "fidelity"),
            np.array([[float(records[k][field])] if k in records else [np.nan] for k in keys]),
            kind=kind,
        )
        for field, (metric, unit, direction, description, kind) in FIELDS.items()
    ]
    metrics.append(
        Metric(
            "evaluations",
            "eval",
            "minimize",
            "simulated cost: no training time is published, so each evaluation costs 1",
            ("arch", "fidelity"),
            np.ones((len(keys), 1)),
            kind="cost",
        )
    )
    options = {"space_options": {"ops": list(PROTEINS_OPS)}} if name == "proteins" else {}
    return Dataset(
        name,
        [1],
        [],
        observe="valid_perf",
        score="test_perf",
        cost="evaluations",
        metrics=metrics,
        notes="Light release: one value per network (no seeds, no learning curves).",
        meta_extra=options,
    )


def convert(raw: Path, out: Path, keys_out: Path = KEYS_FILE) -> None:
    """Read the raw files under `raw` and write the table and the key file."""
    archs = representatives(OPS)
    keys = [a.key for a in archs]
    with atomic_path(keys_out) as tmp, open(tmp, "wb") as handle:
        np.save(handle, np.array(keys, dtype=np.int32))
    meta = {
        "benchmark": "graph",
        "space": "graph",
        "title": "NAS-Bench-Graph",
        "size": len(keys),
        "reference": "Qin et al., NAS-Bench-Graph: Benchmarking Graph Neural Architecture Search, NeurIPS 2022",
        "fidelity_unit": "full schedule",
        "row_order": "listed",
        "license": "Apache-2.0",
        "provenance": [
            {
                "name": "NAS-Bench-Graph (light)",
                "source": "PyPI nas-bench-graph==1.4.0",
                "version": "1.4.0",
                "license": "Apache-2.0",
                "files": hashes(raw.parent, [raw / f"{n}.bench" for n in DATASETS]),
            }
        ],
        "converter": "scripts/convert_graph.py",
        "converter_version": CONVERTER_VERSION,
    }
    datasets = [dataset(raw, name, keys) for name in DATASETS]
    write_table(out, meta, [str(a) for a in archs], datasets, checksums=False)  # bytes pinned by data/SHA256SUMS


def main(argv: list[str] | None = None) -> int:
    return run_converter(argv, __doc__ or "", RAW_ROOT / "nas_bench_graph", ROOT / "data" / "graph.h5", convert)


if __name__ == "__main__":
    sys.exit(main())
