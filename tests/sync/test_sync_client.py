"""Sync client against a real ``diary-app sync-server`` process: token life cycle, privacy, catch-up."""

from __future__ import annotations

import json
import stat

import pytest
from conftest import first_clip
from sync_client_helpers import PASSWORD, RecordingTransport, assert_clean_log, new_server, shared_server, unique_name

from diary_app.store import Diary, SyncState
from diary_app.sync.client.api import ApiClient
from diary_app.sync.client.session import ClientSession, SessionState
from diary_app.sync.client.sync_engine import Backoff, SyncEngine
from diary_app.sync.client.token_store import TokenStore


@pytest.fixture(scope="module")
def server():
    srv = shared_server()
    yield srv
    assert_clean_log(srv)


def _signed_up(url: str, folder, display: str, transport=None) -> ClientSession:
    session = ClientSession(url, TokenStore(use_keyring=False, file_path=folder / f"{display}.json"), transport=transport)
    session.signup(unique_name(display.lower()), display, PASSWORD)
    return session


@pytest.mark.slow
def test_token_is_stored_reused_validated_and_dropped_only_on_401(server, tmp_path):
    first = _signed_up(server.url, tmp_path, "Alice")
    token_file = tmp_path / "Alice.json"
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    username = first.user.username

    recorder = RecordingTransport()
    second = ClientSession(server.url, TokenStore(use_keyring=False, file_path=token_file), transport=recorder)
    assert second.restore() == SessionState.SIGNED_IN
    assert second.user.username == username
    (method, url, _body, headers), = recorder.sent
    assert (method, url.removeprefix(server.url)) == ("GET", "/v1/me")
    assert headers["authorization"] == f"Bearer {first.api.token}"

    first.api.logout()  # the server revokes the token; the local copy is still on disk
    assert TokenStore(use_keyring=False, file_path=token_file).load(server.url) is not None
    third = ClientSession(server.url, TokenStore(use_keyring=False, file_path=token_file))
    assert third.restore() == SessionState.SIGNED_OUT
    assert TokenStore(use_keyring=False, file_path=token_file).load(server.url) is None


def _entry(diary: Diary, clip, *, note: str, public: bool, emotion: str = "happy"):
    e = diary.create_entry(clip, move=False)
    diary.set_note(e.id, note)
    diary.set_user_emotion(e.id, emotion)
    if public:
        diary.set_public(e.id, True)
    return diary.get(e.id)


def test_private_entries_never_leave_the_machine(server, tmp_path):
    rows = [first_clip("emodb", label) for label in ("happy", "sad", "angry", "fear")]
    diary = Diary(tmp_path / "diary")
    shared = _entry(diary, rows[0], note="shared without place", public=True)
    located = _entry(diary, rows[1], note="shared with place", public=True)
    diary.set_location(located.id, 52.52, 13.40, "Berlin")
    private = _entry(diary, rows[2], note="PRIVATE-NOTE-never-sent", public=False)
    was_public = _entry(diary, rows[3], note="TURNED-PRIVATE-before-sync", public=True)
    diary.set_public(was_public.id, False)  # queued -> local: it must not go out either
    assert diary.get(was_public.id).sync_state == SyncState.LOCAL

    recorder = RecordingTransport()
    session = _signed_up(server.url, tmp_path, "Carol", transport=recorder)
    recorder.sent.clear()
    report = SyncEngine(diary, session.api).run_once()
    assert sorted(report.uploaded) == sorted([str(shared.id), str(located.id)]) and report.ok

    secrets = [str(private.id), private.id.hex, str(was_public.id), was_public.id.hex,
               "PRIVATE-NOTE-never-sent", "TURNED-PRIVATE-before-sync"]
    private_audio = [diary.audio_path(e).read_bytes()[2000:2064] for e in (private, was_public)]
    assert len(recorder.sent) == 2
    for method, url, body, _headers in recorder.sent:
        assert method == "PUT"
        for secret in secrets:
            assert secret not in url and secret.encode() not in body
        for chunk in private_audio:
            assert chunk not in body
    bodies = {url.rsplit("/", 1)[1]: body for _m, url, body, _h in recorder.sent}
    assert diary.audio_path(shared).read_bytes()[2000:2064] in bodies[str(shared.id)]  # control: audio does go
    meta_no_place = _meta(bodies[str(shared.id)])
    assert {"latitude", "longitude", "place_name"}.isdisjoint(meta_no_place)
    assert _meta(bodies[str(located.id)])["place_name"] == "Berlin"

    feed = session.api.feed(limit=50)
    assert sorted(e.id for e in feed.items) == sorted([str(shared.id), str(located.id)])
    assert diary.get(private.id).sync_state == SyncState.LOCAL
    assert diary.get(shared.id).sync_state == SyncState.SYNCED


def _meta(multipart_body: bytes) -> dict:
    """The JSON of the ``meta`` form field in a multipart body."""
    part = multipart_body.split(b'name="meta"', 1)[1].split(b"\r\n\r\n", 1)[1].split(b"\r\n--", 1)[0]
    return json.loads(part)


@pytest.mark.slow
def test_server_down_keeps_queue_then_catches_up_without_duplicates(tmp_path):
    srv = new_server(tmp_path / "srv").start()
    try:
        session = _signed_up(srv.url, tmp_path, "Dave")
        diary = Diary(tmp_path / "diary")
        clips = [first_clip("emodb", label) for label in ("happy", "sad")]
        first = _entry(diary, clips[0], note="first", public=True)
        now = [0.0]
        engine = SyncEngine(diary, session.api, backoff=Backoff(base_s=5, jitter=0.0), clock=lambda: now[0])
        assert engine.run_once().uploaded == [str(first.id)]

        srv.stop()
        diary.set_note(first.id, "first, edited offline")
        second = _entry(diary, clips[1], note="second", public=True)
        report = engine.run_once()
        assert report.offline and report.next_attempt_in_s == 5
        for e in (first, second):
            stored = diary.get(e.id)
            assert stored.sync_state == SyncState.QUEUED and "cannot reach the server" in stored.sync_error
        now[0] += 5
        assert engine.run_once().next_attempt_in_s == 10  # still down: waits longer

        srv.start()  # same port, same database: the server is back
        assert engine.run_once().skipped_backoff  # back-off still respected
        now[0] += 10
        report = engine.run_once()
        assert report.ok and sorted(report.uploaded) == sorted([str(first.id), str(second.id)])
        assert all(diary.get(e.id).sync_state == SyncState.SYNCED and diary.get(e.id).sync_error is None for e in (first, second))

        # an answer lost on the way back makes the client send the same entry again: still one copy
        diary.set_sync_state(second.id, SyncState.QUEUED)
        assert engine.run_once().uploaded == [str(second.id)]
        items = session.api.feed(limit=50).items
        assert sorted(e.id for e in items) == sorted([str(first.id), str(second.id)])
        assert {e.id: e.note for e in items}[str(first.id)] == "first, edited offline"
    finally:
        srv.stop()


def test_rejected_token_during_sync_keeps_entries_queued(server, tmp_path):
    diary = Diary(tmp_path / "diary")
    entry = _entry(diary, first_clip("emodb", "happy"), note="x", public=True)
    called = []
    engine = SyncEngine(diary, ApiClient(server.url, token="forged-token"), on_auth_error=lambda: called.append(True))
    report = engine.run_once()
    assert report.auth_failed and called == [True]
    stored = diary.get(entry.id)
    assert stored.sync_state == SyncState.QUEUED and "sign in again" in stored.sync_error


def test_server_refusals_arrive_as_typed_errors_with_the_servers_message(server, tmp_path):
    from diary_app.sync.client.api import AuthError, ConflictError, EntryMeta, ForbiddenError, InvalidInputError, NotFoundError

    alice = _signed_up(server.url, tmp_path, "Alice")
    anon = ApiClient(server.url)
    with pytest.raises(ConflictError) as taken:
        anon.signup(alice.user.username, "Other", PASSWORD)
    assert taken.value.status == 409 and taken.value.message
    with pytest.raises(InvalidInputError, match="(?i)username"):
        anon.signup("Bad Name!", "x", PASSWORD)
    with pytest.raises(AuthError):
        anon.login(alice.user.username, "wrong password")
    with pytest.raises(NotFoundError):
        alice.api.get_entry("00000000-0000-4000-8000-000000000000")

    diary = Diary(tmp_path / "diary")
    entry = _entry(diary, first_clip("emodb", "happy"), note="mine", public=True)
    SyncEngine(diary, alice.api).run_once()
    mallory = _signed_up(server.url, tmp_path, "Mallory")
    meta = EntryMeta(emotion="angry", created_at=entry.created_at, duration_s=1.0, note="hijacked")
    with pytest.raises(ForbiddenError):
        mallory.api.put_entry(str(entry.id), meta, diary.audio_path(entry))
    assert alice.api.get_entry(str(entry.id)).note == "mine"


def test_deleting_a_shared_entry_locally_takes_it_off_the_server_and_private_ids_stay_home(server, tmp_path):
    recorder = RecordingTransport()
    session = _signed_up(server.url, tmp_path, "Erin", transport=recorder)
    diary = Diary(tmp_path / "diary")
    shared = _entry(diary, first_clip("emodb", "happy"), note="shared", public=True)
    private = _entry(diary, first_clip("emodb", "sad"), note="private", public=False)
    live = _entry(diary, first_clip("emodb", "angry"), note="deleted while the app runs", public=True)
    engine = SyncEngine(diary, session.api)
    assert sorted(engine.run_once().uploaded) == sorted([str(shared.id), str(live.id)])

    # the app is running: the GUI forwards the diary's "deleted" event to the engine
    diary.delete(live.id)
    assert engine.note_deleted(live.id)
    assert engine.run_once().unshared == [str(live.id)]

    # deleted while the app was closed (or from the CLI): the next start notices
    diary.delete(shared.id)
    diary.delete(private.id)
    assert not SyncEngine(diary, session.api).note_deleted(private.id)  # never shared: nothing to do
    recorder.sent.clear()
    report = SyncEngine(diary, session.api).run_once()
    assert report.unshared == [str(shared.id)] and report.ok
    assert session.api.feed().items == []
    for _method, url, body, _headers in recorder.sent:
        assert str(private.id) not in url and str(private.id).encode() not in body
    assert SyncEngine(diary, session.api).run_once().unshared == []  # done once, not again
