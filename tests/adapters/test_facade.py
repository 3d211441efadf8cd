"""`nasbench.adapters` stays light: its libraries load only when an adapter is used."""

from __future__ import annotations

import subprocess
import sys

import pytest

import nasbench
from nasbench.adapters import _LAZY

HEAVY = ("pandas", "h5py", "ConfigSpace", "optuna", "syne_tune", "ray", "torch")


def test_importing_the_adapters_loads_no_library() -> None:
    code = f"import sys, nasbench, nasbench.adapters; print([m for m in {HEAVY!r} if m in sys.modules])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("name", sorted(_LAZY))
def test_every_name_resolves(name: str) -> None:
    assert callable(getattr(nasbench.adapters, name))


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="has no attribute 'nope'"):
        nasbench.adapters.nope  # noqa: B018
