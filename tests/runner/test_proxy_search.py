"""scripts/proxy_search.py: the anytime-regret page, and `--finals` (each run's final regret) beside it."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pandas as pd

from nasbench.benchmark.zero_cost import ZeroCostBenchmark

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "proxy_search.py"


def test_finals_are_the_runs_of_the_last_column_and_leave_the_page_unchanged(
    zc: ZeroCostBenchmark, tmp_path: Path
) -> None:
    spec = importlib.util.spec_from_file_location("proxy_search", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    args = ["--proxies", str(zc.table_path), "--strategies", "reinforce,reinforce-zc", "--runs", "3"]
    args += ["--budget", "20000s", "--hp", '{"reinforce-zc": {"warmup": 5}}']
    module.main([*args, "--out", str(tmp_path / "plain.md")])
    module.main([*args, "--out", str(tmp_path / "with.md"), "--finals", str(tmp_path / "finals.csv")])
    text = (tmp_path / "with.md").read_text()
    assert text == (tmp_path / "plain.md").read_text() and "--finals" not in text
    finals = pd.read_csv(tmp_path / "finals.csv")
    assert list(finals.columns) == ["strategy", "run", "final_regret"] and len(finals) == 6
    runs = finals.groupby("strategy")["run"].apply(list).to_dict()
    assert runs == {"reinforce": [0, 1, 2], "reinforce-zc": [0, 1, 2]}
    for name, group in finals.groupby("strategy"):
        row = next(line for line in text.splitlines() if line.startswith(f"| {name} |"))
        assert row.split("|")[-2].strip().startswith(f"{group['final_regret'].mean():.3f} ±")
