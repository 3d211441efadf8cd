"""Where runs execute: this process, local worker processes, a Dask cluster or Ray.

Owns distribution only. Every backend calls the same `run_spec` on the same
`RunSpec`s, and each run is deterministic on its own, so results are identical
whatever the backend or the number of processes; the caller writes them. Each process
opens a benchmark once, through the registry's one cache. Without an address, Dask and
Ray start a local cluster of `jobs` processes on loopback and stop it when done.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import AbstractContextManager, contextmanager, nullcontext
from functools import partial
from typing import Any

import pyarrow as pa

from nasbench._version import __version__
from nasbench.errors import NasbenchError
from nasbench.registry import opened
from nasbench.runner.meta import meta_info
from nasbench.runner.simulation import RunSpec, simulate_table

BACKENDS = ("local", "dask", "ray")
LOOPBACK = "127.0.0.1"
WAIT_S = 30.0  # how long a cluster's workers may take to arrive (`compare --worker-timeout`)
Run = Callable[[Sequence[RunSpec]], Iterator[tuple[RunSpec, pa.Table]]]


class ClusterError(NasbenchError):
    """A Dask or Ray cluster that cannot run: unreachable, no workers in time, or workers without nasbench."""


def run_spec(spec: RunSpec) -> tuple[RunSpec, pa.Table]:
    """Run one spec in whatever process this is; its results as the table a run file holds."""
    transfer = {name: opened(spec.bench_name, name, spec.estimator) for name in spec.transfer_to}
    bench = opened(spec.bench_name, spec.dataset, spec.estimator)
    return spec, simulate_table(spec, bench, transfer, meta_info(spec))


def execute(
    specs: Sequence[RunSpec],
    backend: str = "local",
    jobs: int = 1,
    address: str | None = None,
    wait_s: float = WAIT_S,
) -> Iterator[tuple[RunSpec, pa.Table]]:
    """Yield (spec, results) as runs finish, in completion order."""
    check_backend(backend, jobs, address, wait_s)
    return _executed(specs, backend, jobs, address, wait_s)


def _executed(
    specs: Sequence[RunSpec], backend: str, jobs: int, address: str | None, wait_s: float
) -> Iterator[tuple[RunSpec, pa.Table]]:
    with started(backend, jobs, address, wait_s) as run:
        yield from run(specs)


@contextmanager
def started(backend: str = "local", jobs: int = 1, address: str | None = None, wait_s: float = WAIT_S) -> Iterator[Run]:
    """The backend ready to run specs; yields the function that runs them (results in completion order).

    A cluster is connected (or started on loopback) and checked first: `jobs` workers (one on a
    scheduler of its own) arrived within `wait_s` seconds and each can import nasbench. Anything
    else is a `ClusterError`, raised before the caller writes anything: a task a worker cannot
    unpickle is never answered, so a run would otherwise wait forever.
    """
    check_backend(backend, jobs, address, wait_s)
    if backend == "dask":
        with _dask_client(address, jobs, wait_s) as client:
            yield partial(_on_dask, client)
    elif backend == "ray":
        with _ray_session(address, jobs, wait_s):
            yield _on_ray
    else:
        yield partial(_local, jobs=jobs)


def check_backend(backend: str, jobs: int, address: str | None, wait_s: float = WAIT_S) -> None:
    """Refuse an unknown backend, a job count below 1 or a wait for workers of no time, up front."""
    if backend not in BACKENDS:
        raise NasbenchError(f"unknown backend {backend!r}; available: {', '.join(BACKENDS)}")
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise NasbenchError(f"expected jobs of at least 1, got {jobs!r}")
    if isinstance(wait_s, bool) or not isinstance(wait_s, int | float) or not 0 < wait_s < math.inf:
        raise NasbenchError(f"expected a worker timeout of more than 0 s, got {wait_s!r}")


def _local(specs: Sequence[RunSpec], jobs: int) -> Iterator[tuple[RunSpec, pa.Table]]:
    if jobs == 1 or len(specs) <= 1:
        return (run_spec(spec) for spec in specs)
    return _processes(specs, jobs)


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


@contextmanager
def _dask_client(address: str | None, jobs: int, wait_s: float) -> Iterator[Any]:
    try:
        from distributed import Client
    except ImportError:
        raise NasbenchError("the dask backend needs dask[distributed]: pip install 'nasbench[dist]'") from None
    with _dask_cluster(address, jobs) as cluster:
        try:
            client = Client(cluster or address, timeout=wait_s)
        except OSError as err:
            raise ClusterError(f"cannot reach the Dask scheduler at {address}: {err}") from None
        with client:
            _check_dask_workers(client, 1 if address else jobs, wait_s, address)
            yield client


def _check_dask_workers(
    client: Any, expected: int, wait_s: float, address: str | None, probe: Callable[[], str] | None = None
) -> None:
    """`expected` workers arrived within `wait_s` seconds, and each can import nasbench (runs `probe`, by
    default one returning nasbench's version)."""
    where = f"the scheduler at {address}" if address else "the local cluster"
    try:
        client.wait_for_workers(expected, timeout=wait_s)
    except TimeoutError:
        got = len(client.scheduler_info(n_workers=-1)["workers"])
        raise ClusterError(
            f"expected {expected} dask worker{'s' * (expected > 1)} within {wait_s:g} s, got {got}: "
            f"no worker joined {where} in time"
        ) from None
    try:  # each worker unpickles this module's function: one that cannot import nasbench fails here
        client.run(probe or _version)
    except Exception as err:  # whatever the worker raised, re-raised by the client as it came
        last = str(err).strip().splitlines()[-1] if str(err).strip() else type(err).__name__
        raise ClusterError(
            f"expected dask workers that can import nasbench, got one of {where} that cannot: {last}"
        ) from None


def _version() -> str:
    return __version__


def _on_dask(client: Any, specs: Sequence[RunSpec]) -> Iterator[tuple[RunSpec, pa.Table]]:
    from distributed import as_completed as dask_completed

    futures = client.map(run_spec, list(specs), pure=False)
    for future in dask_completed(futures):
        yield future.result()


def _dask_cluster(address: str | None, jobs: int) -> AbstractContextManager[Any]:
    """A local cluster of `jobs` single-threaded processes on loopback where no scheduler is given."""
    if address:
        return nullcontext()
    from distributed import LocalCluster

    try:  # processes, one thread each: a run holds the GIL, and XGBoost's pool is not shared across threads
        return LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True, host=LOOPBACK, dashboard_address=None)
    except (RuntimeError, OSError, TimeoutError) as err:  # a worker process that died while starting
        raise ClusterError(
            f"expected {jobs} dask worker{'s' * (jobs > 1)} on a local cluster, got one that did not start: {err}"
        ) from None


@contextmanager
def _ray_session(address: str | None, jobs: int, wait_s: float) -> Iterator[None]:
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
        _check_ray_worker(ray, wait_s, address)
        yield
    finally:
        if started_here:
            ray.shutdown()


def _check_ray_worker(ray: Any, wait_s: float, address: str | None) -> None:
    """A worker took a one-CPU task within `wait_s` seconds (none does without CPUs) and imported nasbench."""
    where = f"the cluster at {address}" if address else "this process's ray cluster"
    probe = ray.remote(num_cpus=1)(_version).remote()
    ready, _ = ray.wait([probe], timeout=wait_s)
    if not ready:
        ray.cancel(probe, force=True)
        cpus = ray.cluster_resources().get("CPU", 0)
        raise ClusterError(f"expected 1 ray worker within {wait_s:g} s, got 0: {where} has {cpus:g} CPUs")
    try:  # the worker unpickles this module's function: one that cannot import nasbench fails here
        ray.get(probe)
    except Exception as err:  # a RayTaskError around what the worker raised; its last line names it
        last = str(err).strip().splitlines()[-1]
        raise ClusterError(
            f"expected ray workers that can import nasbench, got one of {where} that cannot: {last}"
        ) from None


def _on_ray(specs: Sequence[RunSpec]) -> Iterator[tuple[RunSpec, pa.Table]]:
    import ray

    remote = ray.remote(run_spec)
    pending = [remote.remote(spec) for spec in specs]
    while pending:
        done, pending = ray.wait(pending, num_returns=1)
        yield ray.get(done[0])
