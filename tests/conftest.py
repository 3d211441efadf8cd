"""Shared fixtures: the shipped tables, and the raw sources when present."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import nasbench
from nasbench.tables.raw import RAW_ROOT

ROOT = Path(__file__).resolve().parent.parent
RAW = Path(os.environ.get("NASBENCH_RAW", RAW_ROOT))
NB201_DATASETS = ("cifar10-valid", "cifar100", "imagenet16-120")


def raw_folder(name: str) -> Path:
    """../shared/raw/<name>, or a skip saying why it is absent."""
    folder = RAW / name
    if not folder.is_dir():
        pytest.skip(f"raw files not found at {folder} (set NASBENCH_RAW)")
    return folder


@pytest.fixture(scope="session")
def raw_nb201() -> Path:
    return raw_folder("nb201")


@pytest.fixture(scope="session")
def nb201_benches() -> dict[str, nasbench.TableBenchmark]:
    """The shipped NAS-Bench-201 table, one benchmark per dataset."""
    return {name: nasbench.load("nb201", dataset=name) for name in NB201_DATASETS}


@pytest.fixture(scope="session")
def c10(nb201_benches: dict[str, nasbench.TableBenchmark]) -> nasbench.TableBenchmark:
    return nb201_benches["cifar10-valid"]
