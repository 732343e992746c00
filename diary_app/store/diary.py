"""The local diary: one SQLite file (WAL) plus one FLAC per entry, kept consistent together.

Invariants, so that a recording is never lost and nothing is left behind:
- a row is inserted only after its audio file is in place (no row without audio);
- delete moves the audio to ``*.trash`` before the row goes, so a crash never resurrects it;
- ``recover()`` at start re-imports audio that has no row (crash between move and insert) as a
  pending entry instead of deleting it, and removes leftover ``*.trash`` files.
"""

from __future__ import annotations

import logging
import os
import shutil
import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import event, func, or_
from sqlmodel import Session, col, create_engine, select

from diary_app.emotions import EMOTIONS, UNTAGGED
from diary_app.store.migrations import migrate
from diary_app.store.models import AnalysisState, Entry, SyncState, utcnow

AUDIO_SUFFIX = ".flac"
TRASH_SUFFIX = ".trash"


class EntryNotFound(KeyError):
    pass


class EntryExists(ValueError):
    """``create_entry`` was given the id of an entry that already exists (its audio is kept)."""


@dataclass
class EntryQuery:
    """Filters for ``Diary.query``; every field is optional and they combine with AND."""

    emotions: Iterable[str] | None = None
    start: datetime | None = None  # inclusive
    end: datetime | None = None  # exclusive
    bbox: tuple[float, float, float, float] | None = None  # south, west, north, east
    text: str | None = None
    public_only: bool = False
    located_only: bool = False
    limit: int = 50
    offset: int = 0
    newest_first: bool = True


@dataclass
class Page:
    items: list[Entry]
    total: int
    offset: int
    limit: int

    @property
    def has_more(self) -> bool:
        return self.offset + len(self.items) < self.total


@dataclass
class RecoveryReport:
    reimported: list[uuid.UUID] = field(default_factory=list)
    trash_removed: int = 0
    trash_restored: int = 0
    parts_removed: int = 0
    missing_audio: list[uuid.UUID] = field(default_factory=list)


class Diary:
    """Typed API over the diary folder. Thread-safe for separate calls (one session each)."""

    def __init__(self, root: str | Path | None = None) -> None:
        from diary_app.paths import data_dir

        self.root = Path(root) if root is not None else data_dir()
        self.audio_folder = self.root / "audio"
        self.audio_folder.mkdir(parents=True, exist_ok=True)
        self.db_path = self.root / "diary.sqlite3"
        self.engine = create_engine(f"sqlite:///{self.db_path}", connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(self.engine, "connect", _sqlite_pragmas)
        migrate(self.engine)
        self._listeners: list[Callable[[str, uuid.UUID], None]] = []

    # -- change notification (the GUI adapts this to a Qt signal) -------------------------
    def add_listener(self, callback: Callable[[str, uuid.UUID], None]) -> None:
        """``callback(action, entry_id)`` with action in created/updated/deleted."""
        self._listeners.append(callback)

    def remove_listener(self, callback: Callable[[str, uuid.UUID], None]) -> None:
        if callback in self._listeners:
            self._listeners.remove(callback)

    def _notify(self, action: str, entry_id: uuid.UUID) -> None:
        # the change is already committed: a failing listener must not make it look failed
        for cb in list(self._listeners):
            try:
                cb(action, entry_id)
            except Exception:
                logging.getLogger(__name__).exception("diary listener failed on %s %s", action, entry_id)

    # -- create / read ---------------------------------------------------------------------
    def audio_path(self, entry: Entry | uuid.UUID) -> Path:
        entry_id = entry.id if isinstance(entry, Entry) else entry
        return self.audio_folder / f"{entry_id}{AUDIO_SUFFIX}"

    def create_entry(
        self,
        audio_source: str | Path,
        *,
        entry_id: uuid.UUID | None = None,
        created_at: datetime | None = None,
        duration_s: float | None = None,
        move: bool = True,
    ) -> Entry:
        """Take ownership of an audio file and add a pending entry for it.

        Non-FLAC input is converted to FLAC. ``move=False`` copies instead (imports, tests).
        """
        source = Path(audio_source)
        if not source.is_file() or source.stat().st_size == 0:
            raise FileNotFoundError(f"no audio to save at {source}")
        entry_id = _as_uuid(entry_id) if entry_id is not None else uuid.uuid4()
        target = self.audio_path(entry_id)
        if target.exists():  # never overwrite the audio of another entry
            raise EntryExists(str(entry_id))
        with Session(self.engine) as s:
            if s.get(Entry, entry_id) is not None:
                raise EntryExists(str(entry_id))
        tmp = target.with_suffix(".part")
        try:
            if source.suffix.lower() == AUDIO_SUFFIX:
                _check_flac(source)
                shutil.copyfile(source, tmp)
            else:
                _convert_to_flac(source, tmp)
            _fsync(tmp)
        except BaseException:
            tmp.unlink(missing_ok=True)  # the source is untouched; nothing is lost
            raise
        os.replace(tmp, target)
        if duration_s is None:
            duration_s = _duration(target)
        now = utcnow()
        entry = Entry(id=entry_id, created_at=created_at or now, updated_at=now, duration_s=duration_s, audio_file=target.name)
        try:
            with Session(self.engine, expire_on_commit=False) as s:
                s.add(entry)
                s.commit()
        except BaseException:
            target.unlink(missing_ok=True)  # no audio without a row; the source still exists
            raise
        if move and source.resolve() != target.resolve():
            source.unlink(missing_ok=True)
        self._notify("created", entry.id)
        return entry

    def add_entries(self, entries: Iterable[Entry]) -> int:
        """Bulk insert of ready-made rows (demo data, benchmarks, imports). Audio must exist."""
        n = 0
        with Session(self.engine) as s:
            for e in entries:
                s.add(e)
                n += 1
            s.commit()
        return n

    def get(self, entry_id: uuid.UUID | str) -> Entry:
        entry_id = _as_uuid(entry_id)
        with Session(self.engine, expire_on_commit=False) as s:
            entry = s.get(Entry, entry_id)
        if entry is None:
            raise EntryNotFound(str(entry_id))
        return entry

    # -- updates -----------------------------------------------------------------------------
    def _update(self, entry_id: uuid.UUID | str, **changes: Any) -> Entry:
        entry_id = _as_uuid(entry_id)
        with Session(self.engine, expire_on_commit=False) as s:
            entry = s.get(Entry, entry_id)
            if entry is None:
                raise EntryNotFound(str(entry_id))
            for k, v in changes.items():
                setattr(entry, k, v)
            entry.emotion = entry.user_emotion or entry.auto_emotion or UNTAGGED
            if "is_public" in changes or (entry.is_public and entry.sync_state == SyncState.SYNCED and _touches_shared(changes)):
                entry.sync_state = _next_sync_state(entry)
            entry.updated_at = utcnow()
            s.add(entry)
            s.commit()
        self._notify("updated", entry.id)
        return entry

    def set_analysis(self, entry_id: uuid.UUID | str, result: Any) -> Entry:
        """Store an ``AnalysisResult`` (or its ``to_dict()``)."""
        data = result.to_dict() if hasattr(result, "to_dict") else dict(result)
        return self._update(
            entry_id,
            auto_emotion=data.get("emotion"),
            auto_probabilities=data.get("emotion_probabilities"),
            confidence=data.get("confidence"),
            branch=data.get("branch"),
            scene=data.get("scene"),
            analysis_json=data,
            analysis_state=AnalysisState.DONE,
            analysis_error=None,
        )

    def set_analysis_failed(self, entry_id: uuid.UUID | str, error: str) -> Entry:
        return self._update(entry_id, analysis_state=AnalysisState.FAILED, analysis_error=error)

    def set_analysis_pending(self, entry_id: uuid.UUID | str) -> Entry:
        return self._update(entry_id, analysis_state=AnalysisState.PENDING, analysis_error=None)

    def set_user_emotion(self, entry_id: uuid.UUID | str, emotion: str | None) -> Entry:
        """Correct the tag; ``None`` (or the automatic emotion) returns to the automatic tag."""
        if emotion is not None and emotion not in EMOTIONS:
            raise ValueError(f"unknown emotion {emotion!r}; choose one of {', '.join(EMOTIONS)}")
        before = self.get(entry_id)
        entry = self._update(entry_id, user_emotion=emotion)
        if before.user_emotion != entry.user_emotion:  # the personal layer learns from these (issue 16)
            from diary_app.store.personal import record_correction

            record_correction(self, entry, previous=before.user_emotion)
        return entry

    def set_note(self, entry_id: uuid.UUID | str, note: str) -> Entry:
        return self._update(entry_id, note=note)

    def set_public(self, entry_id: uuid.UUID | str, public: bool) -> Entry:
        return self._update(entry_id, is_public=bool(public))

    def set_location(self, entry_id: uuid.UUID | str, latitude: float, longitude: float, place_name: str | None = None) -> Entry:
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            raise ValueError(f"not a place on Earth: {latitude}, {longitude}")
        return self._update(entry_id, latitude=float(latitude), longitude=float(longitude), place_name=place_name)

    def clear_location(self, entry_id: uuid.UUID | str) -> Entry:
        return self._update(entry_id, latitude=None, longitude=None, place_name=None)

    def set_sync_state(self, entry_id: uuid.UUID | str, state: SyncState, error: str | None = None) -> Entry:
        entry_id = _as_uuid(entry_id)
        with Session(self.engine, expire_on_commit=False) as s:
            entry = s.get(Entry, entry_id)
            if entry is None:
                raise EntryNotFound(str(entry_id))
            entry.sync_state, entry.sync_error = state, error
            s.add(entry)
            s.commit()
        return entry

    # -- delete ------------------------------------------------------------------------------
    def delete(self, entry_id: uuid.UUID | str) -> None:
        entry_id = _as_uuid(entry_id)
        audio = self.audio_path(entry_id)
        trash = audio.with_suffix(TRASH_SUFFIX)
        if audio.exists():
            os.replace(audio, trash)
        with Session(self.engine) as s:
            entry = s.get(Entry, entry_id)
            if entry is None:
                if trash.exists():
                    os.replace(trash, audio)
                raise EntryNotFound(str(entry_id))
            s.delete(entry)
            s.commit()
        trash.unlink(missing_ok=True)
        self._notify("deleted", entry_id)

    # -- queries -----------------------------------------------------------------------------
    def _filtered(self, q: EntryQuery):
        stmt = select(Entry)
        if q.emotions:
            stmt = stmt.where(col(Entry.emotion).in_(list(q.emotions)))
        if q.start is not None:
            stmt = stmt.where(col(Entry.created_at) >= q.start)
        if q.end is not None:
            stmt = stmt.where(col(Entry.created_at) < q.end)
        if q.bbox is not None:
            south, west, north, east = q.bbox
            if south > north:
                raise ValueError(f"bbox south {south} is north of north {north}")
            stmt = stmt.where(col(Entry.latitude).between(south, north))
            if west <= east:
                stmt = stmt.where(col(Entry.longitude).between(west, east))
            else:  # crosses the antimeridian
                stmt = stmt.where(or_(col(Entry.longitude) >= west, col(Entry.longitude) <= east))
        if q.text:
            escaped = q.text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            like = f"%{escaped}%"
            stmt = stmt.where(or_(col(Entry.note).ilike(like, escape="\\"), col(Entry.place_name).ilike(like, escape="\\")))
        if q.public_only:
            stmt = stmt.where(col(Entry.is_public).is_(True))
        if q.located_only:
            stmt = stmt.where(col(Entry.latitude).is_not(None), col(Entry.longitude).is_not(None))
        return stmt

    def query(self, q: EntryQuery | None = None, **filters: Any) -> Page:
        q = q or EntryQuery(**filters)
        stmt = self._filtered(q)
        if q.limit < 1 or q.offset < 0:
            raise ValueError(f"bad page: limit must be >= 1 and offset >= 0 (got {q.limit}, {q.offset})")
        # the id breaks ties between equal times, so that pages never repeat or skip an entry
        if q.newest_first:
            order = (col(Entry.created_at).desc(), col(Entry.id).desc())
        else:
            order = (col(Entry.created_at).asc(), col(Entry.id).asc())
        with Session(self.engine, expire_on_commit=False) as s:
            total = s.exec(select(func.count()).select_from(stmt.subquery())).one()
            items = list(s.exec(stmt.order_by(*order).offset(q.offset).limit(q.limit)).all())
        return Page(items=items, total=int(total), offset=q.offset, limit=q.limit)

    def count(self, q: EntryQuery | None = None, **filters: Any) -> int:
        stmt = self._filtered(q or EntryQuery(**filters))
        with Session(self.engine) as s:
            return int(s.exec(select(func.count()).select_from(stmt.subquery())).one())

    def emotions_by_day(self, start: datetime, end: datetime, tz: timezone | None = None) -> dict[date, Counter]:
        """Per local day, how many entries of each emotion (calendar, year in pixels)."""
        tz = tz or datetime.now().astimezone().tzinfo
        stmt = select(Entry.created_at, Entry.emotion).where(col(Entry.created_at) >= start, col(Entry.created_at) < end)
        out: dict[date, Counter] = {}
        with Session(self.engine) as s:
            for created, emotion in s.exec(stmt):
                day = created.astimezone(tz).date()
                out.setdefault(day, Counter())[emotion] += 1
        return out

    def pending_analysis(self) -> list[Entry]:
        with Session(self.engine, expire_on_commit=False) as s:
            return list(s.exec(select(Entry).where(Entry.analysis_state == AnalysisState.PENDING)).all())

    def entries_to_sync(self) -> list[Entry]:
        states = [SyncState.QUEUED, SyncState.UNSHARE_QUEUED, SyncState.FAILED]
        with Session(self.engine, expire_on_commit=False) as s:
            return list(s.exec(select(Entry).where(col(Entry.sync_state).in_(states))).all())

    # -- crash recovery ----------------------------------------------------------------------
    def recover(self) -> RecoveryReport:
        """Run at start: finish what a crash interrupted without losing audio."""
        report = RecoveryReport()
        with Session(self.engine) as s:
            known = {str(i) for i in s.exec(select(Entry.id)).all()}
        for trash in self.audio_folder.glob(f"*{TRASH_SUFFIX}"):
            audio = trash.with_suffix(AUDIO_SUFFIX)
            if trash.stem in known and not audio.exists():
                os.replace(trash, audio)  # the delete never committed: the entry keeps its audio
                report.trash_restored += 1
            else:
                trash.unlink(missing_ok=True)
                report.trash_removed += 1
        for part in self.audio_folder.glob("*.part"):
            part.unlink(missing_ok=True)  # the source still exists: create_entry had not moved it
            report.parts_removed += 1
        for audio in sorted(self.audio_folder.glob(f"*{AUDIO_SUFFIX}")):
            if audio.stem not in known:
                try:
                    entry_id = uuid.UUID(audio.stem)
                except ValueError:
                    continue
                created = datetime.fromtimestamp(audio.stat().st_mtime, timezone.utc)
                entry = Entry(id=entry_id, created_at=created, updated_at=utcnow(), duration_s=_duration(audio), audio_file=audio.name)
                with Session(self.engine) as s:
                    s.add(entry)
                    s.commit()
                report.reimported.append(entry_id)
        for entry_id in known:
            if not (self.audio_folder / f"{entry_id}{AUDIO_SUFFIX}").exists():
                report.missing_audio.append(uuid.UUID(entry_id))
        return report

    def close(self) -> None:
        self.engine.dispose()


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def _as_uuid(value: uuid.UUID | str) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def _touches_shared(changes: dict) -> bool:
    return bool({"note", "user_emotion", "latitude", "longitude", "place_name", "auto_emotion"} & set(changes))


def _next_sync_state(entry: Entry) -> SyncState:
    if entry.is_public:
        return SyncState.QUEUED
    if entry.sync_state in (SyncState.SYNCED, SyncState.QUEUED, SyncState.FAILED, SyncState.UNSHARE_QUEUED):
        return SyncState.UNSHARE_QUEUED if entry.sync_state != SyncState.QUEUED else SyncState.LOCAL
    return SyncState.LOCAL


def _fsync(path: Path) -> None:
    with open(path, "rb") as fh:
        os.fsync(fh.fileno())


def _duration(path: Path) -> float:
    import soundfile as sf

    try:
        info = sf.info(str(path))
        return float(info.frames) / float(info.samplerate)
    except Exception:
        return 0.0


def _check_flac(source: Path) -> None:
    """A FLAC is copied as it is, so check it really is one (no junk entry that can never play)."""
    import soundfile as sf

    from diary_app.audio.loading import AudioLoadError

    try:
        info = sf.info(str(source))
    except Exception as exc:
        raise AudioLoadError(source, "unreadable", f"is not a readable FLAC file ({exc})") from None
    if info.frames == 0:
        raise AudioLoadError(source, "empty", "the file holds no audio samples; record again")


def _convert_to_flac(source: Path, target: Path) -> None:
    import soundfile as sf

    from diary_app.audio.loading import load_audio

    wave = load_audio(source, min_duration_s=0.0)
    sf.write(str(target), wave, 16_000, format="FLAC", subtype="PCM_16")
