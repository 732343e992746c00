"""Named network architectures for the log-mel CNN model kinds.

A model folder stores only weights (``model.safetensors``) and a card naming the architecture
and its constructor arguments, so loading never runs pickled code.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from torch import nn

from diary_app.analysis.scene_cnn import SceneCNN
from diary_app.analysis.ser_cnn import SerCNN

ARCHITECTURES: dict[str, Callable[..., nn.Module]] = {
    "scene_cnn": SceneCNN,
    "ser_cnn": SerCNN,
}


def build(name: str, **config: Any) -> nn.Module:
    try:
        factory = ARCHITECTURES[name]
    except KeyError:
        raise ValueError(f"unknown architecture {name!r} (known: {', '.join(sorted(ARCHITECTURES))})") from None
    return factory(**config)
