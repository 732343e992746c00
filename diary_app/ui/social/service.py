"""``SyncService``: the only way the GUI talks to the sync server.

Every client call runs on a QThreadPool worker and its result comes back as a queued signal on the
GUI thread, so a slow or unreachable server can never freeze the window. The service also owns the
background sync timer (public entries up, unshared ones down) and polls the unread count.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from typing import Any

import httpx
from PySide6.QtCore import QObject, QThreadPool, QTimer, Signal, Slot

from diary_app.sync.client.api import AuthError, SyncError
from diary_app.sync.client.session import ClientSession, SessionState
from diary_app.sync.client.sync_engine import SyncEngine, SyncReport
from diary_app.sync.client.token_store import TokenStore
from diary_app.ui.context import AppContext
from diary_app.ui.worker import run_in_background

log = logging.getLogger(__name__)

#: no built-in address: a friends' server is whatever the user (or SOUND_DIARY_SERVER_URL) names
DEFAULT_SERVER_URL = os.environ.get("SOUND_DIARY_SERVER_URL", "")
LIKES_PAGE = 50
LIKES_MAX_PAGES = 40
SYNC_INTERVAL_MS = 15_000
UNREAD_POLL_MS = 60_000


def _logged(fn: Callable[[], Any]) -> Callable[[], Any]:
    """``fn`` with unexpected failures logged on the pool thread (a SyncError is the server's message)."""
    def call() -> Any:
        try:
            return fn()
        except Exception as exc:
            if not isinstance(exc, SyncError):
                log.exception("sync task failed")
            raise
    return call


class SyncService(QObject):
    """Signals carry plain dataclasses from ``diary_app.sync.client.api``."""

    signed_in_changed = Signal(bool)
    busy_changed = Signal(bool)
    error = Signal(str)  # a message for the status line
    sync_finished = Signal(object)  # SyncReport
    unread_count_changed = Signal(int)
    friends_changed = Signal()  # a request/accept/remove happened: lists should reload

    def __init__(
        self,
        ctx: AppContext,
        token_store: TokenStore | None = None,
        parent: QObject | None = None,
        *,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.token_store = token_store
        self.transport = transport  # tests wrap the real transport to watch what is sent, and from where
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(2)
        self.session: ClientSession | None = None
        self.engine: SyncEngine | None = None
        self.unread_count = 0
        self.my_likes: dict[str, int] = {}  # my shared entries' like counts (shown in my diary)
        self._likes_running = False
        self._busy = 0
        self._sync_timer = QTimer(self)
        self._sync_timer.setInterval(SYNC_INTERVAL_MS)
        self._sync_timer.timeout.connect(self.sync_now)
        self._unread_timer = QTimer(self)
        self._unread_timer.setInterval(UNREAD_POLL_MS)
        self._unread_timer.timeout.connect(self.refresh_unread)
        self._soon = QTimer(self)  # coalesces bursts of entry changes into one sync
        self._soon.setSingleShot(True)
        self._soon.setInterval(1500)
        self._soon.timeout.connect(self.sync_now)
        ctx.events.entry_changed.connect(self._entry_changed)
        self.signed_in_changed.connect(ctx.events.signed_in_changed)

    # -- session -------------------------------------------------------------------------------
    @property
    def server_url(self) -> str:
        return self.ctx.settings.server_url or DEFAULT_SERVER_URL

    @property
    def suggested_server_url(self) -> str:
        """For the sign-in dialog: the server signed in to, else the last one tried, else the default."""
        settings = self.ctx.settings
        return settings.server_url or getattr(settings, "last_server_url", None) or DEFAULT_SERVER_URL

    @property
    def signed_in(self) -> bool:
        return self.session is not None and self.session.signed_in

    @property
    def user(self):
        return self.session.user if self.session else None

    def _make_session(self, server_url: str) -> ClientSession:
        if self.session is not None and self.session.server_url == server_url.rstrip("/"):
            return self.session
        if self.session is not None:
            self.session.close()
        self.session = ClientSession(server_url, self.token_store, transport=self.transport)
        self.engine = SyncEngine(self.ctx.diary, self.session.api, on_auth_error=self.session.handle_auth_error)
        return self.session

    def restore(self) -> None:
        """At start: reuse the stored token if the server still accepts it (in the background)."""
        if not self.ctx.settings.server_url:
            return
        session = self._make_session(self.server_url)
        self.run(session.restore, self._after_restore)

    def _after_restore(self, _state: SessionState) -> None:
        # read the session now, not the returned state: a sign-in may have finished meanwhile
        self._signed_in_now(self.session is not None and self.session.signed_in)

    def login(self, server_url: str, username: str, password: str, *, on_done=None, on_error=None, display_name: str | None = None) -> None:
        session = self._make_session(server_url)
        if getattr(self.ctx.settings, "last_server_url", None) != session.server_url:
            self.ctx.settings.last_server_url = session.server_url  # offered again next time
            try:
                self.ctx.settings.save()
            except OSError:
                pass
        if display_name is not None:
            fn = lambda: session.signup(username, display_name or username, password)  # noqa: E731
        else:
            fn = lambda: session.login(username, password)  # noqa: E731

        def ok(user):
            if self.ctx.settings.server_url != session.server_url:
                self.ctx.settings.server_url = session.server_url
                self.ctx.settings.save()
            self._signed_in_now(True)
            if on_done:
                on_done(user)

        self.run(fn, ok, on_error)

    def logout(self) -> None:
        if self.session is None:
            return
        session = self.session
        self.run(session.logout, lambda _r: self._signed_in_now(False))

    def _signed_in_now(self, value: bool) -> None:
        if value:
            self._sync_timer.start()
            self._unread_timer.start()
            self.sync_now()
            self.refresh_unread()
            self.refresh_my_likes()
        else:
            self._sync_timer.stop()
            self._unread_timer.stop()
            self._set_unread(0)
            self._set_my_likes({})
        self.signed_in_changed.emit(value)

    # -- running calls off the GUI thread ------------------------------------------------------
    def run(self, fn: Callable[[], Any], on_done: Callable[[Any], None] | None = None, on_error: Callable[[Exception], None] | None = None) -> None:
        """``fn()`` on this service's pool (``ui.worker``: no Qt object ever freed on a pool thread)."""
        def done(result: object) -> None:
            self._set_busy(-1)
            if on_done:
                on_done(result)

        def failed(exc: Exception) -> None:
            self._set_busy(-1)
            if isinstance(exc, AuthError) and self.signed_in and self.session is not None:
                self.session.handle_auth_error()  # 401 on a signed-in call: the token died
                self._signed_in_now(False)
            if on_error:
                on_error(exc)
            else:
                self.error.emit(str(exc))

        self._set_busy(+1)
        run_in_background(_logged(fn), done, failed, pool=self.pool)

    def call(self, method: str, *args: Any, on_done=None, on_error=None) -> None:
        """``call("feed", limit=20)`` style shortcut: runs ``session.api.<method>(*args)``."""
        if self.session is None or not self.signed_in:
            if on_error:
                on_error(AuthError("not signed in"))
            return
        fn = getattr(self.session.api, method)
        self.run(lambda: fn(*args), on_done, on_error)

    def _set_busy(self, delta: int) -> None:
        before = self._busy > 0
        self._busy += delta
        if (self._busy > 0) != before:
            self.busy_changed.emit(self._busy > 0)

    def wait_idle(self, timeout_ms: int = 30_000) -> bool:
        """Tests and shutdown: wait for running calls (their signals still need the event loop)."""
        return self.pool.waitForDone(timeout_ms)

    # -- background sync -----------------------------------------------------------------------
    @Slot()
    def sync_now(self, force: bool = False) -> None:
        if self.engine is None or not self.signed_in:
            return
        engine = self.engine
        self.run(lambda: engine.run_once(force=force), self._after_sync)

    def _after_sync(self, report: SyncReport) -> None:
        if report.auth_failed:
            self._signed_in_now(False)
        elif report.uploaded or report.unshared:
            self.refresh_my_likes()
        self.sync_finished.emit(report)

    # -- likes on my shared entries -------------------------------------------------------------
    def refresh_my_likes(self) -> None:
        """Read my own shared entries from the feed for their like counts (off the GUI thread)."""
        if self.session is None or not self.signed_in or self.user is None or self._likes_running:
            return
        api, me = self.session.api, self.user.username

        def fetch() -> dict[str, int]:
            likes: dict[str, int] = {}
            cursor = None
            for _ in range(LIKES_MAX_PAGES):
                page = api.feed(LIKES_PAGE, cursor, me)
                likes.update({e.id: e.like_count for e in page.items if e.owner.username == me})
                cursor = page.next_cursor
                if not cursor:
                    break
            return likes

        def done(likes: dict[str, int]) -> None:
            self._likes_running = False
            self._set_my_likes(likes)

        def failed(_exc: Exception) -> None:
            self._likes_running = False

        self._likes_running = True
        self.run(fetch, done, failed)

    def _set_my_likes(self, likes: dict[str, int]) -> None:
        if likes != self.my_likes:
            self.my_likes = likes
            self.ctx.events.likes_changed.emit(dict(likes))

    def _entry_changed(self, action: str, entry_id: str) -> None:
        if action == "deleted" and self.engine is not None:
            self.engine.note_deleted(entry_id)  # only entries that were shared go to the server
        if self.signed_in:
            self._soon.start()

    # -- unread badge --------------------------------------------------------------------------
    @Slot()
    def refresh_unread(self) -> None:
        """The badge counts likes and friend news. The reminder is the app's own, at the user's
        time: the server's reminder (made at the first fetch of a day, i.e. at sign-up) is marked
        read here and never counted."""
        def done(notes) -> None:
            reminders = [n.id for n in notes.items if n.kind == "reminder"]
            if reminders:
                self.call("mark_read", reminders, on_done=lambda _n: None, on_error=lambda _e: None)
            self._set_unread(max(0, notes.unread_count - len(reminders)))

        self.call("notifications", True, 100, on_done=done, on_error=lambda _e: None)

    def _set_unread(self, count: int) -> None:
        if count != self.unread_count:
            if count > self.unread_count:
                self.refresh_my_likes()  # a new notification may be a like on one of my entries
            self.unread_count = count
            self.unread_count_changed.emit(count)
        elif count == 0:
            self.unread_count_changed.emit(0)

    def shutdown(self) -> None:
        self._sync_timer.stop()
        self._unread_timer.stop()
        self.pool.waitForDone(5000)
        if self.session is not None:
            self.session.close()


def get_sync_service(ctx: AppContext, **kwargs: Any) -> SyncService:
    """One service per app context, shared by the Feed, Friends and Notifications pages."""
    svc, made = ctx.service("sync", lambda: SyncService(ctx, **kwargs))
    if made:
        svc.restore()  # after it is kept: what restore sets off may ask for the service again
    return svc
