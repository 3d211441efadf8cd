"""optuna adapter: a distributions dict and an objective for `study.optimize`, on any benchmark.

Owns the translation of the exported space (`config_space.encoding`) into optuna's
distributions and of a trial into one `objective_function` call (Akiba et al., "Optuna: A
Next-generation Hyperparameter Optimization Framework", KDD 2019). Every decision is a
`CategoricalDistribution` of its values (optuna has no ordinal type), an index-valued
space one `IntDistribution`. The objective returns the minimised loss of each metric (one
value, or a tuple for a multi-objective study: create it with `directions=["minimize"] * k`)
and records the architecture's standard string, the training cost, the fidelity and the
table seed read (-1: the mean; a seeded numpy Generator draws one per trial among those
run, as the runner does) in the trial's user attributes (`arch`, `cost`, `fidelity`,
`query_seed`), which `external.from_optuna` reads. It keeps no state of its own but that
Generator's: optuna's sampler and storage keep the rest.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

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
    seed: int | np.random.Generator | None = None,
    metrics: str | Sequence[str] | None = None,
) -> Callable[[Any], float | tuple[float, ...]]:
    """An objective for `study.optimize`: suggests a configuration, returns its loss (or losses).

    Args:
        bench: a loaded benchmark.
        fidelity: the fidelity every trial is evaluated at (None: the largest).
        seed: the table's seed to read (None: the mean over seeds); a numpy Generator draws one of the
            seeds run per trial, as the runner does, so that `from_optuna` scores incumbents on the others.
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
        drawn = _seed(bench, arch, resolved, seed)
        results = [o(config, fidelity, drawn) for o in objectives]
        trial.set_user_attr("arch", space.to_str(arch))
        trial.set_user_attr("cost", results[0]["cost"])
        trial.set_user_attr("fidelity", resolved)
        trial.set_user_attr("query_seed", -1 if drawn is None else drawn)
        losses = tuple(float(r["function_value"]) for r in results)
        return losses[0] if len(losses) == 1 else losses

    return objective


def _seed(bench: Benchmark, arch: Any, fidelity: int, seed: int | np.random.Generator | None) -> int | None:
    """The table seed a trial reads: `seed` itself, or one drawn among those run (none: the mean)."""
    if not isinstance(seed, np.random.Generator):
        return seed
    seeds = bench.seeds_run(arch, fidelity)
    return seeds[int(seed.integers(len(seeds)))] if seeds else None


def _suggest(trial: Any, name: str, distribution: Any) -> Any:
    """One value through the trial's public API (optuna records it with this distribution)."""
    if hasattr(distribution, "choices"):
        return trial.suggest_categorical(name, distribution.choices)
    return trial.suggest_int(name, distribution.low, distribution.high)
