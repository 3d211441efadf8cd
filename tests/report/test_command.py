"""The command that reproduces a comparison: arguments the CLI reads back to the saved values."""

from __future__ import annotations


def test_set_values_read_back_as_saved() -> None:
    from nasbench.cli.main import _hyperparameters
    from nasbench.report.command import set_value

    values = [False, True, 0.1, 1e-3, 20, None, "sobol", "true", "1", [1, 2], "a b"]
    parsed = _hyperparameters([f"x.v{i}={set_value(v)}" for i, v in enumerate(values)])
    assert [parsed["x"][f"v{i}"] for i in range(len(values))] == values
