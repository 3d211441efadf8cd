"""One-shot NAS: supernets that hold every candidate of a space with shared weights, the
weight-sharing methods that search them (RSPS, SPOS, ENAS, DARTS, GDAS), and the judge of both
against a table's ground truth.

Owns the supernets (NAS-Bench-201; NAS-Bench-Macro, Su et al. CVPR 2021), their common `layout`
(decisions x options) that every method searches over, the methods,
the ranking evaluation, and the methods' runs inside a live comparison (`live`). Every module here
but this one imports torch: nothing outside the commands (`nasbench.cli.oneshot`, and
`nasbench.cli.search` for `compare --estimator live`, both lazily) may import them at load time.
It never writes the tables; it reads them only to score what a search derived.
"""

METHODS = {
    "rsps": "nasbench.oneshot.rsps:RSPS",
    "spos": "nasbench.oneshot.spos:SPOS",
    "enas": "nasbench.oneshot.enas:ENAS",
    "darts": "nasbench.oneshot.darts:DARTS",
    "gdas": "nasbench.oneshot.gdas:GDAS",
}
SPACES = ("nb201", "macro")  # the spaces with a supernet (`layout.LAYOUTS`)
