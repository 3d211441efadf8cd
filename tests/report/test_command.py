"""The command that reproduces a comparison: arguments the CLI reads back to the saved values."""

from __future__ import annotations


def test_set_values_read_back_as_saved() -> None:
    from nasbench.cli.main import _hyperparameters
    from nasbench.report.command import set_value

    values = [False, True, 0.1, 1e-3, 20, None, "sobol", "true", "1", [1, 2], "a b"]
    parsed = _hyperparameters([f"x.v{i}={set_value(v)}" for i, v in enumerate(values)])
    assert [parsed["x"][f"v{i}"] for i in range(len(values))] == values


def test_the_command_is_one_quoted_group_a_line() -> None:
    from nasbench.report.command import command_of

    setting = {
        "benchmark": "nb201",
        "dataset": "cifar10-valid",
        "strategies": {"rs": {}, "re": {"population_size": 20}},
        "runs": 3,
        "budget": "30evals",
        "workers": 1,
        "root_seed": 0,
        "estimator": "table",
        "fidelity": None,
        "objectives": None,
        "constraints": "latency:raspi4<=10",
        "overhead_seconds": 0.5,
        "folder": "results/my run",
    }
    assert command_of(setting).split(" \\\n    ") == [
        "nasbench compare --bench nb201 --dataset cifar10-valid",
        "--strategies rs,re --runs 3 --budget 30evals",
        "--workers 1 --seed 0",
        "--constraint 'latency:raspi4<=10'",
        "--overhead-seconds 0.5",
        "--set re.population_size=20",
        "--out 'results/my run'",
    ]
