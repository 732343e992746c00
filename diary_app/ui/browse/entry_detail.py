"""One entry in full: waveform with playback cursor, the automatic and the shown emotion, and edits.

Edits (emotion, note, privacy, place) are applied together with "Save" (Ctrl+S); the store then
fires ``entry_changed`` and every page (list, calendar, map, statistics) refreshes itself from
that. Leaving with unsaved edits (◀ Back, Esc, Alt+Left, another page, closing the window) asks
Save / Discard / Cancel (``confirm_leave``). Delete asks first and the page offers Undo.
The waveform is read on a worker thread (disk I/O never blocks the GUI).
"""

from __future__ import annotations

from datetime import tzinfo

import numpy as np
from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QKeySequence, QPalette, QShortcut
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
from diary_app.store import UNCHANGED, Diary, DiaryWriteError, Entry, EntryNotFound
from diary_app.store.stats import local_tz
from diary_app.ui.audio_player import AudioPlayer
from diary_app.ui.browse.entry_list_model import format_duration
from diary_app.ui.emotion_widgets import EmotionChip, EmotionPicker, emotion_name
from diary_app.ui.evidence_view import EvidenceView
from diary_app.ui.i18n import locale_datetime, scene_name
from diary_app.ui.location_picker import LocationPicker, Place
from diary_app.ui.plurals import singular
from diary_app.ui.theme import error_css, style_plot
from diary_app.ui.worker import run_in_background

#: the answers of the unsaved-changes question
SAVE, DISCARD, CANCEL = "save", "discard", "cancel"

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


def _waveform_or_error(entry_id: str, path: str) -> tuple[str, object]:
    """Pool thread: (t, y, duration), or why the audio cannot be read (the rest of the page stays usable)."""
    try:
        return entry_id, waveform_envelope(path)
    except Exception as exc:  # noqa: BLE001
        return entry_id, f"{type(exc).__name__}: {exc}"


class EntryDetail(QWidget):
    """Shows one entry; ``closed`` asks the page to go back, ``deleted`` reports a deletion."""

    closed = Signal()
    deleted = Signal(str)
    #: the detail deleted an entry and kept it restorable: the page offers Undo (``Diary.restore``)
    deleted_undoable = Signal(object)
    waveform_ready = Signal()

    def __init__(self, diary: Diary, settings=None, tz: tzinfo | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.diary = diary
        self.tz = tz or local_tz()
        self.entry: Entry | None = None

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
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.hideButtons()
        self.plot.setMenuEnabled(False)
        self.plot.getAxis("left").setStyle(showValues=False)
        self.plot.setLabel("bottom", self.tr("seconds"))
        self.plot.setMinimumHeight(120)
        self.plot.setMaximumHeight(170)
        self.wave_curve = self.plot.plot([], [])
        self.cursor = pg.InfiniteLine(pos=0, angle=90, pen=pg.mkPen("#e73f74", width=2))
        self.plot.addItem(self.cursor)
        self._style_waveform()
        self.wave_note = QLabel()
        self.player = AudioPlayer()
        self.player.setObjectName("detail_player")
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
        self.likes: dict[str, int] = {}  # friends' likes on my shared entries (from the sync server)
        self.likes_label = QLabel()
        self.likes_label.setObjectName("entry_likes")
        self.location = LocationPicker(settings)
        self.clear_place = QCheckBox(self.tr("No place"))
        self.clear_place.toggled.connect(lambda on: self.location.setEnabled(not on))
        self.save_button = QPushButton(self.tr("Save changes"))
        self.save_button.setObjectName("save_entry")
        self.save_button.clicked.connect(self.save)
        self.save_button.setToolTip(self.tr("Save the changes (Ctrl+S)"))
        self.delete_button = QPushButton(self.tr("Delete…"))
        self.delete_button.setObjectName("delete_entry")
        self.delete_button.setToolTip(self.tr("Delete this entry (Delete)"))
        self.delete_button.clicked.connect(lambda: self.ask_delete())
        self.status = QLabel()
        self.confirm = QMessageBox(QMessageBox.Icon.Warning, self.tr("Delete entry"),
                                   self.tr("Delete this entry and its recording? You can undo this for a few seconds."),
                                   QMessageBox.StandardButton.NoButton, self)
        self.confirm.setObjectName("confirm_delete")
        self.confirm_delete_button = self.confirm.addButton(self.tr("Delete"), QMessageBox.ButtonRole.DestructiveRole)
        self.confirm_delete_button.setObjectName("confirm_delete_button")
        cancel = self.confirm.addButton(QMessageBox.StandardButton.Cancel)
        self.confirm.setDefaultButton(cancel)
        self.confirm.setEscapeButton(cancel)
        self.confirm.finished.connect(self._confirmed)
        self._delete_id: str | None = None
        #: asks Save / Discard / Cancel; replaceable (tests, or a page that must not block)
        self.ask_unsaved = self._ask_unsaved
        self.back_button.setToolTip(self.tr("Back to the list (Esc, Alt+Left)"))
        for keys, slot in (((Qt.Key.Key_Escape,), self.close_detail),
                           (("Alt+Left", Qt.Key.Key_Back), self.close_detail),  # one shortcut per key, or neither fires
                           ((QKeySequence.StandardKey.Save,), self.save),
                           ((QKeySequence.StandardKey.Delete,), self.ask_delete)):
            for key in keys:
                shortcut = QShortcut(QKeySequence(key), self)  # only while the detail is shown
                shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
                shortcut.activated.connect(lambda slot=slot: slot())

        form = QFormLayout()
        form.addRow(self.tr("Recorded"), self.when_label)
        form.addRow(self.tr("Analysis"), self.auto_label)
        emo_row = QHBoxLayout()
        emo_row.addWidget(self.picker, 1)
        emo_row.addWidget(self.auto_button)
        form.addRow(self.tr("Emotion"), emo_row)
        form.addRow(self.tr("Note"), self.note)
        public_row = QHBoxLayout()
        public_row.addWidget(self.public)
        public_row.addSpacing(12)
        public_row.addWidget(self.likes_label)
        public_row.addStretch(1)
        form.addRow("", public_row)
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

    # -- unsaved changes ---------------------------------------------------------------------------
    def has_unsaved_changes(self) -> bool:
        """True when a field differs from the stored entry (what "Save" would write)."""
        e = self.entry
        if e is None:
            return False
        if self._emotion_touched and self._picked != e.user_emotion:
            return True
        if self.note.toPlainText() != (e.note or ""):
            return True
        if self.public.isChecked() != bool(e.is_public):
            return True
        place = None if self.clear_place.isChecked() else self.location.place()
        if place is None or not e.has_location:
            return (place is None) == bool(e.has_location)
        # the spin boxes keep 5 decimals (~1 m): a stored place is unchanged at that precision
        return (round(place.latitude, 5), round(place.longitude, 5), place.name or None) != (
            round(e.latitude, 5), round(e.longitude, 5), e.place_name or None)

    def confirm_leave(self) -> bool:
        """May the user leave the detail? Asks Save / Discard / Cancel when there are edits."""
        if not self.has_unsaved_changes():
            return True
        answer = self.ask_unsaved()
        if answer == SAVE:
            self.save()
            return not self.has_unsaved_changes()  # "Not saved: …" keeps the user here
        if answer == DISCARD:
            if self.entry is not None:
                self._emotion_touched = False
                self._fill(self.entry)
            return True
        return False

    def _ask_unsaved(self) -> str:
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Unsaved changes"),
                          self.tr("This entry has changes that are not saved. Save them?"),
                          QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                          | QMessageBox.StandardButton.Cancel, self)
        box.setObjectName("unsaved_changes")
        box.setDefaultButton(QMessageBox.StandardButton.Save)
        box.setEscapeButton(QMessageBox.StandardButton.Cancel)
        answer = box.exec()
        return {QMessageBox.StandardButton.Save: SAVE, QMessageBox.StandardButton.Discard: DISCARD}.get(
            QMessageBox.StandardButton(answer), CANCEL)

    def set_likes(self, likes: dict[str, int]) -> None:
        self.likes = likes
        self._show_likes()

    def _show_likes(self) -> None:
        n = self.likes.get(str(self.entry.id), 0) if self.entry is not None and self.entry.is_public else 0
        self.likes_label.setText(singular(self.tr("♥ %n likes from friends", "", n), n) if n else "")

    # -- look ----------------------------------------------------------------------------------------
    def _style_waveform(self) -> None:
        import pyqtgraph as pg

        style_plot(self.plot, self.palette())
        self.wave_curve.setPen(pg.mkPen(self.palette().color(QPalette.ColorRole.Highlight), width=1))

    def changeEvent(self, event) -> None:  # noqa: N802
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._style_waveform()

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
        self._show_likes()
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
        # the real time axis from the stored length at once; no 0..1 junk axes while loading
        self.plot.setXRange(0, max(e.duration_s or 0.0, 0.1), padding=0)
        self.plot.setYRange(-1, 1, padding=0.05)
        self.plot.getAxis("bottom").setStyle(showValues=False)
        path = self.diary.audio_path(e)
        if not path.exists():
            self.wave_note.setText(self.tr("The recording is missing: {0}").format(path.name))
            self.player.load(None)
            return
        self.wave_note.setText(self.tr("Loading the waveform…"))
        self.player.load(path, e.duration_s)
        entry_id, audio = str(e.id), str(path)
        run_in_background(lambda: _waveform_or_error(entry_id, audio), self._wave_done)

    def _wave_done(self, answer: tuple[str, object]) -> None:
        entry_id, result = answer
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
        self.plot.getAxis("bottom").setStyle(showValues=True)
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
        """Apply every changed field in one ``Diary.edit`` (one transaction, one notification)."""
        e = self.entry
        if e is None:
            return
        entry_id = e.id
        try:
            note = self.note.toPlainText()
            place = None if self.clear_place.isChecked() else self.location.place()
            location = UNCHANGED
            if place is None and e.has_location:
                location = None
            elif place is not None and (place.latitude, place.longitude, place.name or None) != (e.latitude, e.longitude, e.place_name):
                location = (place.latitude, place.longitude, place.name or None)
            self.diary.edit(
                entry_id,
                user_emotion=self._picked if self._emotion_touched and self._picked != e.user_emotion else UNCHANGED,
                note=note if note != (e.note or "") else UNCHANGED,
                is_public=self.public.isChecked() if self.public.isChecked() != bool(e.is_public) else UNCHANGED,
                location=location,
            )
        except (ValueError, EntryNotFound, DiaryWriteError) as exc:
            self.status.setStyleSheet(error_css(self.palette()))
            self.status.setText(self.tr("Not saved: {0}").format(exc))
            return
        self.show_entry(str(entry_id))
        self.status.setStyleSheet("")
        self.status.setText(self.tr("Saved."))

    def ask_delete(self, entry_id: str | None = None) -> None:
        """Ask before deleting ``entry_id`` (default: the shown entry); the list uses it too."""
        if entry_id is None and self.entry is not None:
            entry_id = str(self.entry.id)
        if entry_id is None or self.confirm.isVisible():
            return
        self._delete_id = str(entry_id)
        self.confirm.open()  # non-blocking: the event loop (and tests) keep running

    def _confirmed(self, _result: int) -> None:
        entry_id, self._delete_id = self._delete_id, None
        if entry_id is None or self.confirm.clickedButton() is not self.confirm_delete_button:
            return
        shown = self.entry is not None and str(self.entry.id) == entry_id
        if shown:
            self.player.load(None)  # release the file before it moves (Windows)
        try:
            snapshot = self.diary.delete_undoable(entry_id)
        except EntryNotFound:
            snapshot = None
        except DiaryWriteError as exc:  # e.g. a full disk: the entry is kept whole
            self.status.setStyleSheet(error_css(self.palette()))
            self.status.setText(self.tr("Not deleted: {0}").format(exc))
            if shown and self.entry is not None:  # the recording is back in place: play it again
                self.player.load(self.diary.audio_path(self.entry), self.entry.duration_s)
            return
        if shown:
            self.entry = None
        self.deleted.emit(entry_id)
        if snapshot is not None:
            self.deleted_undoable.emit(snapshot)
        if shown:
            self.player.stop()
            self.closed.emit()

    def close_detail(self) -> None:
        """◀ Back (Esc, Alt+Left): asks first when there are unsaved edits."""
        if not self.confirm_leave():
            return
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

