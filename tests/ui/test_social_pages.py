"""Feed, Friends and Notifications pages, the login dialog and the reminder, against a real server."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("pytestqt")

from conftest import first_clip  # noqa: E402
from PySide6.QtWidgets import QDialog, QPushButton  # noqa: E402
from sync_client_helpers import PASSWORD, assert_clean_log, shared_server, unique_name  # noqa: E402

from diary_app.settings import Settings  # noqa: E402
from diary_app.store import Diary, SyncState  # noqa: E402
from diary_app.sync.client.reminder import REMINDER_MESSAGE  # noqa: E402
from diary_app.sync.client.session import ClientSession  # noqa: E402
from diary_app.sync.client.sync_engine import SyncEngine  # noqa: E402
from diary_app.sync.client.token_store import TokenStore  # noqa: E402
from diary_app.ui.context import AppContext  # noqa: E402

WAIT_MS = 20_000


@pytest.fixture(scope="module")
def server():
    srv = shared_server()
    yield srv
    assert_clean_log(srv)


@pytest.fixture
def ctx(server, tmp_path, qtbot):
    context = AppContext(diary=Diary(tmp_path / "diary"), settings=Settings(server_url=server.url))
    yield context
    if "sync" in context.services:
        context.services["sync"].shutdown()
    context.diary.close()


def other_user(server, tmp_path, prefix="bob"):
    """Somebody else, driven through the Qt-free client (their own machine)."""
    session = ClientSession(server.url, TokenStore(use_keyring=False, file_path=tmp_path / f"{prefix}_token.json"))
    session.signup(unique_name(prefix), prefix.title(), PASSWORD)
    return session


def sign_in(qtbot, page, username=None, display="Alice"):
    service = page.service
    username = username or unique_name("alice")
    service.login(service.server_url, username, PASSWORD, display_name=display)
    qtbot.waitUntil(lambda: service.signed_in and page.currentIndex() == 1, timeout=WAIT_MS)
    return username


def buttons(widget, name):
    return [b for b in widget.findChildren(QPushButton, name) if b.isVisibleTo(widget)]


def test_login_dialog_signs_up_signs_in_and_reports_errors(ctx, qtbot, tmp_path):
    from diary_app.ui.pages.feed import FeedPage

    page = FeedPage(ctx)
    qtbot.addWidget(page)
    page.show()
    assert page.currentIndex() == 0  # "Sign in to use the feed" prompt
    assert "Sign in" in page.prompt.label.text()
    page.prompt.button.click()
    dialog = page.prompt.dialog
    assert dialog is not None and dialog.isVisible()
    name = unique_name("alice")
    dialog.create_account.setChecked(True)
    dialog.username.setText(name)
    dialog.display_name.setText("Alice A.")
    dialog.password.setText("short")
    dialog.submit()
    assert "8 characters" in dialog.message.text()  # checked before anything is sent
    dialog.password.setText(PASSWORD)
    dialog.submit()
    qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted, timeout=WAIT_MS)
    assert page.service.user.username == name and page.currentIndex() == 1
    assert TokenStore().load(ctx.settings.server_url).username == name  # kept for the next start

    page.service.logout()
    qtbot.waitUntil(lambda: page.currentIndex() == 0, timeout=WAIT_MS)
    assert TokenStore().load(ctx.settings.server_url) is None
    dialog = page.prompt.open_dialog()
    dialog.username.setText(name)
    dialog.password.setText("wrong password!")
    dialog.submit()
    qtbot.waitUntil(lambda: dialog.message.text() not in ("", dialog.tr("Signing in…")), timeout=WAIT_MS)
    assert dialog.result() != QDialog.DialogCode.Accepted and not page.service.signed_in
    dialog.password.setText(PASSWORD)
    dialog.submit()
    qtbot.waitUntil(lambda: page.service.signed_in, timeout=WAIT_MS)


def test_stored_token_signs_in_at_next_start(ctx, qtbot, server, tmp_path):
    from diary_app.ui.pages.notifications import NotificationsPage

    first = NotificationsPage(ctx)
    qtbot.addWidget(first)
    name = sign_in(qtbot, first)
    assert "sync" in ctx.services
    ctx.services["sync"].shutdown()
    del ctx.services["sync"]
    again = AppContext(diary=ctx.diary, settings=Settings(server_url=server.url))
    page = NotificationsPage(again)
    qtbot.addWidget(page)
    try:
        qtbot.waitUntil(lambda: page.service.signed_in and page.currentIndex() == 1, timeout=WAIT_MS)
        assert page.service.user.username == name
    finally:
        page.service.shutdown()


def test_friends_page_search_request_accept_remove(ctx, qtbot, server, tmp_path):
    from diary_app.ui.pages.friends import FriendsPage

    page = FriendsPage(ctx)
    qtbot.addWidget(page)
    page.show()
    me = sign_in(qtbot, page)
    bob = other_user(server, tmp_path, "bob")
    carol = other_user(server, tmp_path, "carol")

    page.search_box.setText(bob.user.username)
    page.search_button.click()
    qtbot.waitUntil(lambda: len(buttons(page.results, "add")) == 1, timeout=WAIT_MS)
    buttons(page.results, "add")[0].click()
    qtbot.waitUntil(lambda: len(page.outgoing.rows) == 1, timeout=WAIT_MS)
    assert [r.from_user.username for r in bob.api.friend_requests().incoming] == [me]

    carol.api.send_friend_request(me)
    page.reload()
    qtbot.waitUntil(lambda: len(buttons(page.incoming, "accept")) == 1, timeout=WAIT_MS)
    buttons(page.incoming, "accept")[0].click()
    qtbot.waitUntil(lambda: len(page.friend_list) == 1, timeout=WAIT_MS)
    assert [u.username for u in carol.api.friends()] == [me]

    request = bob.api.friend_requests().incoming[0]
    bob.api.accept_friend_request(request.id)
    page.reload()
    qtbot.waitUntil(lambda: len(page.friend_list) == 2 and not page.outgoing.rows, timeout=WAIT_MS)

    row = next(r for r in page.friends.rows if f"@{carol.user.username}" in r.findChildren(type(page.status))[0].text())
    row.findChild(QPushButton, "remove").click()
    qtbot.waitUntil(lambda: [u.username for u in page.friend_list] == [bob.user.username], timeout=WAIT_MS)
    assert carol.api.friends() == []

    assert f"@{me}" in page.account_label.text()
    page.sign_out_button.click()
    qtbot.waitUntil(lambda: page.currentIndex() == 0, timeout=WAIT_MS)
    assert TokenStore().load(ctx.settings.server_url) is None


def _friends_with_entries(qtbot, ctx, server, tmp_path, page):
    me = sign_in(qtbot, page)
    bob = other_user(server, tmp_path, "bob")
    bob.api.send_friend_request(me)
    accepted = page.service.session.api.friend_requests().incoming[0]
    page.service.session.api.accept_friend_request(accepted.id)
    bob_diary = Diary(tmp_path / "bob_diary")
    bobs = bob_diary.create_entry(first_clip("emodb", "angry"), move=False)
    bob_diary.set_user_emotion(bobs.id, "angry")
    bob_diary.set_note(bobs.id, "bob's traffic")
    bob_diary.set_public(bobs.id, True)
    assert SyncEngine(bob_diary, bob.api).run_once().uploaded == [str(bobs.id)]
    mine = ctx.diary.create_entry(first_clip("emodb", "happy"), move=False)
    ctx.diary.set_user_emotion(mine.id, "happy")
    ctx.diary.set_note(mine.id, "my sunny day")
    ctx.diary.set_public(mine.id, True)
    page.service.sync_now(force=True)
    qtbot.waitUntil(lambda: ctx.diary.get(mine.id).sync_state == SyncState.SYNCED, timeout=WAIT_MS)
    return me, bob, str(mine.id), str(bobs.id)


class FakeSpeakers:
    """The speaker end of the Feed (the hardware edge, like the fake microphone): a stream factory
    for ``FeedPage(stream_factory=...)`` that hands out ``FakeOutputStream`` s, which pull the frames
    through the real player's callback on a plain thread as fast as possible, and keeps them."""

    def __init__(self, speed: float = 0.0) -> None:
        self.speed = speed
        self.streams = []

    def __call__(self, **kw):
        from diary_app.audio.playback import FakeOutputStream

        stream = FakeOutputStream(speed=self.speed, **kw)
        self.streams.append(stream)
        return stream


def test_feed_shows_friends_entries_filters_and_likes(ctx, qtbot, server, tmp_path, monkeypatch):
    from diary_app.ui.pages.feed import FeedPage

    speakers = FakeSpeakers()
    page = FeedPage(ctx, stream_factory=speakers)
    qtbot.addWidget(page)
    page.show()
    me, bob, mine, bobs = _friends_with_entries(qtbot, ctx, server, tmp_path, page)
    page.reload()
    qtbot.waitUntil(lambda: sorted(i.entry.id for i in page.items) == sorted([mine, bobs]), timeout=WAIT_MS)

    qtbot.waitUntil(lambda: page.account.findData(bob.user.username) >= 0, timeout=WAIT_MS)
    page.account.setCurrentIndex(page.account.findData(bob.user.username))
    qtbot.waitUntil(lambda: [i.entry.id for i in page.items] == [bobs], timeout=WAIT_MS)

    item = page.item_for(bobs)
    assert item.note.text() == "bob's traffic"
    item.like_button.click()
    qtbot.waitUntil(lambda: page.item_for(bobs).like_count == 1 and page.item_for(bobs).liked, timeout=WAIT_MS)
    assert "1" in page.item_for(bobs).like_button.text()
    assert bob.api.get_entry(bobs).like_count == 1
    page.item_for(bobs).like_button.click()
    qtbot.waitUntil(lambda: page.item_for(bobs).like_count == 0 and not page.item_for(bobs).liked, timeout=WAIT_MS)

    page.account.setCurrentIndex(0)
    qtbot.waitUntil(lambda: len(page.items) == 2, timeout=WAIT_MS)

    # play downloads the friend's audio off the GUI thread, then hands the file to the player, whose
    # speaker gets the decoded sound sample for sample; at the end the item is back to idle by itself
    page.item_for(bobs).play_button.click()
    qtbot.waitUntil(lambda: page._player is not None and bool(speakers.streams), timeout=WAIT_MS)
    played = page._player.path
    assert played.read_bytes() == bob.api.download_audio(bobs, tmp_path / "bob_own.flac").read_bytes()
    qtbot.waitUntil(lambda: page.playing_id is None and page.item_for(bobs).play_state == "idle", timeout=WAIT_MS)
    from diary_app.audio.loading import load_audio

    sound = load_audio(played, sample_rate=None, min_duration_s=0.0)
    assert np.array_equal(speakers.streams[0].delivered()[: sound.size], sound)
    assert page._player.state == "stopped" and page.status.text() == ""

    # older entries come page by page
    monkey_size = page_size_one(page)
    page.reload()
    qtbot.waitUntil(lambda: len(page.items) == 1 and page.more_button.isVisibleTo(page), timeout=WAIT_MS)
    page.more_button.click()
    qtbot.waitUntil(lambda: sorted(i.entry.id for i in page.items) == sorted([mine, bobs]), timeout=WAIT_MS)
    monkey_size.undo()

    # making my entry private is picked up by the background sync and it leaves the feed
    ctx.diary.set_public(mine, False)
    qtbot.waitUntil(lambda: ctx.diary.get(mine).sync_state == SyncState.LOCAL, timeout=WAIT_MS)
    assert [e.id for e in bob.api.feed().items] == [bobs]
    qtbot.waitUntil(lambda: [i.entry.id for i in page.items] == [bobs], timeout=WAIT_MS)

    # deleting a shared entry in the diary takes it off the server as well
    again = ctx.diary.create_entry(first_clip("emodb", "sad"), move=False)
    ctx.diary.set_user_emotion(again.id, "sad")
    ctx.diary.set_public(again.id, True)
    qtbot.waitUntil(lambda: ctx.diary.get(again.id).sync_state == SyncState.SYNCED, timeout=WAIT_MS)
    assert str(again.id) in [e.id for e in bob.api.feed().items]
    ctx.diary.delete(again.id)
    qtbot.waitUntil(lambda: str(again.id) not in [e.id for e in bob.api.feed().items], timeout=WAIT_MS)


def page_size_one(page):
    import diary_app.ui.pages.feed as feed_module

    patch = pytest.MonkeyPatch()
    patch.setattr(feed_module, "PAGE_SIZE", 1)
    return patch


def test_notifications_badge_and_mark_read(ctx, qtbot, server, tmp_path):
    from diary_app.ui.main_window import MainWindow

    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    page = window.show_page("notifications")
    me, bob, mine, _bobs = _friends_with_entries(qtbot, ctx, server, tmp_path, page)
    page.service.session.api.notifications()  # today's reminder exists from here on: counts cannot jump
    bob.api.like(mine)
    page.service.refresh_unread()
    nav_item = next(window.nav.item(r) for r in range(window.nav.count()) if window.nav.item(r).text().startswith("Notifications"))
    # bob's request + like + reminder; an earlier poll may have delivered a smaller count first,
    # so wait for the count the server has now, not for any count >= 2
    expected = page.service.session.api.notifications(unread_only=True, limit=1).unread_count
    assert expected >= 2
    qtbot.waitUntil(lambda: page.service.unread_count == expected, timeout=WAIT_MS)
    assert nav_item.text() == f"Notifications ({expected})"
    page.reload()
    qtbot.waitUntil(lambda: any("liked" in page.list.item(r).text() for r in range(page.list.count())), timeout=WAIT_MS)
    assert page.unread_label.text() == f"{expected} unread"
    like_row = next(page.list.item(r) for r in range(page.list.count()) if "liked" in page.list.item(r).text())
    assert like_row.font().bold()
    page.list.itemActivated.emit(like_row)  # double-click / Enter on one notification
    qtbot.waitUntil(lambda: page.service.unread_count == expected - 1 and nav_item.text() == f"Notifications ({expected - 1})", timeout=WAIT_MS)
    page.mark_all.click()
    qtbot.waitUntil(lambda: page.service.unread_count == 0 and nav_item.text() == "Notifications", timeout=WAIT_MS)
    assert page.service.session.api.notifications().unread_count == 0


def test_reminder_without_tray_or_server_falls_back_in_app(qtbot, tmp_path):
    from datetime import datetime

    from diary_app.ui.main_window import MainWindow

    ctx = AppContext(diary=Diary(tmp_path / "d"), settings=Settings(server_url=None, reminder_time="21:30"))
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    tray = window.reminder
    now = datetime.now().astimezone().replace(hour=12, minute=0)
    assert tray.schedule(now).strftime("%H:%M") == "21:30"
    assert tray.timer.isActive()
    if tray.tray is None:  # offscreen: no system tray, so the message appears in the window
        with qtbot.waitSignal(tray.reminder_due, timeout=1000) as sig:
            tray.show_reminder()
        assert sig.args == [REMINDER_MESSAGE]
        assert window.statusBar().currentMessage() == REMINDER_MESSAGE
    ctx.settings.reminder_time = "07:45"  # what the Settings page does: edit the shared settings in place
    tray._settings_check()  # runs every minute
    assert tray.next_at.strftime("%H:%M") == "07:45"
    ctx.settings.reminder_enabled = False
    assert tray.schedule() is None and not tray.timer.isActive()
    ctx.settings.reminder_enabled, ctx.settings.reminder_time = True, "not a time"
    assert tray.schedule() is None  # a bad setting turns the reminder off instead of crashing


def test_revoked_token_signs_the_gui_out_and_forgets_it(ctx, qtbot):
    from diary_app.ui.pages.friends import FriendsPage

    page = FriendsPage(ctx)
    qtbot.addWidget(page)
    page.show()
    sign_in(qtbot, page)
    from diary_app.sync.client.api import ApiClient

    ApiClient(ctx.settings.server_url, token=page.service.session.api.token).logout()  # revoked elsewhere
    assert TokenStore().load(ctx.settings.server_url) is not None
    page.reload()
    qtbot.waitUntil(lambda: page.currentIndex() == 0 and not page.service.signed_in, timeout=WAIT_MS)
    assert TokenStore().load(ctx.settings.server_url) is None


def test_server_down_at_start_keeps_token_and_shows_the_problem(qtbot, tmp_path):
    from sync_client_helpers import free_port

    from diary_app.store import SyncState as State
    from diary_app.sync.client.token_store import StoredToken
    from diary_app.ui.pages.feed import FeedPage

    url = f"http://127.0.0.1:{free_port()}"  # nothing listens: laptop offline / server down
    TokenStore().save(StoredToken(server_url=url, access_token="still-good", username="alice"))
    ctx = AppContext(diary=Diary(tmp_path / "d"), settings=Settings(server_url=url))
    entry = ctx.diary.create_entry(first_clip("emodb", "happy"), move=False)
    ctx.diary.set_user_emotion(entry.id, "happy")
    ctx.diary.set_public(entry.id, True)
    page = FeedPage(ctx)
    qtbot.addWidget(page)
    page.show()
    try:
        qtbot.waitUntil(lambda: page.service.signed_in and page.currentIndex() == 1, timeout=WAIT_MS)
        qtbot.waitUntil(lambda: "cannot reach" in page.status.text(), timeout=WAIT_MS)
        qtbot.waitUntil(lambda: (ctx.diary.get(entry.id).sync_error or "").startswith("will retry"), timeout=WAIT_MS)
        assert ctx.diary.get(entry.id).sync_state == State.QUEUED
        assert TokenStore().load(url).access_token == "still-good"
    finally:
        page.service.shutdown()


def test_no_network_on_the_gui_thread(ctx, qtbot, server, tmp_path):
    import threading

    from sync_client_helpers import RecordingTransport

    from diary_app.ui.pages.feed import FeedPage
    from diary_app.ui.pages.friends import FriendsPage
    from diary_app.ui.pages.notifications import NotificationsPage
    from diary_app.ui.social.service import get_sync_service

    threads: list[str] = []

    class ThreadRecorder(RecordingTransport):
        def handle_request(self, request):
            threads.append(threading.current_thread().name)
            return super().handle_request(request)

    get_sync_service(ctx, transport=ThreadRecorder())
    pages = [FeedPage(ctx), FriendsPage(ctx), NotificationsPage(ctx)]
    for p in pages:
        qtbot.addWidget(p)
        p.show()
    _friends_with_entries(qtbot, ctx, server, tmp_path, pages[0])  # the test itself calls the API here
    pages[0].service.wait_idle()
    threads.clear()  # from now on only the pages make requests
    for p in pages:
        p.reload()
    qtbot.waitUntil(lambda: len(pages[0].items) == 2 and bool(pages[1].friend_list) and pages[2].list.count() > 0, timeout=WAIT_MS)
    pages[0].items[0].like_button.click()
    qtbot.waitUntil(lambda: pages[0].items[0].like_count == 1, timeout=WAIT_MS)
    pages[0].service.wait_idle()
    assert len(threads) >= 5  # feed, friend list, requests, notifications, like (at least)
    assert threading.main_thread().name not in threads
