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

    def save(self, folder: str | Path) -> Path:
        path = Path(folder) / CARD_FILE
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(asdict(self), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        return path

    @classmethod
    def load(cls, folder: str | Path) -> "ModelCard":
        path = Path(folder) / CARD_FILE
        if not path.is_file():
            raise FileNotFoundError(f"{folder} has no {CARD_FILE}; it is not a Sound Diary model folder")
        raw = json.loads(path.read_text(encoding="utf-8"))
        known = {k: raw.pop(k) for k in list(raw) if k in cls.__dataclass_fields__}
        card = cls(**known)
        card.extra.update(raw)
        if card.kind not in KINDS:
            raise ValueError(f"{folder}: unknown model kind {card.kind!r} (known: {', '.join(KINDS)})")
        return card
