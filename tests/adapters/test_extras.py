"""The optional libraries behind the adapters: imported when asked, a missing one named with its extra."""

from __future__ import annotations

import sys

import pytest

from nasbench.adapters._extras import MissingExtra, require
from nasbench.errors import NasbenchError


def test_an_installed_library_is_returned_as_its_module() -> None:
    import json

    assert require("json", "none") is json


def test_a_missing_library_names_the_extra_in_one_line(monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "optuna", None)  # as where the extra is not installed
    with pytest.raises(MissingExtra) as caught:
        require("optuna", "optuna")
    message = str(caught.value)
    assert "\n" not in message and isinstance(caught.value, NasbenchError)
    assert message.endswith("install it with: pip install 'nasbench[optuna]'")
    assert "expected the optuna package" in message
