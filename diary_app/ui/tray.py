"""Daily reminder "How about capturing today's emotions?" as a system-tray notification.

Local only: it works without a server or an account. The time comes from ``settings.reminder_time``
(Qt-free logic in ``diary_app.sync.client.reminder``). Where there is no system tray (many Linux
desktops, offscreen) it falls back silently to an in-app message via ``reminder_due``.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QSystemTrayIcon

from diary_app.sync.client.reminder import REMINDER_MESSAGE, next_reminder, seconds_until
from diary_app.ui.context import AppContext

#: QTimer takes int milliseconds; sleep at most an hour and re-check (clock changes, suspend).
MAX_SLEEP_MS = 3600 * 1000


class ReminderTray(QObject):
    reminder_due = Signal(str)  # the message; the window shows it when there is no tray
    fired = Signal(str)  # every time the reminder fires (tray or not): the Notifications page lists it
    open_requested = Signal()

    def __init__(self, ctx: AppContext, parent: QObject | None = None, *, use_tray: bool | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.tray: QSystemTrayIcon | None = None
        if use_tray is None:
            use_tray = QSystemTrayIcon.isSystemTrayAvailable()
        if use_tray:
            icon = QApplication.windowIcon() if QApplication.instance() else QIcon()
            self.tray = QSystemTrayIcon(icon, self)
            self.tray.setToolTip("Sound Diary")
            self.tray.activated.connect(lambda _reason: self.open_requested.emit())
            self.tray.messageClicked.connect(self.open_requested.emit)
            self.tray.show()
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self._tick)
        self.next_at: datetime | None = None
        self.shown_count = 0
        self._scheduled_for: tuple[str, bool] | None = None
        # the Settings page edits ctx.settings in place; pick up a new time within a minute
        self.watch = QTimer(self)
        self.watch.setInterval(60_000)
        self.watch.timeout.connect(self._settings_check)
        self.watch.start()
        self.schedule()

    def _settings_check(self) -> None:
        if (self.ctx.settings.reminder_time, bool(self.ctx.settings.reminder_enabled)) != self._scheduled_for:
            self.schedule()

    def _recorded_today(self) -> bool:
        now = datetime.now().astimezone()
        start = now.replace(hour=0, minute=0, second=0, microsecond=0)
        try:
            return self.ctx.diary.count(start=start, end=now) > 0
        except Exception:
            return False

    def schedule(self, now: datetime | None = None) -> datetime | None:
        """(Re)arm the timer from the settings; call after the user changes the reminder time."""
        s = self.ctx.settings
        self._scheduled_for = (s.reminder_time, bool(s.reminder_enabled))
        try:
            self.next_at = next_reminder(s.reminder_time, now, enabled=s.reminder_enabled, recorded_today=self._recorded_today())
        except ValueError:
            self.next_at = None  # a bad setting disables the reminder instead of crashing the app
        self.timer.stop()
        if self.next_at is not None:
            self.timer.start(int(min(MAX_SLEEP_MS, seconds_until(self.next_at) * 1000)) + 50)
        return self.next_at

    def _tick(self) -> None:
        if self.next_at is not None and datetime.now().astimezone() >= self.next_at:
            self.show_reminder()
        self.schedule()

    def show_reminder(self) -> None:
        message = self.tr(REMINDER_MESSAGE)
        self.shown_count += 1
        self.fired.emit(message)
        if self.tray is not None and QSystemTrayIcon.supportsMessages():
            self.tray.showMessage("Sound Diary", message, QSystemTrayIcon.MessageIcon.Information, 15_000)
        else:
            self.reminder_due.emit(message)
