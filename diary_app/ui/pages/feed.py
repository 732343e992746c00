"""Feed: own and mutual friends' public entries, newest first, filter to one account, like.

Liking is the only interaction by design (no comments, no messages; DESIGN.md "Feed").
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QUrl
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget

from diary_app.sync.contract import FeedResult, LikeState, User
from diary_app.ui.context import AppContext
from diary_app.ui.social.service import get_sync_service
from diary_app.ui.social.widgets import FeedItem, SocialPage

PAGE_SIZE = 20


class FeedPage(SocialPage):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        self.ctx = ctx
        super().__init__(QCoreApplication.translate("FeedPage", "the feed"), get_sync_service(ctx), parent)
        self.items: list[FeedItem] = []
        self.next_cursor: str | None = None
        self._loading = False
        self._player = None
        self.playing_id: str | None = None  # the entry whose sound plays (or downloads) now

        self.account = QComboBox()
        self.account.setObjectName("account_filter")
        self.account.addItem(self.tr("Everyone"), None)
        self.account.currentIndexChanged.connect(lambda _i: self.reload())
        self.refresh_button = QPushButton(self.tr("Refresh"))
        self.refresh_button.clicked.connect(self.refresh)
        self.status = QLabel()
        self.status.setObjectName("status")
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("<h2>Feed</h2>")))
        top.addStretch(1)
        top.addWidget(QLabel(self.tr("Show")))
        top.addWidget(self.account)
        top.addWidget(self.refresh_button)

        self.list_widget = QWidget()
        self.list_layout = QVBoxLayout(self.list_widget)
        self.list_layout.setSpacing(8)
        self.more_button = QPushButton(self.tr("Show older entries"))
        self.more_button.setObjectName("more")
        self.more_button.clicked.connect(self.load_more)
        self.more_button.hide()
        self.empty = QLabel(self.tr("Nothing shared yet. Mark an entry public on the Record or Diary page, or add friends."))
        self.empty.setWordWrap(True)
        self.empty.hide()
        self.list_layout.addWidget(self.empty)
        self.list_layout.addWidget(self.more_button)
        self.list_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.list_widget)
        layout = QVBoxLayout(self.content)
        layout.addLayout(top)
        layout.addWidget(self.status)
        layout.addWidget(scroll, 1)
        self.service.friends_changed.connect(self._load_accounts)
        self.service.sync_finished.connect(self._after_sync)

    # -- loading -------------------------------------------------------------------------------
    def selected_user(self) -> str | None:
        return self.account.currentData()

    def reload(self) -> None:
        if not self.service.signed_in or not hasattr(self, "account"):
            return
        self._load_accounts()
        self._fetch(cursor=None)

    def refresh(self) -> None:
        """The user asked: also push waiting entries now instead of after the back-off delay."""
        self.service.sync_now(force=True)
        self.reload()

    def load_more(self) -> None:
        if self.next_cursor:
            self._fetch(self.next_cursor)

    def _fetch(self, cursor: str | None) -> None:
        if self._loading:
            return
        self._loading = True
        self.status.setText(self.tr("Loading…"))
        self.service.call("feed", PAGE_SIZE, cursor, self.selected_user(), on_done=lambda page: self._show(page, cursor is None), on_error=self._failed)

    def _show(self, page: FeedResult, replace: bool) -> None:
        self._loading = False
        self.status.setText("")
        keep = self.playing_id if replace and any(e.id == self.playing_id for e in page.items) else None
        if replace:
            if keep is None:
                self.stop()  # the entry that plays is gone from the feed
            for item in self.items:
                self.list_layout.removeWidget(item)
                item.deleteLater()
            self.items = []
        me = self.service.user.username if self.service.user else None
        for entry in page.items:
            item = FeedItem(entry, is_mine=entry.owner.username == me)
            item.like_clicked.connect(self.set_like)
            item.play_clicked.connect(self.play)
            self.list_layout.insertWidget(self.list_layout.count() - 3, item)  # above empty/more/stretch
            self.items.append(item)
            if keep is not None and entry.id == keep:  # a refresh keeps what plays (or downloads) going
                item.set_play_state("playing" if self._player is not None and self._player.playbackState()
                                    != self._player.PlaybackState.StoppedState else "loading")
        self.next_cursor = page.next_cursor
        self.more_button.setVisible(bool(page.next_cursor))
        self.empty.setVisible(not self.items)

    def _failed(self, exc: Exception) -> None:
        self._loading = False
        self.status.setText(self.tr("Could not load the feed: {0}").format(exc))

    def _load_accounts(self) -> None:
        self.service.call("friends", on_done=self._fill_accounts, on_error=lambda _e: None)

    def _fill_accounts(self, friends: list[User]) -> None:
        current = self.selected_user()
        me = self.service.user
        users = ([me] if me and me.username else []) + sorted(friends, key=lambda u: u.display_name.lower())
        self.account.blockSignals(True)
        self.account.clear()
        self.account.addItem(self.tr("Everyone"), None)
        for user in users:
            label = self.tr("Me ({0})").format(user.display_name) if me and user.username == me.username else f"{user.display_name} (@{user.username})"
            self.account.addItem(label, user.username)
        index = self.account.findData(current)
        self.account.setCurrentIndex(max(0, index))
        self.account.blockSignals(False)

    def _after_sync(self, report) -> None:
        if (report.uploaded or report.unshared) and self.isVisible():
            self._fetch(cursor=None)

    # -- like and play -------------------------------------------------------------------------
    def item_for(self, entry_id: str) -> FeedItem | None:
        return next((i for i in self.items if i.entry.id == entry_id), None)

    def set_like(self, entry_id: str, liked: bool) -> None:
        def done(state: LikeState) -> None:
            item = self.item_for(entry_id)
            if item is not None:
                item.set_likes(state.like_count, state.liked_by_me)

        def failed(exc: Exception) -> None:
            item = self.item_for(entry_id)
            if item is not None:
                item.set_likes(item.like_count, item.liked)
            self.status.setText(self.tr("Could not change the like: {0}").format(exc))

        self.service.call("like" if liked else "unlike", entry_id, on_done=done, on_error=failed)

    def play(self, entry_id: str) -> None:
        """Play an entry's sound; the same button stops it ("■ Stop") while it plays."""
        if self.playing_id == entry_id:
            self.stop()
            return
        self.stop()
        self.playing_id = entry_id
        self._set_item_state(entry_id, "loading")
        target = Path(tempfile.gettempdir()) / "sound-diary-feed" / f"{entry_id}.audio"
        self.status.setText(self.tr("Downloading…"))
        self.service.call("download_audio", entry_id, target,
                          on_done=lambda path: self._play_file(entry_id, path), on_error=lambda exc: self._failed_play(entry_id, exc))

    def stop(self) -> None:
        playing, self.playing_id = self.playing_id, None
        if self._player is not None and self._player.playbackState() != self._player.PlaybackState.StoppedState:
            # only when it plays: stop() on a stopped FFmpeg player waits on its worker thread, which
            # deadlocked a full test run on reload (GUI thread holding the GIL, worker wanting it)
            self._player.stop()
        if playing:
            self._set_item_state(playing, "idle")

    def _set_item_state(self, entry_id: str, state: str) -> None:
        item = self.item_for(entry_id)
        if item is not None:
            item.set_play_state(state)

    def _failed_play(self, entry_id: str, exc: Exception) -> None:
        if self.playing_id == entry_id:
            self.playing_id = None
        self._set_item_state(entry_id, "idle")
        self.status.setText(self.tr("Could not play: {0}").format(exc))

    def _play_file(self, entry_id: str, path: Path) -> None:
        if self.playing_id != entry_id:
            return  # stopped (or another one started) while it downloaded
        self.status.setText("")
        try:
            from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer
        except ImportError:
            self._failed_play(entry_id, RuntimeError(self.tr("audio playback is not available on this system")))
            return
        if self._player is None:
            self._player, self._audio_out = self._make_player(QMediaPlayer, QAudioOutput)
            # WHY polling, not playbackStateChanged/errorOccurred: Python slots on the media player's
            # signals deadlocked a full test run (the FFmpeg backend's thread tore down a receiver while
            # the GUI thread held the GIL); a GUI-thread timer reads the same state with no such risk.
            from PySide6.QtCore import QTimer

            self._poll = QTimer(self)
            self._poll.setInterval(150)
            self._poll.timeout.connect(self._poll_playback)
        self._player.setSource(QUrl.fromLocalFile(str(path)))
        self._set_item_state(entry_id, "playing")
        self._player.play()
        self._seen_playing = False
        self._poll.start()

    def _make_player(self, player_cls: Any, output_cls: Any) -> tuple[Any, Any]:
        """The speaker end of the page (tests replace it, like the microphone, with a fake player).

        WHY a seam: QtMultimedia's FFmpeg thread tears its objects down with the GIL wanted while the GUI
        thread holds it inside a Qt call; a full test run hung there once (issue 14 note). Tests that
        only need "this file was handed to the player" use a fake; one test keeps the real player.
        """
        out = output_cls(self)
        player = player_cls(self)
        player.setAudioOutput(out)
        return player, out

    def _poll_playback(self) -> None:
        from PySide6.QtMultimedia import QMediaPlayer

        player = self._player
        if player is None or not self.playing_id:
            self._poll.stop()
            return
        if player.error() != QMediaPlayer.Error.NoError:
            self._poll.stop()
            self._failed_play(self.playing_id, RuntimeError(player.errorString()))
        elif player.playbackState() == QMediaPlayer.PlaybackState.PlayingState:
            self._seen_playing = True
        elif self._seen_playing or player.mediaStatus() == QMediaPlayer.MediaStatus.EndOfMedia:
            self._poll.stop()
            self._set_item_state(self.playing_id, "idle")  # played to the end
            self.playing_id = None

    def hideEvent(self, event) -> None:  # noqa: N802 - Qt name
        self.stop()  # leaving the page stops the sound
        super().hideEvent(event)
