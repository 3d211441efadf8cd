"""The Accel-NASBench space (Ahmad et al., "Accel-NASBench: Sustainable Benchmarking for
Accelerator-Aware NAS", 2024): an MnasNet/EfficientNet-style network of 7 blocks, each choosing
its expansion ratio (1, 4, 6), depthwise kernel (3, 5), number of layers (1-3; 1-4 for block 5)
and squeeze-and-excitation (off, on): 36**6 * 48, about 1.04e11 networks.

Owns the space's definition, its derived surrogate features, and the `tabulated` mode in
which the table opens it: sampling and moves then stay among the 5,125 distinct trained
networks (shipped as `accel_archs.txt` by scripts/convert_accel.py), as `TabulatedSpace`
keeps them; any other network is refused by name. A surrogate opens the whole space.
The string is 28 digits, the value index of block0_e, block0_k, block0_l, block0_se,
block1_e, ... in that order.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path

import numpy as np

from nasbench.errors import InvalidArchitecture
from nasbench.spaces.product import Choice, ProductArch, ProductSpace
from nasbench.spaces.tabulated import TabulatedSpace

BLOCKS = 7
EXPANSIONS, KERNELS, SQUEEZE = (1, 4, 6), (3, 5), (False, True)
ARCHS_FILE = Path(__file__).with_name("accel_archs.txt")


def _choices() -> list[Choice]:
    choices = []
    for block in range(BLOCKS):
        layers = (1, 2, 3, 4) if block == 5 else (1, 2, 3)
        choices += [
            Choice(f"block{block}_e", EXPANSIONS, ordinal=True),
            Choice(f"block{block}_k", KERNELS, ordinal=True),
            Choice(f"block{block}_l", layers, ordinal=True),
            Choice(f"block{block}_se", SQUEEZE, ordinal=True),
        ]
    return choices


@cache
def _tabulated() -> tuple[str, ...]:
    try:
        return tuple(line for line in ARCHS_FILE.read_text().splitlines() if line)
    except OSError as err:
        raise InvalidArchitecture(f"cannot read the Accel-NASBench architecture list {ARCHS_FILE}: {err}") from err


class AccelSpace(ProductSpace):
    """The Accel-NASBench block space, whole or (`tabulated`) restricted to the trained networks."""

    def __init__(self, tabulated: bool = False) -> None:
        super().__init__(
            "accel",
            _choices(),
            "7 blocks x (expansion 1/4/6, kernel 3/5, layers 1-3 (block 5: 1-4), squeeze-excite off/on)",
        )
        self.tabulated = tabulated
        self.trained = TabulatedSpace(AccelSpace(), _tabulated()) if tabulated else None

    def _values(self, archs: Iterable[object]) -> np.ndarray:
        """Each architecture's decision values (not indices): shape (n, 7, 4)."""
        matrix = np.array([self.validate(a).choices for a in archs], dtype=np.int64).reshape(-1, BLOCKS, 4)
        values = np.empty(matrix.shape, dtype=np.float64)
        values[..., 0] = np.asarray(EXPANSIONS)[matrix[..., 0]]
        values[..., 1] = np.asarray(KERNELS)[matrix[..., 1]]
        values[..., 2] = matrix[..., 2] + 1
        values[..., 3] = matrix[..., 3]
        return values

    def features_many(self, archs: Iterable[object]) -> np.ndarray:
        """The encoding, then per-block width x depth and kernel area x depth, and network totals."""
        archs = list(archs)
        values = self._values(archs)
        expansion, kernel, layers, squeeze = (values[..., i] for i in range(4))
        derived = [
            expansion * layers,
            kernel**2 * expansion * layers,
            layers.sum(axis=1, keepdims=True),
            (squeeze * layers).sum(axis=1, keepdims=True),
            (expansion * layers).sum(axis=1, keepdims=True),
        ]
        return np.hstack([self.encode_many(archs), *derived])

    def sample(self, rng: np.random.Generator) -> ProductArch:
        """Uniform over the space (over the trained networks when tabulated)."""
        return super().sample(rng) if self.trained is None else self.trained.sample(rng)

    def neighbors(self, arch: ProductArch) -> list[ProductArch]:
        """One decision moved one step; when tabulated, only trained networks (else the 8 nearest)."""
        arch = self.validate(arch)
        return super().neighbors(arch) if self.trained is None else self.trained.neighbors(arch)

    def from_decisions(self, choices: Sequence[int]) -> ProductArch:
        """The network of these choices; when tabulated, an error for one never trained (samplers redraw)."""
        return self.validate(super().from_decisions(choices))

    def validate(self, arch: object) -> ProductArch:
        arch = super().validate(arch)
        if self.trained is not None and arch not in self.trained:
            raise InvalidArchitecture(
                f"{arch} is a valid Accel-NASBench network, but not among the {len(self.trained.listed)} trained "
                "ones; query it with estimator='surrogate'"
            )
        return arch
