"""DARTS, differentiable architecture search (Liu, Simonyan & Yang, ICLR 2019, arXiv:1806.09055),
first and second order, on the NAS-Bench-201 supernet as NAS-Bench-201 runs it (AutoDL-Projects
`exps/NAS-Bench-201-algos/DARTS-V1.py`, `DARTS-V2.py`; quark0/darts `architect.py`).

Owns the method: architecture parameters alpha (the layout's decisions x options, drawn from 1e-3
N(0, 1): NAS-Bench-201's 6 edges x 5 operations; NAS-Bench-Macro's 8 layers x 3 blocks, Su et al.
2021), each decision the softmax(alpha)-weighted sum of every option (the continuous relaxation). Each step
updates the shared weights on a training batch and alpha on a validation batch with Adam (lr 3e-4,
betas (0.5, 0.999), weight decay 1e-3). First order (DARTS-V1) steps the weights first, then takes the
validation loss's gradient at the updated weights; second order (`order=2`, DARTS-V2 and
`architect.py`) steps alpha first, with the gradient at the weights after one virtual SGD step
(momentum and weight decay included) and the Hessian-vector product by central finite differences
(radius `epsilon` / ||grad||, epsilon 0.01 as `architect.py`; on small, kinked networks that radius
is coarse, a smaller `epsilon` converges to the exact product). Derivation: each edge's argmax over
all five operations, `none` included, as NAS-Bench-201's `genotype()` (original DARTS drops `none`:
`exclude_none=True`). A cell of skip connections and pooling, DARTS' known failure on NAS-Bench-201,
is derived as it comes: nothing steers it away (on Macro, the parameter-free option is the identity
layer). It never reads a table.
"""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

from nasbench.errors import NasbenchError
from nasbench.live.data import batches
from nasbench.oneshot.search import Arch, OneShotMethod


class DARTS(OneShotMethod):
    """Bi-level gradient descent on the relaxed supernet; argmax derivation."""

    name = "darts"

    def __init__(
        self,
        *args: Any,
        order: int = 1,
        arch_lr: float = 3e-4,
        arch_weight_decay: float = 1e-3,
        exclude_none: bool = False,
        epsilon: float = 0.01,
        **kwargs: Any,
    ) -> None:
        if order not in (1, 2):
            raise NasbenchError(f"expected DARTS order 1 or 2, got {order!r}")
        super().__init__(*args, **kwargs)
        if exclude_none and "none" not in self.layout.option_names:
            raise NasbenchError(f"expected exclude_none only on a space with `none` (nb201), got {self.layout.space}")
        self.order, self.exclude_none, self.epsilon = order, exclude_none, epsilon
        self.arch_lr, self.arch_weight_decay = arch_lr, arch_weight_decay
        alphas = 1e-3 * torch.randn(self.layout.num_decisions, self.layout.num_options, generator=self.generator)
        self.alphas = nn.Parameter(alphas.to(self.device))
        self.arch_optimizer = torch.optim.Adam(
            [self.alphas], lr=arch_lr, betas=(0.5, 0.999), weight_decay=arch_weight_decay
        )

    def hyperparameters(self) -> dict[str, Any]:
        return {
            "order": self.order,
            "arch_lr": self.arch_lr,
            "arch_weight_decay": self.arch_weight_decay,
            "exclude_none": self.exclude_none,
            "epsilon": self.epsilon,
        }

    def logits(self, x: torch.Tensor) -> torch.Tensor:
        return self.supernet.forward_mixed(x, torch.softmax(self.alphas, dim=-1))

    def train_epoch(self, epoch: int) -> tuple[float, float]:
        loss, correct = 0.0, 0
        valid = batches(self.data.valid, self.settings.batch_size, self.generator)
        for (x, y), (xv, yv) in zip(self.train_batches(), valid, strict=False):
            if self.order == 2:  # DARTS-V2 / architect.py: alpha first, from the unrolled weights
                self.arch_optimizer.zero_grad(set_to_none=True)
                self.alphas.grad = self._unrolled_grad(x, y, xv, yv)
                self.arch_optimizer.step()
            step_loss, step_correct = self.weight_step(self._fixed_logits, x, y)
            loss, correct = loss + step_loss, correct + step_correct
            if self.order == 1:  # DARTS-V1: alpha after the weights, at the updated weights
                self.train_mode()
                self.arch_optimizer.zero_grad(set_to_none=True)
                val_loss = nn.functional.cross_entropy(self.logits(xv), yv)
                (self.alphas.grad,) = torch.autograd.grad(val_loss, [self.alphas])  # no weight gradients
                self.arch_optimizer.step()
        return loss, correct

    def _fixed_logits(self, x: torch.Tensor) -> torch.Tensor:
        """The relaxation at constant alpha: a weight step's backward computes no alpha gradient."""
        return self.supernet.forward_mixed(x, torch.softmax(self.alphas.detach(), dim=-1))

    def _unrolled_grad(self, x: torch.Tensor, y: torch.Tensor, xv: torch.Tensor, yv: torch.Tensor) -> torch.Tensor:
        """d L_val(w - xi dL_train/dw, alpha) / d alpha with xi the current learning rate (DARTS eq. 7, 8)."""
        self.set_lr()
        xi = self.optimizer.param_groups[0]["lr"]
        names, params = zip(*self.supernet.named_parameters(), strict=True)
        weights = torch.softmax(self.alphas, dim=-1)
        grads = torch.autograd.grad(nn.functional.cross_entropy(self.supernet(x, weights.detach()), y), params)
        momentum = self.settings.momentum
        unrolled = {}
        for name, p, g in zip(names, params, grads, strict=True):
            buffer = self.optimizer.state.get(p, {}).get("momentum_buffer")
            moment = buffer * momentum if buffer is not None else torch.zeros_like(p)
            unrolled[name] = (p - xi * (moment + g + self.settings.weight_decay * p)).detach().requires_grad_()
        logits = torch.func.functional_call(self.supernet, unrolled, (xv, weights))
        val_loss = nn.functional.cross_entropy(logits, yv)
        dalpha, *vector = torch.autograd.grad(val_loss, [self.alphas, *unrolled.values()])
        return dalpha - xi * self._hessian_vector(vector, params, x, y)

    def _hessian_vector(
        self, vector: list[torch.Tensor], params: tuple[Any, ...], x: torch.Tensor, y: torch.Tensor
    ) -> torch.Tensor:
        """(d/dalpha dL_train/dw) . vector by central finite differences around the current weights."""
        radius = self.epsilon / torch.cat([v.flatten() for v in vector]).norm()
        sides = []
        for sign in (1.0, -2.0):
            with torch.no_grad():
                for p, v in zip(params, vector, strict=True):
                    p.add_(v, alpha=float(sign * radius))
            loss = nn.functional.cross_entropy(self.logits(x), y)
            sides.append(torch.autograd.grad(loss, self.alphas)[0])
        with torch.no_grad():
            for p, v in zip(params, vector, strict=True):
                p.add_(v, alpha=float(radius))
        return (sides[0] - sides[1]) / (2 * radius)

    def derive(self, final: bool) -> Arch:
        scores = self.alphas.detach().cpu().clone()
        if self.exclude_none:
            scores[:, self.layout.option_names.index("none")] = -float("inf")
        return self.layout.from_choices([int(i) for i in scores.argmax(dim=1)])

    def op_weights(self) -> list[list[float]]:
        """softmax(alpha) per decision: what the relaxation weighs each option by now."""
        return torch.softmax(self.alphas.detach().cpu(), dim=-1).tolist()
