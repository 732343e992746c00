"""Seeded diaries for the browse tests (real store calls, real FLAC files)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import soundfile as sf

from diary_app.store import Diary, Entry
from diary_app.store.demo import fill_demo_diary


def tone_file(folder: Path, name: str = "tone.wav", seconds: float = 1.0) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    t = np.arange(int(16000 * seconds)) / 16000
    path = folder / name
    sf.write(str(path), (0.3 * np.sin(2 * np.pi * 440 * t)).astype("float32"), 16000)
    return path


def add_known(diary: Diary, folder: Path, created: datetime, emotion: str, note: str = "",
              place: tuple[float, float, str] | None = None, confidence: float = 0.8) -> Entry:
    """An entry made the way the app makes one: audio in, analysis stored, then user edits."""
    entry = diary.create_entry(tone_file(folder, f"{created.timestamp()}.wav"), created_at=created)
    diary.set_analysis(entry.id, {"emotion": emotion, "confidence": confidence, "branch": "speech",
                                  "emotion_probabilities": {emotion: confidence}})
    if note:
        diary.set_note(entry.id, note)
    if place:
        diary.set_location(entry.id, *place)
    return diary.get(entry.id)


def seeded_diary(root: Path, count: int = 240, located: int = 80) -> Diary:
    diary = Diary(root / "diary")
    fill_demo_diary(diary, count, located, with_audio=1, seed=3, now=datetime.now(UTC))
    return diary
