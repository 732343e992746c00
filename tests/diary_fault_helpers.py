"""Helpers for the fault tests of issue 15: diaries with user edits, small disks."""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from diary_app.emotions import EMOTIONS
from diary_app.store import Diary, Entry


def short_flac(folder: Path, seconds: float = 0.2) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "tone.flac"
    if not path.exists():
        t = np.arange(int(16_000 * seconds)) / 16_000
        sf.write(str(path), (0.3 * np.sin(2 * np.pi * 440 * t)).astype(np.float32), 16_000, format="FLAC")
    return path


def user_fields(e: Entry) -> tuple:
    """Everything the user typed or the analysis decided, which a rebuild must keep."""
    return (e.created_at, e.auto_emotion, e.user_emotion, e.emotion, e.note, e.is_public, e.latitude,
            e.longitude, e.place_name, e.confidence, e.branch)


def fill_with_edits(diary: Diary, count: int, src: Path) -> dict:
    """``count`` entries made as the app makes them (audio, analysis, then the user's Save)."""
    clip = short_flac(src)
    start = datetime(2026, 1, 1, 8, tzinfo=UTC)
    first = diary.create_entry(clip, created_at=start, move=False)  # the app's own path, once
    rows = [first]
    for i in range(1, count):  # the rest in one batch (hard links to the same clip), for speed
        e = Entry(created_at=start + timedelta(hours=7 * i), duration_s=first.duration_s, audio_file="")
        e.audio_file = diary.audio_path(e.id).name
        os.link(diary.audio_path(first), diary.audio_path(e.id))
        rows.append(e)
    for i, e in enumerate(rows):
        auto = EMOTIONS[i % len(EMOTIONS)]
        e.auto_emotion, e.confidence, e.branch, e.emotion = auto, 0.5 + (i % 5) / 10, "speech", auto
        e.auto_probabilities = {auto: 0.6}
    diary.add_entries(rows[1:])
    diary.set_analysis(first.id, {"emotion": rows[0].auto_emotion, "confidence": 0.5, "branch": "speech",
                                  "emotion_probabilities": {rows[0].auto_emotion: 0.6}})
    for i, e in enumerate(rows):  # every user edit through the one atomic Save
        location = (37.0 + i / 1000, 127.0 - i / 1000, f"place {i} 카페") if i % 3 else None
        diary.edit(e.id, user_emotion=EMOTIONS[(i + 2) % len(EMOTIONS)] if i % 2 else None,
                   note=f"note {i}: 오늘은 ☔ \"quoted\"" if i % 4 else "", is_public=i % 5 == 0, location=location)
    return {e.id: user_fields(e) for e in diary.query(limit=count + 10).items}


def remove_database(root: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        (root / f"diary.sqlite3{suffix}").unlink(missing_ok=True)


@contextlib.contextmanager
def small_disk(path: Path, size: str = "5m") -> Iterator[Path]:
    """A tmpfs of ``size`` at ``path`` (root only); skips the test where mounting is not allowed."""
    path.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root (disk-full and read-only tests)")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"mounting a tmpfs is not allowed here: {done.stderr.strip()}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], capture_output=True)


def remount(path: Path, mode: str) -> None:
    subprocess.run(["mount", "-o", f"remount,{mode}", str(path)], check=True, capture_output=True)


def fill_disk(folder: Path, leave_bytes: int = 0) -> Path:
    """Fill the disk holding ``folder`` until ``leave_bytes`` are left; delete the file to free it."""
    filler = folder / "filler.bin"
    block = b"\0" * (1 << 16)
    with open(filler, "ab", buffering=0) as fh:
        try:
            while True:
                fh.write(block)
        except OSError:
            pass
        try:  # the last partial block
            while fh.write(b"\0" * 4096):
                pass
        except OSError:
            pass
    if leave_bytes:
        size = filler.stat().st_size
        os.truncate(filler, max(0, size - leave_bytes))
    return filler
