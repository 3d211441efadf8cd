"""The NAS-Bench-Macro network builder (Su et al., CVPR 2021): parameters and FLOPs against the published table."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import nasbench  # noqa: E402
from nasbench.live import build_model  # noqa: E402
from nasbench.live.models import count_flops, count_params  # noqa: E402


def test_macro_params_and_flops_match_the_published_table() -> None:
    bench = nasbench.load("macro")
    rows = np.concatenate([np.random.default_rng(3).choice(bench.space.size, 30, replace=False), [0, 6560]])
    for row in rows:
        arch = bench.space.arch(int(row))
        model = build_model("macro", arch)
        record = bench.query(arch, metrics=["params", "flops"])
        assert count_params(model) == record["params"], bench.space.to_str(arch)
        assert count_flops(model, (3, 32, 32)) == record["flops"], bench.space.to_str(arch)
