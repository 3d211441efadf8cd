"""Where runs execute: this process, local worker processes, a Dask cluster or Ray.

Owns distribution only. Every backend calls the same `run_spec` on the same
`RunSpec`s, and each run is deterministic on its own, so results are identical
whatever the backend or the number of processes; the caller writes them.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from functools import cache

import pandas as pd

from nasbench.benchmark.base import Benchmark
from nasbench.errors import NasbenchError
from nasbench.registry import load
from nasbench.runner.simulation import RunSpec, simulate

BACKENDS = ("local", "dask", "ray")


@cache
def _benchmark(name: str, dataset: str, estimator: str) -> Benchmark:
    """One loaded benchmark per process."""
    return load(name, dataset=dataset, estimator=estimator)


def run_spec(spec: RunSpec) -> tuple[RunSpec, pd.DataFrame]:
    """Run one spec in whatever process this is."""
    transfer = {name: _benchmark(spec.bench_name, name, spec.estimator) for name in spec.transfer_to}
    return spec, simulate(spec, _benchmark(spec.bench_name, spec.dataset, spec.estimator), transfer)


def execute(
    specs: Sequence[RunSpec], backend: str = "local", jobs: int = 1, address: str | None = None
) -> Iterator[tuple[RunSpec, pd.DataFrame]]:
    """Yield (spec, results) as runs finish, in completion order."""
    check_backend(backend, jobs, address)
    if backend == "dask":
        return _dask(specs, address)
    if backend == "ray":
        return _ray(specs, address)
    if jobs == 1 or len(specs) <= 1:
        return (run_spec(spec) for spec in specs)
    return _processes(specs, jobs)


def check_backend(backend: str, jobs: int, address: str | None) -> None:
    """Refuse an unknown backend, a job count below 1 or a Dask backend without a scheduler, up front."""
    if backend not in BACKENDS:
        raise NasbenchError(f"unknown backend {backend!r}; available: {', '.join(BACKENDS)}")
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise NasbenchError(f"expected jobs of at least 1, got {jobs!r}")
    if backend == "dask" and not address:
        raise NasbenchError("the dask backend needs --scheduler tcp://HOST:PORT")


def _processes(specs: Sequence[RunSpec], jobs: int) -> Iterator[tuple[RunSpec, pd.DataFrame]]:
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


def _dask(specs: Sequence[RunSpec], address: str | None) -> Iterator[tuple[RunSpec, pd.DataFrame]]:
    try:
        from distributed import Client
        from distributed import as_completed as dask_completed
    except ImportError:
        raise NasbenchError("the dask backend needs dask[distributed]: pip install 'nasbench[dist]'") from None
    if not address:
        raise NasbenchError("the dask backend needs --scheduler tcp://HOST:PORT")
    try:
        client = Client(address, timeout=30)
    except OSError as err:
        raise NasbenchError(f"cannot reach the Dask scheduler at {address}: {err}") from None
    with client:
        futures = client.map(run_spec, list(specs), pure=False)
        for future in dask_completed(futures):
            yield future.result()


def _ray(specs: Sequence[RunSpec], address: str | None) -> Iterator[tuple[RunSpec, pd.DataFrame]]:
    try:
        import ray
    except ImportError:
        raise NasbenchError("the ray backend needs ray: pip install 'nasbench[dist]'") from None
    started_here = not ray.is_initialized()
    if started_here:
        ray.init(address=address, include_dashboard=False, log_to_driver=False)
    try:
        remote = ray.remote(run_spec)
        pending = [remote.remote(spec) for spec in specs]
        while pending:
            done, pending = ray.wait(pending, num_returns=1)
            yield ray.get(done[0])
    finally:
        if started_here:
            ray.shutdown()
