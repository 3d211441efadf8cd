"""Ray Tune adapter: a search space and a function trainable for `tune.Tuner`, on any shipped benchmark.

Owns the translation of the exported space into Ray Tune domains (`tune.choice` per
decision, `tune.randint` over an index-valued space) and of a trial into reports (Liaw et
al., "Tune: A Research Platform for Distributed Model Selection and Training", 2018). The
trainable reports once per fidelity of the table up to the one asked, so Ray's early
stopping (ASHA, HyperBand) acts on the table's learning curve; each report holds
`function_value` (the minimised loss), `cost` (the training cost of reaching that
fidelity), the fidelity and every metric of the record. Each Ray worker opens the
benchmark itself through the registry (by name, dataset and estimator): the table
never travels through Ray's object store. Only the worker reads the table; no wall clock
enters a result.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from nasbench.adapters._extras import require
from nasbench.adapters.config_space import encoding
from nasbench.adapters.objective import fidelity_name, objective

if TYPE_CHECKING:
    from nasbench.benchmark.base import Benchmark


def ray_search_space(bench: Benchmark) -> dict[str, Any]:
    """`bench`'s exported space as Ray Tune domains (`param_space` of `tune.Tuner`)."""
    tune = require("ray.tune", "ray")
    found = encoding(bench)
    if found.indexed:
        return {found.names[0]: tune.randint(0, len(found.hyperparameters[0].values))}  # upper bound excluded
    return {h.name: tune.choice(list(h.values)) for h in found.hyperparameters}


def _estimator(bench: Benchmark) -> str:
    from nasbench.benchmark.table import TableBenchmark

    return "table" if isinstance(bench, TableBenchmark) else "surrogate"


def ray_trainable(
    bench: Benchmark, fidelity: int | None = None, seed: int | None = None, metric: str | None = None
) -> Callable[[dict[str, Any]], None]:
    """A function trainable: reports the table's values at each fidelity up to `fidelity` (None: the largest).

    Args:
        bench: a benchmark loaded by name (`nasbench.load`); each worker opens it again by name.
        fidelity: the last fidelity reported.
        seed: the table's seed to read (None: the mean over seeds).
        metric: the metric minimised as `function_value` (None: the observed one).
    """
    require("ray.tune", "ray")
    info = bench.info
    name, dataset, estimator = info.name, info.dataset, _estimator(bench)
    last = bench.fidelity_index(fidelity)
    fidelities, resource = info.fidelities[: last + 1], fidelity_name(bench)
    objective(bench, metric)  # an unknown metric is refused here, not in every worker

    def trainable(config: dict[str, Any]) -> None:
        from ray import tune

        from nasbench.registry import opened

        evaluate = objective(opened(name, dataset, estimator), metric)
        for at in fidelities:
            result = evaluate(config, at, seed)
            report = {"function_value": result["function_value"], "cost": result["cost"], resource: at}
            tune.report({**report, **result["info"]})

    return trainable
