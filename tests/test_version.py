"""The package version: one value, the same in the code, the project metadata, the install and the CLI."""

from __future__ import annotations

import re
import tomllib
from importlib.metadata import version
from pathlib import Path

import pytest

import nasbench
from nasbench._version import __version__
from nasbench.cli import main

ROOT = Path(__file__).resolve().parent.parent


def test_the_version_is_one_pep_440_release() -> None:
    assert re.fullmatch(r"\d+\.\d+\.\d+", __version__)  # a final release: N.N.N
    assert tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"] == __version__
    assert version("nasbench") == __version__  # what pip installed
    assert nasbench.__version__ == __version__


def test_the_cli_reports_it(capsys) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["--version"])
    assert stop.value.code == 0
    assert capsys.readouterr().out == f"nasbench {__version__}\n"
