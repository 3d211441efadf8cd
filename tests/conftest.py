"""Shared fixtures: the shipped tables, and the raw sources when present."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

import nasbench
from nasbench.tables.raw import RAW_ROOT

if TYPE_CHECKING:
    from nasbench.benchmark.zero_cost import ZeroCostBenchmark

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


CELLS = 40


@pytest.fixture(scope="session")
def zc(tmp_path_factory: pytest.TempPathFactory) -> ZeroCostBenchmark:
    """A zero-cost benchmark on a proxy table of the first CELLS NB201 cells (tiny networks, synflow, params)."""
    from nasbench.benchmark.zero_cost import ZeroCostBenchmark
    from nasbench.proxies.build import ProxySpec, build_proxy_table
    from nasbench.proxies.inputs import BatchSpec
    from nasbench.tables.format import read_table

    spec = ProxySpec("nb201", ("synflow", "params"), BatchSpec("gaussian", 4, 4), 0, {"channels": 2, "cells": 1})
    path = Path(tmp_path_factory.mktemp("zc")) / "nb201-proxies.h5"
    build_proxy_table(spec, path, limit=CELLS, quiet=True)
    return ZeroCostBenchmark(nasbench.load("nb201", "cifar10-valid"), read_table(path, "gaussian"), "synflow", 2.5)


@pytest.fixture
def data_with_proxies(zc: ZeroCostBenchmark, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A data folder holding the NB201 table and the zero-cost fixture's proxy table beside it."""
    import shutil

    from nasbench.registry import data_dir

    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "nb201.h5").symlink_to(data_dir() / "nb201.h5")
    shutil.copy(zc.table_path, folder / "nb201-proxies.h5")
    monkeypatch.setenv("NASBENCH_DATA", str(folder))
    return folder
