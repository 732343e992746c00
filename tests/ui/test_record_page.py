"""The record page end to end (offscreen): the file-backed "microphone" → real Analyzer → review → diary.

The analysis uses the real ``Analyzer`` with the tiny models of ``tests/helpers_models.py``
(random weights: the tag itself is arbitrary, the flow is what is tested).
"""

from __future__ import annotations

from functools import partial

import pytest
from PySide6.QtCore import Qt

from diary_app.audio.input_stream import FileInputStream, list_input_devices
from diary_app.audio.recorder import Recorder, recordings_dir
from diary_app.emotions import EMOTIONS
from diary_app.settings import Settings
from diary_app.store import AnalysisState, Diary, EntryNotFound
from diary_app.ui.context import AppContext

pytest.importorskip("pytestqt")
ANALYSIS_TIMEOUT_MS = 240_000  # the first analysis imports torch (+ the speech detector) in a child process


@pytest.fixture(scope="session")
def tiny_models(tmp_path_factory):
    from tests.helpers_models import build_tiny_cnn, build_tiny_wavlm

    root = tmp_path_factory.mktemp("tiny_models")
    return build_tiny_wavlm(root / "tiny-ser"), build_tiny_cnn(root / "tiny-scene")


@pytest.fixture
def ctx(tiny_models, monkeypatch, speech_clip):
    monkeypatch.setenv("SOUND_DIARY_INPUT_FILE", str(speech_clip))
    monkeypatch.setenv("SOUND_DIARY_INPUT_SPEED", "0")
    speech, scene = tiny_models
    settings = Settings(speech_model=str(speech), scene_model=str(scene))
    context = AppContext(diary=Diary(), settings=settings)
    yield context
    context.diary.close()


@pytest.fixture
def page(qtbot, ctx):
    from diary_app.ui.pages.record import RecordPage

    p = RecordPage(ctx)
    qtbot.addWidget(p)
    p.resize(900, 800)
    p.show()
    qtbot.waitExposed(p)
    yield p
    p.shutdown()


def _record(qtbot, page) -> str:
    with qtbot.waitSignal(page.recording_saved, timeout=20_000) as saved:
        assert page.start_recording()
    return saved.args[0]


def _wait_analysis(qtbot, page, entry_id: str) -> None:
    qtbot.waitUntil(lambda: page.ctx.diary.get(entry_id).analysis_state != AnalysisState.PENDING,
                    timeout=ANALYSIS_TIMEOUT_MS)
    qtbot.waitUntil(lambda: not page.review.busy.isVisible(), timeout=5_000)


def test_record_analyse_correct_save(qtbot, page, speech_clip):
    diary = page.ctx.diary
    entry_id = _record(qtbot, page)
    # saved at once, before the analysis: state "analysing" with a busy indicator
    assert diary.count() == 1
    assert page.review.isVisible()
    assert diary.audio_path(entry_id).exists()
    assert page.review.player.time_label.text() == "00:00 / 00:02"
    qtbot.mouseClick(page.review.player.play_button, Qt.MouseButton.LeftButton)
    assert page.review.player.source_path() == diary.audio_path(entry_id)
    assert list(recordings_dir().glob("*")) == [], "the recording moved into the diary"

    _wait_analysis(qtbot, page, entry_id)
    entry = diary.get(entry_id)
    assert entry.analysis_state == AnalysisState.DONE, entry.analysis_error
    assert entry.auto_emotion in EMOTIONS and entry.branch in ("speech", "environment")
    assert page.review.chip.emotion == entry.auto_emotion
    assert page.review.confidence_label.text().endswith("%")
    assert page.review.alternatives_label.text()
    assert page.review.picker.emotion() == entry.auto_emotion

    other = next(e for e in EMOTIONS if e != entry.auto_emotion)
    qtbot.mouseClick(page.review.picker.buttons[other], Qt.MouseButton.LeftButton)
    page.review.note.setPlainText("the tram was late again")
    assert not page.review.public_box.isChecked() and not page.review.location_box.isChecked()
    qtbot.mouseClick(page.review.public_box, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(page.review.saved, timeout=5_000):
        qtbot.mouseClick(page.review.save_button, Qt.MouseButton.LeftButton)

    saved = Diary(diary.root).get(entry_id)  # a fresh connection: really on disk
    assert (saved.user_emotion, saved.emotion, saved.auto_emotion) == (other, other, entry.auto_emotion)
    assert saved.note == "the tram was late again" and saved.is_public
    assert not saved.has_location, "location is never stored when the toggle is off"
    assert diary.audio_path(entry_id).exists()
    assert saved.duration_s == pytest.approx(page.last_result.duration_s, abs=1e-3)


def test_discard_removes_entry_and_audio(qtbot, page, monkeypatch):
    entry_id = _record(qtbot, page)
    audio = page.ctx.diary.audio_path(entry_id)
    assert audio.exists()
    monkeypatch.setattr(page.review, "_ask_discard", lambda: True)
    with qtbot.waitSignal(page.review.discarded, timeout=5_000):
        qtbot.mouseClick(page.review.discard_button, Qt.MouseButton.LeftButton)
    page.worker.wait(ANALYSIS_TIMEOUT_MS)
    with pytest.raises(EntryNotFound):
        page.ctx.diary.get(entry_id)
    assert not audio.exists()
    assert page.ctx.diary.count() == 0
    assert list(page.ctx.diary.audio_folder.iterdir()) == []


def test_analysis_failure_keeps_entry_untagged_then_retry_and_hand_tag(qtbot, page, tiny_models):
    page.ctx.settings.speech_model = "no-such-model"
    page.ctx.settings.scene_model = "no-such-model"
    entry_id = _record(qtbot, page)
    _wait_analysis(qtbot, page, entry_id)
    entry = page.ctx.diary.get(entry_id)
    assert entry.analysis_state == AnalysisState.FAILED
    assert "no-such-model" in entry.analysis_error
    assert entry.emotion == "untagged"
    assert page.review.retry_button.isVisible()
    assert "Analysis failed" in page.review.status_label.text()
    assert page.ctx.diary.audio_path(entry_id).exists()

    # tag by hand works without any model
    qtbot.mouseClick(page.review.picker.buttons["sad"], Qt.MouseButton.LeftButton)
    page.review.save()
    assert page.ctx.diary.get(entry_id).emotion == "sad"

    # the user installs / fixes the models and retries: the analysis now runs
    page.review.show_entry(entry_id)
    speech, scene = tiny_models
    page.ctx.settings.speech_model, page.ctx.settings.scene_model = str(speech), str(scene)
    qtbot.mouseClick(page.review.retry_button, Qt.MouseButton.LeftButton)
    _wait_analysis(qtbot, page, entry_id)
    entry = page.ctx.diary.get(entry_id)
    assert entry.analysis_state == AnalysisState.DONE, entry.analysis_error
    assert entry.emotion == "sad", "the user's tag survives a later analysis"
    assert not page.review.retry_button.isVisible()


def test_device_error_mid_recording_keeps_what_was_recorded(qtbot, ctx, speech_clip):
    from diary_app.ui.pages.record import RecordPage

    def unplugged(**kw):
        kw.pop("samplerate")
        return FileInputStream(speech_clip, speed=0, fail_after_s=0.7, **kw)

    page = RecordPage(ctx, stream_factory=unplugged)
    qtbot.addWidget(page)
    page.show()
    entry_id = _record(qtbot, page)
    assert page.message_label.isVisible()
    assert "disconnected" in page.message_label.text() and "kept" in page.message_label.text()
    entry = ctx.diary.get(entry_id)
    assert entry.duration_s == pytest.approx(0.7, abs=0.03)
    assert ctx.diary.audio_path(entry_id).exists()
    page.shutdown()


def test_no_microphone_shows_a_message_and_saves_nothing(qtbot, page, monkeypatch):
    monkeypatch.delenv("SOUND_DIARY_INPUT_FILE")
    if list_input_devices():
        pytest.skip("this machine has a real input device")
    assert page.start_recording() is False
    assert page.message_label.isVisible() and "Cannot record" in page.message_label.text()
    assert "microphone" in page.message_label.text()
    assert not page.is_recording and page.ctx.diary.count() == 0


def test_space_toggles_and_max_length_stops(qtbot, page, monkeypatch):
    monkeypatch.setenv("SOUND_DIARY_INPUT_SPEED", "1")  # real time, so Space can stop it
    page.activateWindow()
    page.setFocus()
    with qtbot.waitSignal(page.recording_started, timeout=5_000):
        qtbot.keyClick(page, Qt.Key.Key_Space)
    assert page.is_recording
    qtbot.waitUntil(lambda: page.recorder.elapsed_s > 0.3, timeout=5_000)
    assert page.level_meter.value() > 0
    with qtbot.waitSignal(page.recording_saved, timeout=5_000):
        qtbot.keyClick(page, Qt.Key.Key_Space)
    assert not page.is_recording
    first = page.last_result.duration_s
    assert 0.3 <= first < 1.5

    page.ctx.settings.max_record_s = 0.5
    monkeypatch.setenv("SOUND_DIARY_INPUT_SPEED", "0")
    _record(qtbot, page)
    assert page.last_result.end_reason == "limit"
    assert page.last_result.duration_s == pytest.approx(0.5)
    assert "maximum length" in page.message_label.text()


def test_location_saved_only_when_toggled_and_remembered(qtbot, page):
    entry_id = _record(qtbot, page)
    review = page.review
    review.location_picker.lat.setValue(37.5665)
    review.location_picker.lon.setValue(126.978)
    review.location_picker.name.setText("City Hall")
    review.save()  # toggle still off
    assert not page.ctx.diary.get(entry_id).has_location

    review.show_entry(entry_id)
    qtbot.mouseClick(review.location_box, Qt.MouseButton.LeftButton)
    assert review.location_picker.isVisibleTo(review)
    review.location_picker.lat.setValue(37.5665)
    review.location_picker.lon.setValue(126.978)
    review.location_picker.name.setText("City Hall")
    review.save()
    e = page.ctx.diary.get(entry_id)
    assert (e.latitude, e.longitude, e.place_name) == (pytest.approx(37.5665), pytest.approx(126.978), "City Hall")
    assert Settings.load().recent_places[0]["name"] == "City Hall"
    assert review.location_picker.recent.count() == 2  # "choose" + City Hall

    review.show_entry(entry_id)
    assert review.location_box.isChecked()
    qtbot.mouseClick(review.location_box, Qt.MouseButton.LeftButton)  # turned off again: removed
    review.save()
    assert not page.ctx.diary.get(entry_id).has_location
    page.worker.wait(ANALYSIS_TIMEOUT_MS)


def test_start_offers_unfinished_recordings_and_analyses_them(qtbot, page, speech_clip):
    import json
    import struct

    rec = Recorder(Settings(), stream_factory=partial(FileInputStream, speech_clip, speed=0))
    rec.start()
    qtbot.waitUntil(lambda: rec.should_stop, timeout=10_000)
    result = rec.stop()
    with open(result.path, "r+b") as fh:  # what a crash leaves: a header without sizes
        fh.seek(40)
        fh.write(struct.pack("<I", 0))
    meta = json.loads(result.sidecar.read_text())
    result.sidecar.write_text(json.dumps({**meta, "state": "recording", "pid": 999_999_999}))

    asked = []
    ids = page.offer_recovery(ask=lambda unfinished: asked.append(unfinished) or True)
    assert len(asked) == 1 and ids == [str(result.id)]
    entry = page.ctx.diary.get(result.id)
    assert entry.created_at == result.started_at
    assert entry.duration_s == pytest.approx(result.duration_s, abs=1e-3)
    _wait_analysis(qtbot, page, str(result.id))
    assert page.ctx.diary.get(result.id).analysis_state == AnalysisState.DONE
    assert page.offer_recovery(ask=lambda u: pytest.fail("nothing left to offer")) == []


def test_microphone_consent_refused_in_first_run_is_respected(qtbot, page, monkeypatch):
    page.ctx.settings.first_run_done = True
    page.ctx.settings.mic_consent = False
    monkeypatch.setattr(page, "_ask_mic_consent", lambda: False)
    assert page.start_recording() is False
    assert "permission" in page.message_label.text() and page.ctx.diary.count() == 0
    monkeypatch.setattr(page, "_ask_mic_consent", lambda: True)
    _record(qtbot, page)
    assert page.ctx.settings.mic_consent and Settings.load().mic_consent
    assert page.ctx.diary.count() == 1
    page.worker.wait(ANALYSIS_TIMEOUT_MS)


def test_worker_in_process_with_injected_analyzer_and_a_crashed_host(qtbot, ctx, speech_clip, tiny_models):
    """Both ways of running the Analyzer: in the worker thread (injected factory) and in the
    child process, which is restarted after it died."""
    import os
    import signal

    from diary_app.analysis.pipeline import Analyzer
    from diary_app.ui.analysis_worker import AnalysisWorker

    diary = ctx.diary
    first = diary.create_entry(speech_clip, move=False)
    worker = AnalysisWorker(diary, ctx.settings, analyzer_factory=lambda s: Analyzer(settings=s))
    assert worker.host is None
    with qtbot.waitSignal(worker.finished, timeout=ANALYSIS_TIMEOUT_MS):
        worker.analyse(first.id)
    assert diary.get(first.id).analysis_state == AnalysisState.DONE

    hosted = AnalysisWorker(diary, ctx.settings)
    second = diary.create_entry(speech_clip, move=False)
    with qtbot.waitSignal(hosted.models_loaded, timeout=ANALYSIS_TIMEOUT_MS):
        hosted.preload()
    hosted.wait(ANALYSIS_TIMEOUT_MS)
    os.kill(hosted.host.pid, signal.SIGKILL)  # a native crash inside torch, say
    with qtbot.waitSignal(hosted.failed, timeout=ANALYSIS_TIMEOUT_MS) as failed:
        hosted.analyse(second.id)
    assert "stopped unexpectedly" in failed.args[1]
    assert diary.get(second.id).analysis_state == AnalysisState.FAILED
    diary.set_analysis_pending(second.id)
    with qtbot.waitSignal(hosted.finished, timeout=ANALYSIS_TIMEOUT_MS):
        hosted.analyse(second.id)
    assert diary.get(second.id).analysis_state == AnalysisState.DONE
    worker.shutdown()
    hosted.shutdown()


def test_space_types_into_the_note_instead_of_recording(qtbot, page):
    entry_id = _record(qtbot, page)
    page.activateWindow()
    page.review.note.setFocus()
    qtbot.waitUntil(page.review.note.hasFocus, timeout=2_000)
    qtbot.keyClicks(page.review.note, "a b")
    assert page.review.note.toPlainText() == "a b"
    assert not page.is_recording and page.ctx.diary.count() == 1
    page.worker.wait(ANALYSIS_TIMEOUT_MS)
    assert page.ctx.diary.get(entry_id) is not None


def test_app_start_offers_crashed_recordings_and_analyses_pending_entries(qtbot, qapp, ctx, speech_clip, monkeypatch):
    """What ``run_gui`` does once the window is up (``app._start_record_duties``)."""
    import json
    import struct

    from diary_app.app.gui import _start_record_duties
    from diary_app.ui.main_window import MainWindow
    from diary_app.ui.pages.record import RecordPage

    pending = ctx.diary.create_entry(speech_clip, move=False)  # e.g. the app was closed mid-analysis
    rec = Recorder(Settings(), stream_factory=partial(FileInputStream, speech_clip, speed=0))
    rec.start()
    qtbot.waitUntil(lambda: rec.should_stop, timeout=10_000)
    crashed = rec.stop()
    with open(crashed.path, "r+b") as fh:
        fh.seek(40)
        fh.write(struct.pack("<I", 0))
    crashed.sidecar.write_text(json.dumps({**json.loads(crashed.sidecar.read_text()), "state": "recording",
                                           "pid": 999_999_999}))
    monkeypatch.setattr(RecordPage, "_ask_recovery", lambda self, unfinished: True)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    page = window.pages["record"]
    _start_record_duties(window, qapp)
    for entry_id in (pending.id, crashed.id):
        qtbot.waitUntil(lambda i=entry_id: ctx.diary.get(i).analysis_state == AnalysisState.DONE,
                        timeout=ANALYSIS_TIMEOUT_MS)
    assert ctx.diary.get(crashed.id).created_at == crashed.started_at
    assert page.review.entry_id == crashed.id and "recovered" in page.message_label.text()
    page.shutdown()


def test_record_page_warns_while_the_level_stays_at_the_too_quiet_floor(qtbot, page):
    """Issue 12: a muted microphone is noticed while recording, not only after the analysis."""
    from diary_app.audio.level import QUIET_FLOOR_DBFS

    class Stub:  # the page only asks the recorder whether it records and for how long
        recording = True
        elapsed_s = 0.0

    real, page.recorder = page.recorder, Stub()
    try:
        for t in (0.0, 1.0, 1.9):
            page.recorder.elapsed_s = t
            page._track_quiet(QUIET_FLOOR_DBFS - 20)
        assert not page.quiet_warning.isVisible()  # under 2 s at the floor: no warning yet
        page.recorder.elapsed_s = 2.1
        page._track_quiet(QUIET_FLOOR_DBFS - 20)
        assert page.quiet_warning.isVisible() and "hears almost nothing" in page.quiet_warning.text()
        page.recorder.elapsed_s = 2.2
        page._track_quiet(-20.0)  # someone speaks: the warning goes
        assert not page.quiet_warning.isVisible()
    finally:
        page.recorder = real
