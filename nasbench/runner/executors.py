"""Where runs execute: this process, local worker processes, a Dask cluster or Ray.

Owns distribution only. Every backend calls the same `run_spec` on the same
`RunSpec`s, and each run is deterministic on its own, so results are identical
whatever the backend or the number of processes; the caller writes them. Each process
opens a benchmark once, through the registry's one cache. Without an address, Dask and
Ray start a local cluster of `jobs` processes on loopback and stop it when done.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import AbstractContextManager, nullcontext
from typing import Any

import pyarrow as pa

from nasbench.errors import NasbenchError
from nasbench.registry import opened
from nasbench.runner.meta import meta_info
from nasbench.runner.simulation import RunSpec, simulate_table

BACKENDS = ("local", "dask", "ray")
LOOPBACK = "127.0.0.1"


def run_spec(spec: RunSpec) -> tuple[RunSpec, pa.Table]:
    """Run one spec in whatever process this is; its results as the table a run file holds."""
    transfer = {name: opened(spec.bench_name, name, spec.estimator) for name in spec.transfer_to}
    bench = opened(spec.bench_name, spec.dataset, spec.estimator)
    return spec, simulate_table(spec, bench, transfer, meta_info(spec))


def execute(
    specs: Sequence[RunSpec], backend: str = "local", jobs: int = 1, address: str | None = None
) -> Iterator[tuple[RunSpec, pa.Table]]:
    """Yield (spec, results) as runs finish, in completion order."""
    check_backend(backend, jobs, address)
    if backend == "dask":
        return _dask(specs, address, jobs)
    if backend == "ray":
        return _ray(specs, address, jobs)
    if jobs == 1 or len(specs) <= 1:
        return (run_spec(spec) for spec in specs)
    return _processes(specs, jobs)


def check_backend(backend: str, jobs: int, address: str | None) -> None:
    """Refuse an unknown backend or a job count below 1, up front."""
    if backend not in BACKENDS:
        raise NasbenchError(f"unknown backend {backend!r}; available: {', '.join(BACKENDS)}")
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise NasbenchError(f"expected jobs of at least 1, got {jobs!r}")


def _processes(specs: Sequence[RunSpec], jobs: int) -> Iterator[tuple[RunSpec, pa.Table]]:
    methods = multiprocessing.get_all_start_methods()
    # XGBoost's thread pool does not survive fork (a forked worker hung in Booster.load_model after the
    # parent had predicted): surrogate runs start fresh processes; table runs fork (faster start).
    forkable = "fork" in methods and all(spec.estimator == "table" for spec in specs)
    context = multiprocessing.get_context("fork" if forkable else "spawn")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        futures = [pool.submit(run_spec, spec) for spec in specs]
        try:
            for future in as_completed(futures):
                yield future.result()
        finally:
            for future in futures:
                future.cancel()


def _dask(specs: Sequence[RunSpec], address: str | None, jobs: int) -> Iterator[tuple[RunSpec, pa.Table]]:
    try:
        from distributed import Client
        from distributed import as_completed as dask_completed
    except ImportError:
        raise NasbenchError("the dask backend needs dask[distributed]: pip install 'nasbench[dist]'") from None
    with _dask_cluster(address, jobs) as cluster:
        try:
            client = Client(cluster or address, timeout=30)
        except OSError as err:
            raise NasbenchError(f"cannot reach the Dask scheduler at {address}: {err}") from None
        with client:
            futures = client.map(run_spec, list(specs), pure=False)
            for future in dask_completed(futures):
                yield future.result()


def _dask_cluster(address: str | None, jobs: int) -> AbstractContextManager[Any]:
    """A local cluster of `jobs` single-threaded processes on loopback where no scheduler is given."""
    if address:
        return nullcontext()
    from distributed import LocalCluster

    # Processes, one thread each: a run holds the GIL, and XGBoost's pool is not shared across threads.
    return LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True, host=LOOPBACK, dashboard_address=None)


def _ray(specs: Sequence[RunSpec], address: str | None, jobs: int) -> Iterator[tuple[RunSpec, pa.Table]]:
    try:
        import ray
    except ImportError:
        raise NasbenchError("the ray backend needs ray: pip install 'nasbench[dist]'") from None
    started_here = not ray.is_initialized()
    if started_here:
        if address:
            ray.init(address=address, include_dashboard=False, log_to_driver=False)
        else:  # a local cluster of `jobs` processes on loopback, importing what this process can (plug-ins)
            path = {"PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
            ray.init(
                num_cpus=jobs,
                _node_ip_address=LOOPBACK,
                include_dashboard=False,
                log_to_driver=False,
                runtime_env={"env_vars": path},
            )
    try:
        remote = ray.remote(run_spec)
        pending = [remote.remote(spec) for spec in specs]
        while pending:
            done, pending = ray.wait(pending, num_returns=1)
            yield ray.get(done[0])
    finally:
        if started_here:
            ray.shutdown()
