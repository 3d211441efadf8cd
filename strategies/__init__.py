"""Search strategies by name: one module per strategy, each citing its paper."""

from __future__ import annotations

from nasbench.errors import UnknownName
from nasbench.strategies.bananas import Bananas
from nasbench.strategies.base import Strategy
from nasbench.strategies.bohb import BOHB
from nasbench.strategies.gp_bo import GaussianProcessBO
from nasbench.strategies.hyperband import Hyperband
from nasbench.strategies.local_search import LocalSearch
from nasbench.strategies.mo_random_search import MORandomSearch
from nasbench.strategies.mo_regularized_evolution import MORegularizedEvolution
from nasbench.strategies.nsga2 import NSGA2
from nasbench.strategies.parego import ParEGO
from nasbench.strategies.random_search import RandomSearch
from nasbench.strategies.regularized_evolution import RegularizedEvolution
from nasbench.strategies.reinforce import Reinforce
from nasbench.strategies.successive_halving import SuccessiveHalving

STRATEGIES: dict[str, type[Strategy]] = {
    cls.name: cls
    for cls in (
        RandomSearch,
        RegularizedEvolution,
        Reinforce,
        LocalSearch,
        Bananas,
        GaussianProcessBO,
        SuccessiveHalving,
        Hyperband,
        BOHB,
        MORandomSearch,
        NSGA2,
        MORegularizedEvolution,
        ParEGO,
    )
}


def get_strategy(name: str) -> type[Strategy]:
    """The strategy class called `name`; an error lists the known ones."""
    if name not in STRATEGIES:
        raise UnknownName(f"unknown strategy {name!r}; available: {', '.join(STRATEGIES)}")
    return STRATEGIES[name]


__all__ = ["STRATEGIES", "Strategy", "get_strategy"]
