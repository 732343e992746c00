"""The diary's side of the personal layer (issue 16): stored features and the correction log.

Why store features at all: a personal layer must retrain in seconds after each correction, and
re-running the Whisper encoder over years of audio would take minutes to hours. The pooled vectors
(3,840 float16 values per 4 s window, ~7.7 kB) are what the speech head used, so a head trained on
them sees exactly what the analysis saw. Both tables stay on this machine: nothing here is synced.

No Qt: the analysis worker, the backfill, the exporter and the CLI share these functions.
"""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from sqlalchemy import Engine
from sqlmodel import Session, col, delete, func, select

from diary_app.store.models import CorrectionEvent, Entry, EntryFeatures, utcnow


class Diary(Protocol):
    """What these functions use of a ``store.diary.Diary`` (a Protocol: ``diary`` imports this module)."""

    engine: Engine

    def get(self, entry_id: uuid.UUID | str) -> Entry: ...
    def set_user_emotion(self, entry_id: uuid.UUID | str, emotion: str | None) -> Entry: ...

ROLE_SPEECH = "speech"
ROLE_SCENE = "scene"
#: the personal layer's folder next to the diary, and the file with the time of the user's last Reset:
#: corrections made before it are not learnt from (the corrections themselves are the user's tags and stay)
PERSONAL_FOLDER = "personal"
RESET_FILE = "reset.json"

#: float16 keeps ~3 significant digits: far below the spread of the features across recordings,
#: and half the size of float32 (checked: the head's probabilities move by < 1e-3)
STORE_DTYPE = "float16"


def read_reset_time(folder: str | Path) -> datetime | None:
    """The last Reset recorded in ``folder`` (the personal folder); None when never or unreadable
    (an unreadable file must not hide corrections)."""
    try:
        at = datetime.fromisoformat(json.loads((Path(folder) / RESET_FILE).read_text(encoding="utf-8"))["at"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


def write_reset_time(folder: str | Path, at: datetime) -> None:
    from diary_app.fsutil import atomic_write_text

    Path(folder).mkdir(parents=True, exist_ok=True)
    atomic_write_text(Path(folder) / RESET_FILE, json.dumps({"at": at.astimezone(UTC).isoformat()}))


@dataclass
class StoredFeatures:
    entry_id: uuid.UUID
    role: str
    frontend: str
    model: str
    values: np.ndarray  # speech: (windows, D); scene: (labels,)
    weights: list[float] | None
    labels: list[str] | None
    analyzed_at: datetime


def _as_uuid(value: uuid.UUID | str) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def _encode(values: np.ndarray, dtype: str) -> tuple[bytes, list[int]]:
    arr = np.ascontiguousarray(np.asarray(values, dtype=np.dtype(dtype)).astype(np.dtype(dtype).newbyteorder("<")))
    return arr.tobytes(), list(arr.shape)


def _decode(row: EntryFeatures) -> np.ndarray:
    dt = np.dtype(row.dtype).newbyteorder("<")
    return np.frombuffer(row.data, dtype=dt).reshape([int(n) for n in row.shape]).astype(np.float32)


def _to_stored(row: EntryFeatures) -> StoredFeatures:
    return StoredFeatures(entry_id=row.entry_id, role=row.role, frontend=row.frontend, model=row.model,
                          values=_decode(row), weights=row.weights, labels=row.labels, analyzed_at=row.analyzed_at)


def features_rows_from_result(entry_id: uuid.UUID | str, result: Any, analyzed_at: datetime | None = None) -> list[EntryFeatures]:
    """The rows to keep for one ``AnalysisResult`` (speech vectors and/or scene probabilities)."""
    entry_id = _as_uuid(entry_id)
    when = analyzed_at or utcnow()
    rows = []
    feats = getattr(result, "features", None) or {}
    speech = feats.get(ROLE_SPEECH)
    if speech is not None and speech.get("vectors") is not None:
        data, shape = _encode(np.atleast_2d(speech["vectors"]), STORE_DTYPE)
        rows.append(EntryFeatures(entry_id=entry_id, role=ROLE_SPEECH, frontend=str(speech.get("frontend", "")),
                                  model=str(speech.get("model", "")), dtype=STORE_DTYPE, shape=shape, data=data,
                                  weights=[float(w) for w in speech.get("weights") or []] or None, analyzed_at=when))
    scene_p = getattr(result, "scene_probabilities", None)
    if scene_p:
        labels = list(scene_p)
        data, shape = _encode(np.array([scene_p[k] for k in labels]), "float32")
        rows.append(EntryFeatures(entry_id=entry_id, role=ROLE_SCENE, frontend="scene-probabilities",
                                  model=str((getattr(result, "models", None) or {}).get("scene", "")), dtype="float32",
                                  shape=shape, data=data, labels=labels, analyzed_at=when))
    return rows


def store_features(diary: Diary, entry_id: uuid.UUID | str, result: Any, analyzed_at: datetime | None = None) -> int:
    """Replace what is kept for ``entry_id`` with this result's features; returns the rows written.

    A result without any (an HF / CNN speech model) still records *when* it was tagged, as an
    empty ``speech`` row, so the backfill does not retry it forever and the agreement measure knows
    the time; a gone entry (deleted meanwhile) is skipped."""
    entry_id = _as_uuid(entry_id)
    rows = features_rows_from_result(entry_id, result, analyzed_at)
    if not rows:
        rows = [EntryFeatures(entry_id=entry_id, role=ROLE_SPEECH, frontend="", dtype=STORE_DTYPE, shape=[0], data=b"",
                              analyzed_at=analyzed_at or utcnow())]
    with Session(diary.engine) as s:
        if s.get(Entry, entry_id) is None:
            return 0
        s.exec(delete(EntryFeatures).where(col(EntryFeatures.entry_id) == entry_id))
        for r in rows:
            s.add(r)
        s.commit()
    return len(rows)


def load_features(diary: Diary, role: str, frontend: str | None = None, entry_ids: list[uuid.UUID] | None = None) -> list[StoredFeatures]:
    stmt = select(EntryFeatures).where(EntryFeatures.role == role, func.length(EntryFeatures.data) > 0)
    if frontend is not None:
        stmt = stmt.where(EntryFeatures.frontend == frontend)
    if entry_ids is not None:
        stmt = stmt.where(col(EntryFeatures.entry_id).in_(list(entry_ids)))
    with Session(diary.engine) as s:
        return [_to_stored(r) for r in s.exec(stmt)]


def features_for(diary: Diary, entry_id: uuid.UUID | str) -> dict[str, StoredFeatures]:
    entry_id = _as_uuid(entry_id)
    with Session(diary.engine) as s:
        rows = s.exec(select(EntryFeatures).where(EntryFeatures.entry_id == entry_id)).all()
        return {r.role: _to_stored(r) for r in rows if r.data}


def analyzed_times(diary: Diary) -> dict[uuid.UUID, datetime]:
    with Session(diary.engine) as s:
        out: dict[uuid.UUID, datetime] = {}
        for eid, at in s.exec(select(EntryFeatures.entry_id, EntryFeatures.analyzed_at)):
            out[eid] = min(at, out.get(eid, at))
        return out


def entries_without_features(diary: Diary, limit: int | None = None) -> list[uuid.UUID]:
    """Analysed entries kept before this version (the backfill's work list), oldest first."""
    from diary_app.store.models import AnalysisState

    has = select(EntryFeatures.entry_id)
    stmt = (select(Entry.id).where(Entry.analysis_state == AnalysisState.DONE, col(Entry.id).not_in(has))
            .order_by(col(Entry.created_at)))
    if limit:
        stmt = stmt.limit(limit)
    with Session(diary.engine) as s:
        return list(s.exec(stmt).all())


def feature_rows(diary: Diary, role: str = ROLE_SPEECH) -> int:
    with Session(diary.engine) as s:
        return int(s.exec(select(func.count()).select_from(EntryFeatures).where(EntryFeatures.role == role)).one())


def feature_bytes(diary: Diary) -> int:
    with Session(diary.engine) as s:
        return int(s.exec(select(func.coalesce(func.sum(func.length(EntryFeatures.data)), 0))).one())


# -- corrections -----------------------------------------------------------------------------------
def record_correction(diary: Diary, entry: Entry, previous: str | None, at: datetime | None = None) -> CorrectionEvent:
    ev = CorrectionEvent(entry_id=entry.id, emotion=entry.user_emotion, previous=previous, auto_emotion=entry.auto_emotion,
                         branch=entry.branch, at=at or utcnow())
    with Session(diary.engine, expire_on_commit=False) as s:
        s.add(ev)
        s.commit()
    return ev


def correction_events(diary: Diary) -> list[CorrectionEvent]:
    with Session(diary.engine, expire_on_commit=False) as s:
        return list(s.exec(select(CorrectionEvent).order_by(col(CorrectionEvent.at), col(CorrectionEvent.id))).all())


def last_correction_id(diary: Diary) -> int:
    with Session(diary.engine) as s:
        return int(s.exec(select(func.coalesce(func.max(CorrectionEvent.id), 0))).one() or 0)


@dataclass
class Correction:
    """The user's current label of one entry and when they gave it (first time it was set to it)."""

    entry_id: uuid.UUID
    emotion: str
    at: datetime
    branch: str | None


def current_corrections(diary: Diary) -> list[Correction]:
    """Entries whose tag the user set by hand, with the time of the change that set the current
    label. Entries corrected before this version (no event) get their ``updated_at``."""
    events = correction_events(diary)
    latest: dict[uuid.UUID, CorrectionEvent] = {}
    for ev in events:
        latest[ev.entry_id] = ev
    out = []
    with Session(diary.engine) as s:
        rows = s.exec(select(Entry.id, Entry.user_emotion, Entry.branch, Entry.updated_at)
                      .where(col(Entry.user_emotion).is_not(None))).all()
    for eid, user, branch, updated in rows:
        if user is None:  # not selected (the query asks for a user emotion); for the type checker
            continue
        last = latest.get(eid)
        at = last.at if last is not None and last.emotion == user else updated
        out.append(Correction(entry_id=eid, emotion=user, at=at, branch=branch))
    return sorted(out, key=lambda c: c.at)


def undoable_correction(diary: Diary) -> CorrectionEvent | None:
    """The most recent correction whose tag is still the entry's (what Undo would put back), or None."""
    from diary_app.store.errors import EntryNotFound

    for ev in reversed(correction_events(diary)):
        try:
            entry = diary.get(ev.entry_id)
        except EntryNotFound:
            continue
        if entry.user_emotion != ev.emotion:
            continue  # already changed again by hand
        return ev
    return None


def undo_last_correction(diary: Diary) -> CorrectionEvent | None:
    """Put back the user tag the most recent correction replaced (the personal layer then forgets
    it on its next retrain). Returns the undone event, ``None`` when there is nothing to undo."""
    ev = undoable_correction(diary)
    if ev is not None:
        diary.set_user_emotion(ev.entry_id, ev.previous)
    return ev


# -- export / import (the optional sections of store/backup.py) -------------------------------------
def export_features_lines(diary: Diary) -> Iterator[dict[str, Any]]:
    with Session(diary.engine) as s:
        for r in s.exec(select(EntryFeatures).order_by(col(EntryFeatures.entry_id), col(EntryFeatures.role))):
            yield {"entry_id": str(r.entry_id), "role": r.role, "frontend": r.frontend, "model": r.model, "dtype": r.dtype,
                   "shape": list(r.shape), "data": base64.b64encode(r.data).decode("ascii"), "weights": r.weights,
                   "labels": r.labels, "analyzed_at": r.analyzed_at.astimezone(UTC).isoformat()}


def export_corrections(diary: Diary) -> list[dict[str, Any]]:
    return [{"entry_id": str(e.entry_id), "emotion": e.emotion, "previous": e.previous, "auto_emotion": e.auto_emotion,
             "branch": e.branch, "at": e.at.astimezone(UTC).isoformat()} for e in correction_events(diary)]


def features_row_from_dict(d: dict[str, Any]) -> EntryFeatures:
    """One exported line back into a row; ``ValueError`` with the reason when it is malformed."""
    dtype = str(d["dtype"])
    if dtype not in ("float16", "float32"):
        raise ValueError(f"dtype {dtype!r} is not float16/float32")
    data = base64.b64decode(str(d["data"]), validate=True)
    shape = [int(n) for n in d["shape"]]
    if int(np.prod(shape)) * np.dtype(dtype).itemsize != len(data):
        raise ValueError("shape and data length disagree")
    at = datetime.fromisoformat(str(d["analyzed_at"]))
    if at.tzinfo is None:
        raise ValueError("analyzed_at has no time zone")
    return EntryFeatures(entry_id=uuid.UUID(str(d["entry_id"])), role=str(d["role"]), frontend=str(d.get("frontend", "")),
                         model=str(d.get("model", "")), dtype=dtype, shape=shape, data=data, weights=d.get("weights"),
                         labels=d.get("labels"), analyzed_at=at.astimezone(UTC))


def correction_from_dict(d: dict[str, Any]) -> CorrectionEvent:
    at = datetime.fromisoformat(str(d["at"]))
    if at.tzinfo is None:
        raise ValueError("at has no time zone")
    return CorrectionEvent(entry_id=uuid.UUID(str(d["entry_id"])), emotion=d.get("emotion"), previous=d.get("previous"),
                           auto_emotion=d.get("auto_emotion"), branch=d.get("branch"), at=at.astimezone(UTC))


def add_rows(diary: Diary, rows: list[Any]) -> int:
    """Insert imported rows whose entry exists and which the diary does not hold yet."""
    n = 0
    with Session(diary.engine) as s:
        known = set(s.exec(select(Entry.id)).all())
        for r in rows:
            if r.entry_id not in known:
                continue
            if isinstance(r, EntryFeatures) and s.get(EntryFeatures, (r.entry_id, r.role)) is not None:
                continue
            s.add(r)
            n += 1
        s.commit()
    return n
