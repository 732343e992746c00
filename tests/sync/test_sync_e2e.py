"""End to end: two people, two diaries, one real sync server process (issue 6 "must show").

alice and bob sign up, alice asks bob, bob accepts; alice records (real EmoDB clips), shares one
entry and keeps one private; the sync engine uploads; bob's feed shows exactly alice's public entry
and his own; bob likes it; alice gets the notification. Then alice makes it private again, the sync
engine unshares it and bob's feed no longer shows it.
"""

from __future__ import annotations

import os

import pytest
from conftest import first_clip
from sync_client_helpers import PASSWORD, assert_clean_log, shared_server, unique_name

from diary_app.store import Diary, SyncState
from diary_app.sync.client.session import ClientSession, SessionState
from diary_app.sync.client.sync_engine import SyncEngine
from diary_app.sync.client.token_store import TokenStore


class Person:
    """One user's machine: own data folder, own config folder (token file), own diary and engine."""

    def __init__(self, root, server_url: str, name: str) -> None:
        self.data = root / name / "data"
        self.config = root / name / "config"
        self.config.mkdir(parents=True)
        self.diary = Diary(self.data)
        self.tokens = TokenStore(use_keyring=False, file_path=self.config / "sync_token.json")
        self.session = ClientSession(server_url, self.tokens)
        self.username = unique_name(name)
        self.engine = SyncEngine(self.diary, self.session.api)

    def record(self, label: str, note: str, public: bool):
        entry = self.diary.create_entry(first_clip("emodb", label), move=False)
        self.diary.set_note(entry.id, note)
        self.diary.set_user_emotion(entry.id, label if label != "unmapped" else "neutral")
        if public:
            self.diary.set_public(entry.id, True)
        return self.diary.get(entry.id)


@pytest.fixture(scope="module")
def server():
    srv = shared_server()
    yield srv
    assert_clean_log(srv)


def test_two_friends_share_like_and_unshare(server, tmp_path):
    alice = Person(tmp_path, server.url, "alice")
    bob = Person(tmp_path, server.url, "bob")
    alice.session.signup(alice.username, "Alice", PASSWORD)
    bob.session.signup(bob.username, "Bob", PASSWORD)

    request = alice.session.api.send_friend_request(bob.username)
    incoming = bob.session.api.friend_requests().incoming
    assert [r.id for r in incoming] == [request.id]
    assert bob.session.api.accept_friend_request(request.id).status == "accepted"
    assert [u.username for u in alice.session.api.friends()] == [bob.username]

    shared = alice.record("happy", "sunny walk by the river", public=True)
    private = alice.record("sad", "only for me", public=False)
    bobs = bob.record("angry", "traffic jam", public=True)
    assert alice.engine.run_once().uploaded == [str(shared.id)]
    assert bob.engine.run_once().uploaded == [str(bobs.id)]
    assert alice.diary.get(shared.id).sync_state == SyncState.SYNCED
    assert alice.diary.get(private.id).sync_state == SyncState.LOCAL

    feed = bob.session.api.feed()
    assert sorted(e.id for e in feed.items) == sorted([str(shared.id), str(bobs.id)])
    seen = {e.id: e for e in feed.items}[str(shared.id)]
    assert (seen.owner.username, seen.emotion, seen.note) == (alice.username, "happy", "sunny walk by the river")
    assert seen.latitude is None and seen.longitude is None
    audio = bob.session.api.download_audio(seen.id, tmp_path / "bob_download.flac")
    assert audio.read_bytes() == alice.diary.audio_path(shared).read_bytes()

    like = bob.session.api.like(seen.id)
    assert (like.like_count, like.liked_by_me) == (1, True)
    notes = alice.session.api.notifications()
    likes = [n for n in notes.items if n.kind == "like"]
    assert len(likes) == 1 and likes[0].actor.username == bob.username and likes[0].entry_id == str(shared.id)
    assert notes.unread_count >= 1

    # next start on alice's machine: a new session object reuses the stored token
    restarted = ClientSession(server.url, TokenStore(use_keyring=False, file_path=alice.config / "sync_token.json"))
    assert restarted.restore() == SessionState.SIGNED_IN and restarted.user.username == alice.username

    alice.diary.set_public(shared.id, False)
    assert alice.diary.get(shared.id).sync_state == SyncState.UNSHARE_QUEUED
    assert alice.engine.run_once().unshared == [str(shared.id)]
    assert alice.diary.get(shared.id).sync_state == SyncState.LOCAL
    assert [e.id for e in bob.session.api.feed().items] == [str(bobs.id)]
    assert os.path.exists(alice.diary.audio_path(shared))  # unsharing never touches the local recording
