"""Strategies from outside this package: a `module:Class` path, or a `nasbench.strategies` entry point.

Owns finding, importing and checking a plug-in strategy class, and naming its version. A
plug-in follows the built-ins' contract (`nasbench.strategies.base.Strategy`: `name`,
`defaults`, `ranges`, `ask`, `tell`) and is validated the same way; it is always named by
its import path when it crosses a process boundary, so spawned pools, Dask and Ray workers
import the class themselves and never depend on a registry patched in the parent. Must not
import any plug-in before one is asked for, nor scan the entry points unless a name is
neither built in nor a path. A path is imported from the environment or, as `python -m`
does, from the current directory.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import inspect
import os
import re
import sys
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from nasbench.errors import NasbenchError, UnknownName

if TYPE_CHECKING:
    from nasbench.strategies.base import Strategy

ENTRY_POINTS = "nasbench.strategies"  # the entry-point group a distribution registers its strategies in
LABEL = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")  # a strategy's name is a folder name and the STRATEGY of --set


class PluginError(NasbenchError):
    """A plug-in strategy that cannot be imported or misses the strategy contract."""


@dataclass(frozen=True)
class Plugin:
    """A plug-in strategy class found and checked: its name in results, import path and version."""

    name: str
    path: str
    version: str | None
    cls: type[Strategy]


def is_path(text: str) -> bool:
    """Whether `text` names a class by import path (`module:Class`), not by name."""
    return ":" in text


def find(text: str) -> Plugin:
    """The plug-in `text` names: a `module:Class` path, or an entry point's name (not a built-in name)."""
    from nasbench.strategies import STRATEGIES

    if is_path(text):
        return load(text)
    points = {point.name: point.value for point in importlib.metadata.entry_points(group=ENTRY_POINTS)}
    if text not in points:
        known = [*STRATEGIES, *sorted(points)]
        raise UnknownName(f"unknown strategy {text!r}; available: {', '.join(known)} (or a plug-in as module:Class)")
    plugin = load(points[text])
    if plugin.name != text:
        raise PluginError(
            f"expected the class of entry point {text!r} ({points[text]}) to be named {text!r}, got {plugin.name!r}"
        )
    return plugin


@cache  # one import and one version look-up per process (failures are not cached)
def load(path: str) -> Plugin:
    """Import `module:Class` and check it keeps the strategy contract; every failure is one line."""
    from nasbench.strategies import STRATEGIES

    cls = import_class(path)
    check_contract(path, cls)
    name = label(cls)
    if name in STRATEGIES:
        raise PluginError(f"expected a plug-in strategy name other than the built-in {name!r}, got it from {path}")
    return Plugin(name=name, path=path, version=version(cls), cls=cls)


def import_class(path: str) -> Any:
    """The object `module:Class` names (a nested `Outer.Inner` too); never a partial import left unnamed."""
    module_name, _, attr = path.partition(":")
    if not module_name or not attr or ":" in attr:
        raise PluginError(f"expected a strategy path like my_pkg.search:MyStrategy, got {path!r}")
    here = os.getcwd()
    if "" not in sys.path and here not in sys.path:  # as `python -m`: a module beside the user imports
        sys.path.insert(0, here)  # (spawned workers inherit sys.path; a local Ray cluster gets it as PYTHONPATH)
    try:
        module = importlib.import_module(module_name)
    except Exception as err:  # a plug-in's own import may fail any way: name it in one line
        first = (str(err).strip().splitlines() or [""])[0]
        raise PluginError(f"cannot import strategy {path!r}: {type(err).__name__}: {first}") from None
    found: Any = module
    for part in attr.split("."):
        if not hasattr(found, part):
            raise PluginError(f"expected a class {attr!r} in module {module_name}, got none ({path!r})")
        found = getattr(found, part)
    return found


def check_contract(path: str, cls: Any) -> None:
    """A concrete `Strategy` subclass with ask and tell, and a valid range for every hyperparameter."""
    from nasbench.strategies.base import Range, Strategy

    if not inspect.isclass(cls) or not issubclass(cls, Strategy):
        raise PluginError(f"expected a subclass of nasbench.strategies.base.Strategy at {path}, got {cls!r}")
    missing = sorted(getattr(cls, "__abstractmethods__", ()))
    if missing:
        raise PluginError(f"expected {path} to define ask and tell, got no {' or '.join(missing)}")
    strategy: type[Strategy] = cls
    name = label(strategy)
    if not isinstance(name, str) or not LABEL.fullmatch(name):
        raise PluginError(f"expected {path}'s name as letters, digits, '-' or '_', got {name!r}")
    defaults, ranges = strategy.defaults, strategy.ranges
    if not isinstance(defaults, dict) or not isinstance(ranges, dict):
        raise PluginError(f"expected {path}'s defaults and ranges as dicts, got {defaults!r} and {ranges!r}")
    for key in defaults:
        if not isinstance(ranges.get(key), Range):
            raise PluginError(f"expected a Range in {path}'s ranges for its hyperparameter {key!r}, got none")
    extra = sorted(set(ranges) - set(defaults))
    if extra:
        raise PluginError(f"expected a default in {path}'s defaults for its hyperparameter {extra[0]!r}, got none")


def label(cls: type[Strategy]) -> str:
    """The class's `name`, else its class name (the name results, reports and --set use)."""
    return getattr(cls, "name", None) or cls.__name__


def version(cls: type[Any]) -> str | None:
    """The `__version__` of the class's module or its top-level package, else of its installed distribution."""
    module_name = cls.__module__
    top = module_name.partition(".")[0]
    for name in (module_name, top):
        found = getattr(sys.modules.get(name), "__version__", None)
        if found is not None:
            return str(found)
    for dist in importlib.metadata.packages_distributions().get(top, []):
        try:
            return importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            continue
    return None
