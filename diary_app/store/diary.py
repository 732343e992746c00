"""The local diary: one SQLite file (WAL) plus one FLAC per entry, kept consistent together.

Invariants, so that a recording is never lost and nothing is left behind:
- a row is inserted only after its audio file is in place (no row without audio);
- delete moves the audio to ``*.trash`` before the row goes, so a crash never resurrects it;
- ``recover()`` at start re-imports audio that has no row (crash between move and insert) as a
  pending entry instead of deleting it, and removes leftover ``*.trash`` files; it touches none of
  these files while another live process has the diary open (``owners.py``: they may be its save
  or delete in progress);
- every committed change of what the user typed is copied to ``audio/<uuid>.json``
  (``sidecar.py``), so a diary rebuilt from its audio keeps notes, tags and places;
- a failed write raises ``DiskFull`` / ``DiaryWriteError`` with a sentence, never a raw
  ``OperationalError``; a diary opened ``read_only`` refuses changes with ``DiaryReadOnly``.
"""

from __future__ import annotations

import logging
import os
import shutil
import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, tzinfo
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event, func, or_
from sqlmodel import Session, col, create_engine, select
from sqlmodel.sql.expression import SelectOfScalar

from diary_app.audio.loading import SAMPLE_RATE
from diary_app.emotions import EMOTIONS, UNTAGGED
from diary_app.store import owners, sidecar
from diary_app.store.errors import DiaryReadOnly, EntryNotFound, as_write_error
from diary_app.store.migrations import CURRENT_VERSION as SCHEMA_VERSION
from diary_app.store.migrations import SchemaTooNew, current_version, migrate
from diary_app.store.models import AnalysisState, Entry, SyncState, require_aware, utcnow

log = logging.getLogger(__name__)

AUDIO_SUFFIX = ".flac"
TRASH_SUFFIX = ".trash"
DB_NAME = "diary.sqlite3"


class _Unchanged:
    def __repr__(self) -> str:
        return "UNCHANGED"


#: ``Diary.edit`` leaves a field alone when it gets this (``None`` is a real value there)
UNCHANGED: Any = _Unchanged()


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

    def __post_init__(self) -> None:
        # said here, in a sentence, rather than as a database error with the whole SQL statement
        for name in ("start", "end"):
            value = getattr(self, name)
            if value is not None:
                require_aware(value, f"datetime for {name}")


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
    restored_from_sidecar: int = 0  # reimported entries whose note/tags/place came back
    #: other live processes had the diary open, so no file was touched (their saves in progress)
    deferred_to: list[int] = field(default_factory=list)


class Diary:
    """Typed API over the diary folder. Thread-safe for separate calls (one session each)."""

    def __init__(self, root: str | Path | None = None, *, read_only: bool = False) -> None:
        """Open (or create) the diary at ``root``. ``read_only`` opens an existing diary without
        writing anything (a damaged diary, a read-only disk): every change raises ``DiaryReadOnly``."""
        from diary_app.paths import data_dir

        self.root = Path(root) if root is not None else data_dir()
        self.audio_folder = self.root / "audio"
        self.db_path = self.root / DB_NAME
        self.read_only = read_only
        self._listeners: list[Callable[[str, uuid.UUID], None]] = []
        self._owner = False
        if read_only:
            self.engine = _read_only_engine(self.db_path)
            version = current_version(self.engine)
            if version > SCHEMA_VERSION:
                self.engine.dispose()
                raise SchemaTooNew(version, SCHEMA_VERSION)
            return
        self.audio_folder.mkdir(parents=True, exist_ok=True)
        self.engine = create_engine(f"sqlite:///{self.db_path}", connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(self.engine, "connect", _sqlite_pragmas)
        try:
            migrate(self.engine)
        except BaseException:
            self.engine.dispose()
            raise
        self._owner = owners.claim(self.root)

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
        A full disk raises ``DiskFull``; the source is then left where it was.
        """
        self._check_writable()
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
        # the writer's pid in the name: recover() in another process knows whose file it is
        tmp = target.with_name(f"{entry_id}.{os.getpid()}.part")
        kept = "The recording was kept and will be added when there is space again."
        if source.suffix.lower() == AUDIO_SUFFIX:
            _check_flac(source)  # a bad file is the caller's error, not the disk's
        try:
            if source.suffix.lower() == AUDIO_SUFFIX:
                shutil.copyfile(source, tmp)
            else:
                _convert_to_flac(source, tmp)
            _fsync(tmp)
        except BaseException as exc:
            _unlink_quietly(tmp)  # the source is untouched; nothing is lost
            if isinstance(exc, Exception):
                typed = as_write_error(exc, "saving the recording", self.audio_folder, kept)
                if typed is not None:
                    raise typed from exc
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
        except BaseException as exc:
            if not self._has_row(entry_id):  # never take the audio from a row that does exist
                _unlink_quietly(target)  # no audio without a row; the source still exists
            if isinstance(exc, Exception):
                typed = as_write_error(exc, "saving the recording", self.root, kept)
                if typed is not None:
                    raise typed from exc
            raise
        self._write_sidecar(entry)
        if move and source.resolve() != target.resolve():
            source.unlink(missing_ok=True)
        self._notify("created", entry.id)
        return entry

    def _has_row(self, entry_id: uuid.UUID) -> bool:
        try:
            with Session(self.engine) as s:
                return s.get(Entry, entry_id) is not None
        except Exception:
            return True  # cannot tell: keep the file (an orphan is re-imported, a loss is not)

    def _check_writable(self) -> None:
        if self.read_only:
            raise DiaryReadOnly(30, "This diary is open read-only: changes cannot be saved.")

    def _write_sidecar(self, entry: Entry) -> None:
        """Copy what the user typed beside the audio; a failure is logged (the row is committed)."""
        try:
            sidecar.write(self.audio_path(entry.id), entry)
        except OSError as exc:
            log.warning("could not write the metadata copy of %s: %s", entry.id, exc)

    def add_entries(self, entries: Iterable[Entry], *, write_sidecars: bool = True) -> int:
        """Bulk insert of ready-made rows (demo data, benchmarks, imports). Audio must exist."""
        self._check_writable()
        n = 0
        added: list[Entry] = []
        with Session(self.engine, expire_on_commit=False) as s:
            for e in entries:
                s.add(e)
                added.append(e)
                n += 1
            s.commit()
        if write_sidecars:
            for e in added:
                self._write_sidecar(e)
        return n

    def get(self, entry_id: uuid.UUID | str) -> Entry:
        entry_id = _as_uuid(entry_id)
        with Session(self.engine, expire_on_commit=False) as s:
            entry = s.get(Entry, entry_id)
        if entry is None:
            raise EntryNotFound(str(entry_id))
        return entry

    # -- updates -----------------------------------------------------------------------------
    def _update(self, entry_id: uuid.UUID | str, _drop_unchanged: tuple[str, ...] = (), **changes: Any) -> Entry:
        """All ``changes`` in one transaction, then one notification (never a half-applied edit)."""
        self._check_writable()
        entry_id = _as_uuid(entry_id)
        try:
            with Session(self.engine, expire_on_commit=False) as s:
                entry = s.get(Entry, entry_id)
                if entry is None:
                    raise EntryNotFound(str(entry_id))
                for k in _drop_unchanged:
                    if k in changes and getattr(entry, k) == changes[k]:
                        del changes[k]
                for k, v in changes.items():
                    setattr(entry, k, v)
                entry.emotion = entry.user_emotion or entry.auto_emotion or UNTAGGED
                if "is_public" in changes or (entry.is_public and entry.sync_state == SyncState.SYNCED and _touches_shared(changes)):
                    entry.sync_state = _next_sync_state(entry)
                entry.updated_at = utcnow()
                s.add(entry)
                s.commit()
        except Exception as exc:
            typed = as_write_error(exc, "saving the change", self.root, "The entry was left as it was.")
            if typed is None:
                raise
            raise typed from exc
        if sidecar.WATCHED & set(changes):
            self._write_sidecar(entry)
        self._notify("updated", entry.id)
        return entry

    def edit(
        self,
        entry_id: uuid.UUID | str,
        *,
        user_emotion: str | None = UNCHANGED,
        note: str = UNCHANGED,
        is_public: bool = UNCHANGED,
        location: tuple[float, float, str | None] | None = UNCHANGED,
    ) -> Entry:
        """Apply one Save of the user (tag, note, privacy, place) as one transaction and one
        ``updated`` notification, so a sync pass never sees a half-applied edit (e.g. the entry
        already public while the place the user removed in the same Save is still there).

        ``user_emotion=None`` returns to the automatic tag; ``location=None`` removes the place,
        ``(lat, lon, name)`` sets it; a field left at ``UNCHANGED`` is not touched. Everything is
        validated before anything is written.
        """
        changes: dict[str, Any] = {}
        if user_emotion is not UNCHANGED:
            if user_emotion is not None and user_emotion not in EMOTIONS:
                raise ValueError(f"unknown emotion {user_emotion!r}; choose one of {', '.join(EMOTIONS)}")
            changes["user_emotion"] = user_emotion
        if note is not UNCHANGED:
            changes["note"] = str(note)
        if is_public is not UNCHANGED:
            changes["is_public"] = bool(is_public)
        if location is not UNCHANGED:
            if location is None:
                changes.update(latitude=None, longitude=None, place_name=None)
            else:
                latitude, longitude, place_name = location
                if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
                    raise ValueError(f"not a place on Earth: {latitude}, {longitude}")
                changes.update(latitude=float(latitude), longitude=float(longitude), place_name=place_name or None)
        if not changes:
            return self.get(entry_id)  # nothing to save: no write, no notification
        before = self.get(entry_id) if "user_emotion" in changes else None
        entry = self._update(entry_id, _drop_unchanged=("is_public",), **changes)
        if before is not None and before.user_emotion != entry.user_emotion:
            self._record_correction(entry, before.user_emotion)
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
            analysis_state=AnalysisState.TOO_QUIET if data.get("outcome") == "too_quiet" else AnalysisState.DONE,
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
        if before.user_emotion != entry.user_emotion:
            self._record_correction(entry, before.user_emotion)
        return entry

    def _record_correction(self, entry: Entry, previous: str | None) -> None:
        """Every change of the user's tag, from any edit path, is logged: the personal layer learns
        from these and Undo puts them back (issue 16)."""
        from diary_app.store.personal import record_correction

        record_correction(self, entry, previous=previous)

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
        self._check_writable()
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
        """Delete an entry and its audio; on a full disk ``DiskFull`` and the entry stays whole."""
        self.purge(self.delete_undoable(entry_id))

    def delete_undoable(self, entry_id: uuid.UUID | str) -> Entry:
        """Delete like ``delete`` but keep the audio as ``*.trash`` for ``restore`` (the GUI's Undo).

        Returns the deleted row (detached). Call ``purge`` when the undo window closes; if the app
        stops first, ``recover()`` at the next start removes the orphaned ``*.trash``.
        """
        self._check_writable()
        entry_id = _as_uuid(entry_id)
        audio = self.audio_path(entry_id)
        trash = audio.with_suffix(TRASH_SUFFIX)
        if audio.exists():
            os.replace(audio, trash)
        try:
            with Session(self.engine, expire_on_commit=False) as s:
                entry = s.get(Entry, entry_id)
                if entry is None:
                    raise EntryNotFound(str(entry_id))
                snapshot = Entry.model_validate(entry.model_dump())
                s.delete(entry)
                s.commit()
        except BaseException as exc:
            if trash.exists():
                os.replace(trash, audio)  # the row is still there (or never was): so is its audio
            if isinstance(exc, Exception) and not isinstance(exc, EntryNotFound):
                typed = as_write_error(exc, "deleting the entry", self.root, "The entry was kept as it was.")
                if typed is not None:
                    raise typed from exc
            raise
        self._notify("deleted", entry_id)
        return snapshot

    def restore(self, deleted: Entry) -> Entry:
        """Undo ``delete_undoable``: the audio comes back from ``*.trash`` and the row as it was."""
        self._check_writable()
        audio = self.audio_path(deleted.id)
        trash = audio.with_suffix(TRASH_SUFFIX)
        moved = False
        if not audio.exists():
            if not trash.exists():
                raise FileNotFoundError(f"the recording of {deleted.id} is gone; it cannot be restored")
            os.replace(trash, audio)
            moved = True
        entry = Entry.model_validate(deleted.model_dump())
        # a shared entry was (or will be) removed from the server by the delete: upload it again
        entry.sync_state = SyncState.QUEUED if entry.is_public else SyncState.LOCAL
        entry.sync_error = None
        try:
            with Session(self.engine, expire_on_commit=False) as s:
                if s.get(Entry, entry.id) is not None:
                    raise EntryExists(str(entry.id))
                s.add(entry)
                s.commit()
        except BaseException as exc:
            if moved and not isinstance(exc, EntryExists):
                os.replace(audio, trash)  # no row again: the audio waits in the trash as before
            if isinstance(exc, Exception):
                typed = as_write_error(exc, "restoring the entry", self.root, "The entry stays deleted.")
                if typed is not None:
                    raise typed from exc
            raise
        self._write_sidecar(entry)
        self._notify("created", entry.id)
        return entry

    def purge(self, deleted: Entry | uuid.UUID | str) -> None:
        """Forget a ``delete_undoable`` for good (its ``*.trash`` audio goes)."""
        entry_id = deleted.id if isinstance(deleted, Entry) else _as_uuid(deleted)
        audio = self.audio_path(entry_id)
        audio.with_suffix(TRASH_SUFFIX).unlink(missing_ok=True)
        if not audio.exists():  # not restored: its metadata copy goes too (as ``delete`` does)
            _unlink_quietly(sidecar.sidecar_path(audio))

    # -- queries -----------------------------------------------------------------------------
    def _filtered(self, q: EntryQuery) -> SelectOfScalar[Entry]:
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

    def emotions_by_day(self, start: datetime, end: datetime, tz: tzinfo | None = None) -> dict[date, Counter[str]]:
        """Per local day, how many entries of each emotion (calendar, year in pixels)."""
        tz = tz or datetime.now().astimezone().tzinfo
        stmt = select(Entry.created_at, Entry.emotion).where(col(Entry.created_at) >= start, col(Entry.created_at) < end)
        out: dict[date, Counter[str]] = {}
        with Session(self.engine) as s:
            for created, emotion in s.exec(stmt):
                day = created.astimezone(tz).date()
                out.setdefault(day, Counter())[emotion] += 1
        return out

    def pending_analysis(self) -> list[Entry]:
        with Session(self.engine, expire_on_commit=False) as s:
            return list(s.exec(select(Entry).where(Entry.analysis_state == AnalysisState.PENDING)).all())

    def entries_to_sync(self) -> list[Entry]:
        if self.read_only:
            return []  # nothing may change here, so nothing is sent (its state could not be kept)
        states = [SyncState.QUEUED, SyncState.UNSHARE_QUEUED, SyncState.FAILED]
        with Session(self.engine, expire_on_commit=False) as s:
            return list(s.exec(select(Entry).where(col(Entry.sync_state).in_(states))).all())

    # -- crash recovery ----------------------------------------------------------------------
    def recover(self) -> RecoveryReport:
        """Run at start: finish what a crash interrupted without losing audio.

        An audio file without a row becomes an entry again, with its note, tags and place when
        its sidecar survived (this is also how a lost database is rebuilt). While another live
        process has this diary open nothing is touched (``deferred_to`` names it): its files in
        flight are not leftovers.
        """
        report = RecoveryReport()
        if self.read_only:
            return report
        report.deferred_to = owners.other_live_owners(self.root)
        if report.deferred_to:
            log.info("recovery deferred: the diary is open in process(es) %s", report.deferred_to)
            return report
        with Session(self.engine) as s:
            known = {str(i) for i in s.exec(select(Entry.id)).all()}
        for tmp in self.audio_folder.glob("*.tmp"):  # a sidecar write that never finished
            _unlink_quietly(tmp)
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
                created = datetime.fromtimestamp(audio.stat().st_mtime, UTC)
                entry = sidecar.entry_from_audio(audio, entry_id, created, _duration(audio))
                with Session(self.engine, expire_on_commit=False) as s:
                    s.add(entry)
                    s.commit()
                report.reimported.append(entry_id)
                if sidecar.read(audio) is not None:
                    report.restored_from_sidecar += 1
                else:
                    self._write_sidecar(entry)
        for known_id in known:
            if not (self.audio_folder / f"{known_id}{AUDIO_SUFFIX}").exists():
                report.missing_audio.append(uuid.UUID(known_id))
        for meta in self.audio_folder.glob(f"*{sidecar.SIDECAR_SUFFIX}"):
            if not meta.with_suffix(AUDIO_SUFFIX).exists() and meta.stem not in known:
                _unlink_quietly(meta)  # the entry and its audio were deleted: its copy goes too
        return report

    def close(self) -> None:
        if self._owner:
            owners.release(self.root)
            self._owner = False
        self.engine.dispose()


def _read_only_engine(db_path: Path) -> Engine:
    """An engine that cannot write: ``mode=ro``, or ``immutable=1`` where even the WAL index
    cannot be made (a read-only folder). Raises the sqlite error when the file is no database."""
    import sqlite3

    from sqlalchemy import text

    if not db_path.is_file():
        raise FileNotFoundError(f"no diary database at {db_path}")
    last: Exception | None = None
    for flags in ("mode=ro", "mode=ro&immutable=1"):
        uri = f"file:{db_path}?{flags}"
        engine = create_engine(f"sqlite:///{db_path}", creator=lambda uri=uri: sqlite3.connect(uri, uri=True, check_same_thread=False,
                                                                                   timeout=30))
        event.listen(engine, "connect", _read_only_pragmas)
        try:
            with engine.connect() as conn:
                conn.execute(text("SELECT count(*) FROM entry"))
            return engine
        except Exception as exc:
            last = exc
            engine.dispose()
    assert last is not None
    raise last


def _read_only_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA query_only=ON")
    cur.close()


def _unlink_quietly(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError:
        pass


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def _as_uuid(value: uuid.UUID | str) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def _touches_shared(changes: dict[str, Any]) -> bool:
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
    sf.write(str(target), wave, SAMPLE_RATE, format="FLAC", subtype="PCM_16")
