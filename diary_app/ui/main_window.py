"""The main window: a navigation list on the left, one page at a time on the right.

Pages are listed in ``PAGES`` (each in its own module, imported directly: a missing page is an
ImportError at start, never a placeholder).

A page with unsaved edits can refuse to be left: before another page is shown or the window
closes, the current page's ``confirm_leave()`` (when it has one) is asked.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt
from PySide6.QtWidgets import QHBoxLayout, QListWidget, QListWidgetItem, QMainWindow, QStackedWidget, QWidget

from diary_app.ui.context import AppContext
from diary_app.ui.pages.diary import DiaryPage
from diary_app.ui.pages.feed import FeedPage
from diary_app.ui.pages.friends import FriendsPage
from diary_app.ui.pages.notifications import NotificationsPage
from diary_app.ui.pages.record import RecordPage
from diary_app.ui.pages.settings import SettingsPage

#: key, title, page class (titles marked for lupdate, translated with self.tr at use)
PAGES: list[tuple[str, Any, Callable[[AppContext], QWidget]]] = [
    ("record", QT_TRANSLATE_NOOP("MainWindow", "Record"), RecordPage),
    ("diary", QT_TRANSLATE_NOOP("MainWindow", "Diary"), DiaryPage),
    ("feed", QT_TRANSLATE_NOOP("MainWindow", "Feed"), FeedPage),
    ("friends", QT_TRANSLATE_NOOP("MainWindow", "Friends"), FriendsPage),
    ("notifications", QT_TRANSLATE_NOOP("MainWindow", "Notifications"), NotificationsPage),
    ("settings", QT_TRANSLATE_NOOP("MainWindow", "Settings"), SettingsPage),
]


NAV_WIDTH = 168


def _may_leave(page: QWidget | None) -> bool:
    confirm = getattr(page, "confirm_leave", None)
    return confirm() if callable(confirm) else True


class MainWindow(QMainWindow):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.setWindowTitle("Sound Diary")
        self.resize(1100, 720)
        self.nav = QListWidget()
        self.nav.setFixedWidth(NAV_WIDTH)
        self.nav.setObjectName("navigation")
        # Palette roles rather than fixed colours, so the dark theme of the system still reads well.
        self.nav.setStyleSheet(
            "QListWidget#navigation { border: none; padding-top: 12px; font-size: 11pt;"
            " background: palette(window); }"
            "QListWidget#navigation::item { padding: 9px 14px; margin: 1px 6px; border-radius: 6px; }"
            "QListWidget#navigation::item:selected { background: palette(highlight);"
            " color: palette(highlighted-text); }"
        )
        self.stack = QStackedWidget()
        self.pages: dict[str, QWidget] = {}
        for key, title, page_class in PAGES:
            page = page_class(ctx)
            page.setObjectName(f"page_{key}")
            self.pages[key] = page
            self.stack.addWidget(page)
            item = QListWidgetItem(self.tr(title))
            item.setData(Qt.ItemDataRole.UserRole, key)
            self.nav.addItem(item)
        self.nav.currentRowChanged.connect(self._nav_changed)
        self.nav.setCurrentRow(0)
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.nav)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        ctx.events.open_entry.connect(self.show_entry)
        ctx.events.open_page.connect(self.show_page)
        self._start_social()
        # what a crash left in the model folder (a removal's trash, a dead install): never on the GUI thread
        from diary_app.analysis import registry
        from diary_app.ui.worker import run_in_background

        self.sweep_call = run_in_background(registry.sweep_leftovers)

    def _start_social(self) -> None:
        """Unread badge on the Notifications item, and the daily reminder (tray, or in-app without one)."""
        from diary_app.ui.social.service import get_sync_service
        from diary_app.ui.tray import ReminderTray

        self.sync_service = get_sync_service(self.ctx)
        self.sync_service.unread_count_changed.connect(self._show_unread)
        self.reminder = ReminderTray(self.ctx, self)
        self.reminder.reminder_due.connect(lambda message: self.statusBar().showMessage(message, 10 * 60 * 1000))
        notifications = self.pages.get("notifications")
        if hasattr(notifications, "add_local_reminder"):
            self.reminder.fired.connect(notifications.add_local_reminder)
        self.reminder.open_requested.connect(self._bring_to_front)

    def _show_unread(self, count: int) -> None:
        from diary_app.ui.social.widgets import badge_text

        for row in range(self.nav.count()):
            item = self.nav.item(row)
            if item.data(Qt.ItemDataRole.UserRole) == "notifications":
                item.setText(badge_text(self.tr("Notifications"), count))

    def _bring_to_front(self) -> None:
        self.showNormal()
        self.raise_()
        self.activateWindow()

    def _nav_changed(self, row: int) -> None:
        current = self.stack.currentWidget()
        if row != self.stack.currentIndex() and not _may_leave(current):
            self.nav.blockSignals(True)  # stay: put the selection back without asking again
            self.nav.setCurrentRow(self.stack.currentIndex())
            self.nav.blockSignals(False)
            return
        self.stack.setCurrentIndex(row)

    def show_page(self, key: str) -> QWidget:
        keys = [k for k, _, _ in PAGES]
        self.nav.setCurrentRow(keys.index(key))
        return self.pages[key]

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt API
        """Unsaved edits ask Save / Discard / Cancel; Cancel keeps the window open."""
        if not _may_leave(self.stack.currentWidget()):
            event.ignore()
            return
        for page in self.pages.values():
            if hasattr(page, "shutdown") and page is not self.pages.get("record"):
                page.shutdown()  # e.g. the Diary's pending Undo lets its kept audio go
        super().closeEvent(event)

    def show_entry(self, entry_id: str) -> None:
        """Open an entry's detail on the Diary page (pages that can, implement ``show_entry``)."""
        page = self.show_page("diary")
        if hasattr(page, "show_entry"):
            page.show_entry(entry_id)
