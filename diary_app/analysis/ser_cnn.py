"""Compact speech-emotion CNN on log-mel: the default model when no WavLM checkpoint is installed.

Why a small CNN and not WavLM: no pretrained WavLM weights can be downloaded here, and EmoDB +
URDU hold only ~650 labelled clips; a ~0.2 M-parameter network with strong augmentation is what
that much data can support. Mean + max pooling over time makes the head ignore how much of the
4 s window is zero padding (most clips are 2-3 s) while still seeing short emotional peaks.
"""

from __future__ import annotations

import torch
from torch import nn


def _block(c_in: int, c_out: int) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(c_in, c_out, kernel_size=3, padding=1, bias=False),
        nn.BatchNorm2d(c_out),
        nn.ReLU(),
        nn.MaxPool2d(2),
    )


class SerCNN(nn.Module):
    """Input (batch, 1, n_mels, frames) -> logits over ``n_classes``."""

    def __init__(self, n_classes: int, channels: tuple[int, ...] = (24, 48, 96, 96), dropout: float = 0.3) -> None:
        super().__init__()
        layers, c_in = [], 1
        for c in channels:
            layers.append(_block(c_in, c))
            c_in = c
        self.features = nn.Sequential(*layers)
        # Sequential like SceneCNN's head, so loaders can read ``classifier[-1].out_features``
        self.classifier = nn.Sequential(nn.Dropout(dropout), nn.Linear(2 * c_in, n_classes))
        self.config = {"n_classes": n_classes, "channels": list(channels), "dropout": dropout}

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.features(x).mean(dim=2)  # average over mel bands -> (batch, channels, time)
        pooled = torch.cat([h.mean(dim=2), h.amax(dim=2)], dim=1)
        logits: torch.Tensor = self.classifier(pooled)
        return logits
