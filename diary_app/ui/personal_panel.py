"""The personal layer in the GUI (issue 16): background retraining, the Settings box, the backfill.

``PersonalService`` (one per app context) watches the diary; when the correction log grows (or an
undo shrinks it), it retrains the personal layer on a one-thread pool, never on the GUI thread,
and then recomputes the honest agreement measure. ``PersonalBox`` is the Settings group:
"Learning from your N corrections", the agreement, Undo, on/off, Reset, and the backfill of older
entries with progress and Cancel.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from PySide6.QtCore import QObject, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QCheckBox, QGroupBox, QHBoxLayout, QLabel, QMessageBox, QProgressBar, QPushButton, QVBoxLayout, QWidget

from diary_app.ui.worker import BackgroundCall, run_in_background

log = logging.getLogger(__name__)

#: wait this long after a change before retraining (a Save writes several fields in a row)
DEBOUNCE_MS = 300
#: new analysed recordings after which the adaptation statistics are refreshed without a correction
ADAPT_EVERY = 5


class PersonalService(QObject):
    retrained = Signal(object, object)  # TrainReport, Agreement
    failed = Signal(str)
    backfill_progress = Signal(int, int)
    backfill_done = Signal(object)  # BackfillReport

    def __init__(self, ctx, parent: QObject | None = None, extractor_factory=None) -> None:
        super().__init__(parent)
        from diary_app.personal.layer import layer_for

        self.ctx = ctx
        self.layer = layer_for(ctx.diary)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)  # retrains run in order; two never compete
        self.backfill_pool = QThreadPool(self)
        self.backfill_pool.setMaxThreadCount(1)
        self._cancel = threading.Event()
        self._seen = -1
        self._rows_seen = 0
        self._busy = False
        self._again = False
        self.extractor_factory = extractor_factory
        self.last_report: Any = None
        self.last_agreement: Any = None
        self.undoable = True  # whether Undo has something to put back (known after the first retrain)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self._check)
        ctx.events.entry_changed.connect(lambda *_: self._timer.start())
        self.retrained.connect(self._finished)

    @property
    def enabled(self) -> bool:
        return bool(getattr(self.ctx.settings, "personal_layer", True))

    def _check(self) -> None:
        """Retrain when the corrections changed, or every ``ADAPT_EVERY`` new recordings (the
        adaptation statistics follow the voice even without corrections)."""
        from diary_app.store.personal import correction_events, feature_rows

        n = len(correction_events(self.ctx.diary))
        rows = feature_rows(self.ctx.diary)
        if n != self._seen or rows >= self._rows_seen + ADAPT_EVERY:
            self._rows_seen = rows
            self.retrain()

    def retrain(self) -> None:
        """Queue a retrain (one at a time; a change during one queues exactly one more)."""
        if self._busy:
            self._again = True
            return
        self._busy = True
        run_in_background(self._train_job, self._trained, self._train_failed, pool=self.pool)

    def _train_job(self):  # pool thread
        from diary_app.personal.agreement import honest_agreement
        from diary_app.store.personal import correction_events, undoable_correction

        try:
            seen = len(correction_events(self.ctx.diary))
            undoable = undoable_correction(self.ctx.diary) is not None
            report = self.layer.train(self.ctx.diary)
            return seen, undoable, report, honest_agreement(self.ctx.diary)
        except Exception:
            log.exception("personal layer retrain failed")
            raise

    def _trained(self, answer) -> None:  # GUI thread: the box reads what the job found from here
        self._seen, self.undoable, report, agreement = answer
        self.retrained.emit(report, agreement)

    def _train_failed(self, exc: Exception) -> None:
        self._busy = False
        self.failed.emit(f"{type(exc).__name__}: {exc}")

    def _finished(self, report, agreement) -> None:
        self.last_report, self.last_agreement = report, agreement
        self._busy = False
        if self._again:
            self._again = False
            self.retrain()

    def wait(self, timeout_ms: int = -1) -> bool:
        return self.pool.waitForDone(timeout_ms)

    def reset(self) -> None:
        # file writes, so on the pool; it runs one job at a time in order, so the retrain comes after
        run_in_background(self.layer.reset, pool=self.pool)
        self.retrain()

    def undo(self):
        from diary_app.store.personal import undo_last_correction

        return undo_last_correction(self.ctx.diary)  # the store notifies; the debounce retrains

    # -- backfill -------------------------------------------------------------------------------
    def _extractor(self):
        if self.extractor_factory is not None:
            return self.extractor_factory()
        from diary_app.personal.backfill import host_extractor
        from diary_app.ui.analysis_host import shared_host

        return host_extractor(shared_host(), self.ctx.settings)

    def start_backfill(self) -> None:
        from diary_app.personal.backfill import run_backfill

        self._cancel.clear()
        extract = self._extractor()

        diary, cancel = self.ctx.diary, self._cancel
        call = BackgroundCall(lambda progress: run_backfill(diary, extract, progress, cancel))
        call.signals.progress.connect(self.backfill_progress)
        call.signals.done.connect(self.backfill_done)
        call.signals.failed.connect(self._backfill_failed)
        call.start(self.backfill_pool)

    def _backfill_failed(self, exc: Exception) -> None:
        self.failed.emit(f"{type(exc).__name__}: {exc}")

    def cancel_backfill(self) -> None:
        self._cancel.set()


def personal_service(ctx) -> PersonalService:
    """The app's one service (made on first use and kept on the context)."""
    return ctx.service("personal", lambda: PersonalService(ctx, parent=ctx.events))[0]


class PersonalBox(QGroupBox):
    """Settings -> "Learns from you"."""

    def __init__(self, ctx, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Learns from you"), parent)
        self.setObjectName("personal_box")
        self.ctx = ctx
        self.service = personal_service(ctx)
        self.enabled = QCheckBox(self.tr("Learn from my corrections (stays on this computer, never synced)"))
        self.enabled.setObjectName("personal_enabled")
        self.enabled.setChecked(self.service.enabled)
        self.enabled.toggled.connect(self._toggle)
        self.summary = QLabel()
        self.summary.setObjectName("personal_summary")
        self.summary.setWordWrap(True)
        self.agreement = QLabel()
        self.agreement.setObjectName("personal_agreement")
        self.agreement.setWordWrap(True)
        self.undo_button = QPushButton(self.tr("Undo last correction"))
        self.undo_button.setObjectName("personal_undo")
        self.undo_button.clicked.connect(self._undo)
        self.reset_button = QPushButton(self.tr("Reset what it learnt"))
        self.reset_button.setObjectName("personal_reset")
        self.reset_button.clicked.connect(lambda: self._reset())  # not _reset(checked): it would skip the question
        self.backfill_button = QPushButton(self.tr("Prepare older entries"))
        self.backfill_button.setObjectName("personal_backfill")
        self.backfill_button.setToolTip(self.tr("Keep what the analysis sees for entries recorded before this version"))
        self.backfill_button.clicked.connect(self._backfill)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.clicked.connect(self.service.cancel_backfill)
        self.cancel_button.hide()
        self.progress = QProgressBar()
        self.progress.hide()
        self.status = QLabel()
        self.status.setWordWrap(True)
        buttons = QHBoxLayout()
        for b in (self.undo_button, self.reset_button, self.backfill_button, self.cancel_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        col = QVBoxLayout(self)
        col.addWidget(self.enabled)
        col.addWidget(self.summary)
        col.addWidget(self.agreement)
        col.addLayout(buttons)
        col.addWidget(self.progress)
        col.addWidget(self.status)
        self.service.retrained.connect(self._show)
        self.service.failed.connect(lambda m: self.status.setText(self.tr("Personal layer: {0}").format(m)))
        self.service.backfill_progress.connect(self._progress)
        self.service.backfill_done.connect(self._backfill_done)
        self._show(None, None)
        self.service.retrain()

    def _toggle(self, on: bool) -> None:
        self.ctx.settings.personal_layer = bool(on)
        self.ctx.settings.save()
        self._show(self.service.last_report, self.service.last_agreement)

    def _reset(self, confirm: bool = True) -> None:
        n = self.service.layer.corrections
        if confirm and QMessageBox.question(
                self, self.tr("Reset what it learnt"),
                self.tr("Forget what the app learnt from your %n correction(s)? Your tags stay as they are; only "
                        "corrections you make from now on will teach it.", "", n)) != QMessageBox.StandardButton.Yes:
            return
        self.service.reset()
        self.status.setText(self.tr("Forgotten. Corrections you make from now on will teach it again."))

    def _undo(self) -> None:
        ev = self.service.undo()
        self.status.setText(self.tr("Nothing to undo.") if ev is None else self.tr("Undone: the entry is back to {0}.").format(
            ev.previous or self.tr("its automatic tag")))

    def _show(self, report, agreement) -> None:
        n = self.service.layer.corrections if report is None else report.speech_corrections + report.scene_corrections
        if not self.service.enabled:
            self.summary.setText(self.tr("Off: tags come from the shipped models only. What it learnt is kept."))
        elif n == 0 and report is not None and report.reset_at is not None:
            self.summary.setText(self.tr("Nothing learnt since you reset it: correct a tag to teach it again."))
        elif n == 0:
            self.summary.setText(self.tr("No corrections yet: correct a tag and the app learns your voice and places."))
        else:
            self.summary.setText(self.tr("Learning from your %n correction(s)", "", n))
        self.reset_button.setEnabled(n > 0)
        self.undo_button.setEnabled(self.service.undoable)
        if report is not None and report.skipped:
            self.summary.setText(self.summary.text() + " (" + "; ".join(report.skipped) + ")")
        if agreement is not None and agreement.counted:
            self.agreement.setText(self.tr(
                "On your {0} most recent entries, the automatic tag agreed with you {1:.0%} of the time "
                "(the shipped model alone: {2:.0%}). Only tags computed before you corrected them are counted.").format(
                agreement.counted, agreement.rate, agreement.global_rate))
        else:
            self.agreement.setText(self.tr("Agreement appears once new entries are tagged with your corrections."))

    def _backfill(self) -> None:
        self.progress.setValue(0)
        self.progress.show()
        self.cancel_button.show()
        self.backfill_button.setEnabled(False)
        self.status.setText(self.tr("Preparing older entries…"))
        self.service.start_backfill()

    def _progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)

    def _backfill_done(self, report) -> None:
        self.progress.hide()
        self.cancel_button.hide()
        self.backfill_button.setEnabled(True)
        word = self.tr("Cancelled") if report.cancelled else self.tr("Done")
        self.status.setText(self.tr("{0}: {1} of {2} older entries prepared{3}.").format(
            word, report.done, report.total, self.tr(", {0} failed").format(len(report.failed)) if report.failed else ""))
        self.service.retrain()
