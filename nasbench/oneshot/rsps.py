"""Random search with parameter sharing, RSPS (Li & Talwalkar, "Random Search and Reproducibility
for Neural Architecture Search", UAI 2019, arXiv:1902.07638), as NAS-Bench-201 runs it
(AutoDL-Projects `exps/NAS-Bench-201-algos/RANDOM-NAS.py`).

Owns the method: every training step draws one architecture uniformly (one option per decision of
the space's layout: NAS-Bench-201's 6 edges, or NAS-Bench-Macro's 8 layers, Su et al. 2021) and
trains the shared weights along its path; to derive, `select_num` (100) uniformly drawn ones are
each scored by inherited-weight accuracy on one validation batch (the next batch of a shuffled pass,
as the reference does) and the best is kept. It never reads a table.
"""

from __future__ import annotations

from typing import Any

from nasbench.errors import NasbenchError
from nasbench.live.data import batches
from nasbench.oneshot.search import Arch, OneShotMethod, path_accuracy, uniform_arch


class RSPS(OneShotMethod):
    """Uniform single-path training, then the best of `select_num` random cells on validation batches."""

    name = "rsps"

    def __init__(self, *args: Any, select_num: int = 100, **kwargs: Any) -> None:
        if isinstance(select_num, bool) or not isinstance(select_num, int) or select_num < 1:
            raise NasbenchError(f"expected select_num >= 1, got {select_num!r}")
        super().__init__(*args, **kwargs)
        self.select_num = select_num

    def hyperparameters(self) -> dict[str, Any]:
        return {"select_num": self.select_num}

    def train_epoch(self, epoch: int) -> tuple[float, float]:
        return self.uniform_epoch()

    def derive(self, final: bool) -> Arch:
        best, best_acc = None, -1.0
        stream = self._valid_stream()
        for _ in range(self.select_num):
            arch = uniform_arch(self.generator, self.layout)
            acc = path_accuracy(self.supernet, arch, next(stream), self.data.train[0])
            if acc > best_acc:  # ties keep the first drawn
                best, best_acc = arch, acc
        assert best is not None
        return best

    def _valid_stream(self) -> Any:
        while True:
            yield from batches(self.data.valid, self.settings.batch_size, self.generator)
