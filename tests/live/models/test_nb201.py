"""The NAS-Bench-201 network builder (Dong & Yang, ICLR 2020): parameter counts against the published table."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import nasbench  # noqa: E402
from nasbench.live import build_model  # noqa: E402
from nasbench.live.models import count_params  # noqa: E402
from nasbench.tables.format import MEASURED  # noqa: E402

NB201_CLASSES = {"cifar10-valid": 10, "cifar100": 100, "imagenet16-120": 120}


@pytest.mark.parametrize("dataset", sorted(NB201_CLASSES))
def test_nb201_params_match_the_published_table(dataset: str) -> None:
    bench = nasbench.load("nb201", dataset=dataset)
    params = bench.table.metrics["params"]
    rows = np.random.default_rng(7).choice(bench.space.size, 25, replace=False)
    rows = np.concatenate([rows, [0, 15624]])
    for row in rows:
        arch = bench.space.arch(int(row))
        counted = count_params(build_model("nb201", arch, num_classes=NB201_CLASSES[dataset])) / 1e6
        published = params.values[row, 0, 0] if params.values.ndim == 3 else params.values[row]
        measured = params.status[row].ravel() == MEASURED
        assert np.any(np.isclose(params.values[row].ravel()[measured], counted, atol=1e-6)), (arch, published, counted)


def test_nb201_cells_without_operations_have_no_parameters() -> None:
    empty = build_model("nb201", "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|")
    # stem 464 + reductions 14,464 and 57,600 + last BN 128 + classifier 650 (NAS-Bench-201 at C=16, N=5)
    assert count_params(empty) == 464 + 14_464 + 57_600 + 128 + 650
