"""Export / import / automatic backups (issue 13, item 1) on real diaries: SQLite files, FLACs, zips."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import subprocess
import sys
import uuid
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from diary_app.store import Diary
from diary_app.store.backup import (
    FORMAT_VERSION,
    BackupError,
    auto_backup_if_due,
    backups_in,
    entry_to_dict,
    export_diary,
    import_diary,
    iter_entries,
    make_backup,
)
from diary_app.store.demo import fill_demo_diary

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def _snapshot(diary: Diary) -> dict[str, tuple[dict, str]]:
    """Every row (all columns) and the SHA-256 of its recording, by id."""
    out = {}
    for e in iter_entries(diary):
        out[str(e.id)] = (entry_to_dict(e), hashlib.sha256(diary.audio_path(e).read_bytes()).hexdigest())
    return out


def _audio_files(diary: Diary) -> set[str]:
    return {p.name for p in diary.audio_folder.iterdir()}


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """A generated diary of 300 entries (corrected tags, notes, places, public flags), its export and snapshot."""
    root = tmp_path_factory.mktemp("demo")
    diary = Diary(root / "diary")
    fill_demo_diary(diary, 300, 120, with_audio=6, seed=11, now=NOW)
    # a few edits through the public API so updated_at, notes and Korean text differ from the generated ones
    first = next(iter_entries(diary))
    diary.set_note(first.id, "한강 산책, 비 ☔ \"quoted\", comma")
    diary.set_user_emotion(first.id, "surprise")
    diary.set_public(first.id, True)
    snap = _snapshot(diary)
    zip_path = root / "export.zip"
    report = export_diary(diary, zip_path)
    diary.close()
    return {"root": root, "zip": zip_path, "snap": snap, "report": report}


def test_export_then_import_into_an_empty_diary_restores_every_entry_and_recording(demo, tmp_path):
    snap = demo["snap"]
    assert demo["report"].entries == 300 and demo["report"].audio_files == 300
    # the demo covers what must survive: corrected tags, failed analyses, places, public flags, notes
    rows = [r for r, _ in snap.values()]
    assert sum(r["user_emotion"] is not None for r in rows) >= 10
    assert sum(r["latitude"] is not None for r in rows) == 120
    assert 10 <= sum(r["is_public"] for r in rows) < 300
    assert any(r["analysis_state"] == "failed" for r in rows)
    fresh = Diary(tmp_path / "restored")
    report = import_diary(fresh, demo["zip"])
    assert (report.added, report.already_present) == (300, 0)
    assert _snapshot(fresh) == snap  # ids, times (to the microsecond), every field, audio bytes
    assert fresh.recover().reimported == [] and fresh.recover().missing_audio == []
    assert not [p for p in fresh.root.iterdir() if p.name.startswith(".import-")]  # staging cleaned up
    fresh.close()


def test_zip_holds_flac_as_stored_a_versioned_json_and_a_spreadsheet(demo):
    with zipfile.ZipFile(demo["zip"]) as zf:
        doc = json.loads(zf.read("entries.json"))
        assert doc["format"] == "sound-diary-export" and doc["version"] == FORMAT_VERSION
        assert doc["entry_count"] == 300 == len(doc["entries"])
        one = doc["entries"][0]
        assert zf.getinfo(one["audio"]).compress_type == zipfile.ZIP_STORED
        assert hashlib.sha256(zf.read(one["audio"])).hexdigest() == demo["snap"][one["id"]][1]
        text = zf.read("entries.csv").decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 300
    korean = [r for r in rows if r["note"].startswith("한강")]
    assert korean and korean[0]["note"] == "한강 산책, 비 ☔ \"quoted\", comma" and korean[0]["is_public"] == "true"


@pytest.mark.slow
def test_import_into_a_non_empty_diary_merges_by_id_without_duplicates(demo, tmp_path):
    diary = Diary(tmp_path / "mine")
    fill_demo_diary(diary, 40, 10, with_audio=2, seed=99, now=NOW)
    own = _snapshot(diary)
    assert not set(own) & set(demo["snap"])
    first = import_diary(diary, demo["zip"])
    assert (first.added, first.already_present) == (300, 0)
    some_id = next(iter(demo["snap"]))
    diary.set_note(some_id, "edited after the restore")
    again = import_diary(diary, demo["zip"])
    assert (again.added, again.already_present) == (0, 300)
    assert diary.count() == 340
    assert diary.get(some_id).note == "edited after the restore"  # the diary's version is kept
    snap = _snapshot(diary)
    assert all(snap[k] == v for k, v in own.items())
    diary.close()


def _assert_refused_and_unchanged(diary: Diary, path: Path, message: str) -> None:
    before, files = _snapshot(diary), _audio_files(diary)
    with pytest.raises(BackupError, match=message):
        import_diary(diary, path)
    assert _snapshot(diary) == before and _audio_files(diary) == files
    assert not [p for p in diary.root.iterdir() if p.name.startswith(".import-")]


def test_corrupt_or_foreign_files_give_a_clear_error_and_change_nothing(demo, tmp_path):
    diary = Diary(tmp_path / "d")
    fill_demo_diary(diary, 5, 1, with_audio=1, seed=3, now=NOW)
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"definitely not a zip" * 100)
    _assert_refused_and_unchanged(diary, junk, "not a zip file")
    foreign = tmp_path / "photos.zip"
    with zipfile.ZipFile(foreign, "w") as zf:
        zf.writestr("holiday.jpg", b"\xff\xd8" + b"0" * 100)
    _assert_refused_and_unchanged(diary, foreign, "not a Sound Diary export")
    truncated = tmp_path / "truncated.zip"
    truncated.write_bytes(demo["zip"].read_bytes()[: demo["zip"].stat().st_size // 2])
    _assert_refused_and_unchanged(diary, truncated, "not a zip file")

    # one recording damaged near the end of the file: the first 299 must not be added either
    with zipfile.ZipFile(demo["zip"]) as src:
        doc = json.loads(src.read("entries.json"))
        last = doc["entries"][-1]["audio"]
        damaged = tmp_path / "damaged.zip"
        with zipfile.ZipFile(damaged, "w") as dst:
            for info in src.infolist():
                data = src.read(info.filename)
                if info.filename == last:
                    data = data[:100] + bytes(b ^ 0xFF for b in data[100:200]) + data[200:]
                dst.writestr(info, data)
    _assert_refused_and_unchanged(diary, damaged, "does not match")

    def rewritten(name: str, change) -> Path:
        out = tmp_path / name
        with zipfile.ZipFile(demo["zip"]) as src, zipfile.ZipFile(out, "w") as dst:
            for info in src.infolist():
                data = src.read(info.filename)
                if info.filename == "entries.json":
                    d = json.loads(data)
                    change(d)
                    data = json.dumps(d).encode()
                dst.writestr(info, data)
        return out

    _assert_refused_and_unchanged(diary, rewritten("newer.zip", lambda d: d.update(version=FORMAT_VERSION + 1)),
                                  "newer Sound Diary")
    _assert_refused_and_unchanged(diary, rewritten("badtime.zip", lambda d: d["entries"][7].update(created_at="yesterday")),
                                  "entry 8 of 300.*created_at")
    _assert_refused_and_unchanged(diary, rewritten("noaudio.zip", lambda d: d["entries"][3].update(audio="audio/nope.flac")),
                                  "missing from the zip")
    diary.close()


def test_automatic_backups_run_when_due_and_keep_the_newest(tmp_path):
    diary = Diary(tmp_path / "d")
    folder = tmp_path / "backups"
    assert auto_backup_if_due(diary, folder, 7, keep=2, now=NOW) is None  # empty diary: nothing to keep
    fill_demo_diary(diary, 8, 2, with_audio=1, seed=5, now=NOW)
    made = []
    for day in range(30):
        r = auto_backup_if_due(diary, folder, 7, keep=2, now=NOW + timedelta(days=day))
        if r is not None:
            made.append(day)
    assert made == [0, 7, 14, 21, 28]
    kept = backups_in(folder)
    assert [w for w, _ in kept] == [NOW + timedelta(days=21), NOW + timedelta(days=28)]
    (folder / "my-own-file.zip").write_bytes(b"x")  # never touched by the rotation
    make_backup(diary, folder, keep=1, now=NOW + timedelta(days=40))
    assert len(backups_in(folder)) == 1 and (folder / "my-own-file.zip").exists()
    restored = Diary(tmp_path / "r")
    assert import_diary(restored, backups_in(folder)[0][1]).added == 8
    diary.close()
    restored.close()


def _cli(*args: str, data_dir: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "diary_app", *args, "--data-dir", str(data_dir)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.slow
def test_cli_export_and_import(demo, tmp_path):
    out = tmp_path / "again.zip"
    r = _cli("export", str(out), data_dir=demo["root"] / "diary")
    assert r.returncode == 0, r.stderr
    assert "exported 300 entries" in r.stdout
    r = _cli("import", str(out), "--dry-run", data_dir=tmp_path / "new")
    assert r.returncode == 0 and "would add 300" in r.stdout
    assert Diary(tmp_path / "new").count() == 0
    r = _cli("import", str(out), data_dir=tmp_path / "new")
    assert r.returncode == 0 and "added 300, 0 already" in r.stdout, r.stderr
    junk = tmp_path / "x.zip"
    junk.write_text("no")
    r = _cli("import", str(junk), data_dir=tmp_path / "new")
    assert r.returncode == 1 and "not a zip file" in r.stderr and "not changed" in r.stderr


def test_an_export_while_the_diary_changes_holds_the_diary_as_it_was_and_still_imports(tmp_path, monkeypatch):
    """The automatic backup runs while the user works: deleting entries mid-export must not skip others."""
    from diary_app.store import backup

    monkeypatch.setattr(backup, "EXPORT_BATCH", 7)  # many fetches, as with a diary of thousands
    diary = Diary(tmp_path / "busy")
    fill_demo_diary(diary, 120, 20, with_audio=3, seed=21, now=NOW)
    before = _snapshot(diary)
    order = [str(e.id) for e in iter_entries(diary)]
    deleted = []

    def progress(done: int, _total: int) -> None:
        if done == 60:  # one entry already in the zip, one not yet written
            for victim in (order[10], order[90]):
                diary.delete(victim)
                deleted.append(victim)

    report = export_diary(diary, tmp_path / "busy.zip", progress)
    assert report.entries == 120 and report.missing_audio == [order[90]]
    with zipfile.ZipFile(tmp_path / "busy.zip") as zf:
        ids = [e["id"] for e in json.loads(zf.read("entries.json"))["entries"]]
    assert ids == order  # none skipped, none repeated
    restored = Diary(tmp_path / "restored")
    result = import_diary(restored, tmp_path / "busy.zip")
    assert result.skipped_without_audio == [uuid.UUID(order[90])]
    assert result.added == 119
    expected = {k: v for k, v in before.items() if k != order[90]}
    assert _snapshot(restored) == expected
    diary.close()
    restored.close()
