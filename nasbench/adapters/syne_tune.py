"""syne-tune adapter: any benchmark as a syne-tune `Blackbox`, for its simulator backend.

Owns presenting a benchmark the way syne-tune's blackbox repository presents its tables
(Salinas et al., "Syne Tune: A Library for Large Scale Hyperparameter Tuning and
Reproducible Research", AutoML Conf 2022): a configuration space of syne-tune domains (the
exported space: `choice` per categorical decision, `ordinal` per ordered one, `randint` over
an index-valued space), one fidelity (`epochs` where the table counts epochs, else
`fidelity`) with the table's fidelity values, and objectives that are the metrics present
at every fidelity, the training cost among them (cumulative: pass it as the backend's
`elapsed_time_attr`). Its seeds are positions in the table's seeds; no seed is the mean
over seeds. It answers by querying the benchmark (table or surrogate): nothing is copied.
syne-tune's schedulers (ASHA, BOHB, MOBSTER, ...) then run on `UserBlackboxBackend`.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

import numpy as np

from nasbench.adapters._extras import require
from nasbench.adapters.config_space import Encoding, encoding
from nasbench.adapters.objective import fidelity_name

if TYPE_CHECKING:
    from nasbench.benchmark.base import Benchmark

HARDWARE = "hardware"  # the kind of per-device metrics (`tables.format.HARDWARE`): not at every fidelity's record


def objectives_of(bench: Benchmark) -> list[str]:
    """The metrics with a value at every fidelity (the cost metric among them), in the table's order."""
    info = bench.info
    every = set(info.fidelities)
    return [name for name, m in info.metrics.items() if m.kind != HARDWARE and every <= set(m.fidelities)]


def syne_tune_space(found: Encoding) -> dict[str, Any]:
    """The exported space as syne-tune domains."""
    sp = require("syne_tune.config_space", "syne-tune")
    if found.indexed:
        return {found.names[0]: sp.randint(0, len(found.hyperparameters[0].values) - 1)}
    space = {}
    for h in found.hyperparameters:
        values = list(h.values)
        numeric = all(isinstance(v, int | float) and not isinstance(v, bool) for v in values)
        if not h.ordinal:
            space[h.name] = sp.choice(values)
        else:
            space[h.name] = sp.ordinal(values, kind="nn" if numeric and values == sorted(values) else "equal")
    return space


def syne_tune_blackbox(bench: Benchmark) -> Any:
    """`bench` as a `syne_tune.blackbox_repository.Blackbox` (see the module docstring)."""
    base = require("syne_tune.blackbox_repository.blackbox", "syne-tune").Blackbox
    return _blackbox_type(base)(bench)


@cache
def _blackbox_type(base: type) -> type:
    """The Blackbox subclass, made once syne-tune is imported (so this module imports without it)."""

    class NasbenchBlackbox(base):  # type: ignore[misc, valid-type]
        """A nasbench benchmark behind syne-tune's Blackbox interface."""

        def __init__(self, bench: Benchmark) -> None:
            sp = require("syne_tune.config_space", "syne-tune")
            self.bench, self.encoding = bench, encoding(bench)
            info = bench.info
            self.seeds = info.seeds
            fidelity = {fidelity_name(bench): sp.randint(min(info.fidelities), max(info.fidelities))}
            super().__init__(syne_tune_space(self.encoding), fidelity, objectives_of(bench))

        @property
        def fidelity_values(self) -> np.ndarray:
            return np.array(self.bench.info.fidelities)

        @property
        def num_seeds(self) -> int:
            return max(len(self.seeds), 1)

        def _objective_function(
            self, configuration: dict[str, Any], fidelity: dict[str, Any] | None = None, seed: int | None = None
        ) -> dict[str, float] | np.ndarray:
            arch = self.encoding.to_arch(configuration)
            table_seed = self.seeds[seed] if seed is not None and self.seeds else None
            names = self.objectives_names
            if fidelity is not None:
                return self.bench.query(arch, int(next(iter(fidelity.values()))), table_seed, metrics=names)
            rows = [self.bench.query(arch, f, table_seed, metrics=names) for f in self.bench.info.fidelities]
            return np.array([[row[n] for n in names] for row in rows])

    return NasbenchBlackbox
