"""Queries over a table: records, seeds, fidelities, vectorized lookups and their errors."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from nasbench.benchmark.table import TableBenchmark
from nasbench.errors import InvalidArchitecture, UnknownName
from nasbench.spaces.base import SearchSpace
from nasbench.tables.format import read_table, write_table
from tests.tables.test_format import ARCHS, tiny_dataset

EXAMPLE = "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|"


class LetterSpace(SearchSpace[str]):
    """A three-architecture space that is not enumerable: rows are found by string."""

    name = "letters"
    encoding_size = 1

    def sample(self, rng: np.random.Generator) -> str:
        return ARCHS[int(rng.integers(3))]

    def mutate(self, arch: str, rng: np.random.Generator) -> str:
        return self.sample(rng)

    def neighbors(self, arch: str) -> list[str]:
        return [a for a in ARCHS if a != arch]

    def encode_many(self, archs: Sequence[str]) -> np.ndarray:
        return np.array([[ARCHS.index(a)] for a in archs], dtype=float)

    def canonical(self, arch: str) -> str:
        return arch

    def to_str(self, arch: str) -> str:
        return arch

    def from_str(self, text: str) -> str:
        return text


@pytest.fixture
def toy(tmp_path) -> TableBenchmark:
    path = tmp_path / "toy.h5"
    write_table(path, {"benchmark": "toy", "space": "letters", "fidelity_unit": "epochs"}, ARCHS, [tiny_dataset()])
    return TableBenchmark(read_table(path, "toy"), LetterSpace())


def test_toy_records(toy: TableBenchmark) -> None:
    assert toy.query("a") == {"acc": 81.0, "secs": 10.0}
    assert toy.query("a", fidelity=1, seed=1) == {"acc": 52.0, "secs": 1.0}
    assert toy.query("c", seed=0)["acc"] == 90.0
    assert np.isnan(toy.query("b")["acc"])
    assert toy.status(["a", "b", "c"], "acc") == ["measured", "failed", "measured"]
    assert toy.status(["c"], "acc", seed=1) == ["missing"]


def test_toy_missing_seed_is_an_error(toy: TableBenchmark) -> None:
    with pytest.raises(UnknownName, match="no seed 1 at fidelity 10; seeds run: 0"):
        toy.query("c", seed=1)


def test_toy_unknown_architecture(toy: TableBenchmark) -> None:
    with pytest.raises(InvalidArchitecture, match="not in the table toy/toy"):
        toy.query("z")


def test_toy_info(toy: TableBenchmark) -> None:
    info = toy.info
    assert info.fidelities == (1, 10) and info.seeds == (0, 1) and info.size == 3
    assert info.metrics["acc"].direction == "maximize" and info.metrics["secs"].kind == "cost"
    assert info.observe == "acc" and info.cost == "secs" and info.max_fidelity == 10


def test_query_defaults_to_full_fidelity_seed_mean(c10: TableBenchmark) -> None:
    record = c10.query(EXAMPLE)
    assert set(record) == {"valid_acc", "train_seconds", "params", "latency"}
    assert record == c10.query(EXAMPLE, fidelity=200, seed=None)
    per_seed = [c10.query(EXAMPLE, seed=s)["valid_acc"] for s in (0, 1, 2)]
    assert record["valid_acc"] == pytest.approx(np.mean(per_seed), abs=1e-12)


def test_twelve_epochs_has_test_accuracy_and_a_modelled_cost(c10: TableBenchmark) -> None:
    full, short = c10.query(EXAMPLE), c10.query(EXAMPLE, fidelity=12)
    assert "test_acc" in short and "test_acc" not in full
    assert short["train_seconds"] == pytest.approx(full["train_seconds"] * 12 / 200)
    assert c10.status([EXAMPLE], "train_seconds", fidelity=12) == ["estimated"]


def test_query_accepts_objects_strings_and_indices(c10: TableBenchmark) -> None:
    arch = c10.space.from_str(EXAMPLE)
    index = c10.space.index(arch)
    assert c10.query(arch) == c10.query(EXAMPLE) == c10.query(index) == c10.query(np.int64(index))


def test_hardware_metrics_on_request(c10: TableBenchmark) -> None:
    record = c10.query(EXAMPLE, metrics=["valid_acc", "latency:pixel3"])
    assert list(record) == ["valid_acc", "latency:pixel3"]
    assert "latency:pixel3" not in c10.query(EXAMPLE)


def test_query_many_matches_query(c10: TableBenchmark) -> None:
    archs = [c10.space.arch(i) for i in range(0, 15625, 97)]
    for fidelity, seed in [(200, None), (12, None), (200, 0), (200, 2)]:
        frame = c10.query_many(archs, fidelity=fidelity, seed=seed)
        assert frame.index.tolist() == [c10.space.index(a) for a in archs]
        for arch, (_, row) in zip(archs[:20], frame.iterrows(), strict=False):
            try:
                expected = c10.query(arch, fidelity=fidelity, seed=seed)
            except UnknownName:
                assert np.isnan(row["valid_acc"])
                continue
            assert row.drop("arch").to_dict() == expected
            assert row["arch"] == c10.space.to_str(arch)


def test_query_many_all_and_by_index(c10: TableBenchmark) -> None:
    frame = c10.query_many(np.arange(15625), metrics=["valid_acc", "latency:raspi4"])
    assert frame.shape == (15625, 3)
    assert list(frame.columns) == ["valid_acc", "latency:raspi4", "arch"]
    assert frame["arch"].tolist() == [c10.space.to_str(a) for a in c10.space.all()]
    assert frame.equals(c10.query_many(list(c10.space.all()), metrics=["valid_acc", "latency:raspi4"]))
    with pytest.raises(InvalidArchitecture, match="expected indices in 0..15624"):
        c10.query_many(np.array([0, 15625]))


def test_two_seed_architecture(c10: TableBenchmark) -> None:
    frame = c10.query_many(np.arange(15625), seed=2)
    two_seeds = int(frame["valid_acc"].isna().to_numpy().nonzero()[0][0])
    with pytest.raises(UnknownName, match=f"architecture {two_seeds} .* no seed 2 at fidelity 200; seeds run: 0, 1"):
        c10.query(two_seeds, seed=2)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"fidelity": 100}, "fidelity 100 not in nb201/cifar10-valid; available: 12, 200"),
        ({"seed": 3}, "seed 3 not in nb201/cifar10-valid; available: 0, 1, 2, or None"),
        ({"fidelity": 12, "seed": 0}, "no per-seed values at fidelity 12"),
        ({"metrics": ["test_acc"]}, "'test_acc' of nb201/cifar10-valid has values at fidelity 12, not at 200"),
        ({"metrics": ["accuracy"]}, "unknown metric 'accuracy' in nb201/cifar10-valid; available: valid_acc"),
    ],
)
def test_query_errors_say_what_exists(c10: TableBenchmark, kwargs: dict, message: str) -> None:
    with pytest.raises(UnknownName, match=message):
        c10.query(EXAMPLE, **kwargs)
    with pytest.raises(UnknownName, match=message):
        c10.query_many([EXAMPLE], **kwargs)


def test_bad_architectures(c10: TableBenchmark) -> None:
    for bad in ["", "|none~0|", 15625, -1, None]:
        with pytest.raises(InvalidArchitecture):
            c10.query(bad)


def test_info_declares_roles_and_units(c10: TableBenchmark) -> None:
    info = c10.info
    assert (info.name, info.dataset, info.space, info.size) == ("nb201", "cifar10-valid", "nb201", 15625)
    assert info.fidelities == (12, 200) and info.fidelity_unit == "epochs" and info.seeds == (0, 1, 2)
    assert info.observe == "valid_acc" and info.cost == "train_seconds"
    assert info.score_metric(12) == "test_acc" and info.score_metric(200) == "valid_acc"
    assert info.metrics["valid_acc"].unit == "%" and info.metrics["valid_acc"].direction == "maximize"
    assert info.metrics["test_acc"].fidelities == (12,)
    assert sum(m.kind == "hardware" for m in info.metrics.values()) == 27
    assert len(c10.data_sha256) == 64


def test_query_many_reads_a_list_of_integers_as_indices(c10) -> None:
    frame = c10.query_many([9930, 1, 9930])
    assert list(frame.index) == [9930, 1, 9930]
    expected = [c10.query(i)["valid_acc"] for i in (9930, 1, 9930)]
    assert frame["valid_acc"].tolist() == expected
    assert frame.equals(c10.query_many((9930, 1, 9930)))
    with pytest.raises(InvalidArchitecture, match="expected an index in 0..15624"):
        c10.query_many([1, 15625])


def test_an_index_reads_the_same_on_a_partial_table() -> None:
    import nasbench

    digits = nasbench.load("nb201-digits")
    first = digits.table.archs()[0]
    index = digits.space.index(digits.space.parse(first))
    assert digits.query(index) == digits.query(first)
    assert digits.query_many([index]).iloc[0].drop("arch").to_dict() == digits.query(first)
    with pytest.raises(InvalidArchitecture, match=f"not among the {digits.table.n_archs} this table holds"):
        digits.query(0)


def test_repr_says_what_it_is(c10, toy: TableBenchmark) -> None:
    assert repr(c10).startswith(
        "<TableBenchmark nb201/cifar10-valid: 15,625 architectures, fidelities 12, 200 epochs, seeds 0, 1, 2; "
    )
    assert repr(c10).endswith("nb201.h5>")
    assert "seeds 0, 1;" in repr(toy) and "0x" not in repr(toy)
