"""Issue 13 (social rough edges) against a real sync server on loopback."""

from __future__ import annotations

import socket

import pytest

pytest.importorskip("pytestqt")

from conftest import first_clip  # noqa: E402
from sync_client_helpers import PASSWORD, unique_name  # noqa: E402
from test_social_pages import FakeSpeakers, ctx, other_user, server  # noqa: E402,F401 - the same real-server fixtures

from diary_app.settings import Settings  # noqa: E402
from diary_app.store import Diary, SyncState  # noqa: E402
from diary_app.sync.client.api import OfflineError  # noqa: E402
from diary_app.ui.context import AppContext  # noqa: E402

WAIT_MS = 20_000


@pytest.fixture
def window(ctx, qtbot):
    from diary_app.ui.main_window import MainWindow

    win = MainWindow(ctx)
    win.resize(1000, 700)
    win.show()
    yield win
    win.pages["diary"].detail.ask_unsaved = lambda: "discard"
    win.close()
    win.deleteLater()


def _sign_up(qtbot, service, display="Alice") -> str:
    name = unique_name("alice")
    service.login(service.server_url, name, PASSWORD, display_name=display)
    qtbot.waitUntil(lambda: service.signed_in, timeout=WAIT_MS)
    return name


def _shared_entry(qtbot, ctx, service, note: str) -> str:
    entry = ctx.diary.create_entry(first_clip("emodb", "happy"), move=False)
    ctx.diary.set_user_emotion(entry.id, "happy")
    ctx.diary.set_note(entry.id, note)
    ctx.diary.set_public(entry.id, True)
    service.sync_now(force=True)
    qtbot.waitUntil(lambda: ctx.diary.get(entry.id).sync_state == SyncState.SYNCED, timeout=WAIT_MS)
    return str(entry.id)


def test_no_reminder_at_sign_up_and_a_like_row_opens_the_entry_with_its_likes(window, ctx, server, qtbot, tmp_path):
    service = window.sync_service
    page = window.show_page("notifications")
    me = _sign_up(qtbot, service)
    # the server makes a "reminder" on the first fetch of the day (at sign-up): not shown, not counted
    qtbot.waitUntil(lambda: service.session.api.notifications().unread_count == 0, timeout=WAIT_MS)
    page.reload()
    qtbot.waitUntil(lambda: page.list.count() == 1, timeout=WAIT_MS)
    assert page.list.item(0).text() == "No notifications yet."
    assert service.unread_count == 0 and window.nav.item(4).text() == "Notifications"

    mine = _shared_entry(qtbot, ctx, service, "my sunny day")
    bob = other_user(server, tmp_path, "bob")
    bob.api.send_friend_request(me)
    request = service.session.api.friend_requests().incoming[0]
    service.session.api.accept_friend_request(request.id)
    bob.api.like(mine)
    service.refresh_unread()
    qtbot.waitUntil(lambda: service.unread_count == 2, timeout=WAIT_MS)  # the request and the like

    # my own diary shows the like (list model and the detail)
    diary_page = window.pages["diary"]
    qtbot.waitUntil(lambda: diary_page.list_model.likes.get(mine) == 1, timeout=WAIT_MS)

    page.reload()
    qtbot.waitUntil(lambda: any("liked" in page.list.item(r).text() for r in range(page.list.count())), timeout=WAIT_MS)
    like_row = next(page.list.item(r) for r in range(page.list.count()) if "liked" in page.list.item(r).text())
    page.list.itemClicked.emit(like_row)
    assert window.stack.currentWidget() is diary_page
    assert diary_page.stack.currentWidget() is diary_page.detail and str(diary_page.detail.entry.id) == mine
    assert diary_page.detail.likes_label.text() == "♥ 1 like from a friend"
    qtbot.waitUntil(lambda: service.unread_count == 1, timeout=WAIT_MS)  # the like row was marked read

    window.show_page("notifications")
    request_row = next(page.list.item(r) for r in range(page.list.count()) if "request" in page.list.item(r).text().lower()
                       or "friend" in page.list.item(r).text().lower())
    page.list.itemClicked.emit(request_row)
    assert window.stack.currentWidget() is window.pages["friends"]

    # the local reminder (the tray's, at the user's time) appears as a row that opens Record
    window.show_page("notifications")
    window.reminder.show_reminder()
    assert "today" in page.list.item(0).text()
    page.list.itemClicked.emit(page.list.item(0))
    assert window.stack.currentWidget() is window.pages["record"]


def _feed_with_my_entry(ctx, qtbot, **kwargs):
    from diary_app.ui.pages.feed import FeedPage

    page = FeedPage(ctx, **kwargs)
    qtbot.addWidget(page)
    page.show()
    _sign_up(qtbot, page.service)
    mine = _shared_entry(qtbot, ctx, page.service, "play me")
    page.reload()
    qtbot.waitUntil(lambda: page.item_for(mine) is not None, timeout=WAIT_MS)
    return page, mine


def test_feed_play_shows_a_playing_state_and_stops(ctx, server, qtbot, tmp_path):
    # a fake speaker at a quarter of real time: the 2 s clip plays for 8 s, so Stop comes first
    speakers = FakeSpeakers(speed=0.25)
    page, mine = _feed_with_my_entry(ctx, qtbot, stream_factory=speakers)
    item = page.item_for(mine)
    assert item.play_button.text() == "▶ Play"
    states: list[str] = []
    # hook the page, not the item: a second feed fetch (show + reload) may rebuild the items meanwhile
    shown = page._set_item_state
    page._set_item_state = lambda entry_id, state: (states.append(state), shown(entry_id, state))
    item.play_button.click()
    assert page.item_for(mine).play_state == "loading" and not page.item_for(mine).play_button.isEnabled()
    qtbot.waitUntil(lambda: "playing" in states, timeout=WAIT_MS)
    item = page.item_for(mine)
    assert item.play_state == "playing" and item.play_button.text() == "■ Stop" and page.playing_id == mine
    qtbot.waitUntil(lambda: page._player.position_s > 0.05, timeout=WAIT_MS)  # sound reaches the speaker
    item.play_button.click()  # the same button stops it
    assert page._player.state == "stopped" and speakers.streams[0].closed
    item = page.item_for(mine)
    assert item.play_state == "idle" and item.play_button.text() == "▶ Play" and page.playing_id is None
    assert states[:3] == ["loading", "playing", "idle"]

    # leaving the page stops the sound too
    page.item_for(mine).play_button.click()
    qtbot.waitUntil(lambda: page.item_for(mine).play_state == "playing", timeout=WAIT_MS)
    page.hide()
    assert page._player.state == "stopped" and speakers.streams[-1].closed and len(speakers.streams) == 2
    assert page.item_for(mine).play_state == "idle" and page.playing_id is None


def test_feed_play_without_a_sound_card_says_why(ctx, server, qtbot, tmp_path, monkeypatch):
    from diary_app.audio.playback import FAKE_SPEAKER_ENV, list_output_devices

    monkeypatch.delenv(FAKE_SPEAKER_ENV, raising=False)
    if list_output_devices():
        pytest.skip("this machine has an audio output device")
    page, mine = _feed_with_my_entry(ctx, qtbot)  # the real sounddevice output
    page.item_for(mine).play_button.click()
    qtbot.waitUntil(lambda: page.status.text().startswith("Could not play"), timeout=WAIT_MS)
    assert "no audio output device" in page.status.text()
    item = page.item_for(mine)
    assert item.play_state == "idle" and item.play_button.isEnabled() and page.playing_id is None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_login_dialog_remembers_the_server_and_speaks_in_sentences(qtbot, tmp_path, server):
    from diary_app.ui.social.login_dialog import LoginDialog
    from diary_app.ui.social.service import SyncService

    ctx = AppContext(diary=Diary(tmp_path / "d"), settings=Settings())
    service = SyncService(ctx)
    dialog = LoginDialog(service)
    qtbot.addWidget(dialog)
    assert "127.0.0.1:8765" not in dialog.server.text()  # no hard-coded address
    assert dialog.server.text() == "" and dialog.server.placeholderText()

    dead = f"http://127.0.0.1:{_free_port()}"
    dialog.server.setText(dead)
    dialog.username.setText("nobody")
    dialog.password.setText("whatever-password")
    dialog.submit()
    qtbot.waitUntil(lambda: dialog.message.text().startswith("Cannot reach the server"), timeout=WAIT_MS)
    assert "Errno" not in dialog.message.text() and dialog.message.text().endswith(".")
    qtbot.keyClicks(dialog.server, "/")  # editing the address clears the old complaint
    assert dialog.message.text() == ""
    assert dialog.error_text(OfflineError("[Errno 111] Connection refused")).startswith("Cannot reach")

    # the address tried last is offered next time (and the one signed in to wins over it)
    again = LoginDialog(service)
    qtbot.addWidget(again)
    assert again.server.text() == dead
    ctx.settings.server_url = server.url
    assert LoginDialog(service).server.text() == server.url
    service.shutdown()
    ctx.diary.close()
