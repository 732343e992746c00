"""Feed: own and mutual friends' public entries, newest first, filter to one account, like.

Liking is the only interaction by design (no comments, no messages; DESIGN.md "Feed").
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget

from diary_app.audio.playback import OutputStreamFactory, Playback
from diary_app.sync.contract import FeedResult, LikeState, User
from diary_app.ui.context import AppContext
from diary_app.ui.social.service import get_sync_service
from diary_app.ui.social.widgets import FeedItem, SocialPage
from diary_app.ui.worker import BackgroundCall

PAGE_SIZE = 20


class FeedPage(SocialPage):
    """``stream_factory``: the speaker (``None``: the sound card; tests pass a fake speaker stream)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None,
                 stream_factory: OutputStreamFactory | None = None) -> None:
        self.ctx = ctx
        super().__init__(QCoreApplication.translate("FeedPage", "the feed"), get_sync_service(ctx), parent)
        self.items: list[FeedItem] = []
        self.next_cursor: str | None = None
        self._loading = False
        self.stream_factory = stream_factory
        self._player: Playback | None = None  # created on the first Play (nothing costly at page build)
        self._decoding: dict[BackgroundCall, Playback] = {}  # kept alive until their signal arrives
        self.playing_id: str | None = None  # the entry whose sound plays (or downloads) now
        # WHY polling: the player is read from the GUI thread; no slot ever runs on an audio thread
        self._poll = QTimer(self)
        self._poll.setInterval(150)
        self._poll.timeout.connect(self._poll_playback)

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
                item.set_play_state("playing" if self._player is not None and self._player.state == "playing"
                                    else "loading")
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
        self._poll.stop()
        if self._player is not None:
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
        if self._player is not None:
            self._player.close()
        player = self._player = self._make_player(path)
        # decoding a long clip must not freeze the window: on the thread pool, then play on the GUI thread
        call = BackgroundCall(lambda _progress: player.decode())
        self._decoding[call] = player
        call.signals.done.connect(lambda _ok: self._decoded(call, entry_id))
        call.signals.failed.connect(lambda exc: self._decoded(call, entry_id, exc))
        call.start()

    def _decoded(self, call: BackgroundCall, entry_id: str, exc: Exception | None = None) -> None:
        player = self._decoding.pop(call, None)
        if player is None or player is not self._player or self.playing_id != entry_id:
            return  # stopped, or another entry started, while it decoded
        if exc is not None:
            self._failed_play(entry_id, exc)
            return
        player.play()
        if player.state == "error":
            self._failed_play(entry_id, RuntimeError(player.error))
            return
        self._set_item_state(entry_id, "playing")
        self._poll.start()

    def _make_player(self, path: Path) -> Playback:
        """The speaker end of the page: a sounddevice player on ``stream_factory``.

        WHY not QtMultimedia: its FFmpeg thread tore objects down wanting the GIL while the GUI
        thread held it inside a Qt call, and one full test run of four hung in a Feed test. The
        player here only copies numpy frames on the audio thread; tests pass a fake speaker stream.
        """
        return Playback(path, stream_factory=self.stream_factory)

    def _poll_playback(self) -> None:
        """GUI-thread timer: the player is read, never heard from (no signals from audio threads)."""
        player = self._player
        if player is None or not self.playing_id:
            self._poll.stop()
            return
        state = player.state
        if state == "error":
            self._poll.stop()
            self._failed_play(self.playing_id, RuntimeError(player.error))
        elif state != "playing":  # "finished": played to the end
            self._poll.stop()
            player.stop()  # back to the start, the output device let go
            self._set_item_state(self.playing_id, "idle")
            self.playing_id = None

    def hideEvent(self, event) -> None:  # noqa: N802 - Qt name
        self.stop()  # leaving the page stops the sound
        super().hideEvent(event)
