"""Speed of `nasbench report` on 8 strategies x 500 runs x 300,000 simulated seconds (about 800,000 rows).

The results are made once (about 5 minutes on 2 cores) into .benchmarks/report-8x500x300000s-<table SHA>
and reused: `nasbench compare` resumes, so a later run only checks they are there (a new table
gets a new folder). BANANAS runs
with a smaller ensemble there (3 nets, 30 epochs) to keep that one-off cost down; the report
does not depend on it. Timed only with --benchmark-enable.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from nasbench.files import sha256_file
from nasbench.registry import table_path
from nasbench.report.writer import write_report
from nasbench.runner.compare import compare

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / ".benchmarks" / f"report-8x500x300000s-{sha256_file(table_path('nb201'))[:12]}"
STRATEGIES = ["rs", "re", "reinforce", "ls", "sh", "hyperband", "bohb", "bananas"]


@pytest.mark.benchmark(group="report")
def test_report_8_strategies_500_runs(benchmark, tmp_path) -> None:
    if benchmark.disabled:
        pytest.skip("a whole-report timing: run with --benchmark-enable")
    compare(
        bench="nb201",
        dataset="cifar10-valid",
        strategies=STRATEGIES,
        runs=500,
        budget="300000s",  # multi- and single-fidelity strategies together: a time budget
        out=str(RESULTS),
        jobs=2,
        quiet=True,
        hyperparameters={"bananas": {"epochs": 30, "ensemble_size": 3}},
    )
    benchmark.pedantic(lambda: write_report([RESULTS], tmp_path / "report"), rounds=3, iterations=1)
    assert benchmark.stats.stats.median < 20.0
