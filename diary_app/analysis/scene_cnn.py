"""The paper's environment model (§3.2, Table 3): two conv layers, each ReLU + max-pool, then FC."""

from __future__ import annotations

import torch
from torch import nn


class SceneCNN(nn.Module):
    """Input (batch, 1, n_mels, frames) log-mel → logits over ``n_classes``.

    Adaptive pooling before the FC layer keeps the head independent of the clip length, so the
    3 s training windows and any inference window share one set of weights.
    """

    def __init__(self, n_classes: int, channels: tuple[int, int] = (16, 32), pooled: tuple[int, int] = (4, 4), dropout: float = 0.3,
                 input_norm: bool = False, n_mels: int = 64) -> None:
        super().__init__()
        c1, c2 = channels
        # input_norm: per-mel-band standardisation with running statistics of the training set, kept in
        # the weights file so inference normalises exactly like training (cards with features.normalize
        # "none" use it; per-clip normalisation erased loudness and spectral tilt and hurt held-out accuracy).
        self.input_norm = nn.BatchNorm2d(n_mels, affine=False) if input_norm else None
        self.features = nn.Sequential(
            nn.Conv2d(1, c1, kernel_size=3, padding=1),
            nn.BatchNorm2d(c1),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(c1, c2, kernel_size=3, padding=1),
            nn.BatchNorm2d(c2),
            nn.ReLU(),
            nn.MaxPool2d(2),
        )
        self.pool = nn.AdaptiveAvgPool2d(pooled)
        self.classifier = nn.Sequential(nn.Flatten(), nn.Dropout(dropout), nn.Linear(c2 * pooled[0] * pooled[1], n_classes))
        self.config = {"n_classes": n_classes, "channels": list(channels), "pooled": list(pooled), "dropout": dropout}
        if input_norm:
            self.config.update({"input_norm": True, "n_mels": n_mels})

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.input_norm is not None:
            x = self.input_norm(x.transpose(1, 2)).transpose(1, 2)  # (B, 1, M, T) -> per band M
        logits: torch.Tensor = self.classifier(self.pool(self.features(x)))
        return logits
