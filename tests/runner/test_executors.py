"""Executors: a Dask or Ray cluster started on loopback when no address is given, same bytes as one process."""

from __future__ import annotations

from pathlib import Path

import pytest

from nasbench.registry import opened
from nasbench.runner.compare import compare

TINY = {"bench": "nb201", "dataset": "cifar10-valid", "strategies": ["rs", "re"], "runs": 2, "budget": "20evals"}


def files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def one_process(tmp_path_factory) -> dict[str, bytes]:
    out = tmp_path_factory.mktemp("jobs1")
    compare(out=str(out), jobs=1, quiet=True, **TINY)
    return files(out)


@pytest.mark.parametrize("backend", ["dask", "ray"])
def test_a_cluster_started_here_gives_the_bytes_of_one_process(tmp_path, one_process, backend: str) -> None:
    pytest.importorskip("distributed" if backend == "dask" else "ray")
    compare(out=str(tmp_path), backend=backend, jobs=2, quiet=True, **TINY)
    assert len(one_process) == 1 + 2 * 2
    assert files(tmp_path) == one_process


def test_a_process_opens_a_benchmark_once() -> None:
    assert opened("nb201", "cifar10-valid") is opened("nb201") is opened("nb201", "cifar10-valid", "table")
    assert opened("nb201", "cifar100") is not opened("nb201")
