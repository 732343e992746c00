"""Export, import and automatic backups of the whole diary as one zip file.

Why a zip of plain files: a diary holds years of personal recordings, and the way out must not
depend on this app. Any zip tool opens the file; ``entries.json`` is documented (README, "Export
and backup format") and versioned; ``entries.csv`` opens in a spreadsheet; the recordings are the
FLAC files exactly as stored (no re-encoding, so an export and a re-import are byte-identical).

Layout (format ``sound-diary-export``, version :data:`FORMAT_VERSION`)::

    entries.json     {"format", "version", "app_version", "exported_at", "entry_count", "entries": [...]}
    entries.csv      one row per entry, UTF-8 with BOM (spreadsheets read Hangul correctly)
    audio/<id>.flac  one recording per entry, stored uncompressed in the zip (FLAC already is)
    README.txt       what the files are
    features.jsonl   optional (issue 16): what the analysis saw per entry, for the personal layer
    corrections.json optional (issue 16): every change of a tag by the user, with its time
                     (and in entries.json "optional" -> "personal_reset": the time of the user's last
                     Reset of the personal layer; a restore into a diary without corrections adopts it)

Each JSON entry carries every column of the ``entry`` table (ids as text, times as ISO 8601 UTC,
enums as their values) plus ``audio`` (its path in the zip), ``audio_sha256`` and ``audio_bytes``.

Import is all or nothing: every recording is first copied to a staging folder inside the diary
and checked against its SHA-256; only when the whole file checks out are the recordings moved into
the audio folder and the rows inserted in one transaction (``Diary.add_entries``). A corrupt or
foreign file therefore changes nothing. Entries whose id the diary already has are kept as they
are in the diary (merge by id, never a duplicate). An entry exported without a recording (its
audio was lost before the export; ``"audio": null``) is reported and skipped, because the diary
keeps no entry without audio.

No Qt here: the CLI, the Settings page and the automatic backup at start all call these functions
(the GUI on a worker thread).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import shutil
import tempfile
import time
import uuid
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import Enum
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from diary_app.store.diary import AUDIO_SUFFIX, Diary
from diary_app.store.errors import EntryNotFound
from diary_app.store.models import AnalysisState, Entry, SyncState, table_of

FORMAT = "sound-diary-export"
#: Bump on any change a reader of version N could misread; readers refuse newer versions.
FORMAT_VERSION = 1
ENTRIES_JSON = "entries.json"
ENTRIES_CSV = "entries.csv"
AUDIO_DIR = "audio"
BACKUP_PREFIX = "sound-diary-backup-"
BACKUP_TIME_FORMAT = "%Y-%m-%d-%H%M%S"

#: columns of the spreadsheet, in order (the JSON has every column)
CSV_COLUMNS: tuple[str, ...] = (
    "id", "created_at", "duration_s", "emotion", "auto_emotion", "user_emotion", "confidence", "branch",
    "scene", "note", "is_public", "latitude", "longitude", "place_name", "analysis_state", "audio",
)

Progress = Callable[[int, int], None]


class BackupError(ValueError):
    """The file is not a usable Sound Diary export; the message says why in a sentence."""


@dataclass
class ExportReport:
    path: Path
    entries: int
    audio_files: int
    bytes: int
    seconds: float
    missing_audio: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    entries_in_file: int
    added: int
    already_present: int
    seconds: float
    added_ids: list[uuid.UUID] = field(default_factory=list)
    dry_run: bool = False
    #: entries the export holds without a recording (it was lost before the export): not imported
    skipped_without_audio: list[uuid.UUID] = field(default_factory=list)


# -- reading the diary ----------------------------------------------------------------------------
#: rows fetched per round trip while streaming the export
EXPORT_BATCH = 500


def iter_entries(diary: Diary, batch: int | None = None) -> Iterator[Entry]:
    """Every entry, oldest first, from ONE statement: SQLite (WAL) reads it from one snapshot.

    Why not the paged ``Diary.query``: an entry deleted or added while a backup runs (the automatic
    one runs while the user works) shifts offset pages, and one entry would be skipped or repeated.
    One streaming statement sees the diary as it was when the export began, in constant memory.
    """
    stmt = select(Entry).order_by(col(Entry.created_at), col(Entry.id)).execution_options(yield_per=batch or EXPORT_BATCH)
    with Session(diary.engine, expire_on_commit=False) as s:
        yield from s.exec(stmt)


def entry_columns() -> list[str]:
    return [c.name for c in table_of(Entry).columns]


def entry_to_dict(entry: Entry) -> dict[str, Any]:
    """All columns of one entry as JSON-ready values (the exact inverse of :func:`entry_from_dict`)."""
    out: dict[str, Any] = {}
    for name in entry_columns():
        value = getattr(entry, name)
        if isinstance(value, uuid.UUID):
            value = str(value)
        elif isinstance(value, datetime):
            value = value.astimezone(UTC).isoformat()
        elif isinstance(value, Enum):
            value = value.value
        out[name] = value
    return out


_FLOAT_OR_NONE = ("confidence", "latitude", "longitude")
_STR_OR_NONE = ("auto_emotion", "branch", "scene", "user_emotion", "place_name", "analysis_error", "sync_error")
_DICT_OR_NONE = ("auto_probabilities", "analysis_json")


def entry_from_dict(data: dict[str, Any], where: str = "entry") -> Entry:
    """Build an ``Entry`` from its exported form, checking every type (clear error, no half rows)."""
    if not isinstance(data, dict):
        raise BackupError(f"{where} is not a JSON object")

    def bad(name: str, why: str) -> BackupError:
        return BackupError(f"{where}: field {name!r} {why} (got {data.get(name)!r:.60})")

    try:
        entry_id = uuid.UUID(str(data["id"]))
    except (KeyError, ValueError):
        raise bad("id", "is not an entry id") from None
    times = {}
    for name in ("created_at", "updated_at"):
        raw = data.get(name, data.get("created_at"))
        try:
            t = datetime.fromisoformat(str(raw))
        except ValueError:
            raise bad(name, "is not an ISO 8601 time") from None
        if t.tzinfo is None:
            raise bad(name, "has no time zone")
        times[name] = t.astimezone(UTC)
    values: dict[str, Any] = {"id": entry_id, **times}
    for name in _FLOAT_OR_NONE:
        v = data.get(name)
        if v is not None and (isinstance(v, bool) or not isinstance(v, (int, float))):
            raise bad(name, "is not a number")
        values[name] = None if v is None else float(v)
    duration = data.get("duration_s", 0.0)
    if isinstance(duration, bool) or not isinstance(duration, (int, float)) or duration < 0:
        raise bad("duration_s", "is not a duration in seconds")
    values["duration_s"] = float(duration)
    for name in _STR_OR_NONE:
        v = data.get(name)
        if v is not None and not isinstance(v, str):
            raise bad(name, "is not text")
        values[name] = v
    for name in _DICT_OR_NONE:
        v = data.get(name)
        if v is not None and not isinstance(v, dict):
            raise bad(name, "is not a JSON object")
        values[name] = v
    note = data.get("note", "")
    if not isinstance(note, str):
        raise bad("note", "is not text")
    values["note"] = note
    public = data.get("is_public", False)
    if not isinstance(public, bool):
        raise bad("is_public", "is not true or false")
    values["is_public"] = public
    emotion = data.get("emotion") or values["user_emotion"] or values["auto_emotion"] or "untagged"
    if not isinstance(emotion, str):
        raise bad("emotion", "is not text")
    values["emotion"] = emotion
    try:
        values["analysis_state"] = AnalysisState(data.get("analysis_state", AnalysisState.PENDING.value))
    except ValueError:
        raise bad("analysis_state", f"is not one of {', '.join(s.value for s in AnalysisState)}") from None
    try:
        values["sync_state"] = SyncState(data.get("sync_state", SyncState.LOCAL.value))
    except ValueError:
        raise bad("sync_state", f"is not one of {', '.join(s.value for s in SyncState)}") from None
    lat, lon = values["latitude"], values["longitude"]
    if (lat is None) != (lon is None) or (lat is not None and not (-90 <= lat <= 90 and -180 <= lon <= 180)):
        raise bad("latitude", "and longitude are not a place on Earth")
    values["audio_file"] = f"{entry_id}{AUDIO_SUFFIX}"  # always our own name: never a path from the file
    return Entry(**values)


# -- export ------------------------------------------------------------------------------------------
def export_diary(diary: Diary, target: str | Path, progress: Progress | None = None) -> ExportReport:
    """Write the whole diary to ``target`` (a .zip). Atomic: a crash leaves no half file under that name."""
    from diary_app import __version__

    t0 = time.perf_counter()
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    total = diary.count()
    part = target.with_name(target.name + ".part")
    entries_json: list[dict[str, Any]] = []
    missing: list[str] = []
    csv_buf = io.StringIO()
    writer = csv.writer(csv_buf)
    writer.writerow(CSV_COLUMNS)
    n = audio_n = 0
    try:
        with zipfile.ZipFile(part, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as zf:
            for entry in iter_entries(diary):
                data = entry_to_dict(entry)
                audio = diary.audio_path(entry)
                arcname = f"{AUDIO_DIR}/{entry.id}{AUDIO_SUFFIX}"
                try:
                    digest, size = _copy_into_zip(zf, audio, arcname)
                except FileNotFoundError:  # lost, or deleted while the export ran (the row is from before)
                    digest = None
                if digest is not None:
                    data.update(audio=arcname, audio_sha256=digest, audio_bytes=size)
                    audio_n += 1
                else:
                    data.update(audio=None, audio_sha256=None, audio_bytes=None)
                    missing.append(str(entry.id))
                entries_json.append(data)
                writer.writerow([_csv_value(data.get(c) if c != "audio" else data["audio"]) for c in CSV_COLUMNS])
                n += 1
                if progress:
                    progress(n, max(total, n))
            optional = _write_personal_sections(zf, diary)
            doc = {"format": FORMAT, "version": FORMAT_VERSION, "app_version": __version__,
                   "exported_at": datetime.now(UTC).isoformat(), "entry_count": n, "entries": entries_json,
                   "optional": optional}
            zf.writestr(ENTRIES_JSON, json.dumps(doc, ensure_ascii=False, indent=1))
            zf.writestr(ENTRIES_CSV, "\ufeff" + csv_buf.getvalue())
            zf.writestr("README.txt", _README.format(version=FORMAT_VERSION, n=n))
        _fsync(part)
        os.replace(part, target)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    return ExportReport(path=target, entries=n, audio_files=audio_n, bytes=target.stat().st_size,
                        seconds=time.perf_counter() - t0, missing_audio=missing)


def _copy_into_zip(zf: zipfile.ZipFile, source: Path, arcname: str) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with open(source, "rb") as src:  # opened first: a missing file never leaves a half member in the zip
        info = zipfile.ZipInfo(arcname, date_time=time.gmtime(os.fstat(src.fileno()).st_mtime)[:6])
        info.compress_type = zipfile.ZIP_STORED  # FLAC is compressed already
        with zf.open(info, "w", force_zip64=True) as dst:
            while chunk := src.read(1 << 20):
                digest.update(chunk)
                size += len(chunk)
                dst.write(chunk)
    return digest.hexdigest(), size


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


# -- import ------------------------------------------------------------------------------------------
def read_manifest(zf: zipfile.ZipFile) -> list[dict[str, Any]]:
    """The entries of an export, after checking that it is one and that this version can read it."""
    try:
        raw = zf.read(ENTRIES_JSON)
    except KeyError:
        raise BackupError(f"this zip is not a Sound Diary export: it has no {ENTRIES_JSON}") from None
    except (zipfile.BadZipFile, OSError, RuntimeError) as exc:  # RuntimeError: encrypted member
        raise BackupError(f"{ENTRIES_JSON} in the zip cannot be read ({exc})") from None
    try:
        doc = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BackupError(f"{ENTRIES_JSON} is damaged: not valid JSON ({exc})") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise BackupError(f"this zip is not a Sound Diary export ({ENTRIES_JSON} has no \"format\": \"{FORMAT}\")")
    version = doc.get("version")
    if not isinstance(version, int) or version < 1:
        raise BackupError(f"{ENTRIES_JSON} has no valid format version (got {version!r})")
    if version > FORMAT_VERSION:
        raise BackupError(f"this export was made by a newer Sound Diary (format version {version}; this version "
                          f"reads up to {FORMAT_VERSION}): update the app to import it")
    entries = doc.get("entries")
    if not isinstance(entries, list):
        raise BackupError(f"{ENTRIES_JSON} has no list of entries")
    if isinstance(doc.get("entry_count"), int) and doc["entry_count"] != len(entries):
        raise BackupError(f"{ENTRIES_JSON} is incomplete: it says {doc['entry_count']} entries but holds {len(entries)}")
    return entries


def import_diary(diary: Diary, source: str | Path, progress: Progress | None = None, *,
                 dry_run: bool = False) -> ImportReport:
    """Merge an export into ``diary`` by entry id; all or nothing (see the module docstring).

    ``dry_run`` checks the whole file (every recording's hash) and reports what would be added,
    without changing the diary.
    """
    t0 = time.perf_counter()
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"no file at {source}")
    try:
        zf = zipfile.ZipFile(source)
    except zipfile.BadZipFile:
        raise BackupError(f"{source.name} is not a zip file (or it is damaged)") from None
    with zf:
        raw_entries = read_manifest(zf)
        entries: list[tuple[Entry, str, str]] = []
        without_audio: list[uuid.UUID] = []
        seen: set[uuid.UUID] = set()
        for i, data in enumerate(raw_entries):
            entry = entry_from_dict(data, where=f"entry {i + 1} of {len(raw_entries)}")
            if entry.id in seen:
                raise BackupError(f"entry {i + 1}: id {entry.id} appears twice in the file")
            seen.add(entry.id)
            arcname, digest = data.get("audio"), data.get("audio_sha256")
            if arcname is None and "audio" in data:
                # exported without one (lost before the export): the diary keeps no entry without audio
                without_audio.append(entry.id)
                continue
            if not isinstance(arcname, str) or not isinstance(digest, str):
                raise BackupError(f"entry {i + 1} ({entry.id}) names no recording and no SHA-256 for it")
            entries.append((entry, arcname, digest))
        new = [t for t in entries if not _has(diary, t[0].id)]
        added_ids = [e.id for e, _, _ in new]  # before the insert expires the instances
        total = len(new)
        staging = Path(tempfile.mkdtemp(prefix=".import-", dir=diary.root))
        try:
            staged: list[tuple[Entry, Path]] = []
            for k, (entry, arcname, digest) in enumerate(new):
                staged.append((entry, _stage_audio(zf, arcname, digest, staging, entry)))
                if progress:
                    progress(k + 1, total)
            if not dry_run:
                _commit(diary, staged)
                _read_personal_sections(zf, diary, set(added_ids))
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return ImportReport(entries_in_file=len(entries) + len(without_audio), added=len(new),
                        already_present=len(entries) - len(new), seconds=time.perf_counter() - t0,
                        added_ids=added_ids, dry_run=dry_run, skipped_without_audio=without_audio)


def _has(diary: Diary, entry_id: uuid.UUID) -> bool:
    try:
        diary.get(entry_id)
    except EntryNotFound:
        return False
    return True


def _stage_audio(zf: zipfile.ZipFile, arcname: str, digest: str, staging: Path, entry: Entry) -> Path:
    target = staging / f"{entry.id}{AUDIO_SUFFIX}"
    h = hashlib.sha256()
    try:
        with zf.open(arcname) as src, open(target, "wb") as dst:
            while chunk := src.read(1 << 20):
                h.update(chunk)
                dst.write(chunk)
    except KeyError:
        raise BackupError(f"the recording of entry {entry.id} ({arcname}) is missing from the zip") from None
    except Exception as exc:  # noqa: BLE001 - BadZipFile, zlib.error, EOFError, a full disk: nothing is kept
        raise BackupError(f"the recording of entry {entry.id} ({arcname}) is damaged in the zip ({exc})") from None
    if h.hexdigest() != digest:
        raise BackupError(f"the recording of entry {entry.id} ({arcname}) is damaged: its SHA-256 does not match")
    return target


def _commit(diary: Diary, staged: list[tuple[Entry, Path]]) -> None:
    """Move the checked recordings in, then insert every row in one transaction; undo the moves on failure."""
    moved: list[Path] = []
    ids = [entry.id for entry, _ in staged]  # read before the insert expires the instances
    try:
        for entry, path in staged:
            target = diary.audio_path(entry.id)
            if target.exists():  # audio without a row: never overwrite a recording
                raise BackupError(f"the diary already has a recording named {target.name} without an entry; "
                                  "restart the app (it re-imports such recordings) and import again")
            _fsync(path)
            os.replace(path, target)
            moved.append(target)
        if staged:
            diary.add_entries(entry for entry, _ in staged)
    except BaseException:
        for target in moved:
            target.unlink(missing_ok=True)
        raise
    for entry_id in ids:
        diary._notify("created", entry_id)  # the GUI refreshes (debounced); the rows are committed


def _fsync(path: Path) -> None:
    with open(path, "rb") as fh:
        os.fsync(fh.fileno())


# -- optional sections (issue 16): what the analysis saw, and the correction log ----------------------
FEATURES_JSONL = "features.jsonl"
CORRECTIONS_JSON = "corrections.json"
#: versions of the optional sections; a reader skips a section whose version it does not know
PERSONAL_SECTIONS_VERSION = 1


def _write_personal_sections(zf: zipfile.ZipFile, diary: Diary) -> dict[str, Any]:
    """``features.jsonl`` (one stored feature row per line, data base64) and ``corrections.json``.

    Why in the backup although re-derivable: features come from re-running the encoder on every
    recording (minutes to hours for a long diary), and the correction times cannot be re-derived
    at all (the honest agreement measure needs them). Optional: a format-1 reader ignores them."""
    from diary_app.store.personal import PERSONAL_FOLDER, export_corrections, export_features_lines, read_reset_time

    n = 0
    with zf.open(FEATURES_JSONL, "w", force_zip64=True) as fh:
        for line in export_features_lines(diary):
            fh.write((json.dumps(line) + "\n").encode("utf-8"))
            n += 1
    corrections = export_corrections(diary)
    zf.writestr(CORRECTIONS_JSON, json.dumps(corrections, ensure_ascii=False, indent=1))
    out: dict[str, Any] = {"features": {"file": FEATURES_JSONL, "version": PERSONAL_SECTIONS_VERSION, "rows": n},
                           "corrections": {"file": CORRECTIONS_JSON, "version": PERSONAL_SECTIONS_VERSION, "rows": len(corrections)}}
    reset = read_reset_time(Path(diary.root) / PERSONAL_FOLDER)
    if reset is not None:  # the user's "Reset what it learnt": a restored diary must not learn the older corrections again
        out["personal_reset"] = {"version": PERSONAL_SECTIONS_VERSION, "at": reset.isoformat()}
    return out


def _read_personal_sections(zf: zipfile.ZipFile, diary: Diary, added: set[uuid.UUID]) -> None:
    """Restore the optional sections for the entries this import added (a merge keeps the diary's own).

    A damaged or unknown section is skipped with a log line: the entries and recordings are what
    matter, and the features can be recomputed by the backfill."""
    import logging

    from diary_app.store.personal import add_rows, correction_from_dict, features_row_from_dict

    log = logging.getLogger(__name__)
    try:
        doc = json.loads(zf.read(ENTRIES_JSON).decode("utf-8"))
    except Exception:  # noqa: BLE001 - read_manifest already checked it
        return
    optional = doc.get("optional") if isinstance(doc, dict) else None
    if not isinstance(optional, dict) or not added:
        return
    _adopt_reset(optional.get("personal_reset"), diary)
    for key, parse in (("features", features_row_from_dict), ("corrections", correction_from_dict)):
        sec = optional.get(key)
        if not isinstance(sec, dict) or sec.get("version") != PERSONAL_SECTIONS_VERSION:
            continue
        try:
            raw = zf.read(str(sec.get("file"))).decode("utf-8")
            items = [json.loads(line) for line in raw.splitlines() if line.strip()] if key == "features" else json.loads(raw)
            rows = [r for r in (parse(d) for d in items) if r.entry_id in added]
        except Exception as exc:  # noqa: BLE001
            log.warning("skipping the %s section of the import: %s", key, exc)
            continue
        add_rows(diary, rows)


def _adopt_reset(sec: Any, diary: Diary) -> None:
    """Carry the exported diary's Reset over when this diary has no corrections of its own (a restore):
    in a merge it would also hide the diary's own older corrections, so a merge keeps its own."""
    import logging

    from diary_app.store.personal import PERSONAL_FOLDER, correction_events, read_reset_time, write_reset_time

    if not isinstance(sec, dict) or sec.get("version") != PERSONAL_SECTIONS_VERSION:
        return
    try:
        at = datetime.fromisoformat(str(sec["at"]))
        if at.tzinfo is None:
            raise ValueError("no time zone")
        folder = Path(diary.root) / PERSONAL_FOLDER
        if correction_events(diary) or read_reset_time(folder) is not None:
            return
        write_reset_time(folder, at)
    except (KeyError, ValueError, OSError) as exc:
        logging.getLogger(__name__).warning("skipping the personal_reset section of the import: %s", exc)


# -- automatic backups ---------------------------------------------------------------------------------
def default_backup_folder() -> Path:
    from diary_app.paths import data_dir

    return data_dir() / "backups"


def backups_in(folder: str | Path) -> list[tuple[datetime, Path]]:
    """Our backups in ``folder``, oldest first (only files named ``sound-diary-backup-<time>.zip``)."""
    out: list[tuple[datetime, Path]] = []
    folder = Path(folder)
    if not folder.is_dir():
        return out
    for path in folder.glob(f"{BACKUP_PREFIX}*.zip"):
        stamp = path.name[len(BACKUP_PREFIX):-len(".zip")]
        try:
            when = datetime.strptime(stamp, BACKUP_TIME_FORMAT).replace(tzinfo=UTC)
        except ValueError:
            continue
        out.append((when, path))
    return sorted(out)


def last_backup(folder: str | Path) -> datetime | None:
    found = backups_in(folder)
    return found[-1][0] if found else None


def backup_due(folder: str | Path, interval_days: float, now: datetime | None = None) -> bool:
    now = now or datetime.now(UTC)
    last = last_backup(folder)
    return last is None or now - last >= timedelta(days=interval_days) or last > now + timedelta(days=1)


def make_backup(diary: Diary, folder: str | Path, keep: int, progress: Progress | None = None,
                now: datetime | None = None) -> ExportReport:
    """Write a new dated backup into ``folder``, then delete the oldest beyond ``keep``.

    Old backups go only after the new one is complete, so there is always at least one.
    """
    if keep < 1:
        raise ValueError(f"keep at least one backup (got {keep})")
    now = now or datetime.now(UTC)
    folder = Path(folder)
    target = folder / f"{BACKUP_PREFIX}{now.astimezone(UTC).strftime(BACKUP_TIME_FORMAT)}.zip"
    report = export_diary(diary, target, progress)
    for _when, old in backups_in(folder)[:-keep]:
        old.unlink(missing_ok=True)
    for stale in folder.glob(f"{BACKUP_PREFIX}*.zip.part"):  # a backup the app was closed during
        if stale.name != target.name + ".part":
            stale.unlink(missing_ok=True)
    return report


def auto_backup_if_due(diary: Diary, folder: str | Path, interval_days: float, keep: int,
                       now: datetime | None = None) -> ExportReport | None:
    """The start-up check: back up when the last backup is older than the interval (an empty diary never)."""
    if diary.count() == 0 or not backup_due(folder, interval_days, now):
        return None
    return make_backup(diary, folder, keep, now=now)


_README = """Sound Diary export (format sound-diary-export, version {version}), {n} entries.

entries.json  every entry with all its fields (documented in the Sound Diary README,
              section "Export and backup format")
entries.csv   the same entries as a spreadsheet (UTF-8)
audio/        one FLAC recording per entry, named after the entry id

features.jsonl, corrections.json  what the analysis saw and when you corrected a tag
              (used only by the personal layer; optional)

Import it with "diary-app import FILE.zip" or Settings -> Backup -> Import.
"""
