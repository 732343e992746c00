"""Find recordings a crash left unfinished, repair them and hand them to the diary.

A WAV written by soundfile gets its final sizes in the header only when the file is closed; a
killed process leaves a header that claims (almost) no audio although every flushed frame is on
disk. ``repair_wav`` trusts the file size instead: it walks the RIFF chunks to the ``data``
chunk and rewrites both size fields in place, so ordinary readers see every frame again.

No Qt: the GUI asks the user and then calls ``import_recording`` or ``discard_recording``.
"""

from __future__ import annotations

import json
import os
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from diary_app.audio.loading import SAMPLE_RATE
from diary_app.audio.recorder import RecordingResult, recordings_dir
from diary_app.audio.wav_repair import repair_wav  # noqa: F401 - part of this module's API


@dataclass
class UnfinishedRecording:
    id: uuid.UUID
    path: Path
    sidecar: Path
    started_at: datetime
    device: str | None
    state: str  # "recording" (crashed) or "finished" (stopped but never saved)
    duration_s: float  # what the file really holds, after repair


class RecoveryError(RuntimeError):
    pass


def _read_sidecar(path: Path) -> dict[str, Any]:
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        return data
    except (OSError, json.JSONDecodeError):
        return {}


def _pid_alive(pid: Any) -> bool:
    """Another live process (this one's own recordings are never "in flight" at start)."""
    from diary_app.store.owners import pid_alive

    return pid != os.getpid() and pid_alive(pid)


def find_unfinished_recordings(root: str | Path | None = None) -> list[UnfinishedRecording]:
    """Recordings on disk that never became diary entries, oldest first (headers repaired).

    Sidecars whose audio is gone (the entry was saved) are removed on the way. A recording of
    another live process is left alone whatever its state: "recording" is still being made, and
    "finished" is being saved by that process right now (importing it here as well raced its
    save: the same recording twice, or its save failing).
    """
    folder = recordings_dir(root)
    for tmp in folder.glob("*.tmp"):  # ``<id>.json.<pid>.tmp`` (older releases: ``<id>.json.tmp``)
        parts = tmp.name.split(".")
        pid = int(parts[-2]) if len(parts) >= 4 and parts[-2].isdigit() else None
        if not _pid_alive(pid):
            _unlink_quietly(tmp)
    found: list[UnfinishedRecording] = []
    for wav in folder.glob("*.wav"):
        try:
            rec_id = uuid.UUID(wav.stem)
        except ValueError:
            continue
        sidecar = wav.with_suffix(".json")
        meta = _read_sidecar(sidecar)
        if _pid_alive(meta.get("pid")):
            continue
        frames = repair_wav(wav)
        rate = int(meta.get("samplerate") or SAMPLE_RATE)
        try:
            started = datetime.fromisoformat(meta["started_at"])
        except (KeyError, TypeError, ValueError):
            started = datetime.fromtimestamp(wav.stat().st_mtime, UTC)
        found.append(UnfinishedRecording(rec_id, wav, sidecar, started, meta.get("device"),
                                         str(meta.get("state") or "recording"), frames / rate))
    for sidecar in folder.glob("*.json"):
        # a live process writes its sidecar just before it creates the WAV: not a leftover
        if not sidecar.with_suffix(".wav").exists() and not _pid_alive(_read_sidecar(sidecar).get("pid")):
            _unlink_quietly(sidecar)
    return sorted(found, key=lambda r: r.started_at)


def _unlink_quietly(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError:  # a read-only folder: leave it for a later start
        pass


def import_recording(diary: Any, recording: UnfinishedRecording | RecordingResult) -> Any | None:
    """Turn a recording into a pending diary entry (same id and start time); ``None`` if empty.

    Safe to repeat: if the entry already exists (a crash after saving but before clean-up)
    the leftover file is simply removed.
    """
    from diary_app.store import EntryExists

    if isinstance(recording, UnfinishedRecording):
        frames = repair_wav(recording.path)
    else:
        frames = recording.frames
    if frames == 0:
        discard_recording(recording)
        return None
    try:
        entry = diary.create_entry(recording.path, entry_id=recording.id, created_at=recording.started_at, move=True)
    except EntryExists:
        entry = diary.get(recording.id)
        recording.path.unlink(missing_ok=True)
    recording.sidecar.unlink(missing_ok=True)
    return entry


def discard_recording(recording: UnfinishedRecording | RecordingResult) -> None:
    recording.path.unlink(missing_ok=True)
    recording.sidecar.unlink(missing_ok=True)
