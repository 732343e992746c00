"""The global speech head without its front end: re-applied to adapted features.

The personal layer runs where the features already are (the diary), so it needs only the head's
arrays (``model.safetensors``: standardiser + linear/MLP head) and the card's labels, label map
and temperature, never the encoder: loading is a few milliseconds.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from diary_app.emotions import EMOTIONS


@dataclass
class GlobalHead:
    arrays: dict[str, np.ndarray]
    labels: list[str]
    label_map: dict[str, str] = field(default_factory=dict)  # model label -> emotion (identity if empty)
    temperature: float = 1.0
    name: str = ""

    @property
    def mean(self) -> np.ndarray:
        return np.asarray(self.arrays["mean"], dtype=np.float64)

    @property
    def scale(self) -> np.ndarray:
        return np.asarray(self.arrays["scale"], dtype=np.float64)

    def emotion_probabilities(self, x: np.ndarray, temperature: float | None = None) -> np.ndarray:
        """(N, D) features -> (N, 6) probabilities over ``EMOTIONS`` (unmapped labels dropped), at the
        card's temperature unless ``temperature`` says otherwise (1.0: the head's raw log-probabilities)."""
        from diary_app.analysis.feature_classifier import head_logits, softmax

        t = float(temperature if temperature is not None else (self.temperature or 1.0))
        p = softmax(head_logits(np.atleast_2d(x), self.arrays) / t)
        out = np.zeros((len(p), len(EMOTIONS)))
        for j, lab in enumerate(self.labels):
            emo = self.label_map.get(lab, lab)
            if emo in EMOTIONS:
                out[:, EMOTIONS.index(emo)] += p[:, j]
        s = out.sum(1, keepdims=True)
        return np.where(s > 0, out / np.where(s > 0, s, 1.0), 1.0 / len(EMOTIONS))


_cache: dict[tuple[str, float], GlobalHead] = {}
_lock = threading.Lock()


def load_global_head(model_dir: str | Path) -> GlobalHead | None:
    """The head of a feature-kind model folder, or ``None`` for kinds without one (HF, CNN)."""
    from diary_app.analysis.model_card import ModelCard
    from diary_app.emotions import map_label

    path = Path(model_dir)
    weights = path / "model.safetensors"
    try:
        key = (str(path.resolve()), weights.stat().st_mtime)
    except OSError:
        return None
    with _lock:
        if key in _cache:
            return _cache[key]
    try:
        from safetensors.numpy import load_file

        card = ModelCard.load(path)
        arrays = {k: np.asarray(v, dtype=np.float64) for k, v in load_file(str(weights)).items()}
    except Exception:  # noqa: BLE001 - not a feature model: the personal speech layer stays off
        return None
    if "mean" not in arrays or "scale" not in arrays:
        return None
    explicit = {k.strip().lower(): v for k, v in card.label_map.items()} if card.label_map else None
    lm = {lab: m for lab in card.labels if (m := map_label(lab, explicit)) is not None}
    head = GlobalHead(arrays=arrays, labels=list(card.labels), label_map=lm, temperature=float(card.temperature or 1.0),
                      name=card.name or path.name)
    with _lock:
        _cache[key] = head
    return head
