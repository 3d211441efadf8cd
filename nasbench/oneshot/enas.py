"""ENAS, efficient neural architecture search via parameter sharing (Pham, Guan, Zoph, Le & Dean,
ICML 2018, arXiv:1802.03268), as NAS-Bench-201 reimplements it for its cell (AutoDL-Projects
`exps/NAS-Bench-201-algos/ENAS.py`, `xautodl/models/cell_searchs/search_model_enas_utils.py`).

Owns the method. A two-layer LSTM controller (hidden size 32; logits / temperature 5, then
2.5 * tanh) picks each decision's option in turn (the layout's: NAS-Bench-201's 6 edges of 5
operations; NAS-Bench-Macro's 8 layers of 3 blocks, Su et al. 2021), feeding the chosen option's
embedding to the next step. Each epoch: the shared weights train one step per training batch along a path the
controller samples; then the controller trains for `controller_steps` (50) updates with REINFORCE,
each averaging `aggregate` (20) sampled cells: reward = inherited-weight accuracy (fraction) on a
validation batch + 1e-4 x the sample's entropy (the entropy bonus), minus a moving-average baseline
(decay 0.99); Adam lr 1e-3, betas (0, 0.999), eps 1e-3; gradient norm clipped at 5. Derivation: the
best of `derive_samples` (100) cells the controller samples, each on a validation batch, as the
reference's `get_best_arch`. Shared weights (NAS-Bench-201's `ENAS.config`): batch 128, lr 0.05
cosine to 0.0005, weight decay 2.5e-4. Draws come
from the method's generator (`torch.multinomial`), never the global one. It never reads a table.
"""

from __future__ import annotations

from typing import Any, ClassVar

import torch
from torch import nn

from nasbench.errors import NasbenchError
from nasbench.live.data import batches
from nasbench.oneshot.layout import LAYOUTS, Layout
from nasbench.oneshot.search import Arch, OneShotMethod, path_accuracy


class Controller(nn.Module):
    """The LSTM policy over the layout's decisions (default: NAS-Bench-201's six edges' operations)."""

    def __init__(
        self,
        lstm_size: int = 32,
        layers: int = 2,
        temperature: float = 5.0,
        tanh: float = 2.5,
        layout: Layout = LAYOUTS["nb201"],
    ) -> None:
        super().__init__()
        self.temperature, self.tanh, self.layout = temperature, tanh, layout
        num_options = layout.num_options
        self.input_vars = nn.Parameter(torch.empty(1, 1, lstm_size))
        self.lstm = nn.LSTM(input_size=lstm_size, hidden_size=lstm_size, num_layers=layers)
        self.embed = nn.Embedding(num_options, lstm_size)
        self.pred = nn.Linear(lstm_size, num_options)

    def reset(self, generator: torch.Generator) -> None:
        """Every parameter uniform in [-0.1, 0.1], as the reference initialises them."""
        with torch.no_grad():
            for p in self.parameters():
                p.uniform_(-0.1, 0.1, generator=generator)

    def forward(self, generator: torch.Generator, greedy: bool = False) -> tuple[torch.Tensor, torch.Tensor, Arch]:
        """Sample one architecture; (sum of log-probabilities, sum of entropies, the architecture)."""
        inputs, state = self.input_vars, None
        log_probs, entropies, ops = [], [], []
        for _ in range(self.layout.num_decisions):
            out, state = self.lstm(inputs, state)
            logits = self.tanh * torch.tanh(self.pred(out).view(-1) / self.temperature)
            log_p = torch.log_softmax(logits, dim=-1)
            probs = log_p.exp()
            choice = (
                int(probs.argmax()) if greedy else int(torch.multinomial(probs.detach().cpu(), 1, generator=generator))
            )
            log_probs.append(log_p[choice])
            entropies.append(-(probs * log_p).sum())
            ops.append(choice)
            inputs = self.embed(torch.tensor([[choice]], device=logits.device))
        return torch.stack(log_probs).sum(), torch.stack(entropies).sum(), self.layout.from_choices(ops)


class ENAS(OneShotMethod):
    """Shared weights along controller-sampled paths; the controller trained by REINFORCE."""

    name = "enas"
    defaults: ClassVar[dict[str, Any]] = {
        "lr": 0.05,
        "eta_min": 0.0005,
        "weight_decay": 2.5e-4,
        "batch_size": 128,
    }  # ENAS.config

    def __init__(
        self,
        *args: Any,
        controller_steps: int = 50,
        aggregate: int = 20,
        entropy_weight: float = 1e-4,
        baseline_decay: float = 0.99,
        controller_lr: float = 1e-3,
        derive_samples: int = 100,
        **kwargs: Any,
    ) -> None:
        for name, value in (
            ("controller_steps", controller_steps),
            ("aggregate", aggregate),
            ("derive_samples", derive_samples),
        ):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise NasbenchError(f"expected {name} >= 1, got {value!r}")
        super().__init__(*args, **kwargs)
        self.options: dict[str, Any] = {
            "controller_steps": controller_steps,
            "aggregate": aggregate,
            "entropy_weight": entropy_weight,
            "baseline_decay": baseline_decay,
            "controller_lr": controller_lr,
            "derive_samples": derive_samples,
        }
        self.controller = Controller(layout=self.layout)
        self.controller.reset(self.generator)
        self.controller.to(self.device)
        self.controller_optimizer = torch.optim.Adam(
            self.controller.parameters(), lr=controller_lr, betas=(0.0, 0.999), eps=1e-3
        )
        self.baseline: float | None = None

    def hyperparameters(self) -> dict[str, Any]:
        return dict(self.options)

    def train_epoch(self, epoch: int) -> tuple[float, float]:
        loss, correct = 0.0, 0
        for x, y in self.train_batches():
            with torch.no_grad():
                _, _, arch = self.controller(self.generator)
            step_loss, step_correct = self.path_step(arch, x, y)
            loss, correct = loss + step_loss, correct + step_correct
        self._train_controller()
        return loss, correct

    def _valid_stream(self) -> Any:
        while True:
            yield from batches(self.data.valid, self.settings.batch_size, self.generator)

    def _train_controller(self) -> None:
        opts, stream = self.options, self._valid_stream()
        self.controller.train()
        self.controller_optimizer.zero_grad(set_to_none=True)
        for step in range(opts["controller_steps"] * opts["aggregate"]):
            log_prob, entropy, arch = self.controller(self.generator)
            reward = path_accuracy(self.supernet, arch, next(stream), None) / 100.0
            reward += opts["entropy_weight"] * float(entropy.detach())
            if self.baseline is None:
                self.baseline = reward
            self.baseline -= (1 - opts["baseline_decay"]) * (self.baseline - reward)
            (-log_prob * (reward - self.baseline) / opts["aggregate"]).backward()
            if (step + 1) % opts["aggregate"] == 0:
                nn.utils.clip_grad_norm_(self.controller.parameters(), 5.0)
                self.controller_optimizer.step()
                self.controller_optimizer.zero_grad(set_to_none=True)

    def derive(self, final: bool) -> Arch:
        best, best_acc = None, -1.0
        stream = self._valid_stream()
        with torch.no_grad():
            for _ in range(self.options["derive_samples"]):
                _, _, arch = self.controller(self.generator)
                acc = path_accuracy(self.supernet, arch, next(stream), None)
                if acc > best_acc:
                    best, best_acc = arch, acc
        assert best is not None
        return best
