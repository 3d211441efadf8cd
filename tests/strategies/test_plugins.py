"""Plug-in strategies: by module:Class path or entry point, validated like the built-ins, refused in one line."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

from nasbench.errors import NasbenchError
from nasbench.runner.compare import run_comparison
from nasbench.runner.settings import Comparison
from nasbench.strategies import STRATEGIES, strategy_class
from nasbench.strategies.plugins import PluginError, find, load

EXAMPLE = "examples.my_strategy:MyStrategy"
BASE = {"bench": "nb201", "dataset": "cifar10-valid", "runs": 1, "budget": "20000s", "quiet": True}

BAD = """
from nasbench.strategies.base import Strategy, POSITIVE

class NotAStrategy:
    name = "not-one"
    def ask(self): ...
    def tell(self, arch, fidelity, record): ...

class NoTell(Strategy):
    name = "no-tell"
    def ask(self): ...

class Clash(Strategy):
    name = "re"
    def ask(self): ...
    def tell(self, arch, fidelity, record): ...

class NoRange(Strategy):
    name = "no-range"
    defaults = {"temperature": 1.0}
    def ask(self): ...
    def tell(self, arch, fidelity, record): ...

class BadName(Strategy):
    name = "has space"
    def ask(self): ...
    def tell(self, arch, fidelity, record): ...
"""


@pytest.fixture
def bad_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    (tmp_path / "nasbench_bad_plugins.py").write_text(BAD)
    (tmp_path / "nasbench_broken_plugin.py").write_text("import no_such_module_anywhere\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    return "nasbench_bad_plugins"


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("no_such_pkg.search:MyStrategy", r"cannot import strategy 'no_such_pkg.search:MyStrategy': ModuleNotFound"),
        ("nasbench_broken_plugin:X", r"cannot import .*No module named 'no_such_module_anywhere'"),
        ("nasbench_bad_plugins:Missing", r"expected a class 'Missing' in module nasbench_bad_plugins, got none"),
        ("nasbench_bad_plugins:NotAStrategy", r"expected a subclass of nasbench.strategies.base.Strategy"),
        ("nasbench_bad_plugins:NoTell", r"expected nasbench_bad_plugins:NoTell to define ask and tell, got no tell"),
        ("nasbench_bad_plugins:Clash", r"other than the built-in 're', got it from nasbench_bad_plugins:Clash"),
        ("nasbench_bad_plugins:NoRange", r"expected a Range in .*'s ranges for its hyperparameter 'temperature'"),
        ("nasbench_bad_plugins:BadName", r"expected .*'s name as letters, digits, '-' or '_', got 'has space'"),
        ("nasbench_bad_plugins:", r"expected a strategy path like my_pkg.search:MyStrategy, got"),
        ("not-a-strategy", r"unknown strategy 'not-a-strategy'; available: rs, re, .* \(or a plug-in as module:Cl"),
    ],
)
def test_a_bad_plugin_is_one_line_and_writes_nothing(tmp_path, bad_module, path: str, message: str) -> None:
    out = tmp_path / "out"
    with pytest.raises(NasbenchError, match=message) as caught:
        run_comparison(out=str(out), strategies=("rs", path), **BASE)
    assert "\n" not in str(caught.value)
    assert not out.exists()


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"temperature": "hot"}, r"hyperparameter temperature of my-strategy expects float, got 'hot'"),
        ({"temperature": 0}, r"hyperparameter temperature of my-strategy expects a finite number > 0, got 0"),
        ({"initial_samples": 2.5}, r"hyperparameter initial_samples of my-strategy expects int, got 2.5"),
        ({"temperatur": 1.0}, r"unknown hyperparameter 'temperatur' for my-strategy; allowed: initial_samples, temp"),
    ],
)
def test_plugin_hyperparameters_are_validated_like_the_builtins(tmp_path, values: dict, message: str) -> None:
    out = tmp_path / "out"
    with pytest.raises(NasbenchError, match=message):
        run_comparison(out=str(out), strategies=(EXAMPLE,), hyperparameters={"MyStrategy": values}, **BASE)
    assert not out.exists()


def test_hyperparameters_by_name_class_name_or_path_land_under_the_name() -> None:
    settings = {key: value for key, value in BASE.items() if key != "quiet"}
    for key in ("my-strategy", "MyStrategy", EXAMPLE):
        comparison = Comparison(strategies=("re", EXAMPLE), hyperparameters={key: {"temperature": 0.3}}, **settings)
        assert comparison.strategies == ("re", "my-strategy")
        assert comparison.plugins == {"my-strategy": EXAMPLE}
        assert comparison.hyperparameters == {"my-strategy": {"temperature": 0.3}}
    assert "my-strategy" not in STRATEGIES  # nothing patched into the registry


def test_an_entry_point_names_a_plugin_and_its_distribution_gives_the_version(tmp_path, monkeypatch) -> None:
    package = tmp_path / "nasbench_ep_demo"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "search.py").write_text(
        textwrap.dedent(
            """
            from examples.my_strategy import MyStrategy

            class Mine(MyStrategy):
                name = "mine"
            """
        )
    )
    info = tmp_path / "nasbench_ep_demo-2.3.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: nasbench-ep-demo\nVersion: 2.3\n")
    (info / "top_level.txt").write_text("nasbench_ep_demo\n")
    (info / "RECORD").write_text("nasbench_ep_demo/__init__.py,,\nnasbench_ep_demo/search.py,,\n")
    (info / "entry_points.txt").write_text("[nasbench.strategies]\nmine = nasbench_ep_demo.search:Mine\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    plugin = find("mine")
    assert (plugin.name, plugin.path, plugin.version) == ("mine", "nasbench_ep_demo.search:Mine", "2.3")
    settings = {key: value for key, value in BASE.items() if key != "quiet"}
    comparison = Comparison(strategies=("rs", "mine"), **settings)
    assert comparison.plugins == {"mine": "nasbench_ep_demo.search:Mine"}
    assert comparison.record()["plugins"] == {"mine": {"path": "nasbench_ep_demo.search:Mine", "version": "2.3"}}


def test_a_worker_refuses_a_plugin_of_another_name_or_version() -> None:
    assert strategy_class("my-strategy", EXAMPLE, "0.1") is load(EXAMPLE).cls
    with pytest.raises(PluginError, match=r"expected examples.my_strategy:MyStrategy to be strategy 'my-strategy' "):
        strategy_class("my-strategy", EXAMPLE, "0.2")


def test_a_module_in_the_current_directory_imports_as_with_python_m(tmp_path, monkeypatch) -> None:
    (tmp_path / "nasbench_cwd_plugin.py").write_text("from examples.my_strategy import MyStrategy as Here\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", [p for p in sys.path if p not in ("", str(tmp_path))])  # as the console script
    plugin = find("nasbench_cwd_plugin:Here")
    assert (plugin.name, plugin.path, plugin.version) == ("my-strategy", "nasbench_cwd_plugin:Here", "0.1")
