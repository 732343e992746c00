"""Races on the sync server (issue 15, items 7-9), on SQLite and PostgreSQL, against a real process.

Each race starts its requests from separate threads and connections behind a barrier, many times
over. What must hold whatever the interleaving: no 5xx, the database and the audio folder agree
(a file exists exactly for the entries that exist, no ``.part`` left behind), an upload never
replaces another user's audio, and a UUID once shared belongs to its owner even after unsharing.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable

import httpx
import pytest
from sync_fixtures import befriend, client, flac, live_server, pg_cluster, real_audio_bytes, signup_login, upload  # noqa: F401

pytestmark = pytest.mark.timeout(300)
ROUNDS = 20


def race(*calls: Callable[[], httpx.Response]) -> list[httpx.Response]:
    """Run the calls at once (one thread each, released together) and return their responses."""
    barrier = threading.Barrier(len(calls))
    out: list[httpx.Response | BaseException | None] = [None] * len(calls)

    def run(i: int, call: Callable[[], httpx.Response]) -> None:
        barrier.wait()
        try:
            out[i] = call()
        except BaseException as exc:  # noqa: BLE001 - reported by the caller
            out[i] = exc

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    for r in out:
        if not isinstance(r, httpx.Response):
            raise AssertionError(f"a racing request failed: {r!r}")
    return out  # type: ignore[return-value]


def files_of(live_server, eid: str) -> list[str]:
    return sorted(p.name for p in (live_server.data_dir / "audio").iterdir() if eid in p.name)


def _second_connection(account, live_server):
    """The same account on its own connection, so two of its requests really run at once."""
    other = httpx.Client(base_url=live_server.base_url + "/v1", timeout=30)
    return type(account)(account.username, account.password, account.token, account.id, other)


def test_like_racing_unshare_never_500_and_removes_the_audio(live_server, client, flac):
    owner, friend = signup_login(client, "rl"), signup_login(client, "rl")
    befriend(owner, friend)
    likers = [_second_connection(friend, live_server) for _ in range(3)]
    seen: set[int] = set()
    for _ in range(ROUNDS):
        eid = upload(owner, flac).json()["id"]
        results = race(
            lambda: owner.delete(f"/entries/{eid}"),
            *[(lambda a=a: a.put(f"/entries/{eid}/like")) for a in likers],
        )
        seen.update(r.status_code for r in results)
        assert results[0].status_code == 204, results[0].text
        for r in results[1:]:
            assert r.status_code in (200, 404), r.text
        assert owner.get(f"/entries/{eid}").status_code == 404
        assert files_of(live_server, eid) == []
        # nothing dangling: a like of the gone entry is a plain 404, its notifications are gone
        assert friend.put(f"/entries/{eid}/like").status_code == 404
        assert all(n["entry_id"] != eid for n in owner.get("/notifications").json()["items"])
    for a in likers:
        a.client.close()
    assert seen <= {200, 204, 404}


def test_reupload_racing_unshare_never_500_and_leaves_no_orphan(live_server, client, flac):
    owner = signup_login(client, "ru")
    second = _second_connection(owner, live_server)
    other_audio = real_audio_bytes("WAV", seconds=0.4)
    outcomes = set()
    for i in range(ROUNDS):
        eid = upload(owner, flac).json()["id"]
        audio, name = (other_audio, "clip.wav") if i % 2 else (flac, "clip.flac")  # also a format change
        put, gone = race(
            lambda: upload(second, audio, eid, filename=name, emotion="sad"),
            lambda: owner.delete(f"/entries/{eid}"),
        )
        assert put.status_code in (200, 201), put.text
        assert gone.status_code in (204, 404), gone.text
        exists = owner.get(f"/entries/{eid}").status_code == 200
        outcomes.add((put.status_code, gone.status_code, exists))
        files = files_of(live_server, eid)
        if exists:  # the PUT came last: one file, the one it sent
            assert len(files) == 1, files
            assert owner.get(f"/entries/{eid}/audio").content == audio
        else:  # the DELETE came last: no audio of it may stay on the server's disk
            assert files == [], files
        owner.delete(f"/entries/{eid}")
        assert files_of(live_server, eid) == []
    second.client.close()


def test_two_users_racing_for_one_new_uuid_never_mix_row_and_file(live_server, client):
    alice, bob = signup_login(client, "rx"), signup_login(client, "rx")
    bob2 = _second_connection(bob, live_server)
    audio_a, audio_b = real_audio_bytes("FLAC", 0.5), real_audio_bytes("WAV", 0.3)
    for _ in range(ROUNDS):
        eid = str(uuid.uuid4())
        ra, rb = race(lambda: upload(alice, audio_a, eid, filename="a.flac"),
                      lambda: upload(bob2, audio_b, eid, filename="b.wav"))
        codes = sorted((ra.status_code, rb.status_code))
        assert codes in ([201, 403], [201, 409]), (ra.text, rb.text)
        winner, audio = (alice, audio_a) if ra.status_code == 201 else (bob, audio_b)
        assert winner.get(f"/entries/{eid}").json()["owner"]["id"] == winner.id
        assert winner.get(f"/entries/{eid}/audio").content == audio  # the owner's own file
        assert len(files_of(live_server, eid)) == 1
        assert winner.delete(f"/entries/{eid}").status_code == 204
    bob2.client.close()


def test_unshared_uuid_stays_its_owners(client, flac):
    owner, friend = signup_login(client, "sq"), signup_login(client, "sq")
    befriend(owner, friend)
    eid = upload(owner, flac, emotion="happy").json()["id"]
    assert friend.get(f"/entries/{eid}").status_code == 200  # the friend learns the UUID
    assert owner.delete(f"/entries/{eid}").status_code == 204
    squat = upload(friend, flac, eid, emotion="angry")
    assert squat.status_code == 403, squat.text
    assert friend.get(f"/entries/{eid}").status_code == 404
    again = upload(owner, flac, eid, emotion="sad")  # the owner can share it again
    assert again.status_code == 201, again.text
    assert again.json()["owner"]["id"] == owner.id
    assert friend.get(f"/entries/{eid}").json()["emotion"] == "sad"
