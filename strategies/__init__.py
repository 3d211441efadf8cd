"""Search strategies by name: one module per strategy, each citing its paper."""

from __future__ import annotations

from nasbench.errors import UnknownName
from strategies.bananas import Bananas
from strategies.base import Strategy
from strategies.bohb import BOHB
from strategies.gp_bo import GaussianProcessBO
from strategies.hyperband import Hyperband
from strategies.local_search import LocalSearch
from strategies.mo_random_search import MORandomSearch
from strategies.mo_regularized_evolution import MORegularizedEvolution
from strategies.nsga2 import NSGA2
from strategies.parego import ParEGO
from strategies.random_search import RandomSearch
from strategies.regularized_evolution import RegularizedEvolution
from strategies.reinforce import Reinforce
from strategies.successive_halving import SuccessiveHalving

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
