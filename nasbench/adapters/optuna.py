"""optuna adapter: a distributions dict and an objective for `study.optimize`, on any benchmark.

Owns the translation of the exported space (`config_space.encoding`) into optuna's
distributions and of a trial into one `objective_function` call (Akiba et al., "Optuna: A
Next-generation Hyperparameter Optimization Framework", KDD 2019). Every decision is a
`CategoricalDistribution` of its values (optuna has no ordinal type), an index-valued
space one `IntDistribution`. The objective returns the minimised loss of each metric (one
value, or a tuple for a multi-objective study: create it with `directions=["minimize"] * k`)
and records the architecture's standard string, the training cost, the fidelity and the
table's seed (-1: the mean) in the trial's user attributes (`arch`, `cost`, `fidelity`,
`query_seed`), which `external.from_optuna` reads. It keeps no state of its
own: optuna's sampler and storage do.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from nasbench.adapters._extras import require
from nasbench.adapters.config_space import encoding
from nasbench.adapters.objective import Objective

if TYPE_CHECKING:
    from nasbench.benchmark.base import Benchmark


def optuna_distributions(bench: Benchmark) -> dict[str, Any]:
    """`bench`'s exported space as optuna distributions, by hyperparameter name."""
    optuna = require("optuna", "optuna")
    found = encoding(bench)
    if found.indexed:
        hp = found.hyperparameters[0]
        return {hp.name: optuna.distributions.IntDistribution(0, len(hp.values) - 1)}
    return {h.name: optuna.distributions.CategoricalDistribution(list(h.values)) for h in found.hyperparameters}


def optuna_objective(
    bench: Benchmark,
    fidelity: int | None = None,
    seed: int | None = None,
    metrics: str | Sequence[str] | None = None,
) -> Callable[[Any], float | tuple[float, ...]]:
    """An objective for `study.optimize`: suggests a configuration, returns its loss (or losses).

    Args:
        bench: a loaded benchmark.
        fidelity: the fidelity every trial is evaluated at (None: the largest).
        seed: the table's seed to read (None: the mean over seeds).
        metrics: the metric minimised (None: the observed one), or several for a multi-objective study.
    """
    require("optuna", "optuna")
    distributions = optuna_distributions(bench)
    names = [metrics] if metrics is None or isinstance(metrics, str) else list(metrics)
    objectives = [Objective(bench, name) for name in names]
    space = bench.space
    resolved = bench.info.fidelities[bench.fidelity_index(fidelity)]  # an unknown fidelity is refused here

    def objective(trial: Any) -> float | tuple[float, ...]:
        config = {name: _suggest(trial, name, dist) for name, dist in distributions.items()}
        arch = objectives[0].encoding.to_arch(config)
        results = [o(config, fidelity, seed) for o in objectives]
        trial.set_user_attr("arch", space.to_str(arch))
        trial.set_user_attr("cost", results[0]["cost"])
        trial.set_user_attr("fidelity", resolved)
        trial.set_user_attr("query_seed", -1 if seed is None else seed)
        losses = tuple(float(r["function_value"]) for r in results)
        return losses[0] if len(losses) == 1 else losses

    return objective


def _suggest(trial: Any, name: str, distribution: Any) -> Any:
    """One value through the trial's public API (optuna records it with this distribution)."""
    if hasattr(distribution, "choices"):
        return trial.suggest_categorical(name, distribution.choices)
    return trial.suggest_int(name, distribution.low, distribution.high)
