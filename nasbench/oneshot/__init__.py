"""One-shot NAS: supernets that hold every candidate of a space with shared weights, the
weight-sharing methods that search them (RSPS, SPOS, ENAS, DARTS, GDAS), and the judge of both
against a table's ground truth.

Owns the supernet, the methods and the ranking evaluation. Every module here imports torch:
nothing outside `nasbench.cli.oneshot` (which imports it lazily) may import this package at load
time. It never writes the tables; it reads them only to score what a search derived.
"""

METHODS = {
    "rsps": "nasbench.oneshot.rsps:RSPS",
    "spos": "nasbench.oneshot.spos:SPOS",
    "enas": "nasbench.oneshot.enas:ENAS",
    "darts": "nasbench.oneshot.darts:DARTS",
    "gdas": "nasbench.oneshot.gdas:GDAS",
}
SPACES = ("nb201",)  # the spaces with a supernet
