"""Friends: search people, send/accept/reject/cancel requests, list and remove friends.

Friendship is mutual and is the only thing that lets someone see your public entries.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from diary_app.sync.client.api import FriendRequests, User
from diary_app.ui.context import AppContext
from diary_app.ui.social.service import get_sync_service
from diary_app.ui.social.widgets import SocialPage


def _row(text: str, *buttons: QPushButton) -> QWidget:
    w = QWidget()
    layout = QHBoxLayout(w)
    layout.setContentsMargins(4, 2, 4, 2)
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    layout.addWidget(label, 1)
    for b in buttons:
        layout.addWidget(b)
    return w


class _Section(QGroupBox):
    def __init__(self, title: str, empty_text: str) -> None:
        super().__init__(title)
        self.rows: list[QWidget] = []
        self.box = QVBoxLayout(self)
        self.empty = QLabel(empty_text)
        self.empty.setStyleSheet("color: gray")
        self.box.addWidget(self.empty)

    def set_rows(self, rows: list[QWidget]) -> None:
        for r in self.rows:
            self.box.removeWidget(r)
            r.deleteLater()
        self.rows = rows
        for r in rows:
            self.box.addWidget(r)
        self.empty.setVisible(not rows)


class FriendsPage(SocialPage):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        self.ctx = ctx
        super().__init__(QCoreApplication.translate("FriendsPage", "friends"), get_sync_service(ctx), parent)
        self.search_box = QLineEdit()
        self.search_box.setObjectName("search")
        self.search_box.setPlaceholderText(self.tr("Search by username or name"))
        self.search_box.returnPressed.connect(self.search)
        self.search_button = QPushButton(self.tr("Search"))
        self.search_button.setObjectName("search_button")
        self.search_button.clicked.connect(self.search)
        self.status = QLabel()
        self.status.setObjectName("status")
        self.status.setWordWrap(True)
        self.results = _Section(self.tr("Search results"), self.tr("Search for someone to send a friend request."))
        self.incoming = _Section(self.tr("Requests to you"), self.tr("No open requests."))
        self.outgoing = _Section(self.tr("Your requests"), self.tr("No requests waiting for an answer."))
        self.friends = _Section(self.tr("Friends"), self.tr("No friends yet. Friends see each other's public entries."))
        self.friend_list: list[User] = []
        self.requests = FriendRequests(incoming=[], outgoing=[])

        self.account_label = QLabel()
        self.account_label.setObjectName("account")
        self.account_label.setTextFormat(Qt.TextFormat.PlainText)
        self.sign_out_button = QPushButton(self.tr("Sign out"))
        self.sign_out_button.setObjectName("sign_out")
        self.sign_out_button.clicked.connect(self.service.logout)
        header = QHBoxLayout()
        header.addWidget(QLabel(self.tr("<h2>Friends</h2>")))
        header.addStretch(1)
        header.addWidget(self.account_label)
        header.addWidget(self.sign_out_button)
        search = QHBoxLayout()
        search.addWidget(self.search_box, 1)
        search.addWidget(self.search_button)
        layout = QVBoxLayout(self.content)
        layout.addLayout(header)
        layout.addLayout(search)
        layout.addWidget(self.status)
        layout.addWidget(self.results)
        layout.addWidget(self.incoming)
        layout.addWidget(self.outgoing)
        layout.addWidget(self.friends)
        layout.addStretch(1)
        self.service.friends_changed.connect(self.reload)

    # -- loading -------------------------------------------------------------------------------
    def reload(self) -> None:
        if not self.service.signed_in or not hasattr(self, "friends"):
            return
        user = self.service.user
        if user is not None:
            self.account_label.setText(self.tr("Signed in as {0} (@{1}) on {2}").format(user.display_name, user.username, self.service.server_url))
        self.service.call("friend_requests", on_done=self._show_requests, on_error=self._failed)
        self.service.call("friends", on_done=self._show_friends, on_error=self._failed)

    def _failed(self, exc: Exception) -> None:
        self.status.setText(str(exc))

    def _button(self, text: str, name: str, fn) -> QPushButton:
        b = QPushButton(text)
        b.setObjectName(name)
        b.clicked.connect(fn)
        return b

    def _show_requests(self, requests: FriendRequests) -> None:
        self.requests = requests
        self.incoming.set_rows([
            _row(f"{r.from_user.display_name} (@{r.from_user.username})",
                 self._button(self.tr("Accept"), "accept", lambda _c=False, r=r: self._act("accept_friend_request", r.id, self.tr("You are now friends with {0}.").format(r.from_user.display_name))),
                 self._button(self.tr("Reject"), "reject", lambda _c=False, r=r: self._act("reject_friend_request", r.id, self.tr("Request rejected."))))
            for r in requests.incoming
        ])
        self.outgoing.set_rows([
            _row(f"{r.to_user.display_name} (@{r.to_user.username})",
                 self._button(self.tr("Cancel"), "cancel", lambda _c=False, r=r: self._act("cancel_friend_request", r.id, self.tr("Request cancelled."))))
            for r in requests.outgoing
        ])

    def _show_friends(self, friends: list[User]) -> None:
        self.friend_list = friends
        self.friends.set_rows([
            _row(f"{u.display_name} (@{u.username})",
                 self._button(self.tr("Remove"), "remove", lambda _c=False, u=u: self._act("remove_friend", u.username, self.tr("{0} is no longer your friend.").format(u.display_name))))
            for u in sorted(friends, key=lambda u: u.display_name.lower())
        ])

    # -- actions -------------------------------------------------------------------------------
    def search(self) -> None:
        text = self.search_box.text().strip()
        if not text:
            self.status.setText(self.tr("Type part of a username or name."))
            return
        self.service.call("search_users", text, on_done=self._show_results, on_error=self._failed)

    def _show_results(self, users: list[User]) -> None:
        friends = {u.username for u in self.friend_list}
        pending = {r.to_user.username for r in self.requests.outgoing}
        rows = []
        for u in users:
            if u.username in friends:
                rows.append(_row(f"{u.display_name} (@{u.username}) · " + self.tr("friend")))
            elif u.username in pending:
                rows.append(_row(f"{u.display_name} (@{u.username}) · " + self.tr("request sent")))
            else:
                rows.append(_row(f"{u.display_name} (@{u.username})",
                                 self._button(self.tr("Add friend"), "add", lambda _c=False, u=u: self._act("send_friend_request", u.username, self.tr("Request sent to {0}.").format(u.display_name)))))
        self.results.set_rows(rows)
        self.status.setText("" if users else self.tr("Nobody found."))

    def _act(self, method: str, arg: str, success: str) -> None:
        def done(_result) -> None:
            self.status.setText(success)
            self.service.friends_changed.emit()
            if self.search_box.text().strip() and self.results.rows:
                self.search()

        self.service.call(method, arg, on_done=done, on_error=self._failed)
