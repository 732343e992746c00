"""Review a fresh recording: see the automatic tag and why, correct it, add a note, share or not.

The entry is already in the diary when this panel opens (a recording is never lost); "Save"
writes the user's choices, "Discard" deletes the entry and its audio. Private and "no location"
are the defaults: a place is stored only when the user turns "Save location" on.
"""

from __future__ import annotations

import uuid

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from diary_app.analysis.explain import explain
from diary_app.store import UNCHANGED, AnalysisState, DiaryWriteError, Entry, EntryNotFound
from diary_app.ui.audio_player import AudioPlayer
from diary_app.ui.emotion_widgets import EmotionChip, EmotionPicker, emotion_icon, emotion_name
from diary_app.ui.evidence_view import EvidenceView
from diary_app.ui.i18n import scene_name
from diary_app.ui.location_picker import LocationPicker, Place, remember_place
from diary_app.ui.theme import error_css


class ReviewPanel(QFrame):
    saved = Signal(str)
    discarded = Signal(str)
    retry_requested = Signal(str)

    def __init__(self, ctx, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.entry_id: uuid.UUID | None = None
        self._auto_emotion: str | None = None
        self.setObjectName("review_panel")
        self.setFrameShape(QFrame.Shape.StyledPanel)

        # automatic result
        self.chip = EmotionChip(large=True)
        self.chip.setObjectName("auto_emotion")
        self.confidence_label = QLabel()
        self.source_label = QLabel()
        self.source_label.setWordWrap(True)
        self.alternatives_label = QLabel()
        self.alternatives_label.setWordWrap(True)
        result_text = QVBoxLayout()
        result_text.addWidget(self.confidence_label)
        result_text.addWidget(self.source_label)
        result_text.addWidget(self.alternatives_label)
        result_row = QHBoxLayout()
        result_row.addWidget(self.chip, 0, Qt.AlignmentFlag.AlignTop)
        result_row.addSpacing(12)
        result_row.addLayout(result_text, 1)

        # progress and failure
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)  # indeterminate: we cannot know how long model loading takes
        self.busy.setTextVisible(False)
        self.busy.setMaximumHeight(8)
        self.status_label = QLabel()
        self.status_label.setObjectName("analysis_status")
        self.status_label.setWordWrap(True)
        self.retry_button = QPushButton(self.tr("Retry analysis"))
        self.retry_button.setObjectName("retry_button")
        self.retry_button.clicked.connect(self._retry)
        status_row = QHBoxLayout()
        status_row.addWidget(self.status_label, 1)
        status_row.addWidget(self.retry_button)

        # the user's choices
        self.picker = EmotionPicker()
        self.note = QPlainTextEdit()
        self.note.setObjectName("note")
        self.note.setPlaceholderText(self.tr("A note about this moment (optional)"))
        self.note.setMaximumHeight(70)
        self.public_box = QCheckBox(self.tr("Public (friends can see it)"))
        self.public_box.setObjectName("public_box")
        self.location_box = QCheckBox(self.tr("Save location"))
        self.location_box.setObjectName("location_box")
        self.location_picker = LocationPicker(ctx.settings)
        self.location_picker.setVisible(False)
        self.location_box.toggled.connect(self.location_picker.setVisible)
        toggles = QHBoxLayout()
        toggles.addWidget(self.public_box)
        toggles.addWidget(self.location_box)
        toggles.addStretch(1)
        self.player = AudioPlayer()
        self.save_button = QPushButton(self.tr("Save"))
        self.save_button.setObjectName("save_button")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        self.save_button.setToolTip(self.tr("Save (Ctrl+S)"))
        save_key = QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self)  # only while the panel is shown
        save_key.setContext(Qt.ShortcutContext.WindowShortcut)
        save_key.activated.connect(self.save)
        self.discard_button = QPushButton(self.tr("Discard"))
        self.discard_button.setObjectName("discard_button")
        self.discard_button.clicked.connect(self._discard_clicked)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.discard_button)
        buttons.addWidget(self.save_button)

        layout = QVBoxLayout(self)
        heading = QLabel(self.tr("Automatic tag"))
        heading.setStyleSheet("font-weight: 600;")
        self.meta_label = QLabel()
        self.meta_label.setObjectName("entry_meta")
        head_row = QHBoxLayout()
        head_row.addWidget(heading)
        head_row.addStretch(1)
        head_row.addWidget(self.meta_label)
        layout.addLayout(head_row)
        layout.addLayout(result_row)
        layout.addWidget(self.busy)
        layout.addLayout(status_row)
        self.evidence = EvidenceView()  # issue 16: why this tag
        layout.addWidget(self.evidence)
        your = QLabel(self.tr("Your tag (pick another if it does not fit)"))
        your.setStyleSheet("font-weight: 600;")
        layout.addWidget(your)
        layout.addWidget(self.picker)
        layout.addWidget(self.note)
        layout.addLayout(toggles)
        layout.addWidget(self.location_picker)
        layout.addWidget(self.player)
        layout.addLayout(buttons)
        self.clear()

    # -- showing an entry -------------------------------------------------------------------------
    def clear(self) -> None:
        self.entry_id = None
        self._auto_emotion = None
        self.player.load(None)
        self.meta_label.clear()
        self.note.clear()
        self.public_box.setChecked(False)
        self.location_box.setChecked(False)
        self.location_picker.set_place(None)
        self.picker.set_emotion(None)
        self._show_result(None)
        self.busy.hide()
        self.retry_button.hide()
        self.status_label.clear()

    def show_entry(self, entry_id: uuid.UUID | str) -> Entry:
        """Fill the panel from the stored entry (its state decides busy / failed / done)."""
        entry = self.ctx.diary.get(entry_id)
        self.clear()
        self.entry_id = entry.id
        self.note.setPlainText(entry.note or "")
        self.public_box.setChecked(bool(entry.is_public))
        if entry.has_location:
            self.location_box.setChecked(True)
            self.location_picker.set_place(Place(entry.latitude, entry.longitude, entry.place_name or ""))
        self.player.load(self.ctx.diary.audio_path(entry), entry.duration_s)
        local = entry.created_at.astimezone()
        self.meta_label.setText(self.tr("Recorded {0} at {1} · {2} s").format(
            local.strftime("%Y-%m-%d"), local.strftime("%H:%M"), f"{entry.duration_s:.1f}"))
        self._apply_entry(entry)
        return entry

    def _apply_entry(self, entry: Entry) -> None:
        self._auto_emotion = entry.auto_emotion
        if entry.analysis_state == AnalysisState.PENDING:
            self.set_analysing()
        elif entry.analysis_state == AnalysisState.FAILED:
            self._show_failure(entry.analysis_error or "")
        elif entry.analysis_state == AnalysisState.TOO_QUIET:
            self._show_too_quiet(entry)
        else:
            self.busy.hide()
            self.retry_button.hide()
            self.status_label.clear()
            self._show_result(entry)
        if self.picker.emotion() is None:  # never overwrite a choice the user already made
            self.picker.set_emotion(entry.user_emotion or entry.auto_emotion)

    def set_analysing(self, text: str | None = None) -> None:
        self.busy.show()
        self.retry_button.hide()
        self.status_label.setStyleSheet("")
        self.status_label.setText(text or self.tr("Analysing…"))
        self.chip.set_emotion(None)
        self.confidence_label.setText(self.tr("The tag appears here in a moment. You can already write a note."))
        self.source_label.clear()
        self.alternatives_label.clear()

    def _show_failure(self, error: str) -> None:
        self.busy.hide()
        self.retry_button.show()
        self.status_label.setStyleSheet(error_css(self.palette()))
        self.status_label.setText(self.tr("Analysis failed: {0}\nThe entry is kept untagged; "
                                          "retry, or pick the emotion yourself below.").format(error))
        self._show_result(None)

    def _show_too_quiet(self, entry: Entry) -> None:
        """Silence or a dead microphone: no automatic tag, the audio is kept; the user decides."""
        why = explain(entry.analysis_json)
        self.busy.hide()
        self.retry_button.hide()
        self._show_result(None)
        self.status_label.setStyleSheet("color: #8a5a00;")
        text = self.tr("Too quiet to analyse — pick the emotion yourself or record again.")
        if why is not None and why.detail:
            text += "\n" + self.tr("Measured: {0}").format(why.detail)
        self.status_label.setText(text)

    def _show_result(self, entry: Entry | None) -> None:
        self.evidence.show_entry(entry)
        if entry is None or entry.auto_emotion is None:
            self.chip.set_emotion(None)
            self.confidence_label.clear()
            self.source_label.clear()
            self.alternatives_label.clear()
            return
        self.chip.set_emotion(entry.auto_emotion)
        why = explain(entry.analysis_json) if entry.analysis_json else None
        if why is not None and why.kind == "scene_rule":
            # the rule decided, not a probability: say so, and show the scenes as what the sounds suggested
            self.confidence_label.setText(self.tr("Decided by the rule: {0}").format(why.headline))
            scenes = ", ".join(f"{s.replace('_', ' ')} {p * 100:.0f} %" for s, p in why.suggested_scenes)
            self.source_label.setText(self.tr("No scene was clear enough. The sounds suggested: {0}").format(scenes))
            self.alternatives_label.clear()
            return
        if entry.confidence is not None:
            self.confidence_label.setText(self.tr("Confidence: {0} %").format(f"{entry.confidence * 100:.0f}"))
        if entry.branch == "speech":
            self.source_label.setText(self.tr("From the voice in the recording (speech emotion)"))
        elif entry.branch == "environment":
            scene = scene_name(entry.scene or "unclassified")
            text = self.tr("From the surroundings: the scene sounds like \u201c{0}\u201d").format(scene)
            if why is not None and why.detail:
                text += " — " + why.detail
            self.source_label.setText(text)
        else:
            self.source_label.clear()
        probs = entry.auto_probabilities or {}
        ranked = sorted(probs.items(), key=lambda kv: kv[1], reverse=True)[1:4]
        if ranked:
            alts = ", ".join(f"{emotion_icon(e)} {emotion_name(e)} {p * 100:.0f} %" for e, p in ranked)
            self.alternatives_label.setText(self.tr("Also possible: {0}").format(alts))
        else:
            self.alternatives_label.clear()

    # -- analysis signals (connected by the record page) ------------------------------------------
    def on_stage(self, entry_id: str, stage: str) -> None:
        if self.entry_id is None or str(self.entry_id) != entry_id:
            return
        texts = {"queued": self.tr("Waiting for the analysis…"),
                 "loading": self.tr("Loading the models (first time only)…"),
                 "analysing": self.tr("Analysing…")}
        self.set_analysing(texts.get(stage))

    def on_finished(self, entry_id: str, _result=None) -> None:
        if self.entry_id is not None and str(self.entry_id) == entry_id:
            try:
                self._apply_entry(self.ctx.diary.get(entry_id))
            except EntryNotFound:
                self.clear()

    def on_failed(self, entry_id: str, message: str) -> None:
        if self.entry_id is not None and str(self.entry_id) == entry_id:
            self._show_failure(message)

    def _retry(self) -> None:
        if self.entry_id is not None:
            self.ctx.diary.set_analysis_pending(self.entry_id)
            self.set_analysing()
            self.retry_requested.emit(str(self.entry_id))

    # -- save / discard ---------------------------------------------------------------------------
    def save(self) -> Entry | None:
        """Write the user's tag, note, privacy and (only if wanted) location."""
        if self.entry_id is None:
            return None
        diary = self.ctx.diary
        picked = self.picker.emotion()
        entry = diary.get(self.entry_id)
        place = self.location_picker.place() if self.location_box.isChecked() else None
        location = (place.latitude, place.longitude, place.name or None) if place is not None else (
            None if entry.has_location else UNCHANGED)
        try:  # one transaction: a sync pass never sees it public with the place still there
            entry = diary.edit(self.entry_id, user_emotion=picked if picked and picked != entry.auto_emotion else None,
                               note=self.note.toPlainText().strip(), is_public=self.public_box.isChecked(),
                               location=location)
        except DiaryWriteError as exc:  # a full disk, a read-only diary: say so, keep the form
            self.status_label.setStyleSheet(error_css(self.palette()))
            self.status_label.setText(self.tr("Not saved: {0}").format(exc))
            return None
        if place is not None:
            remember_place(self.ctx.settings, place)
            self.location_picker.reload_recent()
        self.player.stop()
        self.saved.emit(str(self.entry_id))
        return entry

    def _ask_discard(self) -> bool:
        answer = QMessageBox.question(
            self, self.tr("Discard recording"),
            self.tr("Delete this recording and its entry? This cannot be undone."),
            QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Discard

    def _discard_clicked(self) -> None:
        if self.entry_id is not None and self._ask_discard():
            self.discard()

    def discard(self) -> None:
        """Delete the entry and its audio."""
        if self.entry_id is None:
            return
        entry_id = str(self.entry_id)
        self.player.load(None)  # release the file before it is deleted (Windows)
        try:
            self.ctx.diary.delete(entry_id)
        except EntryNotFound:
            pass
        except DiaryWriteError as exc:  # e.g. a full disk: the entry is kept whole
            QMessageBox.warning(self, self.tr("Not deleted"), str(exc))
            return
        self.clear()
        self.discarded.emit(entry_id)
