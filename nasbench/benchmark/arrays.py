"""A table as one labelled array: `TableBenchmark.to_xarray()`.

Owns the xarray view of a table only: dimensions architecture x seed x fidelity x metric, with
the architecture strings, the seeds (then "mean", the mean over seeds `query(seed=None)` gives),
the fidelities and the metric names as coordinates, and each metric's unit and direction beside
it. Values are the table's own arrays (NaN where a seed or fidelity was not measured, or the
run failed: `TableBenchmark.status` tells which). xarray is optional (the `[xarray]` extra) and
imported only here, when the view is asked for; this module never changes a table.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from nasbench.errors import NasbenchError, UnknownName
from nasbench.tables.format import HARDWARE

if TYPE_CHECKING:
    from nasbench.benchmark.table import TableBenchmark

DIMS = ("architecture", "seed", "fidelity", "metric")
MEAN = "mean"  # the seed coordinate of the mean over seeds


def table_array(bench: TableBenchmark, metrics: Sequence[str] | None = None) -> Any:
    """An `xarray.DataArray` of the table (default metrics: those `query` returns by default)."""
    try:
        import xarray as xr
    except ImportError:
        raise NasbenchError("bench.to_xarray() needs xarray: pip install 'nasbench[xarray]'") from None
    table, info = bench.table, bench.info
    names = list(metrics) if metrics is not None else [n for n, m in table.metrics.items() if m.kind != HARDWARE]
    for name in names:
        if name not in table.metrics:
            raise UnknownName(
                f"unknown metric {name!r} in {info.name}/{info.dataset}; available: {', '.join(info.metrics)}"
            )
    n_seeds = len(info.seeds)
    values = np.empty((table.n_archs, n_seeds + 1, len(info.fidelities), len(names)))
    for k, name in enumerate(names):
        metric = table.metrics[name]
        values[:, :n_seeds, :, k] = metric.values[:, :n_seeds, :]
        values[:, n_seeds, :, k] = metric.mean
    coords = {
        "architecture": table.archs(),
        "seed": np.array([*info.seeds, MEAN], dtype=object),
        "fidelity": list(info.fidelities),
        "metric": names,
        "unit": ("metric", [info.metrics[n].unit for n in names]),
        "direction": ("metric", [info.metrics[n].direction for n in names]),
    }
    attrs = {"benchmark": info.name, "dataset": info.dataset, "fidelity_unit": info.fidelity_unit}
    return xr.DataArray(values, dims=DIMS, coords=coords, name=f"{info.name}/{info.dataset}", attrs=attrs)
