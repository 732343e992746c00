"""Small widgets shared by the social pages: sign-in prompt, page frame, feed item, unread badge."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QStackedWidget, QVBoxLayout, QWidget

from diary_app.emotions import EMOTION_COLORS, EMOTION_ICONS
from diary_app.sync.client.api import RemoteEntry
from diary_app.ui.emotion_widgets import emotion_name
from diary_app.ui.social.service import SyncService


class SignInPrompt(QWidget):
    """Shown instead of a page's content while nobody is signed in."""

    def __init__(self, feature: str, service: SyncService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.label = QLabel(self.tr("Sign in to use {0}. Friends see only what you mark public; private entries never leave this computer.").format(feature))
        self.label.setWordWrap(True)
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.button = QPushButton(self.tr("Sign in or create an account…"))
        self.button.setObjectName("sign_in_button")
        self.button.clicked.connect(self.open_dialog)
        self.dialog = None
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(self.label)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.button)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(2)

    def open_dialog(self):
        from diary_app.ui.social.login_dialog import LoginDialog

        self.dialog = LoginDialog(self.service, self)
        self.dialog.open()
        return self.dialog


class SocialPage(QStackedWidget):
    """A page with a sign-in prompt (index 0) and the real content (index 1)."""

    def __init__(self, feature: str, service: SyncService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.prompt = SignInPrompt(feature, service)
        self.content = QWidget()
        self.addWidget(self.prompt)
        self.addWidget(self.content)
        service.signed_in_changed.connect(self._signed_in_changed)
        self._signed_in_changed(service.signed_in)

    def _signed_in_changed(self, signed_in: bool) -> None:
        self.setCurrentIndex(1 if signed_in else 0)
        if signed_in:
            self.reload()

    def reload(self) -> None:  # pages override
        pass

    def showEvent(self, event) -> None:  # noqa: N802 - Qt name
        super().showEvent(event)
        if self.service.signed_in:
            self.reload()


def local_time_text(when: datetime | None) -> str:
    if when is None:
        return ""
    return when.astimezone().strftime("%Y-%m-%d %H:%M")


class FeedItem(QFrame):
    """One shared entry: who, emotion, when, note, place, like button and play button."""

    like_clicked = Signal(str, bool)  # entry id, wanted state
    play_clicked = Signal(str)

    def __init__(self, entry: RemoteEntry, is_mine: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.entry = entry
        self.setObjectName("feed_item")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        color = EMOTION_COLORS.get(entry.emotion, "#cccccc")
        self.setStyleSheet(f"QFrame#feed_item {{ border-left: 6px solid {color}; border-radius: 4px; background: palette(base); }}")
        who = QLabel(f"<b>{_escape(entry.owner.display_name)}</b> <span style='color:gray'>@{_escape(entry.owner.username)}</span>")
        who.setObjectName("owner")
        if is_mine:
            who.setText(who.text() + " " + self.tr("(you)"))
        emotion = QLabel(f"{EMOTION_ICONS.get(entry.emotion, '')} <span style='color:{color}'><b>{_escape(emotion_name(entry.emotion).lower())}</b></span>")
        emotion.setObjectName("emotion")
        when = QLabel(f"{local_time_text(entry.created_at)} · {entry.duration_s:.1f} s")
        when.setStyleSheet("color: gray")
        top = QHBoxLayout()
        top.addWidget(who)
        top.addStretch(1)
        top.addWidget(emotion)
        top.addWidget(when)
        self.note = QLabel(entry.note or "")  # the contract sends null for no note
        self.note.setObjectName("note")
        self.note.setWordWrap(True)
        self.note.setVisible(bool(entry.note))
        place = entry.place_name or (f"{entry.latitude:.4f}, {entry.longitude:.4f}" if entry.latitude is not None and entry.longitude is not None else "")
        # plain text, no pin emoji: many Linux fonts have no glyph for it (it showed as a box)
        self.place = QLabel(self.tr("at {0}").format(_escape(place)) if place else "")
        self.place.setVisible(bool(place))
        self.place.setStyleSheet("color: gray")
        self.play_button = QPushButton(self.tr("▶ Play"))
        self.play_button.setObjectName("play")
        self.play_button.clicked.connect(lambda: self.play_clicked.emit(entry.id))
        self.like_button = QPushButton()
        self.like_button.setObjectName("like")
        self.like_button.setCheckable(True)
        self.like_button.clicked.connect(self._like)
        self.set_likes(entry.like_count, entry.liked_by_me)
        self.play_state = "idle"
        bottom = QHBoxLayout()
        bottom.addWidget(self.play_button)
        bottom.addWidget(self.place)
        bottom.addStretch(1)
        bottom.addWidget(self.like_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.note)
        layout.addLayout(bottom)

    def set_play_state(self, state: str) -> None:
        """"idle" (▶ Play), "loading" (downloading, disabled) or "playing" (■ Stop)."""
        self.play_state = state
        self.play_button.setEnabled(state != "loading")
        self.play_button.setText({"loading": self.tr("Loading…"), "playing": self.tr("■ Stop")}.get(state, self.tr("▶ Play")))

    def set_likes(self, count: int, liked: bool) -> None:
        self.like_count, self.liked = count, liked
        self.like_button.setChecked(liked)
        self.like_button.setText(("♥ " if liked else "♡ ") + self.tr("Like") + f"  {count}")
        self.like_button.setEnabled(True)

    def _like(self) -> None:
        self.like_button.setEnabled(False)  # until the server answers; avoids double likes
        self.like_clicked.emit(self.entry.id, not self.liked)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def badge_text(title: str, unread: int) -> str:
    """Navigation label with the unread count, e.g. ``Notifications (3)``; 99+ keeps it narrow."""
    if unread <= 0:
        return title
    return f"{title} ({unread if unread < 100 else '99+'})"
