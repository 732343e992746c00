"""Scene → emotion tables (paper Table 2) kept as data, one per scene label set.

A scene model's card names its table, so a model trained on other labels brings its own table.
Every check happens when the table is loaded for a model, so a mismatch between the model's
labels and the table surfaces when the model is loaded, never half-way through an analysis.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from diary_app.emotions import EMOTIONS
from diary_app.paths import resources_dir

UNCLASSIFIED = "unclassified"
DEFAULT_TABLE = "scene_emotion_tau2022.csv"


class EmotionTableError(ValueError):
    """The scene→emotion table is missing, malformed, or does not cover the model's labels."""


@dataclass
class EmotionTable:
    mapping: dict[str, str]  # scene -> emotion
    source: str  # file the table came from
    reasons: dict[str, str] = field(default_factory=dict)

    def emotion_for(self, scene: str) -> str:
        try:
            return self.mapping[scene]
        except KeyError:
            raise EmotionTableError(f"scene {scene!r} is not in {self.source}") from None

    def check_covers(self, labels: list[str], model_name: str = "the scene model") -> None:
        """Raise unless every model label and ``unclassified`` has an emotion."""
        missing = [s for s in [*labels, UNCLASSIFIED] if s not in self.mapping]
        if missing:
            raise EmotionTableError(
                f"{self.source} has no emotion for {', '.join(repr(m) for m in missing)} "
                f"(labels of {model_name}); add rows 'scene,emotion,reason' for them"
            )


def find_table(name: str, model_dir: str | Path | None = None) -> Path:
    """The table file: an absolute path, else the model folder first, then ``resources/``."""
    candidates = []
    p = Path(name)
    if p.is_absolute():
        candidates.append(p)
    else:
        if model_dir is not None:
            candidates.append(Path(model_dir) / name)
        candidates.append(resources_dir() / name)
    for c in candidates:
        if c.is_file():
            return c
    raise EmotionTableError(
        f"scene→emotion table {name!r} not found (looked in: {', '.join(str(c) for c in candidates)})"
    )


def load_emotion_table(name: str | Path = DEFAULT_TABLE, model_dir: str | Path | None = None) -> EmotionTable:
    path = find_table(str(name), model_dir)
    mapping: dict[str, str] = {}
    reasons: dict[str, str] = {}
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        if not reader.fieldnames or not {"scene", "emotion"} <= set(reader.fieldnames):
            raise EmotionTableError(f"{path}: needs a header with columns scene,emotion[,reason]")
        for line_no, row in enumerate(reader, start=2):
            scene = (row.get("scene") or "").strip()
            emotion = (row.get("emotion") or "").strip().lower()
            if not scene:
                continue
            if emotion not in EMOTIONS:
                raise EmotionTableError(
                    f"{path}:{line_no}: emotion {emotion!r} for scene {scene!r} is not one of {', '.join(EMOTIONS)}"
                )
            if scene in mapping and mapping[scene] != emotion:
                raise EmotionTableError(f"{path}:{line_no}: scene {scene!r} listed twice with different emotions")
            mapping[scene] = emotion
            reasons[scene] = (row.get("reason") or "").strip()
    if not mapping:
        raise EmotionTableError(f"{path}: the table is empty")
    return EmotionTable(mapping=mapping, source=str(path), reasons=reasons)
