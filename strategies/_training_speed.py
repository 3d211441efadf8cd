"""Training-speed estimation: the sum of training losses, of Ru, Lyle, Schut, Fil, van der Wilk & Gal,
"Speedy Performance Estimation for Neural Architecture Search", NeurIPS 2021 (arXiv:2006.04492,
there called SoTL): TSE = the sum over the epochs trained so far of each epoch's training loss
(lower: faster training, predicted to generalise better); TSE-E sums only the last E epochs
(E = 1 performed best across their search spaces).

Owns the estimate only; knows nothing of benchmarks. The paper sums every mini-batch's loss
(or its epoch mean); a table holds each epoch's mean training loss, which ranks architectures
the same way when every architecture sees the same number of mini-batches per epoch. Declared
difference: where only some epochs were observed (a ladder of checkpoints), the epochs between
two of them are interpolated linearly and those before the first held at its value; with every
epoch observed, or with E = 1, the sum is exact. Used by `rs-lce` (`estimator="sotl"`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def sotl(epochs: Sequence[float], losses: Sequence[float], last: int = 0) -> float:
    """The sum of per-epoch training losses over epochs 1..T (T the last observed), or over the last `last` of them.

    `epochs` ascending whole epochs with their mean training losses; `last=0` sums all T epochs.
    NaN where a loss is NaN (a failed run).
    """
    t, y = np.asarray(epochs, dtype=np.float64), np.asarray(losses, dtype=np.float64)
    final = int(t[-1])
    first = 1 if last <= 0 else max(1, final - last + 1)
    every = np.arange(first, final + 1, dtype=np.float64)
    return float(np.interp(every, t, y).sum())
