"""Executors: a Dask or Ray cluster started on loopback when no address is given, same bytes as one process;
a cluster that cannot run refused before anything is written."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from nasbench.errors import NasbenchError
from nasbench.registry import opened
from nasbench.runner.compare import compare
from nasbench.runner.executors import ClusterError

NASBENCH = str(Path(sys.executable).parent / "nasbench")

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


POISON = '''"""A worker preload: nasbench cannot be imported there, as on a worker without the package."""
import sys

for name in [m for m in sys.modules if m == "nasbench" or m.startswith("nasbench.")]:
    del sys.modules[name]
sys.modules["nasbench"] = None
'''


def test_a_local_dask_cluster_whose_workers_cannot_import_nasbench_fails_fast(tmp_path) -> None:
    """Such a worker never answers a run's task (it cannot unpickle it): checked before anything is written."""
    pytest.importorskip("distributed")
    (tmp_path / "poison.py").write_text(POISON)
    env = {**os.environ, "DASK_DISTRIBUTED__WORKER__PRELOAD": json.dumps([str(tmp_path / "poison.py")])}
    out = tmp_path / "out"
    args = ["--bench", "nb201", "--strategies", "rs", "--runs", "1", "--budget", "5evals", "--out", str(out)]
    done = subprocess.run(
        [NASBENCH, "compare", "--backend", "dask", *args, "--quiet"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("nasbench: error: expected dask workers that can import nasbench, got one of the local")
    assert "No module named 'nasbench.runner'" in last
    assert not out.exists()


def test_a_scheduler_without_workers_fails_within_the_wait_and_blocks_no_rerun(tmp_path, one_process) -> None:
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=0, processes=False, protocol="tcp", host="127.0.0.1", dashboard_address=None
    ) as cluster:
        expected = "expected 1 dask worker within 0.5 s, got 0: no worker joined the scheduler at tcp://127.0.0.1:"
        with pytest.raises(ClusterError, match=expected):
            compare(out=str(tmp_path), backend="dask", address=cluster.scheduler_address, wait_s=0.5, **TINY)
    assert not any(tmp_path.iterdir())
    compare(out=str(tmp_path), quiet=True, **TINY)  # the corrected rerun, in the same folder
    assert files(tmp_path) == one_process


@pytest.mark.parametrize("wait_s", [0, -1, float("nan"), float("inf"), True])
def test_a_wait_for_workers_of_no_time_is_refused(tmp_path, wait_s) -> None:
    with pytest.raises(NasbenchError, match="expected a worker timeout of more than 0 s, got"):
        compare(out=str(tmp_path / "out"), backend="dask", wait_s=wait_s, **TINY)
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_a_ray_cluster_without_cpus_fails_within_the_wait(tmp_path) -> None:
    """A task no worker can take waits forever: a Ray cluster without CPUs is refused before anything is written."""
    ray = pytest.importorskip("ray")
    ray.init(num_cpus=0, include_dashboard=False, log_to_driver=False, _node_ip_address="127.0.0.1")
    try:
        with pytest.raises(
            ClusterError, match="expected 1 ray worker within 0.5 s, got 0: this process's ray cluster has 0 CPUs"
        ):
            compare(out=str(tmp_path / "out"), backend="ray", wait_s=0.5, **TINY)
    finally:
        ray.shutdown()
    assert not (tmp_path / "out").exists()


def _fails_in_three_lines() -> str:
    raise ImportError("while importing nasbench\n  File 'x.py', line 1\nNo module named 'nasbench.runner'")


def test_a_dask_workers_multi_line_error_is_reported_in_one_line() -> None:
    distributed = pytest.importorskip("distributed")
    from nasbench.runner.executors import _check_dask_workers

    cluster = distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None)
    with cluster, distributed.Client(cluster) as client, pytest.raises(ClusterError) as caught:
        _check_dask_workers(client, 1, 30.0, None, probe=_fails_in_three_lines)
    message = str(caught.value)
    assert "\n" not in message
    assert message.endswith("got one of the local cluster that cannot: No module named 'nasbench.runner'")
