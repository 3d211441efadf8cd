"""The `nasbench compare` command that reproduces a comparison, from its saved settings.

Owns turning settings back into command-line arguments that the CLI parses to the same
values: each group of arguments is quoted with `shlex.join`, and every `--set` value is
written so that the CLI's parser (JSON where the text is JSON, else the text itself)
reads back exactly the saved value. It never runs anything.
"""

from __future__ import annotations

import json
import shlex
from typing import Any


def set_value(value: Any) -> str:
    """The text `--set NAME=TEXT` must carry for the CLI to read `value` back."""
    if isinstance(value, str):
        try:
            json.loads(value)
        except ValueError:
            return value  # not JSON: the CLI keeps the text as it is
    return json.dumps(value)


def arguments(setting: dict[str, Any]) -> list[list[str]]:
    """The command's arguments, in groups (one group a line)."""
    groups = [
        ["nasbench", "compare", "--bench", setting["benchmark"], "--dataset", setting["dataset"]],
        [
            "--strategies",
            ",".join(setting["strategies"]),
            "--runs",
            str(setting["runs"]),
            "--budget",
            setting["budget"],
        ],
        ["--workers", str(setting["workers"]), "--seed", str(setting["root_seed"])],
    ]
    if setting.get("estimator", "table") != "table":
        groups.append(["--estimator", setting["estimator"]])
    if setting.get("fidelity") is not None:
        groups.append(["--fidelity", str(setting["fidelity"])])
    if setting.get("objectives"):
        groups.append(["--objectives", setting["objectives"]])
    groups += [["--constraint", c] for c in (setting.get("constraints") or "").split(";") if c]
    if setting.get("overhead_seconds"):
        groups.append(["--overhead-seconds", repr(float(setting["overhead_seconds"]))])
    transfer = setting.get("transfer_to")
    if transfer:
        groups.append(["--transfer-to", transfer if isinstance(transfer, str) else ",".join(transfer)])
    if setting.get("meta_from"):
        groups.append(["--meta-from", ",".join(setting["meta_from"]), "--meta-data", setting["meta_data"]])
    groups += [
        ["--set", f"{name}.{key}={set_value(value)}"]
        for name, hp in setting["strategies"].items()
        for key, value in hp.items()
    ]
    groups.append(["--out", str(setting["folder"])])
    return groups


def command_of(setting: dict[str, Any]) -> str:
    """The shell command (one group of arguments a line) that reproduces a comparison's settings."""
    return " \\\n    ".join(shlex.join(group) for group in arguments(setting))
