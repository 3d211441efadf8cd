"""Final-performance tables and their Markdown and LaTeX forms."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from nasbench.errors import NasbenchError
from nasbench.report.final import final_table, final_values, to_latex, to_markdown


def results() -> pd.DataFrame:
    rows = []
    for strategy, offset in (("rs", 0.0), ("re", 1.0)):
        for run in range(4):
            for evaluation in range(3):
                rows.append(("d", strategy, run, evaluation, 100.0 * (evaluation + 1), offset + run + evaluation))
    return pd.DataFrame(rows, columns=["dataset", "strategy", "run", "eval", "end", "incumbent_score"])


def test_final_values_and_statistics() -> None:
    frame = results()
    table = final_table(frame, ("2evals", "final"))
    final = table[table["checkpoint"] == "final"].set_index("strategy")
    expected = np.array([2.0, 3.0, 4.0, 5.0]) + 1.0
    assert final.loc["re", "mean"] == expected.mean()
    assert final.loc["re", "std"] == pytest.approx(expected.std(ddof=1))
    assert final.loc["re", "sem"] == pytest.approx(expected.std(ddof=1) / 2)
    assert final.loc["re", "n"] == 4
    middle = table[table["checkpoint"] == "2evals"].set_index("strategy")
    assert middle.loc["rs", "mean"] == np.mean([1.0, 2.0, 3.0, 4.0])
    assert final_values(frame, "150s")["value"].tolist() == [1.0, 2.0, 3.0, 4.0, 0.0, 1.0, 2.0, 3.0]
    with pytest.raises(NasbenchError, match="expected a checkpoint like"):
        final_values(frame, "half")


def test_markdown_bolds_the_best() -> None:
    text = to_markdown(final_table(results()))
    assert "| Reg. evolution | **4.50** ± 1.29 (0.65), n=4 |" in text
    assert "| Random search | 3.50 ± 1.29 (0.65), n=4 |" in text
    assert "**3.50**" in to_markdown(final_table(results()), maximize=False)


def test_latex_is_booktabs() -> None:
    text = to_latex(final_table(results()))
    assert text.startswith("\\begin{tabular}{lc}\n\\toprule")
    assert "\\textbf{4.50} $\\pm$ 1.29 (0.65), n=4" in text and "\\bottomrule" in text


def test_a_checkpoint_written_as_budgets_print_large_amounts_is_read() -> None:
    from nasbench.report.writer import _checkpoints

    frame = results()
    assert final_values(frame, "1.5e+02s").equals(final_values(frame, "150s"))  # f"{x:g}" from 1e6 on: '1e+06s'
    assert _checkpoints([{"budget": "4e+06s"}]) == ("2e+06s", "final")
    assert len(final_values(frame, _checkpoints([{"budget": "4e+06s"}])[0])) == 8


def test_each_column_bolds_the_best_in_its_own_direction() -> None:
    # a report of an accuracy (maximised) beside a loss (minimised): each column's best, not one direction for all
    frame = pd.concat([results(), results().assign(dataset="loss")], ignore_index=True)
    table = final_table(frame)
    text = to_markdown(table, maximize={"d": True, "loss": False})
    assert "| Reg. evolution | **4.50** ± 1.29 (0.65), n=4 | 4.50 ± 1.29 (0.65), n=4 |" in text
    assert "| Random search | 3.50 ± 1.29 (0.65), n=4 | **3.50** ± 1.29 (0.65), n=4 |" in text
    assert "\\textbf{3.50}" in to_latex(table, maximize={"d": True, "loss": False})
    transfer = table.assign(dataset=table["dataset"].replace({"loss": "d -> loss"}))  # scored as its search's
    assert "| Reg. evolution | **4.50** ± 1.29 (0.65), n=4 | **4.50**" in to_markdown(transfer, maximize={"d": True})


def test_the_final_value_is_the_last_incumbents_even_when_it_has_no_score() -> None:
    # a run whose last incumbent is unscored (NaN) ends unscored: never the score of an incumbent it replaced
    frame = results()
    last = (frame["strategy"] == "rs") & (frame["run"] == 0) & (frame["eval"] == 2)
    frame.loc[last, "incumbent_score"] = float("nan")
    values = final_values(frame).set_index(["strategy", "run"])["value"]
    assert np.isnan(values[("rs", 0)]) and values[("rs", 1)] == 3.0
    assert final_table(frame).set_index("strategy").loc["rs", "n"] == 3
