"""Open the diary at start, or say what is wrong with it and offer what is safe (issue 15, item 2).

The decisions live in ``store/health.py`` (Qt-free): what the damage is, which choices are safe,
and carrying them out. This module only asks (``DiaryProblemDialog``) and reports: a damaged or
read-only diary gets a dialog, never a traceback, and nothing is deleted without asking.
After recovery, entries whose recording was deleted outside the app are shown to the user.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QPushButton, QWidget

from diary_app.store import Diary, RecoveryReport
from diary_app.store.health import Damage, DiaryCheck, Option, apply, check_diary, count_recordings

log = logging.getLogger(__name__)


def headline(check: DiaryCheck) -> str:
    return {
        Damage.NOT_A_DATABASE: QCoreApplication.translate("DiaryProblemDialog", "Your diary's database is damaged: it no longer holds a database."),
        Damage.TEXT_FILE: QCoreApplication.translate("DiaryProblemDialog", "Your diary's database has been replaced by a text file."),
        Damage.TRUNCATED: QCoreApplication.translate("DiaryProblemDialog", "Your diary's database is incomplete (it was only partly written)."),
        Damage.CORRUPT: QCoreApplication.translate("DiaryProblemDialog", "Your diary's database is damaged."),
        Damage.READ_ONLY: QCoreApplication.translate("DiaryProblemDialog", "Your diary is on a disk or in a folder that cannot be written."),
        Damage.SCHEMA_TOO_NEW: QCoreApplication.translate("DiaryProblemDialog", "This diary was written by a newer Sound Diary. Update the app to open it."),
        Damage.UNREADABLE: QCoreApplication.translate("DiaryProblemDialog", "Your diary's database cannot be read."),
    }.get(check.damage, check.message)


def button_text(option: Option, check: DiaryCheck) -> str:
    if option is Option.OPEN_BACKUP:
        return QCoreApplication.translate("DiaryProblemDialog", "Open the last good backup")
    if option is Option.REBUILD:
        return QCoreApplication.translate("DiaryProblemDialog", "Rebuild from the recordings")
    if option is Option.READ_ONLY:
        return QCoreApplication.translate("DiaryProblemDialog", "Open read-only")
    return QCoreApplication.translate("DiaryProblemDialog", "Quit")


def explanation(check: DiaryCheck) -> str:
    lines = [check.message]
    for option in check.options:
        if option is Option.OPEN_BACKUP and check.backup is not None:
            lines.append(QCoreApplication.translate("DiaryProblemDialog", "• Open the last good backup: {0}; recordings made since come back from their "
                             "audio.").format(check.backup.name))
        elif option is Option.REBUILD:
            lines.append(QCoreApplication.translate("DiaryProblemDialog", "• Rebuild from the recordings: a new diary is made from the {0} recording(s) in "
                             "the audio folder, with their notes, tags and places.").format(check.recordings))
        elif option is Option.READ_ONLY:
            lines.append(QCoreApplication.translate("DiaryProblemDialog", "• Open read-only: look at and play what can be read; nothing can be saved."))
    if Option.REBUILD in check.options or Option.OPEN_BACKUP in check.options:
        lines.append(QCoreApplication.translate("DiaryProblemDialog", "Nothing is deleted: the damaged file is kept beside it as \"diary.sqlite3.damaged-…\"."))
    return "\n\n".join(lines)


class DiaryProblemDialog(QMessageBox):
    """What happened and one button per safe choice; ``choice`` after it closes (Quit if closed)."""

    def __init__(self, check: DiaryCheck, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.check = check
        self.choice = Option.QUIT
        self.setObjectName("diary_problem_dialog")
        self.setWindowTitle("Sound Diary")
        self.setIcon(QMessageBox.Icon.Warning)
        self.setText(headline(check))
        self.setInformativeText(explanation(check))
        if check.detail:
            self.setDetailedText(check.detail)
        self.option_buttons: dict[Option, QPushButton] = {}
        for option in check.options:
            role = QMessageBox.ButtonRole.RejectRole if option is Option.QUIT else QMessageBox.ButtonRole.AcceptRole
            button = self.addButton(button_text(option, check), role)
            button.setObjectName(f"option_{option.value}")
            button.clicked.connect(lambda _=False, o=option: self._chose(o))
            self.option_buttons[option] = button
        first = next((b for o, b in self.option_buttons.items() if o is not Option.QUIT), None)
        if first is not None:
            self.setDefaultButton(first)
        self.setEscapeButton(self.option_buttons.get(Option.QUIT))

    def _chose(self, option: Option) -> None:
        self.choice = option


def ask_with_dialog(check: DiaryCheck, parent: QWidget | None = None) -> Option:
    dialog = DiaryProblemDialog(check, parent)
    dialog.exec()
    return dialog.choice


Ask = Callable[[DiaryCheck], Option]


def open_diary_for_gui(root: str | Path, ask: Ask | None = None,
                       parent: QWidget | None = None) -> tuple[Diary | None, RecoveryReport | None]:
    """The diary to show, or ``(None, None)`` when the user chose Quit (or nothing could open)."""
    ask = ask or (lambda c: ask_with_dialog(c, parent))
    root = Path(root)
    for _ in range(5):  # a choice that fails is reported and asked again; never a loop forever
        check = check_diary(root, thorough=False)  # quick: a big diary is not read page by page
        if check.ok:
            try:
                diary = Diary(root)
                return diary, diary.recover()
            except Exception as exc:
                log.exception("opening the diary failed")
                check = check_diary(root)  # now thoroughly: which damage, which choices
                if check.ok:  # something the check did not foresee: still a dialog
                    check = DiaryCheck(root, Damage.CORRUPT, QCoreApplication.translate("DiaryProblemDialog", "The diary could not be opened."),
                                       f"{type(exc).__name__}: {exc}",
                                       [Option.REBUILD, Option.QUIT] if root.is_dir() else [Option.QUIT],
                                       recordings=count_recordings(root))
        option = ask(check)
        try:
            return apply(check, option)
        except Exception as exc:
            log.exception("%s failed", option.value)
            QMessageBox.warning(parent, "Sound Diary", QCoreApplication.translate("DiaryProblemDialog", "That did not work: {0}").format(exc))
    return None, None


def recovery_messages(diary: Diary, report: RecoveryReport | None) -> list[str]:
    """What the user should know after start-up recovery (missing audio, entries brought back)."""
    if report is None:
        return []
    out: list[str] = []
    if report.missing_audio:
        dates = []
        for entry_id in report.missing_audio[:5]:
            try:
                dates.append(diary.get(entry_id).created_at.astimezone().strftime("%Y-%m-%d %H:%M"))
            except Exception:
                continue
        more = "" if len(report.missing_audio) <= 5 else " …"
        out.append(QCoreApplication.translate("DiaryProblemDialog", "{0} entry(ies) lost their recording: the audio file was deleted outside Sound Diary "
                       "({1}{2}). Their notes and tags are kept, but they cannot be played.")
                   .format(len(report.missing_audio), ", ".join(dates), more))
    if report.reimported:
        out.append(QCoreApplication.translate("DiaryProblemDialog", "{0} recording(s) without a diary entry were added back ({1} with their notes and tags).")
                   .format(len(report.reimported), report.restored_from_sidecar))
    return out


def show_recovery_report(parent: QWidget | None, diary: Diary, report: RecoveryReport | None) -> QMessageBox | None:
    """A non-modal message when recovery found something the user must know; None otherwise."""
    messages = recovery_messages(diary, report)
    if not messages:
        return None
    box = QMessageBox(QMessageBox.Icon.Information, "Sound Diary", "\n\n".join(messages), QMessageBox.StandardButton.Ok,
                      parent)
    box.setObjectName("recovery_report")
    box.open()
    return box
