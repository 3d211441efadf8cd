"""Experiment files: a comparison's settings in one YAML or JSON file, under the keys of `comparison.json`.

Owns reading such a file, refusing unknown keys (naming the valid ones), and merging it with
settings given another way (command-line flags win). A finished comparison's `comparison.json`
is itself a valid file: its recorded keys (format, scoring, data hash, code version, plug-in
versions) are checked against what would run now, never silently ignored when they would change
the results. It builds a `Comparison` and never runs or writes anything.

Example (YAML; JSON takes the same keys)::

    benchmark: nb201
    dataset: cifar10-valid
    budget: 12000s
    runs: 100
    strategies:
      re: {population_size: 20}
      examples.my_strategy:MyStrategy: {temperature: 0.3}
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from nasbench.registry import opened
from nasbench.results import FORMAT, FORMAT_VERSION
from nasbench.runner.settings import Comparison, SettingsError, plugin_path

# comparison.json key -> Comparison field
SETTINGS = {
    "benchmark": "bench",
    "dataset": "dataset",
    "estimator": "estimator",
    "budget": "budget",
    "runs": "runs",
    "workers": "workers",
    "root_seed": "root_seed",
    "fidelity": "fidelity",
    "pin_fidelity": "pin_fidelity",
    "overhead_seconds": "overhead_seconds",
    "strategies": "strategies",
    "plugins": "plugins",
    "objectives": "objectives",
    "constraints": "constraints",
    "transfer_to": "transfer_to",
    "meta_from": "meta_from",
    "meta_data": "meta_data",
}
RECORDED = (  # written by a run
    *("format", "format_version", "scoring", "data_sha256", "front", "code_version"),
    *("twins", "meta_history"),  # a meta-comparison's non-transfer twins and how the sources' history was made
)
REQUIRED = ("benchmark", "strategies", "budget")


class ConfigError(SettingsError):
    """An experiment file that cannot be read, or holds unknown keys."""


def read_config(path: str | Path) -> dict[str, Any]:
    """The settings of a YAML (.yaml, .yml) or JSON file, keys checked; values are checked by `Comparison`."""
    path = Path(path)
    try:
        text = path.read_text()
    except OSError as err:
        raise ConfigError(f"expected a readable experiment file, got {path} ({err.strerror or err})") from None
    values = _parse(path, text)
    if not isinstance(values, Mapping):
        raise ConfigError(f"expected a mapping of settings in {path}, got {type(values).__name__}")
    unknown = sorted(str(key) for key in values if key not in SETTINGS and key not in RECORDED)
    if unknown:
        raise ConfigError(f"unknown key {unknown[0]!r} in {path}; valid keys: {', '.join([*SETTINGS, *RECORDED])}")
    if "format" in values and (values.get("format"), values.get("format_version")) != (FORMAT, FORMAT_VERSION):
        raise ConfigError(
            f"expected {path} in {FORMAT} format {FORMAT_VERSION}, "
            f"got {values.get('format')!r} version {values.get('format_version')!r}"
        )
    return dict(values)


def _parse(path: Path, text: str) -> Any:
    if path.suffix.lower() in (".yaml", ".yml"):
        try:
            import yaml
        except ImportError:  # a base dependency; only a stripped environment lacks it
            raise ConfigError(f"reading {path} needs PyYAML: pip install pyyaml (or give the file as JSON)") from None
        try:
            return yaml.safe_load(text)
        except yaml.YAMLError as err:
            raise ConfigError(f"expected YAML in {path}, got a syntax error: {_line(str(err))}") from None
    try:
        return json.loads(text)
    except ValueError as err:
        raise ConfigError(f"expected JSON in {path} (or a .yaml file), got a syntax error: {_line(str(err))}") from None


def _line(text: str) -> str:
    return " ".join(text.split())


def comparison_from(config: Mapping[str, Any], overrides: Mapping[str, Any]) -> Comparison:
    """The comparison of a file's settings with `overrides` (Comparison fields; None means not given) on top.

    Strategies may be a list of names or paths, or (as in comparison.json) name -> hyperparameters;
    hyperparameters in `overrides` are merged per value into the file's.
    """
    fields: dict[str, Any] = {SETTINGS[key]: value for key, value in config.items() if key in SETTINGS}
    if isinstance(fields.get("strategies"), Mapping):
        hyperparameters = fields["strategies"]
        fields["strategies"] = tuple(hyperparameters)
        fields["hyperparameters"] = {name: dict(values or {}) for name, values in hyperparameters.items()}
    if isinstance(fields.get("constraints"), str):  # comparison.json joins them with ';'
        fields["constraints"] = tuple(c for c in fields["constraints"].split(";") if c)
    if isinstance(fields.get("plugins"), Mapping):
        fields["plugins"] = {name: plugin_path(name, entry) for name, entry in fields["plugins"].items()}
    if not fields.get("meta_data"):  # comparison.json writes "" where no source task was named
        fields.pop("meta_data", None)
    given = {key: value for key, value in overrides.items() if value is not None and key != "hyperparameters"}
    merged = {**fields, **given}
    if "strategies" in given and "hyperparameters" in fields:  # keep the file's values of strategies still run
        merged["hyperparameters"] = {k: v for k, v in fields["hyperparameters"].items() if k in given["strategies"]}
    hyperparameters = dict(merged.get("hyperparameters") or {})
    for name, values in (overrides.get("hyperparameters") or {}).items():
        hyperparameters[name] = {**hyperparameters.get(name, {}), **values}
    if hyperparameters:
        merged["hyperparameters"] = hyperparameters
    missing = [key for key in REQUIRED if SETTINGS[key] not in merged]
    if missing:
        flag = "bench" if missing[0] == "benchmark" else missing[0]
        raise ConfigError(f"expected --{flag} or a --config file with {missing[0]!r}, got neither")
    return Comparison(**merged)


def check_recorded(config: Mapping[str, Any], comparison: Comparison) -> None:
    """A replayed comparison.json's data hash must match the table it would run on now."""
    if "data_sha256" not in config:
        return
    now = opened(comparison.bench, dataset=comparison.dataset, estimator=comparison.estimator).data_sha256
    if config["data_sha256"] != now:
        raise ConfigError(
            f"expected the table recorded in the config (sha256 {str(config['data_sha256'])[:12]}...), "
            f"got {now[:12]}...: the data changed, so the results would differ"
        )
