"""The ConfigSpace export: names users know, ordinals, and samples the benchmark always answers."""

from __future__ import annotations

import sys

import ConfigSpace as CS
import numpy as np
import pytest

import nasbench
from nasbench.adapters import config_space
from nasbench.adapters._extras import MissingExtra
from nasbench.adapters.config_space import (
    EDGE_NAMES,
    INDEX,
    InvalidConfiguration,
    configspace,
    to_architecture,
    to_config,
)
from nasbench.errors import InvalidArchitecture
from nasbench.registry import opened

HPOBENCH_CONFIG = {  # HPOBench's own test of its NAS-Bench-201 benchmark uses this configuration
    "1<-0": "nor_conv_1x1",
    "2<-0": "nor_conv_3x3",
    "2<-1": "nor_conv_3x3",
    "3<-0": "nor_conv_1x1",
    "3<-1": "nor_conv_1x1",
    "3<-2": "nor_conv_3x3",
}
TABLES = [  # one dataset of every shipped table, and the graph dataset whose space has fewer layers
    ("nb201", "cifar10-valid"),
    ("nb201-digits", "digits"),
    ("nb101", "cifar10"),
    ("macro", "cifar10"),
    ("fcnet", "protein_structure"),
    ("graph", "cora"),
    ("graph", "proteins"),
    ("nlp", "wikitext-2"),
    ("accel", "imagenet"),
]


def test_nb201_edges_are_named_as_hpobench_and_naslib_name_them() -> None:
    cs = configspace(opened("nb201", "cifar10-valid"))
    assert EDGE_NAMES == ("1<-0", "2<-0", "2<-1", "3<-0", "3<-1", "3<-2")
    assert list(cs) == list(EDGE_NAMES)
    assert all(
        isinstance(cs[n], CS.CategoricalHyperparameter)
        and tuple(cs[n].choices) == ("none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3")
        for n in EDGE_NAMES
    )
    arch = to_architecture(opened("nb201", "cifar10-valid"), HPOBENCH_CONFIG)
    expected = "|nor_conv_1x1~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_1x1~0|nor_conv_1x1~1|nor_conv_3x3~2|"
    assert str(arch) == expected


def test_ordered_choices_are_ordinals() -> None:
    cs = configspace(opened("fcnet", "protein_structure"))
    kinds = {name: type(hp).__name__ for name, hp in cs.items()}
    assert kinds == {
        "activation_fn_1": "CategoricalHyperparameter",
        "activation_fn_2": "CategoricalHyperparameter",
        "batch_size": "OrdinalHyperparameter",
        "dropout_1": "OrdinalHyperparameter",
        "dropout_2": "OrdinalHyperparameter",
        "init_lr": "OrdinalHyperparameter",
        "lr_schedule": "CategoricalHyperparameter",
        "n_units_1": "OrdinalHyperparameter",
        "n_units_2": "OrdinalHyperparameter",
    }
    assert tuple(cs["batch_size"].sequence) == (8, 16, 32, 64)
    assert tuple(cs["n_units_1"].sequence) == (16, 32, 64, 128, 256, 512)


def test_graph_forbids_the_network_of_only_skips() -> None:
    bench = opened("graph", "cora")
    cs = configspace(bench)
    assert len(cs.forbidden_clauses) == 1
    with pytest.raises(CS.exceptions.ForbiddenValueError):
        CS.Configuration(cs, {"links": "0,0,0,0", **dict.fromkeys(config_space.GRAPH_LAYERS, "skip")})


@pytest.mark.parametrize(("name", "dataset"), TABLES)
def test_a_thousand_samples_are_all_answered_and_round_trip(name: str, dataset: str) -> None:
    bench = opened(name, dataset)
    cs = configspace(bench, seed=0)
    configs = cs.sample_configuration(1000)
    archs = [to_architecture(bench, c) for c in configs]  # raises on the first one it cannot map
    records = bench.query_many(archs)  # raises on the first one the table does not hold
    assert len(records) == 1000
    assert records[bench.info.cost].notna().all()
    assert all(to_architecture(bench, to_config(bench, a)) == a for a in archs[:100])  # graph: canonical forms
    if name != "graph":
        assert all(to_config(bench, a) == dict(c) for a, c in zip(archs[:100], configs[:100], strict=True))


@pytest.mark.slow
@pytest.mark.parametrize(("name", "dataset"), [("accel", "imagenet"), ("nb101", "cifar10"), ("nb201-digits", "digits")])
def test_surrogate_spaces_are_answered_too(name: str, dataset: str) -> None:
    bench = opened(name, dataset, estimator="surrogate")
    cs = configspace(bench, seed=0)
    assert (INDEX in cs) == (name == "nb101")  # the whole Accel space on its surrogate; NB101's candidates
    archs = [to_architecture(bench, c) for c in cs.sample_configuration(1000)]
    assert bench.query_many(archs)[bench.info.observe].notna().all()


def test_partial_tables_are_indexed_by_row() -> None:
    bench = opened("nb101", "cifar10")
    cs = configspace(bench)
    assert list(cs) == [INDEX] and (cs[INDEX].lower, cs[INDEX].upper) == (0, 999)
    assert bench.space.to_str(to_architecture(bench, {INDEX: 7})) == bench.table.archs()[7]


def test_the_space_is_built_at_run_time_and_seeded() -> None:
    bench = opened("macro", "cifar10")
    first, second = configspace(bench, seed=3), configspace(bench, seed=3)
    assert first is not second and first == second
    assert first.sample_configuration(5) == second.sample_configuration(5)


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({**HPOBENCH_CONFIG, "4<-3": "none"}, "unknown hyperparameter '4<-3' for nb201/cifar10-valid; expected: 1<-0"),
        ({k: v for k, v in HPOBENCH_CONFIG.items() if k != "3<-2"}, "missing hyperparameter '3<-2'"),
        ({**HPOBENCH_CONFIG, "1<-0": "conv"}, "expected 1<-0 of nb201/cifar10-valid in none, .*got 'conv'"),
        ({**HPOBENCH_CONFIG, "1<-0": ["none"]}, "expected 1<-0 .* got \\['none'\\]"),
        ("|none~0|", "expected a configuration \\(a dict or a ConfigSpace Configuration\\), got str"),
    ],
)
def test_bad_configurations_are_refused_in_one_line(config: object, message: str) -> None:
    with pytest.raises(InvalidConfiguration, match=message) as caught:
        to_architecture(opened("nb201", "cifar10-valid"), config)  # type: ignore[arg-type]
    assert "\n" not in str(caught.value) and isinstance(caught.value, InvalidArchitecture)


@pytest.mark.parametrize("value", [1000, -1, 2.5, "7", True])
def test_an_index_out_of_range_is_refused(value: object) -> None:
    with pytest.raises(InvalidConfiguration, match="expected arch_index of nb101/cifar10 an integer in 0..999"):
        to_architecture(opened("nb101", "cifar10"), {INDEX: value})


def test_values_as_strings_and_numpy_scalars_are_read() -> None:
    bench = opened("fcnet", "protein_structure")
    config = dict(configspace(bench, seed=1).sample_configuration())
    as_text = {k: str(v) for k, v in config.items()}
    assert to_architecture(bench, as_text) == to_architecture(bench, config)
    assert to_architecture(opened("nb101", "cifar10"), {INDEX: np.int64(3)}) == to_architecture(
        opened("nb101", "cifar10"), {INDEX: 3.0}
    )


def test_a_missing_library_names_its_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "ConfigSpace", None)  # what an absent package looks like to import
    with pytest.raises(MissingExtra, match=r"install it with: pip install 'nasbench\[configspace\]'"):
        configspace(opened("nb201", "cifar10-valid"))


def test_the_facade_reaches_the_adapters() -> None:
    assert nasbench.adapters.configspace is configspace
