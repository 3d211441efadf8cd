"""Random search: architectures drawn uniformly, independently, with replacement.

Bergstra & Bengio, "Random Search for Hyper-Parameter Optimization", JMLR 2012;
the NAS baseline of Li & Talwalkar, "Random Search and Reproducibility for NAS", UAI 2019.
"""

from __future__ import annotations

from collections.abc import Hashable

from nasbench.strategies.base import Strategy


class RandomSearch(Strategy):
    """Sample uniformly from the space; learn nothing."""

    name = "rs"
    paper = "Bergstra & Bengio, JMLR 2012; Li & Talwalkar, UAI 2019"

    def ask(self) -> tuple[Hashable, int | None]:
        return self.space.sample(self.rng), None

    def tell(self, arch: Hashable, fidelity: int | None, record: dict[str, float]) -> None:
        return None
