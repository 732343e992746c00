"""The one classifier interface every model kind implements, and the error a missing model raises.

WHY a module of its own: the implementations (``hf_classifier``, ``logmel_classifier``,
``feature_classifier``) import this interface, and the catalog (``registry``) imports the
implementations to load a folder by its card's kind; with the interface inside the catalog the
two imported each other.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from diary_app.analysis.model_card import CARD_FILE, ModelCard
from diary_app.audio.loading import SAMPLE_RATE
from diary_app.paths import user_models_dir

if TYPE_CHECKING:
    from diary_app.analysis.emotion_table import EmotionTable
    from diary_app.analysis.result import WindowResult


class ModelNotAvailable(RuntimeError):
    """A model is needed but not installed (and cannot be fetched). The message says what to do."""


def not_available_message(what: str) -> str:
    return (
        f"{what} is not installed and the hub cannot be reached; run "
        f"`diary-app models add {what}` when online, or copy a model folder (with {CARD_FILE}) "
        f"into {user_models_dir()}"
    )


def pick_device(device: str | None = None) -> str:
    """CUDA when available, else CPU (an explicit ``device`` wins)."""
    if device:
        return device
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


def softmax(logits: np.ndarray) -> np.ndarray:
    """Row-wise softmax over the last axis (stable: the row maximum is subtracted first)."""
    z = logits - logits.max(axis=-1, keepdims=True)
    e = np.exp(z)
    out: np.ndarray = e / e.sum(axis=-1, keepdims=True)
    return out


class ClassifierBase:
    """What the pipeline needs from any model kind.

    ``predict_windows(wave16k)`` returns one ``WindowResult`` per analysis window with the model's
    own label probabilities (before mapping); ``to_emotions`` maps a label distribution onto our
    six emotions, so the pipeline never needs to know which kind of model it holds.
    """

    card: ModelCard
    name: str
    labels: list[str]
    device: str = "cpu"
    path: Path | None = None
    #: the rate ``predict_windows`` expects its input at (every shipped kind: 16 kHz)
    sample_rate: int = SAMPLE_RATE
    #: scene models: the checked scene->emotion table (``load_scene_table``); ``None`` for speech models
    emotion_table: EmotionTable | None = None
    #: what runs the network, reported with each result ("torch", "onnxruntime", "numpy", ...)
    backend: str = "torch"
    #: seconds the constructor took (shown by the selftest and the benchmarks)
    load_s: float = 0.0

    @property
    def is_scene(self) -> bool:
        return self.card.is_scene

    @property
    def label_map(self) -> dict[str, str]:
        from diary_app.emotions import map_label

        # map_label lower-cases the label, so the card's keys are lower-cased too
        explicit = {k.strip().lower(): v for k, v in self.card.label_map.items()} if self.card.label_map else None
        out: dict[str, str] = {}
        for label in self.labels:
            mapped = map_label(label, explicit)
            if mapped is not None:
                out[label] = mapped
        return out

    def check_label_map(self) -> None:
        """Speech models must map at least one label onto our emotions (checked at load time)."""
        if not self.card.is_scene and not self.label_map:
            raise ModelNotAvailable(
                f"{self.name}: none of its labels ({', '.join(self.labels[:8])}) maps onto the emotions "
                "neutral, happy, sad, angry, surprise, fear; it is not fine-tuned for emotion, or its "
                f"model card needs a 'label_map'"
            )

    def load_scene_table(self) -> EmotionTable:
        """The card's scene->emotion table, checked to cover every label now rather than mid-analysis."""
        from diary_app.analysis.emotion_table import DEFAULT_TABLE, load_emotion_table

        table = load_emotion_table(self.card.emotion_table or DEFAULT_TABLE, self.path)
        table.check_covers(self.labels, self.name)
        return table

    def to_emotions(self, probabilities: dict[str, float]) -> dict[str, float]:
        """Sum label probabilities into the six emotions; labels with no place are dropped and the
        rest renormalised (e.g. EmoDB's boredom)."""
        from diary_app.emotions import EMOTIONS

        lm = self.label_map
        out = dict.fromkeys(EMOTIONS, 0.0)
        for label, p in probabilities.items():
            if label in lm:
                out[lm[label]] += float(p)
        total = sum(out.values())
        if total <= 0:
            return {e: 1.0 / len(EMOTIONS) for e in EMOTIONS}
        return {e: v / total for e, v in out.items()}

    def calibrated_probabilities(self, logits: np.ndarray, temperature: float | None = None) -> np.ndarray:
        """(N, labels) logits -> probabilities with the card's softmax temperature (1.0 = uncalibrated),
        or ``temperature`` (a second head calibrated on its own, e.g. the background head)."""
        t = float(temperature if temperature is not None else (self.card.temperature or 1.0))
        return softmax(np.asarray(logits, dtype=np.float64) / t)

    def windows_from_logits(self, spans: Sequence[tuple[int, int]], logits: np.ndarray,
                            temperature: float | None = None) -> list[WindowResult]:
        """One ``WindowResult`` per ``(start, end)`` sample span from the network's raw logits: the
        temperature, the softmax and the top label, written once for every kind."""
        from diary_app.analysis.result import WindowResult

        probs = self.calibrated_probabilities(logits, temperature)
        if len(probs) != len(spans):
            raise ValueError(f"{self.name}: {len(probs)} rows of logits for {len(spans)} windows")
        out = []
        for (start, end), p in zip(spans, probs):
            k = int(np.argmax(p))
            out.append(WindowResult(
                start_s=start / self.sample_rate, end_s=end / self.sample_rate, label=self.labels[k],
                confidence=float(p[k]), probabilities={lab: float(v) for lab, v in zip(self.labels, p)},
            ))
        return out

    def predict_windows(self, wave16k: Any) -> list[WindowResult]:  # pragma: no cover - interface
        raise NotImplementedError

    #: a cheaper head for the pauses of speech recordings, where the kind has one (see ``background_windows``)
    background: Any = None

    def background_windows(self, wave16k: Any) -> list[WindowResult]:
        """Scene windows for the pauses of a speech recording (the background look, paper limitation 2).
        The same as ``predict_windows`` unless the model carries a cheaper head for it (a fused scene
        model's YAMNet-only head: the pauses do not pay for a second Whisper pass)."""
        return self.predict_windows(wave16k)

    def windows_and_features(self, wave16k: Any) -> tuple[list[WindowResult], dict[str, Any] | None]:
        """``(predict_windows(wave), features)``; ``features`` is ``None`` for kinds whose front end
        gives no compact vector (HF, CNN). Feature kinds return what their head saw (issue 16)."""
        return self.predict_windows(wave16k), None
