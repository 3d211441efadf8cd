"""`objective_function`: the HPOBench / syne-tune blackbox contract over any benchmark.

Owns the translation of one call (a configuration, a fidelity, a seed) into one query
and of the record into `{"function_value", "cost", "info"}` (Eggensperger et al., "HPOBench:
A Collection of Reproducible Multi-Fidelity Benchmark Problems for HPO", NeurIPS 2021
Datasets and Benchmarks). It charges no budget and keeps no history: a caller's loop
does that. Errors are `query`'s (unknown fidelity or seed) and the encoding's (unknown
hyperparameter or value), each one line.

`function_value` is minimised: the observed metric (or `metric`) as a loss. A metric to
maximise in percent becomes its error, 100 - value (HPOBench's NAS-Bench-201 convention);
one given as a fraction becomes 1 - value; any other metric to maximise is negated.
`cost` is the table's training cost of reaching the fidelity (seconds where the cost
metric is `train_seconds`); `info` holds the query's whole record.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from nasbench.adapters.config_space import Encoding, InvalidConfiguration, encoding
from nasbench.benchmark.base import MetricInfo
from nasbench.errors import UnknownName

if TYPE_CHECKING:
    from nasbench.benchmark.base import Benchmark


def loss_of(metric: MetricInfo) -> tuple[float, float]:
    """(offset, sign) such that `offset + sign * value` is the minimised loss of `metric`."""
    if not metric.maximize:
        return 0.0, 1.0
    offset = {"%": 100.0, "fraction": 1.0}.get(metric.unit, 0.0)
    return offset, -1.0


class Objective:
    """The HPOBench-style objective of one benchmark and metric: `objective(config, fidelity, seed)`."""

    def __init__(self, bench: Benchmark, metric: str | None = None, metrics: Sequence[str] | None = None) -> None:
        info = bench.info
        self.bench, self.metric = bench, metric or info.observe
        if self.metric not in info.metrics:
            raise UnknownName(
                f"unknown metric {self.metric!r} of {info.name}/{info.dataset}; available: {', '.join(info.metrics)}"
            )
        self.metrics = None if metrics is None else list(dict.fromkeys([self.metric, info.cost, *metrics]))
        self.offset, self.sign = loss_of(info.metrics[self.metric])
        self.cost = info.cost
        self.encoding: Encoding = encoding(bench)
        self.evaluate = self._evaluator()

    def __call__(
        self, config: Mapping[str, Any], fidelity: int | Mapping[str, int] | None = None, seed: int | None = None
    ) -> dict[str, Any]:
        """`{"function_value": loss, "cost": training cost, "info": every metric of the record}`."""
        return self.evaluate(config, fidelity, seed)

    def _evaluator(self) -> Callable[..., dict[str, Any]]:
        """`__call__` as a closure: `objective_function`'s hot path reads no attribute per call."""
        query, to_arch, metrics = self.bench.query, self.encoding.convert, self.metrics
        metric, cost, offset, sign = self.metric, self.cost, self.offset, self.sign

        def evaluate(config: Mapping[str, Any], fidelity: Any = None, seed: int | None = None) -> dict[str, Any]:
            if fidelity is not None and type(fidelity) is not int:
                fidelity = _fidelity(fidelity)
            record = query(to_arch(config), fidelity, seed, metrics)
            return {"function_value": offset + sign * record[metric], "cost": record[cost], "info": record}

        return evaluate


def fidelity_name(bench: Benchmark) -> str:
    """The fidelity's name in syne-tune and Ray Tune results: `epochs` where the table counts them, else `fidelity`."""
    return "epochs" if bench.info.fidelity_unit == "epochs" else "fidelity"


def _fidelity(fidelity: object) -> int:
    """An int, or HPOBench's one-key dict such as {"epoch": 200}."""
    if isinstance(fidelity, Mapping):
        if len(fidelity) != 1:
            raise InvalidConfiguration(f"expected a fidelity as one number or a one-key dict, got {dict(fidelity)!r}")
        fidelity = next(iter(fidelity.values()))
    if isinstance(fidelity, float) and fidelity.is_integer():
        fidelity = int(fidelity)
    if isinstance(fidelity, bool) or not isinstance(fidelity, int):
        try:
            return int(fidelity)  # type: ignore[call-overload]  # numpy integers
        except (TypeError, ValueError):
            raise InvalidConfiguration(f"expected an integer fidelity, got {fidelity!r}") from None
    return fidelity


_OBJECTIVES: weakref.WeakKeyDictionary[Any, dict[str | None, Objective]] = weakref.WeakKeyDictionary()


_last: list[Any] = [None, None, None]  # (benchmark, metric, evaluate) of the latest objective: a loop's fast path


def objective(bench: Benchmark, metric: str | None = None) -> Objective:
    """The objective of `bench` minimising `metric` (default: the observed one), built once per benchmark."""
    per_metric = _OBJECTIVES.get(bench)
    if per_metric is None:
        per_metric = _OBJECTIVES[bench] = {}
    found = per_metric.get(metric)
    if found is None:
        found = per_metric[metric] = Objective(bench, metric)
    _last[:] = [bench, metric, found.evaluate]
    return found


def objective_function(
    bench: Benchmark,
    config: Mapping[str, Any],
    fidelity: int | Mapping[str, int] | None = None,
    seed: int | None = None,
    metric: str | None = None,
) -> dict[str, Any]:
    """Evaluate one configuration, HPOBench style (see the module docstring).

    Args:
        bench: a loaded benchmark (`nasbench.load`).
        config: a ConfigSpace `Configuration` or a plain dict of the exported space.
        fidelity: a fidelity of the benchmark (or `{"epoch": n}`); None: the largest.
        seed: a seed the table ran; None: the mean over seeds.
        metric: the metric minimised; None: the one a search observes.
    """
    evaluate = _last[2] if _last[0] is bench and _last[1] == metric else objective(bench, metric).evaluate
    return evaluate(config, fidelity, seed)  # type: ignore[no-any-return]
