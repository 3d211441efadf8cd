"""Benchmarks: the protocol (`base`) and its answer from a table (`table`).

A benchmark answers queries; it never advances a clock or charges a budget (that is the runner's job)."""

from nasbench.benchmark.base import Benchmark, BenchmarkInfo, MetricInfo

__all__ = ["Benchmark", "BenchmarkInfo", "MetricInfo"]
