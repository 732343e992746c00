"""One entry in full: waveform with playback cursor, the automatic and the shown emotion, and edits.

Edits (emotion, note, privacy, place) are applied together with "Save"; the store then fires
``entry_changed`` and every page (list, calendar, map, statistics) refreshes itself from that.
The waveform is read on a worker thread (disk I/O never blocks the GUI).
"""

from __future__ import annotations

from datetime import tzinfo

import numpy as np
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from diary_app.emotions import EMOTION_ICONS
from diary_app.store import Diary, Entry, EntryNotFound
from diary_app.store.stats import local_tz
from diary_app.ui.audio_player import AudioPlayer
from diary_app.ui.browse.entry_list_model import format_duration
from diary_app.ui.emotion_widgets import EmotionChip, EmotionPicker, emotion_name
from diary_app.ui.evidence_view import EvidenceView
from diary_app.ui.location_picker import LocationPicker, Place
from diary_app.ui.i18n import locale_datetime, scene_name

ENVELOPE_POINTS = 1500


def waveform_envelope(path: str, points: int = ENVELOPE_POINTS) -> tuple[np.ndarray, np.ndarray, float]:
    """(times in s, min/max-interleaved amplitudes, duration): enough to draw, cheap to plot."""
    import soundfile as sf

    data, sr = sf.read(path, dtype="float32", always_2d=True)
    mono = data.mean(axis=1)
    duration = len(mono) / float(sr) if sr else 0.0
    if len(mono) == 0:
        return np.zeros(0), np.zeros(0), 0.0
    n = min(points, len(mono))
    chunks = np.array_split(mono, n)
    lo = np.array([c.min() for c in chunks])
    hi = np.array([c.max() for c in chunks])
    t = np.linspace(0, duration, n)
    return np.repeat(t, 2), np.column_stack([lo, hi]).ravel(), duration


class _WaveSignals(QObject):
    done = Signal(str, object)  # entry id, (t, y, duration) or an error string


class _WaveJob(QRunnable):
    def __init__(self, entry_id: str, path: str) -> None:
        super().__init__()
        self.entry_id, self.path = entry_id, path
        self.signals = _WaveSignals()

    def run(self) -> None:
        try:
            result: object = waveform_envelope(self.path)
        except Exception as exc:  # unreadable audio: show why, keep the rest of the page usable
            result = f"{type(exc).__name__}: {exc}"
        self.signals.done.emit(self.entry_id, result)


class EntryDetail(QWidget):
    """Shows one entry; ``closed`` asks the page to go back, ``deleted`` reports a deletion."""

    closed = Signal()
    deleted = Signal(str)
    waveform_ready = Signal()

    def __init__(self, diary: Diary, settings=None, tz: tzinfo | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.diary = diary
        self.tz = tz or local_tz()
        self.entry: Entry | None = None
        self._jobs: list[_WaveJob] = []

        self.back_button = QPushButton(self.tr("◀ Back"))
        self.back_button.clicked.connect(self.close_detail)
        self.title = QLabel()
        self.title.setObjectName("detail_title")
        f = self.title.font()
        f.setPointSizeF(f.pointSizeF() * 1.3)
        f.setBold(True)
        self.title.setFont(f)
        self.chip = EmotionChip(large=True)
        top = QHBoxLayout()
        top.addWidget(self.back_button)
        top.addWidget(self.chip)
        top.addWidget(self.title, 1)

        import pyqtgraph as pg

        self.plot = pg.PlotWidget()
        self.plot.setObjectName("waveform")
        self.plot.setBackground("w")
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.hideButtons()
        self.plot.setMenuEnabled(False)
        self.plot.getAxis("left").setStyle(showValues=False)
        self.plot.setLabel("bottom", self.tr("seconds"))
        self.plot.setMinimumHeight(120)
        self.plot.setMaximumHeight(170)
        self.wave_curve = self.plot.plot([], [], pen=pg.mkPen("#3969ac", width=1))
        self.cursor = pg.InfiniteLine(pos=0, angle=90, pen=pg.mkPen("#e73f74", width=2))
        self.plot.addItem(self.cursor)
        self.wave_note = QLabel()
        self.player = AudioPlayer()
        self.player.slider.valueChanged.connect(lambda ms: self.cursor.setPos(ms / 1000.0))

        self.auto_label = QLabel()
        self.auto_label.setObjectName("auto_emotion")
        self.auto_label.setWordWrap(True)
        self.when_label = QLabel()
        self.place_label = QLabel()
        self.picker = EmotionPicker()
        self.auto_button = QPushButton(self.tr("Use the automatic tag"))
        self.auto_button.clicked.connect(self._use_auto)
        self._picked: str | None = None
        self._emotion_touched = False
        self.picker.emotion_picked.connect(self._pick)
        self.note = QPlainTextEdit()
        self.note.setPlaceholderText(self.tr("A note about this moment"))
        self.note.setMaximumHeight(90)
        self.public = QCheckBox(self.tr("Public (friends may see it)"))
        self.location = LocationPicker(settings)
        self.clear_place = QCheckBox(self.tr("No place"))
        self.clear_place.toggled.connect(lambda on: self.location.setEnabled(not on))
        self.save_button = QPushButton(self.tr("Save changes"))
        self.save_button.setObjectName("save_entry")
        self.save_button.clicked.connect(self.save)
        self.delete_button = QPushButton(self.tr("Delete…"))
        self.delete_button.setObjectName("delete_entry")
        self.delete_button.clicked.connect(self.ask_delete)
        self.status = QLabel()
        self.confirm = QMessageBox(QMessageBox.Icon.Warning, self.tr("Delete entry"),
                                   self.tr("Delete this entry and its recording? This cannot be undone."),
                                   QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, self)
        self.confirm.setDefaultButton(QMessageBox.StandardButton.Cancel)
        self.confirm.finished.connect(self._confirmed)

        form = QFormLayout()
        form.addRow(self.tr("Recorded"), self.when_label)
        form.addRow(self.tr("Analysis"), self.auto_label)
        emo_row = QHBoxLayout()
        emo_row.addWidget(self.picker, 1)
        emo_row.addWidget(self.auto_button)
        form.addRow(self.tr("Emotion"), emo_row)
        form.addRow(self.tr("Note"), self.note)
        form.addRow("", self.public)
        form.addRow(self.tr("Place"), self.place_label)
        form.addRow("", self.location)
        form.addRow("", self.clear_place)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addStretch(1)
        buttons.addWidget(self.status)
        buttons.addStretch(1)
        buttons.addWidget(self.delete_button)

        inner = QWidget()
        layout = QVBoxLayout(inner)
        layout.addLayout(top)
        layout.addWidget(self.plot)
        layout.addWidget(self.wave_note)
        layout.addWidget(self.player)
        self.evidence = EvidenceView()  # issue 16: why this tag
        layout.addWidget(self.evidence)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

    # -- show ------------------------------------------------------------------------------------
    def show_entry(self, entry_id: str) -> bool:
        try:
            entry = self.diary.get(entry_id)
        except (EntryNotFound, ValueError):
            self.entry = None
            self.title.setText(self.tr("This entry no longer exists."))
            return False
        self.entry = entry
        self._emotion_touched = False
        self._fill(entry)
        self._load_waveform(entry)
        return True

    def _fill(self, e: Entry) -> None:
        local = e.created_at.astimezone(self.tz)
        self.title.setText(f"{EMOTION_ICONS.get(e.emotion, '')} {locale_datetime(local, 'dddd yyyy-MM-dd HH:mm')}")
        self.chip.set_emotion(e.emotion, e.confidence if not e.corrected else None)
        self.when_label.setText(f"{local:%Y-%m-%d %H:%M:%S} · {format_duration(e.duration_s)}")
        if e.auto_emotion:
            where = self.tr("speech") if e.branch == "speech" else (
                self.tr("environment: {0}").format(scene_name(e.scene)) if e.scene else (e.branch or ""))
            conf = f"{e.confidence:.0%}" if e.confidence is not None else "?"
            text = self.tr("automatic: {0} {1} ({2} sure, {3})").format(EMOTION_ICONS.get(e.auto_emotion, ""), emotion_name(e.auto_emotion), conf, where)
        else:
            text = self.tr("no automatic tag ({0})").format(e.analysis_state.value if hasattr(e.analysis_state, "value") else e.analysis_state)
        if e.corrected or (e.user_emotion and not e.auto_emotion):
            text += " · " + self.tr("shown: {0} (corrected by hand)").format(emotion_name(e.emotion))
        self.auto_label.setText(text)
        self.evidence.show_entry(e)
        self.auto_button.setEnabled(e.user_emotion is not None and e.auto_emotion is not None)
        self.picker.set_emotion(e.emotion)
        self._picked = e.user_emotion
        self.note.setPlainText(e.note or "")
        self.public.setChecked(bool(e.is_public))
        if e.has_location:
            self.place_label.setText(f"{e.place_name or ''} ({e.latitude:.5f}, {e.longitude:.5f})")
            self.location.set_place(Place(e.latitude, e.longitude, e.place_name or ""))
            self.clear_place.setChecked(False)
        else:
            self.place_label.setText(self.tr("no place saved"))
            self.location.set_place(None)
            self.clear_place.setChecked(True)
        self.status.clear()

    def _load_waveform(self, e: Entry) -> None:
        self.wave_curve.setData([], [])
        self.cursor.setPos(0)
        path = self.diary.audio_path(e)
        if not path.exists():
            self.wave_note.setText(self.tr("The recording is missing: {0}").format(path.name))
            self.player.load(None)
            return
        self.wave_note.setText(self.tr("Loading the waveform…"))
        self.player.load(path)
        job = _WaveJob(str(e.id), str(path))
        job.setAutoDelete(False)
        job.signals.done.connect(self._wave_done)
        self._jobs.append(job)
        QThreadPool.globalInstance().start(job)

    def _wave_done(self, entry_id: str, result: object) -> None:
        self._jobs = [j for j in self._jobs if j.entry_id != entry_id]
        if self.entry is None or str(self.entry.id) != entry_id:
            return  # the user moved on to another entry
        if isinstance(result, str):
            self.wave_note.setText(self.tr("Cannot read the recording: {0}").format(result))
            return
        t, y, duration = result
        self.wave_curve.setData(t, y)
        self.evidence.set_envelope(t, y)
        self.plot.setXRange(0, max(duration, 0.1), padding=0)
        self.plot.setYRange(-1, 1, padding=0.05)
        self.wave_note.clear()
        self.waveform_ready.emit()

    # -- edit ------------------------------------------------------------------------------------
    def _pick(self, emotion: str) -> None:
        self._picked = emotion
        self._emotion_touched = True
        self.chip.set_emotion(emotion)

    def _use_auto(self) -> None:
        self._picked = None
        self._emotion_touched = True
        if self.entry is not None:
            self.picker.set_emotion(self.entry.auto_emotion)
            self.chip.set_emotion(self.entry.auto_emotion, self.entry.confidence)

    def save(self) -> None:
        """Apply every changed field; each store call notifies the other pages."""
        e = self.entry
        if e is None:
            return
        entry_id = e.id
        try:
            if self._emotion_touched and self._picked != e.user_emotion:
                self.diary.set_user_emotion(entry_id, self._picked)
            note = self.note.toPlainText()
            if note != (e.note or ""):
                self.diary.set_note(entry_id, note)
            if self.public.isChecked() != bool(e.is_public):
                self.diary.set_public(entry_id, self.public.isChecked())
            place = None if self.clear_place.isChecked() else self.location.place()
            if place is None and e.has_location:
                self.diary.clear_location(entry_id)
            elif place is not None and (place.latitude, place.longitude, place.name or None) != (e.latitude, e.longitude, e.place_name):
                self.diary.set_location(entry_id, place.latitude, place.longitude, place.name or None)
        except (ValueError, EntryNotFound) as exc:
            self.status.setText(self.tr("Not saved: {0}").format(exc))
            return
        self.show_entry(str(entry_id))
        self.status.setText(self.tr("Saved."))

    def ask_delete(self) -> None:
        if self.entry is not None:
            self.confirm.open()  # non-blocking: the event loop (and tests) keep running

    def _confirmed(self, result: int) -> None:
        if result != QMessageBox.StandardButton.Yes or self.entry is None:
            return
        entry_id = str(self.entry.id)
        self.player.load(None)
        try:
            self.diary.delete(entry_id)
        except EntryNotFound:
            pass
        self.entry = None
        self.deleted.emit(entry_id)
        self.close_detail()

    def close_detail(self) -> None:
        self.player.stop()
        self.closed.emit()

    def entry_changed(self, action: str, entry_id: str) -> None:
        """Keep the shown entry current when another page (or the sync) changed it."""
        if self.entry is None or str(self.entry.id) != entry_id:
            return
        if action == "deleted":
            self.entry = None
            self.closed.emit()
        elif not self.save_button.hasFocus():
            try:
                self.entry = self.diary.get(entry_id)
            except EntryNotFound:
                return

