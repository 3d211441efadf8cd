"""The Ray Tune adapter: `tune.Tuner` on local Ray (loopback), its trials scored from the table."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from nasbench.adapters.config_space import EDGE_NAMES, INDEX
from nasbench.adapters.objective import objective_function
from nasbench.adapters.ray_tune import ray_search_space, ray_trainable
from nasbench.errors import UnknownName
from nasbench.registry import opened


def test_the_search_space_is_the_exported_one() -> None:
    from ray.tune.search.sample import Categorical, Integer

    space = ray_search_space(opened("nb201", "cifar10-valid"))
    assert list(space) == list(EDGE_NAMES) and all(isinstance(d, Categorical) for d in space.values())
    index = ray_search_space(opened("nb101", "cifar10"))[INDEX]
    assert isinstance(index, Integer) and (index.lower, index.upper) == (0, 1000)


def test_bad_settings_are_refused_before_ray_starts() -> None:
    with pytest.raises(UnknownName, match="fidelity 13 not in nb201/cifar10-valid"):
        ray_trainable(opened("nb201", "cifar10-valid"), fidelity=13)
    with pytest.raises(UnknownName, match="unknown metric 'acc'"):
        ray_trainable(opened("nb201", "cifar10-valid"), metric="acc")


@pytest.mark.slow
def test_a_tuner_on_local_ray_reports_the_tables_curve(tmp_path: Path) -> None:
    ray = pytest.importorskip("ray")
    from ray import tune

    bench = opened("nb201", "cifar10-valid")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, _node_ip_address="127.0.0.1")
    try:
        tuner = tune.Tuner(
            ray_trainable(bench),
            param_space=ray_search_space(bench),
            tune_config=tune.TuneConfig(
                num_samples=2, metric="function_value", mode="min", max_concurrent_trials=1, reuse_actors=True
            ),
            run_config=tune.RunConfig(storage_path=str(tmp_path), verbose=0),
        )
        grid = tuner.fit()
    finally:
        ray.shutdown()
    assert grid.num_errors == 0 and len(grid) == 2
    for result in grid:
        config = {name: result.config[name] for name in EDGE_NAMES}
        history = result.metrics_dataframe
        assert history["epochs"].tolist() == [12, 200]  # one report per fidelity: the table's learning curve
        for fidelity, value in zip(history["epochs"], history["function_value"], strict=True):
            assert value == objective_function(bench, config, int(fidelity))["function_value"]


def test_a_missing_ray_names_its_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    from nasbench.adapters._extras import MissingExtra

    monkeypatch.setitem(sys.modules, "ray.tune", None)
    with pytest.raises(MissingExtra, match=r"pip install 'nasbench\[ray\]'"):
        ray_search_space(opened("nb201", "cifar10-valid"))
