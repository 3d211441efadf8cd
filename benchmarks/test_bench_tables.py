"""Load and query speed of every shipped table (targets: load under 100 ms, one query under 10 µs).

NAS-Bench-201 also has a peer comparison in test_bench_nb201.py.
"""

from __future__ import annotations

import json

import pytest

import nasbench
from nasbench.spaces.accel import ARCHS_FILE
from nasbench.spaces.nb101 import SUBSET_FILE
from nasbench.spaces.nlp import CELLS_FILE

CASES = [
    (
        "nb201",
        "cifar10-valid",
        "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|",
    ),
    ("macro", "cifar10", "02012100"),
    ("fcnet", "protein_structure", "000010055"),
    ("graph", "cora", "0,1,1,2:gcn,gin,cheb,fc"),
    ("nlp", "wikitext-2", json.loads(CELLS_FILE.read_text())[17]),
    ("nb101", "cifar10", SUBSET_FILE.read_text().splitlines()[17].split("\t")[0]),
    ("accel", "imagenet", ARCHS_FILE.read_text().splitlines()[17]),
]


@pytest.mark.parametrize(("bench", "dataset", "arch"), CASES)
@pytest.mark.benchmark(group="load per table")
def test_load(benchmark, bench: str, dataset: str, arch: str) -> None:
    def load_and_query():
        table = nasbench.load(bench, dataset=dataset)
        table.query(arch)
        return table

    benchmark.pedantic(load_and_query, rounds=10, warmup_rounds=1)
    if not benchmark.disabled:
        assert benchmark.stats.stats.median < 0.1


@pytest.mark.parametrize(("bench", "dataset", "arch"), CASES)
@pytest.mark.benchmark(group="query per table (from the string)")
def test_query(benchmark, bench: str, dataset: str, arch: str) -> None:
    table = nasbench.load(bench, dataset=dataset)
    benchmark(table.query, arch)
    if not benchmark.disabled:
        assert benchmark.stats.stats.median < 10e-6
