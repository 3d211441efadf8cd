"""The settings of one comparison: one frozen, keyword-only object, validated completely.

Owns what a comparison *is* (benchmark, strategies, budget, seeds, scoring...), its
validation and its JSON form (`comparison.json`). The CLI and the Python API both build a
`Comparison`; the results store saves `Comparison.record` and `Comparison.from_record`
reloads it. It never runs a search and never writes a file: everything here is checked
before the first byte of a results folder exists. A new setting changes this module only
(plus its CLI flag).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from nasbench.benchmark.meta import SETTINGS as META_DATA
from nasbench.errors import NasbenchError
from nasbench.registry import canonical_benchmark
from nasbench.runner.simulation import MAX_EVALUATIONS, Budget
from nasbench.strategies import STRATEGIES, get_strategy
from nasbench.strategies.plugins import Plugin, find, is_path, load

if TYPE_CHECKING:
    from nasbench.strategies.base import Strategy


class SettingsError(NasbenchError):
    """A comparison setting outside its valid range."""


@dataclass(frozen=True, kw_only=True)
class Comparison:
    """Everything that determines a comparison's results, and nothing that does not (jobs, backend, out).

    Validated on construction (types, ranges, finite numbers); `resolve` then checks what needs
    the benchmark (datasets, fidelities, hyperparameters, objectives, affordability). A plug-in
    strategy may be given in `strategies` by its `module:Class` path or entry-point name: it is
    imported and checked here, then named by its `name` (`strategies` holds names, `plugins`
    name -> path); hyperparameters may be keyed by its name, class name or path.
    """

    bench: str
    strategies: tuple[str, ...]
    budget: Budget
    dataset: str | None = None
    runs: int = 100
    workers: int = 1
    root_seed: int = 0
    fidelity: int | None = None
    pin_fidelity: bool = False  # every evaluation at `fidelity`, whatever a strategy asks (NB201's BOHB worker)
    overhead_seconds: float = 0.0
    hyperparameters: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    estimator: str = "table"
    objectives: str | None = None
    constraints: tuple[str, ...] = ()
    transfer_to: tuple[str, ...] = ()
    plugins: Mapping[str, str] = field(default_factory=dict)  # plug-in name -> module:Class (filled from strategies)
    meta_from: tuple[str, ...] = ()  # source datasets (or ALL_OTHERS) transfer strategies learn from
    meta_data: str = "history"  # "history": an earlier search on each source; "tables": their whole tables

    def __post_init__(self) -> None:
        set_ = object.__setattr__  # frozen: normalise the inputs once, here
        set_(self, "budget", self.budget if isinstance(self.budget, Budget) else Budget.parse(str(self.budget)))
        strategies, plugins = _plugins(_names("strategies", self.strategies), self.plugins)
        set_(self, "strategies", _names("strategies", strategies))
        set_(self, "plugins", plugins)
        set_(self, "hyperparameters", _aliased(self.hyperparameters or {}, plugins))
        set_(self, "constraints", _constraints(self.constraints))
        set_(self, "transfer_to", _names("transfer_to", self.transfer_to, allow_empty=True))
        set_(self, "meta_from", _names("meta_from", self.meta_from, allow_empty=True))
        if self.meta_data not in META_DATA:
            raise SettingsError(f"expected --meta-data one of {', '.join(META_DATA)}, got {self.meta_data!r}")
        if self.dataset is not None and self.dataset in self.meta_from:
            raise SettingsError(f"expected source tasks other than the target, got {self.dataset!r}")
        _text("bench", self.bench)
        set_(self, "bench", canonical_benchmark(self.bench))  # comparison.json holds the name of the table
        _text("estimator", self.estimator)
        for name in ("runs", "workers"):
            _integer(name, getattr(self, name), 1)
        _integer("root_seed", self.root_seed, 0, "seed")
        if self.fidelity is not None:
            _integer("fidelity", self.fidelity, 1)
        if not isinstance(self.pin_fidelity, bool):
            raise SettingsError(f"expected pin_fidelity true or false, got {self.pin_fidelity!r}")
        if self.pin_fidelity and self.fidelity is None:
            raise SettingsError("expected a --fidelity to pin evaluations to, got none")
        _number("overhead_seconds", self.overhead_seconds)
        if self.budget.unit == "evals" and self.budget.amount > MAX_EVALUATIONS:
            raise SettingsError(
                f"expected a budget of at most {MAX_EVALUATIONS:,} evaluations per run, got {self.budget}; "
                "no benchmark here needs more (the largest table holds 62,208 architectures)"
            )
        set_(self, "hyperparameters", _hyperparameters(self.hyperparameters or {}, self.strategies))
        if self.dataset in self.transfer_to:
            raise SettingsError(f"expected transfer datasets other than the searched one, got {self.dataset!r}")

    def record(self) -> dict[str, Any]:
        """The settings under their `comparison.json` keys; optional ones only when set (older folders lack them).

        The hyperparameters are saved by the caller inside `strategies` (each strategy's full set).
        """
        values: dict[str, Any] = {
            "benchmark": self.bench,
            "dataset": self.dataset,
            "estimator": self.estimator,
            "budget": str(self.budget),
            "runs": self.runs,
            "workers": self.workers,
            "root_seed": self.root_seed,
            "fidelity": self.fidelity,
            "overhead_seconds": self.overhead_seconds,
            "strategies": {name: dict(self.hyperparameters.get(name, {})) for name in self.strategies},
        }
        optional = {
            "plugins": {name: {"path": p.path, "version": p.version} for name, p in self.plugin_classes().items()},
            "objectives": self.objectives or "",
            "constraints": ";".join(self.constraints),
            "pin_fidelity": self.pin_fidelity,
            "transfer_to": list(self.transfer_to),
            "meta_from": list(self.meta_from),
            "meta_data": self.meta_data if self.meta_from else "",
        }
        return {**values, **{key: value for key, value in optional.items() if value}}

    def plugin_classes(self) -> dict[str, Plugin]:
        """Each plug-in strategy, imported and checked (its name, path, version and class)."""
        return {name: load(path) for name, path in self.plugins.items()}

    def strategy_class(self, name: str) -> type[Strategy]:
        """The class of one of the strategies: a plug-in's, else the built-in one of that name."""
        return load(self.plugins[name]).cls if name in self.plugins else get_strategy(name)

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> Comparison:
        """The settings saved in `comparison.json` (each strategy with its full hyperparameters)."""
        strategies = record["strategies"]
        constraints = record.get("constraints") or ""
        return cls(
            bench=record["benchmark"],
            dataset=record.get("dataset"),
            estimator=record.get("estimator", "table"),
            budget=Budget.parse(record["budget"]),
            runs=record["runs"],
            workers=record["workers"],
            root_seed=record["root_seed"],
            fidelity=record.get("fidelity"),
            overhead_seconds=record.get("overhead_seconds", 0.0),
            strategies=tuple(strategies),
            hyperparameters={name: dict(values) for name, values in strategies.items()},
            objectives=record.get("objectives") or None,
            constraints=tuple(c for c in constraints.split(";") if c),
            pin_fidelity=record.get("pin_fidelity", False),
            transfer_to=tuple(record.get("transfer_to", ())),
            plugins={name: plugin_path(name, entry) for name, entry in (record.get("plugins") or {}).items()},
            meta_from=tuple(record.get("meta_from", ())),
            meta_data=record.get("meta_data") or "history",
        )


def _names(what: str, value: Any, allow_empty: bool = False) -> tuple[str, ...]:
    items = (value,) if isinstance(value, str) else tuple(value or ())
    if not all(isinstance(v, str) and v.strip() for v in items):
        raise SettingsError(f"expected {what} as non-empty names, got {list(items)!r}")
    items = tuple(v.strip() for v in items)
    if not items and not allow_empty:
        raise SettingsError(f"expected at least one of {what}, got none")
    if len(set(items)) != len(items):
        raise SettingsError(f"expected distinct {what}, got {list(items)!r}")
    return items


def _plugins(items: tuple[str, ...], given: Mapping[str, str]) -> tuple[tuple[str, ...], dict[str, str]]:
    """Each plug-in among `items` (a module:Class path, an entry point, or a name of `given`) by its name."""
    if not isinstance(given, Mapping) or not all(isinstance(v, str) for v in given.values()):
        raise SettingsError(f"expected plugins as strategy name -> module:Class, got {given!r}")
    names, plugins = [], {}
    for item in items:
        if item in STRATEGIES and not is_path(item):
            names.append(item)
            continue
        plugin = load(given[item]) if item in given else find(item)
        if plugin.name != item and not is_path(item) and item in given:
            raise SettingsError(f"expected {given[item]} to be named {item!r}, got {plugin.name!r}")
        names.append(plugin.name)
        plugins[plugin.name] = plugin.path
    return tuple(names), plugins


def _aliased(given: Any, plugins: Mapping[str, str]) -> Any:
    """Hyperparameters keyed by a plug-in's class name or path moved under its name (e.g. --set MyStrategy.x=1)."""
    if not isinstance(given, Mapping):
        return given  # refused by _hyperparameters, with the expected form
    aliases: dict[str, str] = {}
    for name, path in plugins.items():
        aliases[path] = aliases[path.rpartition(".")[2].rpartition(":")[2]] = name
    result: dict[str, Any] = {}
    for key, values in given.items():
        target = str(aliases.get(key, key))  # a non-text key is refused by _hyperparameters after
        if target in result and isinstance(values, Mapping):
            result[target] = {**result[target], **values}
        else:
            result[target] = values
    return result


def plugin_path(name: str, entry: Any) -> str:
    """A plug-in's path as comparison.json records it ({"path": ..., "version": ...}, or the path alone).

    A recorded version must be the one installed now: another would not replay the same results.
    """
    if isinstance(entry, str):
        return entry
    if not isinstance(entry, Mapping) or not isinstance(entry.get("path"), str):
        raise SettingsError(f"expected plugins.{name} as module:Class or {{path, version}}, got {entry!r}")
    installed = load(entry["path"]).version
    if "version" in entry and entry["version"] != installed:
        raise SettingsError(
            f"expected {entry['path']} version {entry['version']} (recorded for {name}), got {installed} installed"
        )
    return str(entry["path"])


def _constraints(value: Any) -> tuple[str, ...]:
    """As given (the problem parser reads each and names a bad one)."""
    items = (value,) if isinstance(value, str) else tuple(value or ())
    if not all(isinstance(v, str) for v in items):
        raise SettingsError(f"expected constraints as text like 'latency:raspi4<=10', got {list(items)!r}")
    return items


def _text(name: str, value: Any) -> None:
    if not isinstance(value, str) or not value:
        raise SettingsError(f"expected {name} as a name, got {value!r}")


def _integer(name: str, value: Any, low: int, flag: str | None = None) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise SettingsError(f"expected {flag or name} as an integer, got {value!r}")
    if value < low:
        raise SettingsError(f"expected {flag or name} of at least {low}, got {value!r}")


def _number(name: str, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
        raise SettingsError(f"expected {name} a finite number of at least 0, got {value!r}")


def _finite(where: str, value: Any) -> None:
    """Refuse NaN and infinities anywhere in a hyperparameter value (JSON cannot hold them)."""
    if isinstance(value, float) and not math.isfinite(value):
        raise SettingsError(f"expected a finite number for {where}, got {value!r}")
    if isinstance(value, Mapping):
        for item in value.values():
            _finite(where, item)
    elif isinstance(value, Sequence) and not isinstance(value, str):
        for item in value:
            _finite(where, item)


def _hyperparameters(given: Mapping[str, Mapping[str, Any]], strategies: tuple[str, ...]) -> dict[str, dict[str, Any]]:
    if not isinstance(given, Mapping) or not all(isinstance(v, Mapping) for v in given.values()):
        raise SettingsError(f"expected hyperparameters as strategy -> name -> value, got {given!r}")
    unknown = sorted(set(given) - set(strategies))
    if unknown:
        raise SettingsError(f"hyperparameters given for {unknown[0]!r}, which is not among the strategies")
    for strategy, values in given.items():
        for key, value in values.items():
            _finite(f"{strategy}.{key}", value)
    return {name: dict(sorted(given[name].items())) for name in sorted(given)}
