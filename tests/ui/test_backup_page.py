"""Settings → Backup (issue 13, item 1): export / import / back up now on a worker thread, and the
automatic backup at start. Real diaries and zips; only the file dialogs are skipped (paths are given)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

pytest.importorskip("pytestqt")

from diary_app.settings import Settings
from diary_app.store import Diary
from diary_app.store.backup import backups_in
from diary_app.store.demo import fill_demo_diary
from diary_app.ui.context import AppContext
from diary_app.ui.pages.backup import BackupBox, start_auto_backup

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


@pytest.fixture()
def filled(tmp_path):
    diary = Diary(tmp_path / "mine")
    fill_demo_diary(diary, 30, 10, with_audio=2, seed=4, now=NOW)
    yield diary
    diary.close()


def _box(qtbot, diary, settings=None) -> BackupBox:
    box = BackupBox(AppContext(diary=diary, settings=settings or Settings()))
    qtbot.addWidget(box)
    return box


def test_export_then_import_through_the_page_with_progress_and_refresh(qtbot, filled, tmp_path):
    box = _box(qtbot, filled)
    target = tmp_path / "out.zip"
    with qtbot.waitSignal(box.finished, timeout=60_000) as sig:
        box.export_to(target)
        assert box.busy and not box.export_button.isEnabled() and not box.progress.isHidden()
    assert sig.args[0] == "exported" and "entries: 30" in sig.args[1] and target.is_file()
    assert box.export_button.isEnabled() and box.progress.isHidden()

    other = Diary(tmp_path / "other")
    ctx = AppContext(diary=other, settings=Settings())
    created = []
    ctx.events.entry_changed.connect(lambda action, _id: created.append(action))
    box2 = BackupBox(ctx)
    qtbot.addWidget(box2)
    with qtbot.waitSignal(box2.finished, timeout=60_000) as sig:
        box2.import_from(target)
    assert sig.args[0] == "imported" and "New entries added: 30;" in box2.status.text()
    assert other.count() == 30
    qtbot.waitUntil(lambda: len(created) == 30)  # the diary views refresh (debounced) from these
    other.close()


def test_a_foreign_file_is_refused_with_a_sentence_and_nothing_changes(qtbot, filled, tmp_path):
    box = _box(qtbot, filled)
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"PK but not really")
    with qtbot.waitSignal(box.finished, timeout=30_000) as sig:
        box.import_from(junk)
    assert sig.args[0] == "failed"
    assert "not a zip file" in box.status.text() and "The diary was not changed." in box.status.text()
    assert filled.count() == 30


def test_back_up_now_writes_into_the_chosen_folder_and_rotates(qtbot, filled, tmp_path):
    settings = Settings(backup_folder=str(tmp_path / "usb"), backup_keep=1)
    box = _box(qtbot, filled, settings)
    assert box.folder_label.text() == str(tmp_path / "usb") and box.status.text() == "No backup yet."
    for _ in range(2):
        with qtbot.waitSignal(box.finished, timeout=60_000):
            box.backup_now()
        qtbot.wait(1100)  # backups are named to the second
    assert len(backups_in(tmp_path / "usb")) == 1
    box.refresh_status()
    assert box.status.text().startswith("Last backup: ")


def test_automatic_backup_at_start_runs_off_the_gui_thread_only_when_due(qtbot, filled, tmp_path):
    from PySide6.QtCore import QThreadPool
    from PySide6.QtWidgets import QMainWindow

    settings = Settings(backup_folder=str(tmp_path / "auto"), backup_interval_days=7)
    ctx = AppContext(diary=filled, settings=settings)
    window = QMainWindow()
    qtbot.addWidget(window)
    holder = start_auto_backup(window, ctx, delay_ms=0)
    qtbot.waitUntil(lambda: len(backups_in(tmp_path / "auto")) == 1, timeout=60_000)
    qtbot.waitUntil(lambda: "(entries: 30)" in window.statusBar().currentMessage(), timeout=10_000)
    assert holder.call is not None
    second = start_auto_backup(window, ctx, delay_ms=0)  # a week has not passed: nothing new
    qtbot.waitUntil(lambda: second.call is not None)
    qtbot.waitUntil(lambda: QThreadPool.globalInstance().activeThreadCount() == 0, timeout=30_000)
    assert len(backups_in(tmp_path / "auto")) == 1
    settings.backup_enabled = False
    third = start_auto_backup(window, ctx, delay_ms=0)
    qtbot.wait(100)
    assert third.call is None


def test_settings_page_hosts_the_backup_box(qtbot, tmp_path):
    from diary_app.ui.pages.settings import SettingsPage

    page = SettingsPage(AppContext(diary=Diary(tmp_path / "d"), settings=Settings()))
    qtbot.addWidget(page)
    assert page.backup_box.title() == "Backup"
    assert page.backup_box.interval.currentData() == 7 and page.backup_box.auto.isChecked()
    page.backup_box.keep.setValue(5)
    assert Settings.load().backup_keep == 5
