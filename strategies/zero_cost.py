"""What the zero-cost strategies share: reading a proxy value the runner reports at fidelity 0.

Owns the test whether the benchmark offers a zero-cost fidelity (its public `info` lists fidelity
0, as `nasbench.benchmark.zero_cost.ZeroCostBenchmark` does) and the proxy's value as a number
to maximize. A strategy learns a proxy only by asking for an evaluation at fidelity 0, which
the runner charges at the benchmark's declared per-cell cost; it never reads a proxy table.
"""

from __future__ import annotations

import math

from nasbench.benchmark.base import BenchmarkInfo

ZERO_COST = 0


def has_zero_cost(info: BenchmarkInfo) -> bool:
    """Whether the benchmark offers a fidelity 0 (a zero-cost proxy at initialisation).

    Without one, a zero-cost strategy is its base strategy exactly (so that it runs, and is tested,
    on every benchmark like every other strategy); its docstring says so.
    """
    return ZERO_COST in info.fidelities


def proxy_value(info: BenchmarkInfo, record: dict[str, float]) -> float:
    """The proxy reported in a fidelity-0 record (every proxy is larger-is-better); NaN is worst."""
    value = record[info.observe]
    return -math.inf if math.isnan(value) else value
