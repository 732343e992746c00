"""Notifications: likes, friend requests and acceptances, and the daily reminder; unread badge."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QPushButton, QVBoxLayout, QWidget

from diary_app.sync.client.api import Notifications
from diary_app.ui.context import AppContext
from diary_app.ui.social.service import get_sync_service
from diary_app.ui.social.widgets import SocialPage, local_time_text

#: symbols from common text fonts: colour emoji showed as empty boxes on stock Linux fonts
ICONS = {"like": "♥", "friend_request": "✉", "friend_accepted": "✔", "reminder": "♪"}


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
        self.status = QLabel()
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

    def _show(self, notes: Notifications) -> None:
        self.notifications = notes
        self.list.clear()
        for n in notes.items:
            who = n.actor.display_name if n.actor else ""
            text = n.message or f"{who} {n.kind}"
            item = QListWidgetItem(f"{ICONS.get(n.kind, '•')}  {text}    {local_time_text(n.created_at)}")
            item.setData(256, n.id)
            if not n.read:
                font = QFont(item.font())
                font.setBold(True)
                item.setFont(font)
            self.list.addItem(item)
        if not notes.items:
            self.list.addItem(QListWidgetItem(self.tr("No notifications yet.")))
        self.service._set_unread(notes.unread_count)
        self._unread_changed(notes.unread_count)

    def _unread_changed(self, count: int) -> None:
        self.unread_label.setText(self.tr("{0} unread").format(count) if count else "")
        self.mark_all.setEnabled(count > 0)

    def mark_all_read(self) -> None:
        self.service.call("mark_read", None, on_done=lambda _n: self.reload(), on_error=lambda e: self.status.setText(str(e)))

    def _activated(self, item: QListWidgetItem) -> None:
        note_id = item.data(256)
        if note_id:
            self.service.call("mark_read", [note_id], on_done=lambda _n: self.reload(), on_error=lambda e: self.status.setText(str(e)))
