"""A full or read-only disk (issue 15, item 4): one clear message, and what was recorded is kept.

Runs on a real 5 MB tmpfs (root only; skipped with the reason where mounting is not allowed).
Before: ``Recorder.stop()`` raised ``OSError: [Errno 28]`` writing its status file (the recording
was neither saved nor analysed and the user saw nothing), a failed save said only
``LibsndfileError: System error.``, a read-only folder raised a raw ``OSError`` and a delete on a
full disk a raw ``OperationalError``.
"""

from __future__ import annotations

import time
from functools import partial
from pathlib import Path

import pytest
import soundfile as sf

from diary_app.audio.input_stream import FileInputStream
from diary_app.audio.recorder import END_DEVICE_ERROR, Recorder, RecorderError
from diary_app.audio.recovery import find_unfinished_recordings, import_recording
from diary_app.settings import Settings
from diary_app.store import Diary, DiskFull
from tests.diary_fault_helpers import fill_disk, remount, short_flac, small_disk


def _record(folder: Path, clip: Path, max_s: float = 5.0):
    rec = Recorder(Settings(max_record_s=max_s), stream_factory=partial(FileInputStream, clip, speed=0), folder=folder)
    rec.start()
    t0 = time.monotonic()
    while not rec.should_stop:
        assert time.monotonic() - t0 < 20
        time.sleep(0.005)
    return rec.stop()


def _no_raw_error(text: str) -> None:
    for raw in ("Errno", "LibsndfileError", "OperationalError", "System error"):
        assert raw not in text, text


def test_disk_full_while_recording_keeps_the_audio_and_says_so(tmp_path, speech_clip):
    with small_disk(tmp_path / "disk") as disk:
        diary = Diary(disk)
        filler = fill_disk(disk, leave_bytes=40_000)  # about one second of 16 kHz PCM-16
        result = _record(disk, speech_clip)  # must not raise
        assert result.disk_full and result.end_reason == END_DEVICE_ERROR and result.error == "the disk is full"
        wave, rate = sf.read(str(result.path), dtype="float32")
        assert rate == 16_000 and 0.3 * 16_000 < wave.size == result.frames, "what fitted on the disk is kept"

        with pytest.raises(DiskFull) as failed:  # no room for the FLAC either: a sentence, the WAV stays
            import_recording(diary, result)
        _no_raw_error(str(failed.value))
        assert "disk is full" in str(failed.value) and result.path.exists()
        assert diary.count() == 0 and not list(diary.audio_folder.glob("*.part"))

        filler.unlink()  # the user frees space; the next start offers the recording
        found = find_unfinished_recordings(disk)
        assert [r.id for r in found] == [result.id]
        entry = import_recording(diary, found[0])
        assert abs(entry.duration_s - result.duration_s) < 0.01 and diary.audio_path(entry).is_file()
        diary.close()


def test_read_only_recordings_folder_is_a_recorder_error(tmp_path, speech_clip):
    with small_disk(tmp_path / "disk") as disk:
        (disk / "recordings").mkdir()
        remount(disk, "ro")
        try:
            rec = Recorder(Settings(), stream_factory=partial(FileInputStream, speech_clip, speed=0), folder=disk)
            with pytest.raises(RecorderError, match="read-only") as failed:
                rec.start()
            _no_raw_error(str(failed.value))
            assert not rec.recording
        finally:
            remount(disk, "rw")


def test_delete_and_edit_on_a_full_disk_give_a_clear_message_and_keep_the_entry(tmp_path):
    with small_disk(tmp_path / "disk") as disk:
        diary = Diary(disk / "diary")
        entries = [diary.create_entry(short_flac(tmp_path / "src"), move=False) for _ in range(3)]
        diary.edit(entries[0].id, note="keep me")
        filler = fill_disk(disk)
        failed = None
        for entry in entries:  # SQLite may still find room in a WAL page: go on until a write fails
            try:
                diary.delete(entry.id)
            except DiskFull as exc:
                failed = exc
                break
        assert failed is not None, "the full disk never refused a delete"
        _no_raw_error(str(failed))
        assert "disk is full" in str(failed) and "kept" in str(failed)
        left = {e.id for e in diary.query(limit=10).items}
        assert all(diary.audio_path(i).is_file() for i in left), "a refused delete keeps the audio"
        assert not list(diary.audio_folder.glob("*.trash"))
        if left:
            with pytest.raises(DiskFull):
                diary.edit(next(iter(left)), note="x" * 200_000)
        filler.unlink()
        for i in left:
            diary.delete(i)
        assert diary.count() == 0
        diary.close()


def test_record_page_says_disk_full_once_in_words(qtbot, tmp_path, speech_clip, monkeypatch):
    pytest.importorskip("pytestqt")
    from diary_app.ui.context import AppContext
    from diary_app.ui.pages.record import RecordPage

    with small_disk(tmp_path / "disk") as disk:
        monkeypatch.setenv("SOUND_DIARY_DATA_DIR", str(disk))
        monkeypatch.setenv("SOUND_DIARY_ANALYSIS_IN_PROCESS", "1")
        diary = Diary(disk)
        ctx = AppContext(diary=diary, settings=Settings(max_record_s=5))
        page = RecordPage(ctx, analyzer_factory=lambda s: pytest.fail("nothing to analyse"),
                          stream_factory=partial(FileInputStream, speech_clip, speed=0))
        qtbot.addWidget(page)
        fill_disk(disk, leave_bytes=40_000)
        with qtbot.waitSignal(page.worker.save_failed, timeout=20_000):
            assert page.start_recording()
            qtbot.waitUntil(lambda: not page.is_recording, timeout=20_000)
        qtbot.wait(50)
        text = page.message_label.text()
        _no_raw_error(text)
        assert "The disk is full" in text and "was kept" in text and "next start" in text
        assert list((disk / "recordings").glob("*.wav")), "the recording is kept for the next start"
        page.shutdown()
        diary.close()
