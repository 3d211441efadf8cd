"""GDAS, searching for a robust neural architecture in four GPU hours (Dong & Yang, CVPR 2019,
arXiv:1910.04465), as NAS-Bench-201 runs it (AutoDL-Projects `exps/NAS-Bench-201-algos/GDAS.py`,
`xautodl/models/cell_searchs/search_model_gdas.py`).

Owns the method: architecture parameters alpha (the layout's decisions x options, from 1e-3 N(0, 1):
NAS-Bench-201's 6 edges x 5 operations; NAS-Bench-Macro's 8 layers x 3 blocks, Su et al. 2021); each
step draws Gumbel noise, takes on each decision the one option of largest (log_softmax(alpha) + g) / tau, runs only it,
and passes gradients to alpha through the straight-through one-hot (one_hot - p.detach() + p). Each
step trains the shared weights on a training batch, then alpha on a validation batch (Adam lr 3e-4,
betas (0.5, 0.999), weight decay 1e-3). tau falls linearly from 10 to 0.1 over the epochs.
Derivation: each edge's argmax of alpha over all five operations (`none` included, as the
reference). On NAS-Bench-Macro the straight-through gradient vanishes wherever a layer's output
feeds a convolution + batch norm without a residual path (the last layer of each stage, before the
next stride-2 layer or the head; and further back through identity layers): batch statistics
undo the scale and shift the one-hot multiplies and adds, so those layers' alpha never moves and
their block is the argmax of the initialisation. The relaxation is the reference's; this is its
outcome on a chain, not corrected here. Gumbel draws come from the method's generator. It never reads a table.
"""

from __future__ import annotations

from functools import partial
from typing import Any

import torch
from torch import nn

from nasbench.live.data import batches
from nasbench.oneshot.search import Arch, OneShotMethod


class GDAS(OneShotMethod):
    """Differentiable sampling of one operation per edge with the Gumbel-softmax."""

    name = "gdas"

    def __init__(self, *args: Any, tau_max: float = 10.0, tau_min: float = 0.1, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.tau_max, self.tau_min, self.tau = tau_max, tau_min, tau_max
        alphas = 1e-3 * torch.randn(self.layout.num_decisions, self.layout.num_options, generator=self.generator)
        self.alphas = nn.Parameter(alphas.to(self.device))
        self.arch_optimizer = torch.optim.Adam([self.alphas], lr=3e-4, betas=(0.5, 0.999), weight_decay=1e-3)

    def hyperparameters(self) -> dict[str, Any]:
        return {"tau_max": self.tau_max, "tau_min": self.tau_min}

    def logits(self, x: torch.Tensor, fixed: bool = False) -> torch.Tensor:
        """One Gumbel draw's hard path; `fixed`: alpha held constant (a weight step computes no alpha gradient)."""
        alphas = self.alphas.detach() if fixed else self.alphas
        while True:  # the reference redraws when the sample holds inf or nan
            gumbels = -torch.empty(self.alphas.shape).exponential_(generator=self.generator).log()
            probs = torch.softmax((alphas.log_softmax(dim=1) + gumbels.to(self.device)) / self.tau, dim=1)
            index = probs.argmax(dim=1)
            hard = nn.functional.one_hot(index, self.layout.num_options).to(probs.dtype) - probs.detach() + probs
            if torch.isfinite(hard).all() and torch.isfinite(probs).all():
                break
        return self.supernet.forward_hard(x, hard, index)

    def train_epoch(self, epoch: int) -> tuple[float, float]:
        epochs = self.settings.epochs
        self.tau = self.tau_max - (self.tau_max - self.tau_min) * (epoch - 1) / max(epochs - 1, 1)
        loss, correct = 0.0, 0
        valid = batches(self.data.valid, self.settings.batch_size, self.generator)
        for (x, y), (xv, yv) in zip(self.train_batches(), valid, strict=False):
            step_loss, step_correct = self.weight_step(partial(self.logits, fixed=True), x, y)
            loss, correct = loss + step_loss, correct + step_correct
            self.train_mode()
            self.arch_optimizer.zero_grad(set_to_none=True)
            val_loss = nn.functional.cross_entropy(self.logits(xv), yv)
            (self.alphas.grad,) = torch.autograd.grad(val_loss, [self.alphas])  # no weight gradients
            self.arch_optimizer.step()
        return loss, correct

    def derive(self, final: bool) -> Arch:
        return self.layout.from_choices([int(i) for i in self.alphas.detach().cpu().argmax(dim=1)])

    def op_weights(self) -> list[list[float]]:
        """softmax(alpha) per decision."""
        return torch.softmax(self.alphas.detach().cpu(), dim=-1).tolist()
