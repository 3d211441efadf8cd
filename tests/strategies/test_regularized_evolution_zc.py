"""re-zc through the runner: the zero-cost warm-up ranks cells by the proxy and starts from the best."""

from __future__ import annotations

import pandas as pd

from nasbench.benchmark.zero_cost import ZeroCostBenchmark
from nasbench.runner.simulation import Budget, RunSpec, simulate


def _run(bench: object, strategy: str, budget: str, seed: int = 0, workers: int = 1, **hp: object) -> pd.DataFrame:
    import json

    spec = RunSpec(
        bench_name="nb201", dataset="cifar10-valid", strategy=strategy, run=0, budget=Budget.parse(budget),
        root_seed=seed, workers=workers, hyperparameters=json.dumps(hp, sort_keys=True),
    )  # fmt: skip
    return simulate(spec, bench)  # type: ignore[arg-type]


def test_re_zc_starts_from_the_proxys_best(zc: ZeroCostBenchmark) -> None:
    frame = _run(zc, "re-zc", "30000s", warmup=20, population_size=5)
    warm, rest = frame.iloc[:20], frame.iloc[20:]
    assert (warm["fidelity"] == 0).all() and (warm["cost"] == 2.5).all()
    assert (rest["fidelity"] == 200).all() and len(rest) > 5
    scores = dict(zip(warm["arch"], warm["observed"], strict=True))
    best = sorted(scores, key=lambda a: -scores[a])[:5]
    assert rest["arch"].iloc[:5].tolist() == best
    pd.testing.assert_frame_equal(frame, _run(zc, "re-zc", "30000s", warmup=20, population_size=5))
    plain = _run(zc.bench, "re-zc", "30000s", warmup=20, population_size=5)  # no fidelity 0: plain `re`
    assert (plain["fidelity"] == 200).all()
    assert frame["arch"].tolist() != _run(zc, "re-zc", "30000s", seed=1, warmup=20, population_size=5)["arch"].tolist()
