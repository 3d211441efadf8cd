"""Shared fixtures: the shipped tables, and the raw sources when present."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import nasbench

ROOT = Path(__file__).resolve().parent.parent
RAW = Path(os.environ.get("NASBENCH_RAW", ROOT.parent / "shared" / "raw"))
NB201_DATASETS = ("cifar10-valid", "cifar100", "imagenet16-120")


@pytest.fixture(scope="session")
def raw_nb201() -> Path:
    """../shared/raw/nb201, or a skip saying why it is absent."""
    folder = RAW / "nb201"
    if not folder.is_dir():
        pytest.skip(f"raw NAS-Bench-201 files not found at {folder} (set NASBENCH_RAW)")
    return folder


@pytest.fixture(scope="session")
def nb201_benches() -> dict[str, nasbench.TableBenchmark]:
    """The shipped NAS-Bench-201 table, one benchmark per dataset."""
    return {name: nasbench.load("nb201", dataset=name) for name in NB201_DATASETS}


@pytest.fixture(scope="session")
def c10(nb201_benches: dict[str, nasbench.TableBenchmark]) -> nasbench.TableBenchmark:
    return nb201_benches["cifar10-valid"]
