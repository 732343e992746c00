"""Machine-readable model cards (``model_card.json`` in every model folder).

The card is what lets the pipeline load a folder without guessing: its ``kind`` picks the
loader, ``labels`` name the outputs, ``label_map`` maps them onto our emotions, and a scene
model names the scene→emotion table that belongs to its label set.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from diary_app.audio.loading import SAMPLE_RATE

CARD_FILE = "model_card.json"

#: Version of the card format this app writes and reads. A card without ``format_version`` is a
#: version-1 card (all cards written before the field existed); a larger one comes from a newer
#: Sound Diary and is refused, so an unknown field is never silently misread.
CARD_FORMAT_VERSION = 1

TASK_SPEECH = "speech-emotion"
TASK_SCENE = "scene"
TASKS = (TASK_SPEECH, TASK_SCENE)

#: Known kinds. ``hf-audio-classification`` covers WavLM / wav2vec2 / HuBERT checkpoints.
KIND_HF_SER = "hf-audio-classification"
KIND_LOGMEL_SER = "logmel-cnn-ser"
KIND_SCENE_CNN = "logmel-cnn-scene"
#: openSMILE functionals + linear/MLP head as plain arrays (``analysis.feature_classifier``)
KIND_FEATURE_SER = "feature-ser"
#: YAMNet embedding statistics + linear head, for environment sounds (same loader as feature-ser)
KIND_FEATURE_SCENE = "feature-scene"
#: a pretrained Whisper encoder (pooled hidden states) + a trained head (same loader as feature-ser)
KIND_WHISPER_SER = "whisper-ser"
KINDS = (KIND_HF_SER, KIND_LOGMEL_SER, KIND_SCENE_CNN, KIND_FEATURE_SER, KIND_FEATURE_SCENE, KIND_WHISPER_SER)
#: kinds whose outputs are places and sounds, mapped onto emotions through a scene->emotion table
SCENE_KINDS = (KIND_SCENE_CNN, KIND_FEATURE_SCENE)

#: evaluation splits that measure clips the model never saw, in the order a user is shown them
HELD_OUT_SPLITS = ("test", "grouped_cv", "leave_one_corpus_out")


@dataclass(frozen=True)
class HeldOutMetrics:
    """How the model did on clips it was not trained on (one split of ``ModelCard.metrics``).

    WHY typed: the Settings page, the CLI and the selftest all show "accuracy on recordings it never
    heard"; reading ``metrics["test"]["accuracy"]`` by hand in each place is how one of them ends up
    showing a training-set figure.
    """

    split: str
    n: int
    accuracy: float
    weighted_f1: float | None = None
    macro_f1: float | None = None

    @classmethod
    def from_dict(cls, split: str, raw: Any) -> HeldOutMetrics | None:
        if not isinstance(raw, dict) or "accuracy" not in raw:
            return None
        def opt(key: str) -> float | None:
            return float(raw[key]) if isinstance(raw.get(key), (int, float)) else None
        return cls(split=split, n=int(raw.get("n", 0) or 0), accuracy=float(raw["accuracy"]),
                   weighted_f1=opt("weighted_f1"), macro_f1=opt("macro_f1"))


@dataclass
class ModelCard:
    name: str
    kind: str
    labels: list[str]
    task: str = "speech-emotion"  # or "scene"
    sample_rate: int = SAMPLE_RATE
    window_s: float = 4.0
    #: source label -> our emotion (speech) ; unused for scene models
    label_map: dict[str, str] = field(default_factory=dict)
    #: scene models: file name in resources/ (or the model folder) of the scene→emotion table
    emotion_table: str | None = None
    #: log-mel front end parameters for CNN kinds
    features: dict[str, Any] = field(default_factory=dict)
    #: CNN kinds: name in ``architectures.ARCHITECTURES`` + its constructor kwargs; weights in
    #: ``model.safetensors`` beside the card. HF kinds use the folder's own config.json.
    architecture: str | None = None
    arch_config: dict[str, Any] = field(default_factory=dict)
    #: softmax temperature found by calibration (1.0 = uncalibrated)
    temperature: float = 1.0
    training_data: str = ""
    licence: str = ""
    metrics: dict[str, Any] = field(default_factory=dict)
    retrain_command: str = ""
    description: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    format_version: int = CARD_FORMAT_VERSION

    @property
    def is_scene(self) -> bool:
        """The one answer to "is this a scene model": its task says so, or its kind only makes scenes."""
        return self.task == TASK_SCENE or self.kind in SCENE_KINDS

    @property
    def task_name(self) -> str:
        """``TASK_SCENE`` or ``TASK_SPEECH`` (normalised through ``is_scene``)."""
        return TASK_SCENE if self.is_scene else TASK_SPEECH

    @property
    def held_out(self) -> list[HeldOutMetrics]:
        """Every held-out split the card reports, in ``HELD_OUT_SPLITS`` order."""
        found = (HeldOutMetrics.from_dict(split, (self.metrics or {}).get(split)) for split in HELD_OUT_SPLITS)
        return [m for m in found if m is not None]

    @property
    def primary_held_out(self) -> HeldOutMetrics | None:
        """The figure to quote first: the test split, else grouped cross-validation."""
        held = self.held_out
        return held[0] if held else None

    def save(self, folder: str | Path) -> Path:
        path = Path(folder) / CARD_FILE
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(asdict(self), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        return path

    @classmethod
    def load(cls, folder: str | Path) -> ModelCard:
        path = Path(folder) / CARD_FILE
        if not path.is_file():
            raise FileNotFoundError(f"{folder} has no {CARD_FILE}; it is not a Sound Diary model folder")
        raw = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(raw, dict):
            raise ValueError(f"{path} is not a JSON object")
        version = raw.get("format_version", 1)
        if not isinstance(version, int) or version > CARD_FORMAT_VERSION:
            raise ValueError(f"{folder}: model card format {version!r} is newer than this app reads "
                             f"({CARD_FORMAT_VERSION}); update Sound Diary to use this model")
        known = {k: raw.pop(k) for k in list(raw) if k in cls.__dataclass_fields__}
        card = cls(**known)
        card.extra.update(raw)
        if card.kind not in KINDS:
            raise ValueError(f"{folder}: unknown model kind {card.kind!r} (known: {', '.join(KINDS)})")
        return card
