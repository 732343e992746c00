"""A small JSON copy of what the user typed, beside each recording: ``audio/<uuid>.json``.

If the database is lost or damaged, ``Diary.recover()`` rebuilds every entry from its FLAC and
this file, so a rebuild keeps notes, tags, places and the public flag (without it, 300 of 300
entries came back empty). It is written atomically (temporary file, fsync, rename) after every
committed change of these fields, so it is never half-written and never newer than the database.
It is not fsynced: the database itself runs with ``synchronous=NORMAL`` (a power cut may lose the
last commits too), and the rename keeps the old copy or the new one, never a torn one.

This is the per-recording safety copy for *rebuilding* the live diary; it is not a backup or an
export (``store/backup*`` and ``diary-app export`` make those from the database).

Format (``"format": 1``): ``id``, ``created_at``/``updated_at`` (ISO 8601, UTC), ``duration_s``,
``auto_emotion``, ``auto_probabilities``, ``confidence``, ``branch``, ``scene``, ``user_emotion``,
``note``, ``is_public``, ``latitude``, ``longitude``, ``place_name``. Unknown keys are ignored.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from diary_app.emotions import EMOTIONS, UNTAGGED
from diary_app.fsutil import atomic_write_text
from diary_app.store.models import AnalysisState, Entry, SyncState, utcnow

SIDECAR_SUFFIX = ".json"
FORMAT = 1
#: entry fields copied one to one (times are converted separately)
FIELDS = ("duration_s", "auto_emotion", "auto_probabilities", "confidence", "branch", "scene",
          "user_emotion", "note", "is_public", "latitude", "longitude", "place_name")
#: a change of any of these rewrites the sidecar
WATCHED = frozenset(FIELDS) | {"created_at"}


def sidecar_path(audio: Path) -> Path:
    return audio.with_suffix(SIDECAR_SUFFIX)


def to_dict(entry: Entry) -> dict[str, Any]:
    data: dict[str, Any] = {"format": FORMAT, "id": str(entry.id),
                            "created_at": entry.created_at.isoformat(), "updated_at": entry.updated_at.isoformat()}
    for name in FIELDS:
        data[name] = getattr(entry, name)
    return data


def write(audio: Path, entry: Entry) -> None:
    """Atomically replace the sidecar of ``audio`` (raises OSError; the caller decides)."""
    # fsync=False as before: the sidecar is rewritten on every edit, and the database holds the same tags
    atomic_write_text(sidecar_path(audio), json.dumps(to_dict(entry), ensure_ascii=False), fsync=False)


def read(audio: Path) -> dict[str, Any] | None:
    """The sidecar of ``audio`` as a dict, or None when missing or unreadable."""
    try:
        data = json.loads(sidecar_path(audio).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _time(value: Any) -> datetime | None:
    try:
        t = datetime.fromisoformat(str(value))
    except (TypeError, ValueError):
        return None
    return t.replace(tzinfo=UTC) if t.tzinfo is None else t


def entry_from_audio(audio: Path, entry_id: uuid.UUID, fallback_created: datetime, duration_s: float) -> Entry:
    """A row for an audio file without one: from its sidecar when there is a valid one."""
    data = read(audio) or {}
    if data.get("id") not in (None, str(entry_id)):
        data = {}  # a sidecar of another entry (copied by hand): do not trust it
    created = _time(data.get("created_at")) or fallback_created
    entry = Entry(id=entry_id, created_at=created, updated_at=_time(data.get("updated_at")) or utcnow(),
                  duration_s=duration_s, audio_file=audio.name)
    if not data:
        return entry
    note = data.get("note")
    entry.note = note if isinstance(note, str) else ""
    for name in ("branch", "scene", "place_name"):
        value = data.get(name)
        setattr(entry, name, value if isinstance(value, str) else None)
    auto = data.get("auto_emotion")
    entry.auto_emotion = auto if auto in EMOTIONS or auto == UNTAGGED else None
    user = data.get("user_emotion")
    entry.user_emotion = user if user in EMOTIONS else None
    probs = data.get("auto_probabilities")
    entry.auto_probabilities = probs if isinstance(probs, dict) else None
    conf = data.get("confidence")
    entry.confidence = float(conf) if isinstance(conf, (int, float)) else None
    lat, lon = data.get("latitude"), data.get("longitude")
    if isinstance(lat, (int, float)) and isinstance(lon, (int, float)) and -90 <= lat <= 90 and -180 <= lon <= 180:
        entry.latitude, entry.longitude = float(lat), float(lon)
    else:
        entry.place_name = None
    entry.is_public = data.get("is_public") is True
    entry.emotion = entry.user_emotion or entry.auto_emotion or UNTAGGED
    if entry.auto_emotion is not None:
        entry.analysis_state = AnalysisState.DONE  # no need to analyse again
    # a shared entry is uploaded again (PUT of the same id is idempotent on the server)
    entry.sync_state = SyncState.QUEUED if entry.is_public else SyncState.LOCAL
    return entry
