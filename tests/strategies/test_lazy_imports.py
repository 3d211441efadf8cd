"""`import nasbench` and `import nasbench.strategies` stay light; the strategy registry resolves lazily."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from nasbench import strategies
from nasbench.errors import UnknownName
from nasbench.strategies.base import Strategy

HEAVY = ("pandas", "h5py", "sklearn", "xgboost", "torch", "scipy", "matplotlib")
PROBE = """
import json, sys
{imports}
print(json.dumps(sorted(m for m in {heavy!r} if m in sys.modules)))
"""


def _heavy_after(imports: str) -> list[str]:
    """The heavy modules a fresh interpreter holds after running `imports`."""
    code = PROBE.format(imports=imports, heavy=HEAVY)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


def test_importing_the_package_and_the_strategies_loads_no_heavy_module() -> None:
    assert _heavy_after("import nasbench, nasbench.strategies\nnasbench.strategies.STRATEGIES") == []


def test_asking_for_random_search_does_not_load_scikit_learn() -> None:
    loaded = _heavy_after("from nasbench.strategies import get_strategy\nget_strategy('rs'); get_strategy('re')")
    assert "sklearn" not in loaded and "torch" not in loaded


def test_the_probe_sees_a_heavy_import() -> None:
    assert "sklearn" in _heavy_after("from nasbench.strategies import get_strategy\nget_strategy('gp-bo')")


def test_every_registered_name_resolves_to_a_strategy_of_that_name() -> None:
    for name in strategies.STRATEGIES:
        cls = strategies.get_strategy(name)
        assert issubclass(cls, Strategy) and cls.name == name
    assert list(strategies.STRATEGIES)[:4] == ["rs", "re", "reinforce", "ls"]
    assert strategies.Strategy is Strategy


def test_the_registry_behaves_as_a_mapping_tests_can_patch(monkeypatch: pytest.MonkeyPatch) -> None:
    class Extra(Strategy):
        name = "extra"

    monkeypatch.setitem(strategies.STRATEGIES, "extra", Extra)
    assert strategies.get_strategy("extra") is Extra and "extra" in dict(strategies.STRATEGIES.items())
    monkeypatch.undo()
    assert "extra" not in strategies.STRATEGIES
    with pytest.raises(UnknownName, match="unknown strategy 'extra'; available: rs, re"):
        strategies.get_strategy("extra")
