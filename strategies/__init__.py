"""Search strategies by name: one module per strategy, each citing its paper.

Owns the name -> class registry. Importing this package is light on purpose: each
strategy's module (and its numpy/scipy/scikit-learn imports) loads only when its class
is first looked up, so `compare --strategies rs` never pays for BANANAS' MLP. Must not
import any strategy module at import time.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, MutableMapping
from typing import TYPE_CHECKING, Any

from nasbench.errors import UnknownName

if TYPE_CHECKING:
    from nasbench.strategies.base import Strategy

# name -> "module:Class", in the order `list` and the reports show them.
_MODULES = {
    "rs": "random_search:RandomSearch",
    "re": "regularized_evolution:RegularizedEvolution",
    "reinforce": "reinforce:Reinforce",
    "ls": "local_search:LocalSearch",
    "bananas": "bananas:Bananas",
    "gp-bo": "gp_bo:GaussianProcessBO",
    "sh": "successive_halving:SuccessiveHalving",
    "hyperband": "hyperband:Hyperband",
    "bohb": "bohb:BOHB",
    "mo-rs": "mo_random_search:MORandomSearch",
    "nsga2": "nsga2:NSGA2",
    "mo-re": "mo_regularized_evolution:MORegularizedEvolution",
    "parego": "parego:ParEGO",
    "re-warm": "re_warm:WarmStartedEvolution",
    "re-prior": "re_prior:PriorEvolution",
    "reinforce-prior": "reinforce_prior:PriorReinforce",
    "rgpe": "rgpe:RGPE",
    "re-zc": "regularized_evolution_zc:RegularizedEvolutionZC",
    "bananas-zc": "bananas_zc:BananasZC",
    "rs-lce": "random_search_lce:RandomSearchLCE",
    "reinforce-zc": "reinforce_zc:ReinforceZC",
    "bananas-transfer": "bananas_transfer:BananasTransfer",
}


class StrategyRegistry(MutableMapping[str, "type[Strategy]"]):
    """A name -> strategy class mapping that imports each class on first lookup.

    Behaves as a dict of classes (iteration in registration order, `items()`,
    `values()`, item assignment for tests and plug-ins); only the lookup is lazy.
    """

    def __init__(self, entries: dict[str, str]) -> None:
        self._entries: dict[str, str | type[Strategy]] = dict(entries)

    def __getitem__(self, name: str) -> type[Strategy]:
        entry = self._entries[name]
        if isinstance(entry, str):
            entry = _import_class(name, entry)
            self._entries[name] = entry
        return entry

    def __setitem__(self, name: str, cls: type[Strategy]) -> None:
        self._entries[name] = cls

    def __delitem__(self, name: str) -> None:
        del self._entries[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, name: object) -> bool:
        return name in self._entries  # no import just to ask

    def __repr__(self) -> str:
        return f"StrategyRegistry({list(self._entries)})"


def _import_class(name: str, entry: str) -> type[Strategy]:
    module, _, attr = entry.partition(":")
    cls: type[Strategy] = getattr(importlib.import_module(f"{__name__}.{module}"), attr)
    if cls.name != name:  # a registry typo would otherwise run the wrong strategy silently
        raise RuntimeError(f"strategy registry: expected {entry} to be named {name!r}, got {cls.name!r}")
    return cls


STRATEGIES = StrategyRegistry(_MODULES)


def get_strategy(name: str) -> type[Strategy]:
    """The strategy class called `name`; an error lists the known ones."""
    if name not in STRATEGIES:
        raise UnknownName(f"unknown strategy {name!r}; available: {', '.join(STRATEGIES)}")
    return STRATEGIES[name]


def strategy_class(name: str, path: str = "", version: str | None = None) -> type[Strategy]:
    """The class of strategy `name`: built in, or a plug-in imported by its `module:Class` path.

    A worker process calls this with the path and version the parent recorded, so it imports the
    plug-in itself and refuses one that has another name or version there.
    """
    if not path:
        return get_strategy(name)
    from nasbench.strategies.plugins import PluginError, load

    plugin = load(path)
    if (plugin.name, plugin.version) != (name, version):
        raise PluginError(
            f"expected {path} to be strategy {name!r} version {version}, got {plugin.name!r} version {plugin.version}"
        )
    return plugin.cls


def __getattr__(name: str) -> Any:
    if name == "Strategy":  # the base class pulls numpy and the benchmark types: only when asked
        return importlib.import_module(f"{__name__}.base").Strategy
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["STRATEGIES", "Strategy", "StrategyRegistry", "get_strategy", "strategy_class"]
