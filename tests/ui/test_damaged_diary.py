"""A damaged or read-only diary at start (issue 15, item 2): a dialog with the safe choices.

Each variant goes through the code the app runs at start (``ui.startup.open_diary_for_gui``) with
the real dialog, offscreen; a timer clicks the button a user would. Before, ``Diary()`` raised and
the GUI ended with a traceback and no window (only ``SchemaTooNew`` was caught).
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from diary_app.store import Diary, DiaryReadOnly
from diary_app.store.health import Damage, Option, check_diary
from diary_app.ui.startup import DiaryProblemDialog, open_diary_for_gui, show_recovery_report
from tests.diary_fault_helpers import fill_with_edits, remount, small_disk, user_fields

pytest.importorskip("pytestqt")
ROOT = Path(__file__).resolve().parents[2]


def _diary_with_entries(root: Path, src: Path, count: int = 12) -> dict:
    diary = Diary(root)
    before = fill_with_edits(diary, count, src)
    diary.close()
    return before


def _damage(root: Path, variant: str) -> None:
    db = root / "diary.sqlite3"
    good = db.read_bytes()
    for extra in ("-wal", "-shm"):
        (root / f"diary.sqlite3{extra}").unlink(missing_ok=True)
    db.write_bytes({
        "garbage": os.urandom(8192),
        "half_header": good[:60],
        "text_file": b"Shopping list\n- milk\n- eggs\n" * 20,
        "broken_pages": good[:100] + b"\xff" * (len(good) - 100),
    }[variant])


def _click_when_shown(option: Option, seen: list) -> None:
    """Click ``option`` in the dialog as soon as it is shown; remember what it said."""

    def poll() -> None:
        for w in QApplication.topLevelWidgets():
            if isinstance(w, DiaryProblemDialog) and w.isVisible():
                seen.append((w.text(), w.informativeText(), list(w.option_buttons)))
                w.option_buttons[option].click()
                return
        QTimer.singleShot(20, poll)

    QTimer.singleShot(0, poll)


def _snapshot(root: Path) -> dict[str, bytes]:
    """Every file's bytes; SQLite's own ``-shm`` index (made by any reader of a WAL database) aside,
    and an empty ``-wal`` counts as no ``-wal``."""
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and not p.name.endswith("-shm") and not (p.name.endswith("-wal") and p.stat().st_size == 0)}


EXPECTED = {"garbage": Damage.NOT_A_DATABASE, "half_header": Damage.TRUNCATED, "text_file": Damage.TEXT_FILE,
            "broken_pages": Damage.CORRUPT}


@pytest.mark.parametrize("variant", list(EXPECTED))
def test_damaged_database_gives_a_dialog_and_rebuild_keeps_the_edits(variant, qtbot, tmp_path):
    root = tmp_path / "diary"
    before = _diary_with_entries(root, tmp_path / "src")
    _damage(root, variant)
    damaged_bytes = (root / "diary.sqlite3").read_bytes()
    check = check_diary(root)
    assert check.damage is EXPECTED[variant]
    assert Option.REBUILD in check.options and Option.QUIT in check.options and check.recordings == 12

    seen: list = []
    _click_when_shown(Option.QUIT, seen)  # first the user quits: nothing may change
    files = _snapshot(root)
    assert open_diary_for_gui(root) == (None, None)
    assert _snapshot(root) == files, "quitting deletes and changes nothing"
    headline, info, options = seen[0]
    assert headline and "Traceback" not in headline + info
    assert "Rebuild from the recordings" in info and "12 recording(s)" in info and "Nothing is deleted" in info
    assert options == check.options

    _click_when_shown(Option.REBUILD, seen)  # then rebuilds
    diary, report = open_diary_for_gui(root)
    assert diary is not None and len(report.reimported) == 12
    assert {e.id: user_fields(e) for e in diary.query(limit=50).items} == before
    aside = [p for p in root.glob("diary.sqlite3.damaged-*") if not p.name.endswith(("-wal", "-shm"))]
    assert [p.read_bytes() for p in aside] == [damaged_bytes], "the damaged file is kept beside"
    diary.close()


def test_last_good_backup_is_offered_and_newer_recordings_come_back(qtbot, tmp_path):
    root = tmp_path / "diary"
    _diary_with_entries(root, tmp_path / "src", count=6)
    (root / "backups").mkdir()
    src = sqlite3.connect(root / "diary.sqlite3")
    dst = sqlite3.connect(root / "backups" / "diary-2026-06-01.sqlite3")
    src.backup(dst)  # an online backup of the six entries
    src.close()
    dst.close()
    diary = Diary(root)
    first = diary.query(limit=1).items[0]
    diary.edit(first.id, note="edited after the backup")  # rows change after the backup ...
    newer = diary.create_entry(tmp_path / "src" / "tone.flac", move=False)  # ... and one more recording
    diary.edit(newer.id, note="recorded after the backup", user_emotion="surprise")
    diary.close()
    _damage(root, "garbage")

    check = check_diary(root)
    assert check.options[0] is Option.OPEN_BACKUP and check.backup.name == "diary-2026-06-01.sqlite3"
    seen: list = []
    _click_when_shown(Option.OPEN_BACKUP, seen)
    diary, report = open_diary_for_gui(root)
    assert "diary-2026-06-01.sqlite3" in seen[0][1]
    assert diary.count() == 7 and report.reimported == [newer.id]
    assert diary.get(first.id).note == "edited after the backup", "edits after the backup come from the sidecar"
    assert diary.get(newer.id).note == "recorded after the backup" and diary.get(newer.id).emotion == "surprise"
    diary.close()


def test_read_only_folder_opens_read_only_and_refuses_changes(qtbot, tmp_path):
    with small_disk(tmp_path / "disk", "20m") as disk:
        root = disk / "diary"
        before = _diary_with_entries(root, tmp_path / "src", count=5)
        remount(disk, "ro")
        try:
            check = check_diary(root)
            assert check.damage is Damage.READ_ONLY and check.options == [Option.READ_ONLY, Option.QUIT]
            seen: list = []
            _click_when_shown(Option.READ_ONLY, seen)
            diary, _report = open_diary_for_gui(root)
            assert "read-only" in seen[0][0] or "cannot be written" in seen[0][0]
            assert diary.read_only and {e.id: user_fields(e) for e in diary.query(limit=10).items} == before
            assert diary.recover().reimported == []
            with pytest.raises(DiaryReadOnly, match="read-only"):
                diary.edit(next(iter(before)), note="x")
            diary.close()
        finally:
            remount(disk, "rw")


def test_unexpected_open_failure_still_gives_the_dialog(qtbot, tmp_path, monkeypatch):
    import diary_app.ui.startup as startup

    root = tmp_path / "diary"
    Diary(root).close()

    def broken(*_a, **_k):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(startup, "Diary", broken)
    seen: list = []
    _click_when_shown(Option.QUIT, seen)
    assert open_diary_for_gui(root) == (None, None)
    assert "disk I/O error" not in seen[0][0] and seen[0][2] == [Option.REBUILD, Option.QUIT]


def test_a_recording_deleted_behind_the_apps_back_is_shown(qtbot, tmp_path):
    root = tmp_path / "diary"
    diary = Diary(root)
    fill_with_edits(diary, 3, tmp_path / "src")
    victim = diary.query(limit=1).items[0]
    diary.close()
    diary_audio = root / "audio" / f"{victim.id}.flac"
    diary_audio.unlink()
    diary, report = open_diary_for_gui(root)
    assert report.missing_audio == [victim.id]
    box = show_recovery_report(None, diary, report)
    assert box is not None and box.isVisible()
    assert "1 entry(ies) lost their recording" in box.text() and "deleted outside Sound Diary" in box.text()
    box.close()
    diary.close()


@pytest.mark.slow
def test_the_app_starts_into_the_dialog_instead_of_a_traceback(tmp_path):
    """The real app on a garbage database: it waits in the dialog (before: a traceback, exit 1)."""
    data = tmp_path / "data"
    data.mkdir()
    (data / "diary.sqlite3").write_bytes(os.urandom(4096))
    env = dict(os.environ, PYTHONPATH=str(ROOT), SOUND_DIARY_DATA_DIR=str(data),
               SOUND_DIARY_CONFIG_DIR=str(data / "config"), QT_QPA_PLATFORM="offscreen")
    app = subprocess.Popen([sys.executable, "-m", "diary_app"], env=env, cwd=ROOT, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 8
        while time.monotonic() < deadline and app.poll() is None:
            time.sleep(0.2)
        alive = app.poll() is None
    finally:
        app.kill()
        out, _ = app.communicate(timeout=10)
    assert alive, f"the app ended at start:\n{out[-3000:]}"
    assert "Traceback" not in out, out[-3000:]
    assert (data / "diary.sqlite3").exists(), "nothing deleted without asking"


def test_a_diary_from_a_newer_release_is_refused_with_only_quit(qtbot, tmp_path):
    root = tmp_path / "diary"
    _diary_with_entries(root, tmp_path / "src", count=2)
    conn = sqlite3.connect(root / "diary.sqlite3")
    conn.execute("UPDATE schema_version SET version = 99")
    conn.commit()
    conn.close()
    files = _snapshot(root)
    seen: list = []
    _click_when_shown(Option.QUIT, seen)
    assert open_diary_for_gui(root) == (None, None)
    assert "newer Sound Diary" in seen[0][0] and seen[0][2] == [Option.QUIT]
    assert _snapshot(root) == files
