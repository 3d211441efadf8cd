"""The NAS-Bench-101 subset table equals data-1k.json; the converter checks every hash."""

from __future__ import annotations

import json

import numpy as np
import pytest

import nasbench
from nasbench.files import sha256_file
from nasbench.registry import data_dir
from nasbench.spaces.nb101 import SUBSET_FILE
from scripts import convert_nb101
from tests.conftest import raw_folder


@pytest.fixture(scope="module")
def raw_subset():
    return raw_folder("nb101_subset")


def test_values_equal_the_raw_file(raw_subset) -> None:
    data = json.loads((raw_subset / convert_nb101.RAW_FILE).read_text())
    bench = nasbench.load("nb101")
    for epochs in convert_nb101.FIDELITIES:
        frame = bench.query_many(np.arange(1000), fidelity=epochs)
        assert np.array_equal(frame["valid_acc"].to_numpy(), np.array(data[f"{epochs}_final_validation_accuracy"]))
    full = bench.query_many(np.arange(1000))
    assert np.array_equal(full["train_seconds"].to_numpy(), np.array(data["final_training_time"]))
    assert np.array_equal(full["params"].to_numpy(), np.array(data["trainable_parameters"], dtype=float))
    assert full["valid_acc"].max() == max(data["108_final_validation_accuracy"])


def test_rows_are_the_published_cells(raw_subset) -> None:
    data = json.loads((raw_subset / convert_nb101.RAW_FILE).read_text())
    _, cells = convert_nb101.cells(raw_subset)
    keys = [line.split("\t")[1] for line in SUBSET_FILE.read_text().splitlines()]
    assert keys == data["key"] and len(cells) == 1000


def test_converter_is_deterministic_and_current(raw_subset, tmp_path) -> None:
    convert_nb101.convert(raw_subset, tmp_path / "nb101.h5", tmp_path / "subset.tsv")
    assert sha256_file(tmp_path / "nb101.h5") == sha256_file(data_dir() / "nb101.h5")
    assert sha256_file(tmp_path / "subset.tsv") == sha256_file(SUBSET_FILE)


def test_shorter_schedules_have_modelled_costs() -> None:
    bench = nasbench.load("nb101")
    assert bench.status(np.array([0]), "train_seconds", fidelity=12) == ["estimated"]
    assert bench.status(np.array([0]), "train_seconds", fidelity=108) == ["measured"]
    assert bench.query(bench.space.sample(np.random.default_rng(0)), fidelity=36)["valid_acc"] > 0
