"""Sync client parts that need no server: token storage, reminder times, back-off, offline queue."""

from __future__ import annotations

import os
import random
import stat
from datetime import UTC, datetime

import pytest
from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError
from sync_client_helpers import RecordingTransport, free_port

from diary_app.store import Diary, SyncState
from diary_app.sync.client.api import ApiClient, AuthError, OfflineError
from diary_app.sync.client.reminder import next_reminder, parse_reminder_time
from diary_app.sync.client.session import ClientSession, SessionState
from diary_app.sync.client.sync_engine import Backoff, SyncEngine, meta_for
from diary_app.sync.client.token_store import StoredToken, TokenStore


class MemoryKeyring(KeyringBackend):
    """The OS-keyring edge: an in-memory backend built on keyring's own base class."""

    # below keyring's own "fail" backend, so defining this class never makes it the system default
    priority = -5

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}

    def set_password(self, service, username, password):
        self.items[(service, username)] = password

    def get_password(self, service, username):
        return self.items.get((service, username))

    def delete_password(self, service, username):
        if self.items.pop((service, username), None) is None:
            raise PasswordDeleteError("not found")


posix_only = pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX; Windows uses the Credential Locker")

TOKEN = StoredToken(server_url="http://example.test:8765/", access_token="tok-123", username="alice", expires_at=None)


@posix_only
def test_file_fallback_is_private_and_survives_a_new_store(tmp_path):
    path = tmp_path / "cfg" / "sync_token.json"
    TokenStore(use_keyring=False, file_path=path).save(TOKEN)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    again = TokenStore(use_keyring=False, file_path=path)
    loaded = again.load("http://example.test:8765")  # trailing slash does not matter
    assert loaded is not None and loaded.access_token == "tok-123" and loaded.username == "alice"
    assert again.load("http://other.test") is None  # never hand one server's token to another
    again.delete("http://example.test:8765")
    assert again.load("http://example.test:8765") is None
    assert not path.exists()


@posix_only
def test_headless_machine_falls_back_to_the_file_cleanly():
    import keyring
    from keyring.backends import fail, null

    store = TokenStore()
    if not isinstance(keyring.get_keyring(), (fail.Keyring, null.Keyring)):
        pytest.skip("this machine has a real keyring backend")
    assert store.backend_name.startswith("file:")
    store.save(TOKEN)
    assert stat.S_IMODE(store.file_path.stat().st_mode) == 0o600
    assert TokenStore().load(TOKEN.server_url).access_token == "tok-123"


def test_keyring_backend_is_used_when_present_and_no_file_is_written(tmp_path):
    ring = MemoryKeyring()
    path = tmp_path / "sync_token.json"
    TokenStore(keyring_backend=ring, file_path=path).save(TOKEN)
    assert not path.exists()
    assert len(ring.items) == 1
    assert TokenStore(keyring_backend=ring, file_path=path).load(TOKEN.server_url).access_token == "tok-123"
    TokenStore(keyring_backend=ring, file_path=path).delete(TOKEN.server_url)
    assert ring.items == {}


@posix_only
def test_broken_keyring_falls_back_to_file(tmp_path):
    class Locked(MemoryKeyring):
        def set_password(self, service, username, password):
            from keyring.errors import PasswordSetError

            raise PasswordSetError("locked")

    path = tmp_path / "t.json"
    store = TokenStore(keyring_backend=Locked(), file_path=path)
    store.save(TOKEN)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert store.load(TOKEN.server_url).access_token == "tok-123"


def test_reminder_times():
    now = datetime(2026, 3, 10, 18, 30)
    assert next_reminder("20:00", now) == datetime(2026, 3, 10, 20, 0)
    assert next_reminder("08:15", now) == datetime(2026, 3, 11, 8, 15)
    assert next_reminder("20:00", now, recorded_today=True) == datetime(2026, 3, 11, 20, 0)
    assert next_reminder("20:00", now, enabled=False) is None
    aware = datetime(2026, 3, 10, 23, 59, tzinfo=UTC)
    assert next_reminder("0:00", aware) == datetime(2026, 3, 11, 0, 0, tzinfo=UTC)
    for bad in ("25:00", "8pm", "", "12:60"):
        with pytest.raises(ValueError, match="reminder time"):
            parse_reminder_time(bad)


def test_backoff_schedule_grows_caps_and_jitters():
    exact = Backoff(base_s=5, factor=2, max_s=60, jitter=0.0)
    assert [exact.delay(n) for n in range(0, 7)] == [0, 5, 10, 20, 40, 60, 60]
    jittery = Backoff(base_s=5, factor=2, max_s=60, jitter=0.2, rng=random.Random(1))
    samples = [jittery.delay(3) for _ in range(200)]
    assert min(samples) >= 16 and max(samples) <= 24 and len(set(samples)) > 100


def _public_entry(diary: Diary, clip, note: str = "shared", emotion: str | None = "happy"):
    e = diary.create_entry(clip, move=False)
    diary.set_note(e.id, note)
    if emotion:
        diary.set_user_emotion(e.id, emotion)
    return diary.set_public(e.id, True)


def test_untagged_entry_waits_for_its_tag_without_any_request(tmp_path, speech_clip):
    diary = Diary(tmp_path / "diary")
    entry = _public_entry(diary, speech_clip, emotion=None)
    transport = RecordingTransport()
    engine = SyncEngine(diary, ApiClient(f"http://127.0.0.1:{free_port()}", token="t", transport=transport, timeout=2))
    report = engine.run_once()
    assert transport.sent == [] and not report.offline
    stored = diary.get(entry.id)
    assert stored.sync_state == SyncState.QUEUED and "waiting for an emotion tag" in stored.sync_error


def test_offline_keeps_entries_queued_and_waits_longer_each_time(tmp_path, speech_clip):
    diary = Diary(tmp_path / "diary")
    entry = _public_entry(diary, speech_clip)
    assert entry.sync_state == SyncState.QUEUED
    transport = RecordingTransport()
    api = ApiClient(f"http://127.0.0.1:{free_port()}", token="t", transport=transport, timeout=2)  # nothing listens
    now = [1000.0]
    engine = SyncEngine(diary, api, backoff=Backoff(base_s=5, factor=2, max_s=300, jitter=0.0), clock=lambda: now[0])

    delays = []
    for _ in range(3):
        report = engine.run_once()
        assert report.offline and not report.uploaded
        delays.append(report.next_attempt_in_s)
        stored = diary.get(entry.id)
        assert stored.sync_state == SyncState.QUEUED
        assert "cannot reach the server" in stored.sync_error
        # too early: no request at all
        sent = len(transport.sent)
        now[0] += report.next_attempt_in_s - 0.5
        assert engine.run_once().skipped_backoff
        assert len(transport.sent) == sent
        now[0] += 0.5
    assert delays == [5, 10, 20]


def test_meta_never_carries_location_when_none_saved(tmp_path, speech_clip):
    diary = Diary(tmp_path / "d")
    e = _public_entry(diary, speech_clip, "no place")
    assert set(meta_for(diary.get(e.id)).to_json()) == {"emotion", "created_at", "duration_s", "note"}
    diary.set_location(e.id, 37.5, 127.0, "Seoul")
    assert meta_for(diary.get(e.id)).to_json()["place_name"] == "Seoul"


def test_session_keeps_token_on_network_error(tmp_path):
    url = f"http://127.0.0.1:{free_port()}"
    store = TokenStore(use_keyring=False, file_path=tmp_path / "t.json")
    store.save(StoredToken(server_url=url, access_token="kept", username="alice"))
    session = ClientSession(url, store, timeout=2)
    assert session.restore() == SessionState.OFFLINE
    assert session.user.username == "alice"
    assert store.load(url).access_token == "kept"


def test_clear_errors():
    with pytest.raises(ValueError, match="http://"):
        ApiClient("example.org")
    api = ApiClient(f"http://127.0.0.1:{free_port()}", timeout=2)
    with pytest.raises(AuthError, match="not signed in"):
        api.me()
    with pytest.raises(OfflineError, match="cannot reach"):
        api.health()


def test_client_tells_an_older_server_apart():
    """An older server has no /v1 and answers /healthz with only {"status": "ok"}."""
    import httpx

    from diary_app.sync.client.api import IncompatibleServerError

    def older_server(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/healthz":
            return httpx.Response(200, json={"status": "ok"})
        return httpx.Response(404, json={"detail": "Not Found"})

    session = ClientSession("http://old.example:8765", TokenStore(), transport=httpx.MockTransport(older_server))
    with pytest.raises(IncompatibleServerError, match="older than this app"):
        session.login("alice", "password-1")
    with pytest.raises(IncompatibleServerError, match="ask its owner to update"):
        session.api.check_compatible()

    def newer_server(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"status": "ok", "version": "9.0", "api": 2, "something_new": True})

    api = ApiClient("http://new.example:8765", transport=httpx.MockTransport(newer_server))
    assert api.server_info().api == 2  # unknown fields from a newer server are ignored
    with pytest.raises(IncompatibleServerError, match="update Sound Diary"):
        api.check_compatible()
