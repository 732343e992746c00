"""Settings → Backup: export, import and automatic backups (the Qt face of ``store/backup.py``).

Every zip is written or read on a worker thread (``BackgroundCall``) with a progress bar, so a
diary of years never freezes the window. The automatic backup runs at start when it is due
(``start_auto_backup``), also off the GUI thread, and says what it did in the status bar.
"""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QWidget,
)

from diary_app.store import backup as store_backup
from diary_app.ui.context import AppContext

log = logging.getLogger(__name__)

#: interval in days -> label; "weekly" is the default
INTERVALS = (1, 7, 30)


def backup_folder(settings) -> Path:
    return Path(settings.backup_folder) if settings.backup_folder else store_backup.default_backup_folder()


class BackupBox(QGroupBox):
    """The Backup group of the Settings page."""

    #: a job finished: (kind, message) with kind in exported/imported/backed-up/failed
    finished = Signal(str, str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Backup"), parent)
        self.setObjectName("backup_box")
        self.ctx = ctx
        self.settings = ctx.settings
        self._call = None
        form = QFormLayout(self)

        intro = QLabel(self.tr("An export is one zip file with every recording (FLAC), all entries as JSON and a "
                               "spreadsheet (CSV). Import merges an export into this diary by entry id."))
        intro.setWordWrap(True)
        form.addRow(intro)
        self.export_button = QPushButton(self.tr("Export…"))
        self.export_button.setObjectName("export_button")
        self.export_button.clicked.connect(self.choose_export)
        self.import_button = QPushButton(self.tr("Import…"))
        self.import_button.setObjectName("import_button")
        self.import_button.clicked.connect(self.choose_import)
        row = QHBoxLayout()
        row.addWidget(self.export_button)
        row.addWidget(self.import_button)
        row.addStretch(1)
        form.addRow(self.tr("Whole diary"), row)

        self.auto = QCheckBox(self.tr("Back up automatically"))
        self.auto.setObjectName("backup_enabled")
        self.auto.setChecked(bool(self.settings.backup_enabled))
        self.auto.toggled.connect(self._auto_toggled)
        self.interval = QComboBox()
        self.interval.setObjectName("backup_interval")
        names = {1: self.tr("every day"), 7: self.tr("every week"), 30: self.tr("every month")}
        for days in INTERVALS:
            self.interval.addItem(names[days], days)
        if self.interval.findData(self.settings.backup_interval_days) < 0:
            self.interval.addItem(self.tr("every {0} days").format(self.settings.backup_interval_days),
                                  self.settings.backup_interval_days)
        self.interval.setCurrentIndex(self.interval.findData(self.settings.backup_interval_days))
        self.interval.currentIndexChanged.connect(lambda _i: self._set("backup_interval_days", int(self.interval.currentData())))
        self.keep = QSpinBox()
        self.keep.setObjectName("backup_keep")
        self.keep.setRange(1, 50)
        self.keep.setValue(max(1, int(self.settings.backup_keep)))
        self.keep.setPrefix(self.tr("keep "))
        self.keep.valueChanged.connect(lambda v: self._set("backup_keep", int(v)))
        row = QHBoxLayout()
        row.addWidget(self.auto)
        row.addWidget(self.interval)
        row.addWidget(self.keep)
        row.addStretch(1)
        form.addRow(self.tr("Automatic backups"), row)

        self.folder_label = QLabel()
        self.folder_label.setObjectName("backup_folder")
        self.folder_label.setWordWrap(True)
        self.folder_button = QPushButton(self.tr("Choose folder…"))
        self.folder_button.setObjectName("backup_folder_button")
        self.folder_button.clicked.connect(self.choose_folder)
        self.now_button = QPushButton(self.tr("Back up now"))
        self.now_button.setObjectName("backup_now")
        self.now_button.clicked.connect(self.backup_now)
        # the path is a field of its own: a wrapping label inside a row layout got one line's height
        # in the form, so a long path on a small window was cut off (issue 14, visual review)
        form.addRow(self.tr("Backup folder"), self.folder_label)
        row = QHBoxLayout()
        row.addWidget(self.folder_button)
        row.addWidget(self.now_button)
        row.addStretch(1)
        form.addRow("", row)
        self.hint = QLabel(self.tr("Choose a folder on another disk or a synced folder: a backup on the same disk "
                                   "does not survive a lost disk."))
        self.hint.setWordWrap(True)
        # an (empty) label widget, not "": QFormLayout gives a row without a label its width-less
        # size hint (three lines for this one-line hint), a row with one its real height for width
        form.addRow(QLabel(), self.hint)

        self.progress = QProgressBar()
        self.progress.setObjectName("backup_progress")
        self.progress.setVisible(False)
        form.addRow(self.progress)
        self.status = QLabel()
        self.status.setObjectName("backup_status")
        self.status.setWordWrap(True)
        form.addRow(self.status)
        self._auto_toggled(self.auto.isChecked(), save=False)
        self.refresh_status()

    # -- settings -----------------------------------------------------------------------------
    def _set(self, name: str, value) -> None:
        setattr(self.settings, name, value)
        self.settings.save()
        self.refresh_status()

    def _auto_toggled(self, on: bool, save: bool = True) -> None:
        for w in (self.interval, self.keep):
            w.setEnabled(on)
        if save:
            self._set("backup_enabled", bool(on))

    def refresh_status(self) -> None:
        folder = backup_folder(self.settings)
        self.folder_label.setText(str(folder))
        if self._call is not None:
            return
        last = store_backup.last_backup(folder)
        if last is None:
            self.status.setText(self.tr("No backup yet."))
        else:
            self.status.setText(self.tr("Last backup: {0}").format(
                last.astimezone().strftime("%Y-%m-%d %H:%M")))

    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Backup folder"), str(backup_folder(self.settings)))
        if folder:
            self._set("backup_folder", folder)

    # -- jobs ------------------------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        return self._call is not None

    def choose_export(self) -> None:
        suggested = str(Path.home() / f"sound-diary-{datetime.now():%Y-%m-%d}.zip")
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export the diary"), suggested, self.tr("Zip files (*.zip)"))
        if path:
            if not path.lower().endswith(".zip"):
                path += ".zip"
            self.export_to(path)

    def choose_import(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Import a diary export"), str(Path.home()),
                                              self.tr("Zip files (*.zip)"))
        if path:
            self.import_from(path)

    def export_to(self, path: str | Path) -> None:
        diary = self.ctx.diary
        self._start(lambda progress: store_backup.export_diary(diary, path, progress), "exported",
                    self.tr("Exporting…"))

    def import_from(self, path: str | Path) -> None:
        diary = self.ctx.diary
        self._start(lambda progress: store_backup.import_diary(diary, path, progress), "imported",
                    self.tr("Checking and importing…"))

    def backup_now(self) -> None:
        diary, folder, keep = self.ctx.diary, backup_folder(self.settings), max(1, int(self.settings.backup_keep))
        self._start(lambda progress: store_backup.make_backup(diary, folder, keep, progress), "backed-up",
                    self.tr("Backing up…"))

    def _start(self, fn, kind: str, message: str) -> None:
        from diary_app.ui.worker import BackgroundCall

        if self._call is not None:
            return
        for b in (self.export_button, self.import_button, self.now_button):
            b.setEnabled(False)
        self.progress.setRange(0, 0)
        self.progress.setVisible(True)
        self.status.setText(message)
        call = BackgroundCall(fn)
        call.signals.progress.connect(self._progress)
        call.signals.done.connect(lambda report: self._done(kind, report))
        call.signals.failed.connect(self._failed)
        self._call = call.start()

    def _progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(1, total))
        self.progress.setValue(done)

    def _finish(self) -> None:
        self._call = None
        self.progress.setVisible(False)
        for b in (self.export_button, self.import_button, self.now_button):
            b.setEnabled(True)

    def _done(self, kind: str, report) -> None:
        self._finish()
        if kind == "imported":
            text = self.tr("Import done. New entries added: {0}; already in the diary and kept as they are: {1}.").format(
                report.added, report.already_present)
            if report.skipped_without_audio:
                text += " " + self.tr("Entries in the file without a recording, not imported: {0}.").format(
                    len(report.skipped_without_audio))
        else:
            text = self.tr("Saved to {2} (entries: {0}, {1:.1f} MB).").format(report.entries, report.bytes / 1e6, report.path)
            if report.missing_audio:
                text += " " + self.tr("Entries without a recording on disk: {0}.").format(len(report.missing_audio))
        self.status.setText(text)
        self.finished.emit(kind, text)

    def _failed(self, exc: Exception) -> None:
        self._finish()
        if isinstance(exc, store_backup.BackupError):
            text = self.tr("Not imported: {0}. The diary was not changed.").format(exc)
        else:
            text = self.tr("Failed: {0}").format(exc)
        self.status.setText(text)
        self.finished.emit("failed", text)
        if self.isVisible():
            QMessageBox.warning(self, self.tr("Backup"), text)


class _AutoBackup(QObject):
    """Keeps the start-up backup job alive until it reports (on the GUI thread)."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.call = None


def start_auto_backup(window, ctx: AppContext, delay_ms: int = 5000) -> _AutoBackup:
    """At start, after the window is up: back up on a worker thread when the last backup is too old."""
    from diary_app.ui.worker import BackgroundCall

    holder = _AutoBackup(window)
    settings = ctx.settings

    def run() -> None:
        if not settings.backup_enabled:
            return
        diary, folder = ctx.diary, backup_folder(settings)
        interval, keep = max(0.0, float(settings.backup_interval_days)), max(1, int(settings.backup_keep))
        call = BackgroundCall(lambda _progress: store_backup.auto_backup_if_due(diary, folder, interval, keep))
        call.signals.done.connect(lambda report: _auto_done(window, report))
        call.signals.failed.connect(lambda exc: _auto_failed(window, folder, exc))
        holder.call = call.start()

    QTimer.singleShot(delay_ms, run)
    return holder


def _auto_done(window, report) -> None:
    if report is None:
        return  # not due
    message = QCoreApplication.translate("BackupBox", "Backup saved to {1} (entries: {0})").format(report.entries, report.path)
    log.info(message)
    if hasattr(window, "statusBar"):
        window.statusBar().showMessage(message, 15_000)


def _auto_failed(window, folder: Path, exc: Exception) -> None:
    message = QCoreApplication.translate("BackupBox", "Automatic backup to {0} failed: {1}").format(folder, exc)
    log.warning(message)
    if hasattr(window, "statusBar"):
        window.statusBar().showMessage(message, 60_000)
