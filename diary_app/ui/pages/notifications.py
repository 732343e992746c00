"""Notifications: likes, friend requests and acceptances, and the daily reminder; unread badge.

A click on a row opens what it is about: a like opens the liked entry in the Diary, a friend
request or acceptance the Friends page, the reminder the Record page. The daily reminder is local
(``diary_app.ui.tray`` at the user's time, even offline): the server's own reminder row, which it
adds at the first fetch of a day (right at sign-up), is marked read and not shown.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QPushButton, QVBoxLayout, QWidget

from diary_app.sync.client.api import Notifications
from diary_app.ui.context import AppContext
from diary_app.ui.social.service import get_sync_service
from diary_app.ui.social.widgets import SocialPage, local_time_text

#: symbols from common text fonts: colour emoji showed as empty boxes on stock Linux fonts
ICONS = {"like": "♥", "friend_request": "✉", "friend_accepted": "✔", "reminder": "♪"}
IdRole = Qt.ItemDataRole.UserRole
TargetRole = Qt.ItemDataRole.UserRole + 1  # ("entry", id) | ("page", key)
LOCAL_REMINDER = "local-reminder"


class NotificationsPage(SocialPage):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        self.ctx = ctx
        super().__init__(QCoreApplication.translate("NotificationsPage", "notifications"), get_sync_service(ctx), parent)
        self.notifications = Notifications(items=[], unread_count=0)
        self.unread_label = QLabel()
        self.unread_label.setObjectName("unread")
        self.mark_all = QPushButton(self.tr("Mark all as read"))
        self.mark_all.setObjectName("mark_all")
        self.mark_all.clicked.connect(self.mark_all_read)
        self.refresh_button = QPushButton(self.tr("Refresh"))
        self.refresh_button.clicked.connect(self.reload)
        self.list = QListWidget()
        self.list.setObjectName("notifications")
        self.list.setSpacing(4)
        self.list.itemActivated.connect(self._activated)
        self.list.itemClicked.connect(self._activated)
        self._local_reminder: tuple[str, datetime] | None = None
        self.status = QLabel()
        self.status.setObjectName("status")
        self.status.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("<h2>Notifications</h2>")))
        top.addWidget(self.unread_label)
        top.addStretch(1)
        top.addWidget(self.refresh_button)
        top.addWidget(self.mark_all)
        layout = QVBoxLayout(self.content)
        layout.addLayout(top)
        layout.addWidget(self.status)
        layout.addWidget(self.list, 1)
        self.service.unread_count_changed.connect(self._unread_changed)

    def reload(self) -> None:
        if not self.service.signed_in or not hasattr(self, "list"):
            return
        self.service.call("notifications", False, 100, on_done=self._show, on_error=lambda e: self.status.setText(str(e)))

    def add_local_reminder(self, message: str) -> None:
        """The tray's reminder fired (at the user's time): show it at the top until the next one."""
        self._local_reminder = (message, datetime.now().astimezone())
        self._show(self.notifications)

    def _show(self, notes: Notifications) -> None:
        self.notifications = notes
        self.list.clear()
        if self._local_reminder is not None:
            message, when = self._local_reminder
            item = QListWidgetItem(f"{ICONS['reminder']}  {message}    {local_time_text(when)}")
            item.setData(IdRole, LOCAL_REMINDER)
            item.setData(TargetRole, ("page", "record"))
            self.list.addItem(item)
        server_reminders = [n.id for n in notes.items if n.kind == "reminder" and not n.read]
        shown = [n for n in notes.items if n.kind != "reminder"]
        for n in shown:
            who = n.actor.display_name if n.actor else ""
            text = n.message or f"{who} {n.kind}"
            item = QListWidgetItem(f"{ICONS.get(n.kind, '•')}  {text}    {local_time_text(n.created_at)}")
            item.setData(IdRole, n.id)
            item.setData(TargetRole, _target(n))
            if _target(n) is not None:
                item.setToolTip(self.tr("Click to open"))
            if not n.read:
                font = QFont(item.font())
                font.setBold(True)
                item.setFont(font)
            self.list.addItem(item)
        if not shown and self._local_reminder is None:
            self.list.addItem(QListWidgetItem(self.tr("No notifications yet.")))
        unread = max(0, notes.unread_count - len(server_reminders))
        if server_reminders:  # the server's reminder came at sign-up, not at the user's time
            self.service.call("mark_read", server_reminders, on_done=lambda _n: None, on_error=lambda _e: None)
        self.service._set_unread(unread)
        self._unread_changed(unread)

    def _unread_changed(self, count: int) -> None:
        self.unread_label.setText(self.tr("{0} unread").format(count) if count else "")
        self.mark_all.setEnabled(count > 0)

    def mark_all_read(self) -> None:
        self.service.call("mark_read", None, on_done=lambda _n: self.reload(), on_error=lambda e: self.status.setText(str(e)))

    def _activated(self, item: QListWidgetItem) -> None:
        note_id = item.data(IdRole)
        target = item.data(TargetRole)
        if note_id and note_id != LOCAL_REMINDER and item.font().bold():
            self.service.call("mark_read", [note_id], on_done=lambda _n: self.reload(), on_error=lambda e: self.status.setText(str(e)))
        if not target:
            return
        kind, key = target
        if kind == "entry":
            from diary_app.store import EntryNotFound

            try:
                self.ctx.diary.get(key)
            except (EntryNotFound, ValueError):
                self.status.setText(self.tr("That entry is not in the diary on this computer (it may have been deleted)."))
                return
            self.status.clear()
            self.ctx.events.open_entry.emit(key)
        else:
            self.ctx.events.open_page.emit(key)


def _target(n) -> tuple[str, str] | None:
    """What a notification row opens."""
    if n.kind == "like" and n.entry_id:
        return ("entry", n.entry_id)
    if n.kind in ("friend_request", "friend_accepted"):
        return ("page", "friends")
    if n.kind == "reminder":
        return ("page", "record")
    return None
