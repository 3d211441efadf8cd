"""Reports: figures and tables from comparison results (never reruns a search).

`anytime_plot`, `rank_plot` and `cd_diagram` return matplotlib Figures;
`final_table` and `cost_table` return pandas DataFrames; `pair_tests` (unpaired,
within a task) and `rank_test` (across tasks) hold the statistics; `write_report`
writes a whole report folder with an index.md.
"""

from nasbench.report.cost import cost_table
from nasbench.report.final import final_table, to_latex, to_markdown
from nasbench.report.plots import anytime_plot, cd_diagram, rank_plot
from nasbench.report.ranks import pair_tests, rank_test
from nasbench.report.writer import load_results, write_report

__all__ = [
    "anytime_plot",
    "cd_diagram",
    "cost_table",
    "final_table",
    "load_results",
    "pair_tests",
    "rank_plot",
    "rank_test",
    "to_latex",
    "to_markdown",
    "write_report",
]
