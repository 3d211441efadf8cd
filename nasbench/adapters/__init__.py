"""Adapters to the tools researchers bring: ConfigSpace, an HPOBench-style objective, optuna,
syne-tune, Ray Tune, and the conversion of their results into a results folder the report reads.

A light facade: each name imports its module, and each module its library (an optional
extra: `[configspace]`, `[optuna]`, `[syne-tune]`, `[ray]`), on first use; a missing library
is one line naming the extra to install. Adapters query benchmarks; they never run the
runner's simulation nor change a table.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from nasbench.adapters.config_space import configspace, to_architecture, to_config
    from nasbench.adapters.external import from_frame, from_optuna, from_syne_tune
    from nasbench.adapters.objective import objective_function
    from nasbench.adapters.optuna import optuna_distributions, optuna_objective
    from nasbench.adapters.ray_tune import ray_search_space, ray_trainable
    from nasbench.adapters.syne_tune import syne_tune_blackbox

_LAZY = {
    "configspace": "nasbench.adapters.config_space",
    "to_architecture": "nasbench.adapters.config_space",
    "to_config": "nasbench.adapters.config_space",
    "objective_function": "nasbench.adapters.objective",
    "optuna_objective": "nasbench.adapters.optuna",
    "optuna_distributions": "nasbench.adapters.optuna",
    "syne_tune_blackbox": "nasbench.adapters.syne_tune",
    "ray_trainable": "nasbench.adapters.ray_tune",
    "ray_search_space": "nasbench.adapters.ray_tune",
    "from_frame": "nasbench.adapters.external",
    "from_optuna": "nasbench.adapters.external",
    "from_syne_tune": "nasbench.adapters.external",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'nasbench.adapters' has no attribute {name!r}")


__all__ = [
    "configspace",
    "from_frame",
    "from_optuna",
    "from_syne_tune",
    "objective_function",
    "optuna_distributions",
    "optuna_objective",
    "ray_search_space",
    "ray_trainable",
    "syne_tune_blackbox",
    "to_architecture",
    "to_config",
]
