"""What is wrong with a diary that will not open, what is safe to do about it, and doing it. No Qt.

At start the app calls ``check_diary``. A damaged database (garbage bytes, a half-written
header, a text file in its place, broken pages) or a folder that cannot be written used to end
the GUI with a traceback. Now the damage is classified and the safe choices are listed:

- ``OPEN_BACKUP``: the newest SQLite backup that passes ``quick_check`` in ``<data>/backups/``
  (``*.sqlite3``, ``*.sqlite``, ``*.db``; e.g. made with ``sqlite3 diary.sqlite3 ".backup ..."``
  or the app's backups) is copied into place; recordings made after it come back from their
  audio and metadata sidecars;
- ``REBUILD``: a new database is made from the recordings in ``audio/`` and their sidecars
  (notes, tags, places, public flags; ``sidecar.py``);
- ``READ_ONLY``: browse and play without writing anything (a read-only disk, a database that can
  still be read);
- ``QUIT``.

Nothing is ever deleted: ``set_aside`` renames the damaged file (and its ``-wal``/``-shm``) to
``diary.sqlite3.damaged-<UTC time>`` beside it, so it can still be sent to someone who can save it.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import Enum
from pathlib import Path

from diary_app.store.diary import AUDIO_SUFFIX, DB_NAME, Diary, RecoveryReport
from diary_app.store.migrations import CURRENT_VERSION

SQLITE_MAGIC = b"SQLite format 3\x00"
BACKUP_FOLDER = "backups"
BACKUP_SUFFIXES = (".sqlite3", ".sqlite", ".db")


class Damage(str, Enum):
    OK = "ok"
    NOT_A_DATABASE = "not_a_database"  # garbage bytes, or another file in its place
    TEXT_FILE = "text_file"  # a text file in place of the database
    TRUNCATED = "truncated"  # the header itself is incomplete (a half-written file)
    CORRUPT = "corrupt"  # a database whose pages are damaged
    READ_ONLY = "read_only"  # the folder or the file cannot be written
    SCHEMA_TOO_NEW = "schema_too_new"
    UNREADABLE = "unreadable"  # no permission to read, or another I/O error


class Option(str, Enum):
    OPEN_BACKUP = "open_backup"
    REBUILD = "rebuild"
    READ_ONLY = "read_only"
    QUIT = "quit"


@dataclass
class DiaryCheck:
    root: Path
    damage: Damage
    message: str  # what happened, in a sentence (English; the dialog translates by ``damage``)
    detail: str = ""  # the underlying error, for the "details" part
    options: list[Option] = field(default_factory=list)
    backup: Path | None = None
    recordings: int = 0  # FLAC files a rebuild would bring back

    @property
    def ok(self) -> bool:
        return self.damage is Damage.OK


def db_path(root: str | Path) -> Path:
    return Path(root) / DB_NAME


def count_recordings(root: Path) -> int:
    try:
        return sum(1 for _ in (root / "audio").glob(f"*{AUDIO_SUFFIX}"))
    except OSError:
        return 0


def _writable(folder: Path) -> bool:
    probe = folder / f".write-test-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    try:
        with open(probe, "wb"):
            pass
        probe.unlink()
        return True
    except OSError:
        return False


def _looks_like_text(head: bytes) -> bool:
    if not head:
        return False
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return all(c.isprintable() or c in "\r\n\t" for c in text)


def _connect_read_only(path: Path) -> sqlite3.Connection:
    """A read-only connection; ``immutable=1`` where the WAL index cannot be made (read-only disk)."""
    last: sqlite3.Error | None = None
    for flags in ("mode=ro", "mode=ro&immutable=1"):
        conn = sqlite3.connect(f"file:{path}?{flags}", uri=True, timeout=5)
        try:
            conn.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()
            return conn
        except sqlite3.OperationalError as exc:  # "unable to open database file": no -shm possible
            conn.close()
            last = exc
            if "unable to open" not in str(exc):
                raise
    assert last is not None
    raise last


def _sqlite_problem(path: Path, thorough: bool = True) -> tuple[Damage, str] | None:
    """(damage, error) when SQLite cannot read the file as a diary, else None. ``thorough`` runs
    ``PRAGMA quick_check`` (reads every page: ~0.6 s for 100k entries); without it only the
    schema and the first row are read (what the app needs to decide at start)."""
    try:
        conn = _connect_read_only(path)
    except sqlite3.DatabaseError as exc:
        text = str(exc)
        if "unable to open" in text:
            return Damage.UNREADABLE, text
        return (Damage.NOT_A_DATABASE if "not a database" in text else Damage.CORRUPT), text
    try:
        if thorough:
            rows = conn.execute("PRAGMA quick_check").fetchall()
            if [r[0] for r in rows] != ["ok"]:
                return Damage.CORRUPT, "; ".join(str(r[0]) for r in rows[:3])
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if tables and "entry" not in tables:
            return Damage.NOT_A_DATABASE, f"a database without diary entries (tables: {', '.join(sorted(tables)[:5])})"
        if "schema_version" in tables:
            row = conn.execute("SELECT version FROM schema_version WHERE id = 1").fetchone()
            if row and int(row[0]) > CURRENT_VERSION:
                return Damage.SCHEMA_TOO_NEW, f"schema {row[0]} > {CURRENT_VERSION}"
        if "entry" in tables:
            conn.execute("SELECT * FROM entry ORDER BY created_at DESC LIMIT 50").fetchall()
    except sqlite3.DatabaseError as exc:
        text = str(exc)
        return (Damage.NOT_A_DATABASE if "not a database" in text else Damage.CORRUPT), text
    finally:
        conn.close()
    return None


def find_backups(root: str | Path, extra_folders: tuple[Path, ...] = ()) -> list[Path]:
    """Readable diary backups, newest first: ``<root>/backups/`` and ``extra_folders``."""
    found: list[tuple[float, Path]] = []
    for folder in (Path(root) / BACKUP_FOLDER, *extra_folders):
        try:
            candidates = [p for p in folder.iterdir() if p.suffix.lower() in BACKUP_SUFFIXES and p.is_file()]
        except OSError:
            continue
        for path in candidates:
            try:
                with open(path, "rb") as fh:
                    if fh.read(len(SQLITE_MAGIC)) != SQLITE_MAGIC:
                        continue
                if _sqlite_problem(path) is None:
                    found.append((path.stat().st_mtime, path))
            except OSError:
                continue
    return [p for _, p in sorted(found, key=lambda t: t[0], reverse=True)]


def check_diary(root: str | Path, backup_folders: tuple[Path, ...] = (), thorough: bool = True) -> DiaryCheck:
    """Classify the diary at ``root`` without changing anything (``thorough``: see ``_sqlite_problem``;
    the app checks quickly at start and thoroughly only when the diary then fails to open)."""
    root = Path(root)
    path = db_path(root)

    def damaged(kind: Damage, message: str, detail: str) -> DiaryCheck:
        writable = root.is_dir() and _writable(root)
        options: list[Option] = []
        backups = find_backups(root, backup_folders) if writable else []
        if backups:
            options.append(Option.OPEN_BACKUP)
        if writable:
            options.append(Option.REBUILD)
        if kind is Damage.CORRUPT:
            options.append(Option.READ_ONLY)  # what can still be read, without touching it
        options.append(Option.QUIT)
        return DiaryCheck(root, kind, message, detail, options, backups[0] if backups else None,
                          count_recordings(root))

    if not path.exists():
        if root.exists() and not _writable(root):
            return DiaryCheck(root, Damage.READ_ONLY, f"The diary folder {root} cannot be written, so no diary can "
                              "be made in it.", "", [Option.QUIT], None, count_recordings(root))
        return DiaryCheck(root, Damage.OK, "")
    try:
        size = path.stat().st_size
        with open(path, "rb") as fh:
            head = fh.read(100)
    except OSError as exc:
        return DiaryCheck(root, Damage.UNREADABLE, f"The diary database {path} cannot be read.", str(exc),
                          [Option.QUIT], None, count_recordings(root))
    if size == 0:
        pass  # SQLite treats an empty file as a new database
    elif not head.startswith(SQLITE_MAGIC[: min(len(head), len(SQLITE_MAGIC))]):
        if _looks_like_text(head):
            return damaged(Damage.TEXT_FILE, f"The diary database {path.name} has been replaced by a text file.",
                           f"it starts with {head[:40].decode('utf-8', 'replace')!r}")
        return damaged(Damage.NOT_A_DATABASE, f"The diary database {path.name} is not a database any more (its "
                       "contents were overwritten).", f"it starts with bytes {head[:16].hex(' ')}")
    elif size < 100:
        return damaged(Damage.TRUNCATED, f"The diary database {path.name} is incomplete: only {size} bytes were "
                       "written (was the computer switched off while saving?).", f"{size} bytes")
    else:
        problem = _sqlite_problem(path, thorough)
        if problem is not None:
            kind, detail = problem
            if kind is Damage.SCHEMA_TOO_NEW:
                return DiaryCheck(root, kind, "This diary was written by a newer Sound Diary; update the app to "
                                  "open it.", detail, [Option.QUIT], None, count_recordings(root))
            if kind is Damage.UNREADABLE:
                return DiaryCheck(root, kind, f"The diary database {path.name} cannot be read.", detail,
                                  [Option.QUIT], None, count_recordings(root))
            if kind is Damage.NOT_A_DATABASE:
                return damaged(kind, f"The diary database {path.name} is not a Sound Diary database.", detail)
            return damaged(kind, f"The diary database {path.name} is damaged.", detail)
    if not _writable(root) or not os.access(path, os.W_OK) or not _file_writable(path):
        return DiaryCheck(root, Damage.READ_ONLY, f"The diary folder {root} is read-only: the diary can be opened "
                          "to look at, but nothing new can be saved.", "", [Option.READ_ONLY, Option.QUIT], None,
                          count_recordings(root))
    return DiaryCheck(root, Damage.OK, "")


def _file_writable(path: Path) -> bool:
    try:
        with open(path, "r+b"):
            return True
    except OSError:
        return False


def set_aside(root: str | Path) -> Path | None:
    """Rename the damaged database (and its WAL files) out of the way; returns its new name."""
    path = db_path(root)
    if not path.exists():
        return None
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.damaged-{stamp}")
    n = 1
    while target.exists():
        n += 1
        target = path.with_name(f"{path.name}.damaged-{stamp}-{n}")
    for suffix in ("-wal", "-shm"):
        extra = path.with_name(path.name + suffix)
        if extra.exists():
            os.replace(extra, target.with_name(target.name + suffix))
    os.replace(path, target)
    return target


def rebuild_from_recordings(root: str | Path) -> tuple[Diary, RecoveryReport]:
    """Set the damaged database aside and make a new one from ``audio/`` and the sidecars."""
    set_aside(root)
    diary = Diary(root)
    return diary, diary.recover()


def open_backup(root: str | Path, backup: str | Path) -> tuple[Diary, RecoveryReport]:
    """Set the damaged database aside, put a copy of ``backup`` in its place and open it; entries
    recorded after the backup come back from their audio (with their sidecars)."""
    root = Path(root)
    set_aside(root)
    tmp = db_path(root).with_name(f"{DB_NAME}.restoring")
    shutil.copyfile(backup, tmp)
    os.replace(tmp, db_path(root))
    diary = Diary(root)
    report = diary.recover()
    refresh_from_sidecars(diary)
    return diary, report


def refresh_from_sidecars(diary: Diary) -> int:
    """Edits made after a backup: where a sidecar is newer than its row, take the user's fields
    from it (one ``Diary.edit`` each). Returns how many entries were brought up to date."""
    from diary_app.store import sidecar

    updated = 0
    offset = 0
    while True:
        page = diary.query(limit=500, offset=offset, newest_first=False)
        for entry in page.items:
            fresh = sidecar.entry_from_audio(diary.audio_path(entry), entry.id, entry.created_at, entry.duration_s)
            if sidecar.read(diary.audio_path(entry)) is None or fresh.updated_at <= entry.updated_at:
                continue
            location = ((fresh.latitude, fresh.longitude, fresh.place_name)
                        if fresh.latitude is not None and fresh.longitude is not None else None)
            diary.edit(entry.id, user_emotion=fresh.user_emotion, note=fresh.note, is_public=fresh.is_public,
                       location=location)
            updated += 1
        if not page.has_more:
            return updated
        offset += len(page.items)


def open_read_only(root: str | Path) -> Diary:
    return Diary(root, read_only=True)


def apply(check: DiaryCheck, option: Option) -> tuple[Diary | None, RecoveryReport | None]:
    """Carry out the user's choice; ``(None, None)`` for Quit."""
    if option not in check.options:
        raise ValueError(f"{option.value} is not offered for a {check.damage.value} diary")
    if option is Option.QUIT:
        return None, None
    if option is Option.READ_ONLY:
        return open_read_only(check.root), None
    if option is Option.REBUILD:
        return rebuild_from_recordings(check.root)
    assert check.backup is not None
    return open_backup(check.root, check.backup)
