"""The NAS-Bench-Macro supernet: all three candidate blocks in each of the 8 layers, weights shared
by all 6,561 networks (Su et al., "Prioritized Architecture Sampling with Monte-Carlo Tree Search",
CVPR 2021, whose benchmark trains each network alone; the single-path supernet over such a chain
is SPOS's, Guo et al., ECCV 2020, arXiv:1904.00420).

Owns the supernet's layout and its three forward modes, as `nasbench.oneshot.supernet` for
NAS-Bench-201: one path (each layer's chosen block), the continuous relaxation (each layer the
weighted sum of its three blocks, DARTS) and the hard Gumbel path (GDAS); plus the copy of a
path's inherited weights into the stand-alone network. Stem, head, classifier and every candidate
block are built by `nasbench.live.models.macro` itself, module for module, so a path's forward
pass equals the stand-alone network's with the weights copied in (all of them: the stand-alone
network has no module the path lacks). Every candidate of a layer maps the same input shape to
the same output shape (the identity is a 1x1 convolution where the shape changes), which is what
the relaxation needs. As NAS-Bench-201's search cells (`nasbench.oneshot.supernet`), the searchable
layers' batch norms may drop their affine parameters and running statistics (`affine`, `track`
False: the one-shot methods' default); stem and head keep theirs. It never trains.
"""

from __future__ import annotations

import torch
from torch import nn

from nasbench.live.models.macro import HEAD_CHANNELS, STAGES, STEM_CHANNELS, MacroNetwork, _layer
from nasbench.spaces.macro import BLOCKS
from nasbench.spaces.product import ProductArch

NUM_LAYERS, NUM_CHOICES = sum(STAGES), len(BLOCKS)


class MixedLayer(nn.Module):
    """One layer holding its three candidate blocks, in the order of `BLOCKS`."""

    def __init__(self, c_in: int, c_out: int, stride: int) -> None:
        super().__init__()
        self.ops = nn.ModuleList(_layer(choice, c_in, c_out, stride) for choice in range(NUM_CHOICES))


class MacroSupernet(nn.Module):
    """The NAS-Bench-Macro skeleton (stem, 8 layers in stages of 2, 3, 3, head) over mixed layers."""

    def __init__(self, num_classes: int, affine: bool = True, track: bool = True) -> None:
        super().__init__()
        self.stem = nn.Sequential(
            nn.Conv2d(3, STEM_CHANNELS, 3, padding=1, bias=False), nn.BatchNorm2d(STEM_CHANNELS), nn.ReLU(inplace=True)
        )
        layers: list[MixedLayer] = []
        width = STEM_CHANNELS
        for depth in STAGES:
            for position in range(depth):
                stride, out = (2, width * 2) if position == 0 else (1, width)
                layers.append(MixedLayer(width, out, stride))
                width = out
        self.layers = nn.ModuleList(layers)
        for norm in (m for m in self.layers.modules() if isinstance(m, nn.BatchNorm2d)):
            _strip(norm, affine, track)
        self.head = nn.Sequential(
            nn.Conv2d(width, HEAD_CHANNELS, 1, bias=False), nn.BatchNorm2d(HEAD_CHANNELS), nn.ReLU(inplace=True)
        )
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Linear(HEAD_CHANNELS, num_classes)

    def _run(self, x: torch.Tensor, layer_fn: object) -> torch.Tensor:
        x = self.stem(x)
        for i, layer in enumerate(self.layers):
            x = layer_fn(i, layer, x)  # type: ignore[operator]
        x = self.head(x)
        return self.classifier(torch.flatten(self.pool(x), 1))

    def forward(self, x: torch.Tensor, weights: torch.Tensor) -> torch.Tensor:
        """The continuous relaxation (`forward_mixed`), the mode `torch.func.functional_call` needs."""
        return self.forward_mixed(x, weights)

    def forward_path(self, x: torch.Tensor, arch: ProductArch) -> torch.Tensor:
        """One network: each layer runs only its chosen block."""
        return self._run(x, lambda i, layer, h: layer.ops[arch.choices[i]](h))

    def forward_mixed(self, x: torch.Tensor, weights: torch.Tensor) -> torch.Tensor:
        """DARTS' continuous relaxation: layer i is sum_k weights[i, k] * block_k (weights: 8 x 3)."""
        return self._run(x, lambda i, layer, h: sum(w * op(h) for w, op in zip(weights[i], layer.ops, strict=True)))

    def forward_hard(self, x: torch.Tensor, hard: torch.Tensor, index: torch.Tensor) -> torch.Tensor:
        """GDAS: only the sampled block runs; the others add their (zero) one-hot weight for its gradient."""

        def layer_fn(i: int, layer: MixedLayer, h: torch.Tensor) -> torch.Tensor:
            chosen = int(index[i])
            return sum(hard[i, k] * op(h) if k == chosen else hard[i, k] for k, op in enumerate(layer.ops))  # type: ignore[return-value]

        return self._run(x, layer_fn)


def _strip(norm: nn.BatchNorm2d, affine: bool, track: bool) -> None:
    """Drop a batch norm's affine parameters and/or running statistics (as if built without them)."""
    if not affine:
        norm.affine = False
        norm.register_parameter("weight", None)
        norm.register_parameter("bias", None)
    if not track:
        norm.track_running_stats = False
        for name in ("running_mean", "running_var", "num_batches_tracked"):
            norm.register_buffer(name, None)


def macro_path_state(supernet: MacroSupernet, arch: ProductArch) -> dict[str, torch.Tensor]:
    """The inherited weights of `arch` under the stand-alone network's names (`layers.i.ops.k.*` -> `layers.i.*`)."""
    state: dict[str, torch.Tensor] = {}
    for name, value in supernet.state_dict().items():
        parts = name.split(".")
        if parts[0] != "layers":
            state[name] = value
        elif int(parts[3]) == arch.choices[int(parts[1])]:
            state[".".join(["layers", parts[1], *parts[4:]])] = value
    return state


def macro_standalone(supernet: MacroSupernet, arch: ProductArch) -> MacroNetwork:
    """The stand-alone NAS-Bench-Macro network of `arch` holding the supernet's inherited weights.

    Affine parameters or running statistics a supernet without them lacks are left at their
    initial values (1 and 0) in the stand-alone network.
    """
    model = MacroNetwork(arch, supernet.classifier.out_features)
    missing, unexpected = model.load_state_dict(macro_path_state(supernet, arch), strict=False)
    assert not unexpected and all(k.startswith("layers.") for k in missing), (unexpected, missing)
    return model.to(next(supernet.parameters()).device)
