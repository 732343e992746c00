"""Record today's sound: one big button (Space), live level, scrolling waveform, timer; then review.

The GUI thread only polls the recorder (30 times a second) and draws. The recording itself is
written by the recorder's threads, and the analysis runs in ``AnalysisWorker``. As soon as a
recording stops it becomes a diary entry ("analysing"), so nothing is lost if the app is closed
while the models load.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMessageBox, QProgressBar, QPushButton, QScrollArea, QVBoxLayout, QWidget

from diary_app.audio.input_stream import MicrophoneUnavailable
from diary_app.audio.level import QUIET_FLOOR_DBFS, live_level_dbfs
from diary_app.audio.recorder import END_DEVICE_ERROR, END_LIMIT, Recorder, RecorderError, RecordingResult
from diary_app.audio.recovery import discard_recording, find_unfinished_recordings, import_recording
from diary_app.ui.analysis_worker import AnalysisWorker
from diary_app.ui.plurals import singular
from diary_app.ui.review_panel import ReviewPanel
from diary_app.ui.theme import error_css

log = logging.getLogger(__name__)

POLL_MS = 33
WAVE_POINTS = 300
#: warn while recording once the input has stayed at the "too quiet" floor this long
QUIET_WARN_AFTER_S = 2.0

_RECORD_STYLE = """
QPushButton#record_button {
    border-radius: 60px; min-width: 120px; max-width: 120px; min-height: 120px; max-height: 120px;
    font-size: 16pt; font-weight: 600; color: white; background-color: %s; border: 4px solid %s;
}
"""


def _mmss(seconds: float) -> str:
    s = max(0, int(seconds))
    return f"{s // 60:02d}:{s % 60:02d}"


class RecordPage(QWidget):
    recording_started = Signal()
    recording_saved = Signal(str)  # entry id, right after the stop (analysis still running)

    def __init__(self, ctx, analyzer_factory: Callable[[Any], Any] | None = None,
                 stream_factory: Callable[..., Any] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.stream_factory = stream_factory
        self.recorder: Recorder | None = None
        self.last_result: RecordingResult | None = None
        self.worker = AnalysisWorker(ctx.diary, ctx.settings, analyzer_factory, parent=self)

        self.record_button = QPushButton(self.tr("Record"))
        self.record_button.setObjectName("record_button")
        self.record_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Space is the page's shortcut
        self.record_button.setToolTip(self.tr("Start or stop recording (Space)"))
        self.record_button.clicked.connect(self.toggle_recording)
        self.timer_label = QLabel()
        self.timer_label.setObjectName("timer_label")
        self.timer_label.setStyleSheet("font-size: 22pt;")
        self.hint_label = QLabel(self.tr("Press Space or the button to record today's sound."))
        self.hint_label.setWordWrap(True)
        self.message_label = QLabel()
        self.message_label.setObjectName("message_label")
        self.message_label.setWordWrap(True)
        self.message_label.hide()
        self.quiet_warning = QLabel(self.tr(
            "The microphone hears almost nothing. Is it muted, or blocked in the system's privacy settings? "
            "A recording this quiet cannot be analysed."))
        self.quiet_warning.setObjectName("quiet_warning")
        self.quiet_warning.setWordWrap(True)
        self.quiet_warning.setStyleSheet("color: #8a5a00; font-weight: 600;")
        self.quiet_warning.hide()
        self._quiet_from: float | None = None  # recorded second at which the input fell to the floor

        self.level_meter = QProgressBar()
        self.level_meter.setObjectName("level_meter")
        self.level_meter.setRange(0, 100)
        self.level_meter.setTextVisible(False)
        self.level_meter.setMaximumHeight(14)
        self.level_meter.setToolTip(self.tr("Input level"))

        pg.setConfigOptions(antialias=False)
        self.wave_plot = pg.PlotWidget()
        self.wave_plot.setObjectName("waveform")
        self.wave_plot.setBackground(None)
        self.wave_plot.setMouseEnabled(False, False)
        self.wave_plot.hideButtons()
        self.wave_plot.hideAxis("left")
        self.wave_plot.hideAxis("bottom")
        self.wave_plot.setYRange(-1, 1, padding=0.05)
        self.wave_plot.setXRange(0, WAVE_POINTS, padding=0)
        self.wave_plot.setFixedHeight(110)
        x = np.arange(WAVE_POINTS, dtype=float)
        brush = pg.mkBrush(57, 105, 172, 160)
        self._wave_top = self.wave_plot.plot(x, np.zeros(WAVE_POINTS), pen=pg.mkPen("#3969ac"))
        self._wave_bottom = self.wave_plot.plot(x, np.zeros(WAVE_POINTS), pen=pg.mkPen("#3969ac"))
        self._wave_fill = pg.FillBetweenItem(self._wave_top, self._wave_bottom, brush=brush)
        self.wave_plot.addItem(self._wave_fill)

        controls = QVBoxLayout()
        controls.addWidget(self.record_button, 0, Qt.AlignmentFlag.AlignHCenter)
        controls.addWidget(self.timer_label, 0, Qt.AlignmentFlag.AlignHCenter)
        top = QHBoxLayout()
        top.addLayout(controls)
        meters = QVBoxLayout()
        meters.addWidget(self.hint_label)
        meters.addWidget(self.wave_plot)
        meters.addWidget(self.level_meter)
        meters.addWidget(self.quiet_warning)
        meters.addWidget(self.message_label)
        top.addLayout(meters, 1)

        self.review = ReviewPanel(ctx)
        self.review.hide()
        self.review.saved.connect(self._on_saved)
        self.review.discarded.connect(self._on_discarded)
        self.review.retry_requested.connect(self.worker.analyse)
        self.worker.stage.connect(self.review.on_stage)
        self.worker.finished.connect(self.review.on_finished)
        self.worker.failed.connect(self.review.on_failed)
        self.worker.saved.connect(self._on_recording_saved)
        self.worker.save_failed.connect(self._on_save_failed)

        body = QWidget()
        body_layout = QVBoxLayout(body)
        body_layout.addLayout(top)
        body_layout.addWidget(self.review)
        body_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(body)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

        self.shortcut = QShortcut(QKeySequence(Qt.Key.Key_Space), self)
        self.shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.shortcut.activated.connect(self.toggle_recording)
        self.poll_timer = QTimer(self)
        self.poll_timer.setInterval(POLL_MS)
        self.poll_timer.timeout.connect(self._poll)
        self._set_idle_look()

    # -- recording ------------------------------------------------------------------------------
    @property
    def is_recording(self) -> bool:
        return self.recorder is not None and self.recorder.recording

    def toggle_recording(self) -> None:
        if self.is_recording:
            self.stop_recording()
        else:
            self.start_recording()

    def start_recording(self) -> bool:
        if self.is_recording:
            return True
        self.message_label.hide()
        if not self._microphone_allowed():
            self._show_message(self.tr("Recording needs your permission to use the microphone "
                                       "(you can change this in Settings)."), error=True)
            return False
        self.recorder = Recorder(self.ctx.settings, stream_factory=self.stream_factory)
        try:
            self.recorder.start()
        except (MicrophoneUnavailable, RecorderError) as exc:
            self.recorder = None
            self._show_message(self.tr("Cannot record: {0}").format(str(exc)), error=True)
            return False
        self.review.hide()
        self.record_button.setText(self.tr("Stop"))
        self.record_button.setStyleSheet(_RECORD_STYLE % ("#444444", "#222222"))
        self.hint_label.setText(self.tr("Recording… press Space or the button to stop."))
        self.poll_timer.start()
        self.recording_started.emit()
        return True

    def stop_recording(self) -> RecordingResult | None:
        """Stop; the recording becomes an entry in the worker (``recording_saved``) and is analysed."""
        if not self.is_recording:
            return None
        assert self.recorder is not None
        self.poll_timer.stop()
        result = self.recorder.stop()
        self.last_result = result
        self._draw_levels()  # the last waveform stays; the meter then drops to the floor
        self._set_idle_look()
        if result.frames == 0:
            discard_recording(result)
            self._show_message(self.tr("Nothing was recorded. {0}").format(result.error or ""), error=True)
            return None
        if result.disk_full:
            self._show_message(self.tr("The disk is full: recording stopped. The {0} s recorded so far were kept.")
                               .format(f"{result.duration_s:.1f}"), error=True)
        elif result.end_reason == END_DEVICE_ERROR:
            self._show_message(self.tr("Recording stopped: {0}. The {1} s recorded so far were kept.")
                               .format(result.error, f"{result.duration_s:.1f}"), error=True)
        elif result.end_reason == END_LIMIT:
            self._show_message(self.tr("Stopped at the maximum length ({0}).").format(_mmss(result.duration_s)))
        self.hint_label.setText(self.tr("Saving…"))
        self.worker.save_and_analyse(result)
        return result

    def _on_recording_saved(self, entry_id: str) -> None:
        if not self.is_recording:
            self.hint_label.setText(self.tr("Press Space or the button to record today's sound."))
        self.review.show_entry(entry_id)
        self.review.show()
        self.recording_saved.emit(entry_id)

    def _on_save_failed(self, message: str) -> None:
        from diary_app.store.errors import is_disk_full

        if is_disk_full(self.worker.last_save_error):
            seconds = self.last_result.duration_s if self.last_result is not None else 0.0
            self._show_message(self.tr("The disk is full: the recording ({0} s) could not be added to the diary. It "
                                       "was kept and will be offered again at the next start; free some space "
                                       "first.").format(f"{seconds:.1f}"), error=True)
            return
        self._show_message(self.tr("The recording could not be added to the diary ({0}). It was kept "
                                   "and will be offered again at the next start.").format(message), error=True)

    def _microphone_allowed(self) -> bool:
        """Respect a "no" given in the first-run dialog, but let a click on Record ask again."""
        settings = self.ctx.settings
        if not getattr(settings, "first_run_done", False) or getattr(settings, "mic_consent", True):
            return True
        if not self._ask_mic_consent():
            return False
        settings.mic_consent = True
        try:
            settings.save()
        except OSError:
            pass
        return True

    def _ask_mic_consent(self) -> bool:
        answer = QMessageBox.question(
            self, self.tr("Use the microphone?"),
            self.tr("Sound Diary records a short sound from your microphone and keeps it on this computer. "
                    "Allow the microphone?"),
        )
        return answer == QMessageBox.StandardButton.Yes

    def _poll(self) -> None:
        if self.recorder is None:
            return
        self._draw_levels()
        if self.recorder.should_stop:
            self.stop_recording()

    def _draw_levels(self) -> None:
        rec = self.recorder
        if rec is None:
            return
        level = rec.level()
        # a dB scale reads like a real meter: -60 dBFS .. 0 dBFS
        db = 20 * np.log10(max(level.peak, 1e-6))
        self.level_meter.setValue(int(np.clip((db + 60) / 60 * 100, 0, 100)))
        self._track_quiet(live_level_dbfs(level.rms))
        env = rec.waveform(WAVE_POINTS)
        self._wave_top.setData(np.arange(env.size, dtype=float), env)
        self._wave_bottom.setData(np.arange(env.size, dtype=float), -env)
        self.timer_label.setText(f"{_mmss(rec.elapsed_s)} / {_mmss(rec.max_seconds)}")

    def _track_quiet(self, level_dbfs: float) -> None:
        """Warn while recording when the level stays at the floor the analysis calls "too quiet"
        (measured in recorded seconds, so a slow GUI timer does not change when it appears)."""
        if not self.is_recording or self.recorder is None:
            return
        now = float(self.recorder.elapsed_s)
        if level_dbfs >= QUIET_FLOOR_DBFS:
            self._quiet_from = None
        elif self._quiet_from is None:
            self._quiet_from = now
        quiet = self._quiet_from is not None and now - self._quiet_from >= QUIET_WARN_AFTER_S
        self.quiet_warning.setVisible(quiet)

    def _set_idle_look(self) -> None:
        self.record_button.setText(self.tr("Record"))
        self.record_button.setStyleSheet(_RECORD_STYLE % ("#e73f74", "#b8325c"))
        self.hint_label.setText(self.tr("Press Space or the button to record today's sound."))
        elapsed = self.recorder.elapsed_s if self.recorder is not None else 0.0
        self.timer_label.setText(f"{_mmss(elapsed)} / {_mmss(float(self.ctx.settings.max_record_s))}")
        self.level_meter.setValue(0)
        self._quiet_from = None
        self.quiet_warning.hide()

    def _show_message(self, text: str, error: bool = False) -> None:
        self.message_label.setStyleSheet(error_css(self.palette()) if error else "")
        self.message_label.setText(text)
        self.message_label.show()

    # -- after the review -------------------------------------------------------------------------
    def _on_saved(self, entry_id: str) -> None:
        self.review.hide()
        self._show_message(self.tr("Saved to your diary."))

    def _on_discarded(self, entry_id: str) -> None:
        self.review.hide()
        self._show_message(self.tr("The recording was discarded."))

    # -- start-up duties (called by the app, not by tests of other pages) -------------------------
    def analyse_pending(self) -> int:
        """Re-queue entries whose analysis never finished (crash, recovery, app closed early)."""
        return self.worker.analyse_pending()

    def offer_recovery(self, ask: Callable[[list], bool] | None = None) -> list[str]:
        """Offer recordings a crash left behind; returns the ids of the entries made from them."""
        unfinished = [r for r in find_unfinished_recordings() if r.duration_s > 0]
        if not unfinished:
            for r in find_unfinished_recordings():
                discard_recording(r)  # empty files: nothing to offer
            return []
        keep = (ask or self._ask_recovery)(unfinished)
        ids: list[str] = []
        for rec in unfinished:
            if keep:
                entry = import_recording(self.ctx.diary, rec)
                if entry is not None:
                    ids.append(str(entry.id))
                    self.worker.analyse(entry.id)
            else:
                discard_recording(rec)
        if ids:
            self.review.show_entry(ids[-1])
            self.review.show()
            n = len(ids)
            self._show_message(singular(self.tr("%n recordings interrupted by a crash were recovered.", "", n), n))
        return ids

    def _ask_recovery(self, unfinished: list) -> bool:
        seconds = sum(r.duration_s for r in unfinished)
        n = len(unfinished)
        question = singular(self.tr("Sound Diary was closed while recording. %n unfinished recordings with {0} s of audio "
                                    "were found. Keep them in your diary?", "", n), n)
        answer = QMessageBox.question(
            self, self.tr("Recover recording"),
            question.format(f"{seconds:.1f}"),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Discard,
            QMessageBox.StandardButton.Yes,
        )
        return answer != QMessageBox.StandardButton.Discard

    def shutdown(self) -> None:
        """Finish cleanly: keep a running recording, wait for the analysis thread."""
        if self.is_recording:
            self.stop_recording()
        self.worker.shutdown()

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt API
        self.shutdown()
        super().closeEvent(event)
