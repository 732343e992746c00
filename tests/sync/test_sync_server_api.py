"""The sync server's API against a real server process, on SQLite and on PostgreSQL."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta, timezone

import httpx
import pytest
from sync_fixtures import befriend, client, flac, live_server, pg_cluster, real_audio_bytes, signup_login, unique_name, upload  # noqa: F401

pytestmark = pytest.mark.timeout(300)




def test_health_and_docs(client, live_server):
    from diary_app import __version__

    health = {"status": "ok", "version": __version__, "api": 1}
    assert httpx.get(live_server.base_url + "/healthz").json() == health  # unversioned: any client may ask
    assert client.get("/healthz").json() == health
    assert client.get("/docs").status_code == 200
    assert httpx.get(live_server.base_url + "/docs", follow_redirects=True).status_code == 200
    paths = {p.removeprefix("/v1") for p in client.get("/openapi.json").json()["paths"]}
    for path in ("/auth/signup", "/auth/login", "/auth/logout", "/me", "/users", "/friends/requests",
                 "/friends/requests/{request_id}/accept", "/friends/{username}", "/entries/{entry_id}",
                 "/entries/{entry_id}/audio", "/entries/{entry_id}/like", "/feed", "/notifications",
                 "/notifications/read"):
        assert path in paths, path


def test_signup_login_me_logout(client):
    name = unique_name("acc")
    r = client.post("/auth/signup", json={"username": name, "display_name": "Min-ji Kim", "password": "s3cret-pass"})
    assert r.status_code == 201
    user = r.json()
    assert user["username"] == name and user["display_name"] == "Min-ji Kim" and isinstance(user["id"], int)
    again = client.post("/auth/signup", json={"username": name, "display_name": "X", "password": "another-pass"})
    assert again.status_code == 409 and name in again.json()["detail"]

    assert client.post("/auth/login", json={"username": name, "password": "wrong-pass"}).status_code == 401
    r = client.post("/auth/login", json={"username": name, "password": "s3cret-pass"})
    assert r.status_code == 200
    body = r.json()
    assert body["token_type"] == "bearer" and body["user"] == user
    expires = datetime.fromisoformat(body["expires_at"])
    assert expires > datetime.now(UTC) + timedelta(days=1)
    auth = {"Authorization": f"Bearer {body['access_token']}"}
    assert client.get("/me", headers=auth).json() == user
    assert client.post("/auth/logout", headers=auth).status_code == 204
    assert client.get("/me", headers=auth).status_code == 401


@pytest.mark.parametrize(
    "body",
    [
        {"username": "ab", "display_name": "x", "password": "long-enough"},  # too short
        {"username": "Has Space", "display_name": "x", "password": "long-enough"},
        {"username": "a" * 33, "display_name": "x", "password": "long-enough"},
        {"username": "fine_name", "display_name": "x", "password": "short"},
        {"username": "fine_name", "display_name": "   ", "password": "long-enough"},
        {"username": "fine_name", "password": "long-enough"},
    ],
)
def test_signup_validation(client, body):
    r = client.post("/auth/signup", json=body)
    assert r.status_code == 422
    assert isinstance(r.json()["detail"], str) and r.json()["detail"]


def test_user_search_excludes_me(client):
    me = signup_login(client, "srch")
    other = signup_login(client, "srch", display="Seo-yeon Park")
    found = [u["username"] for u in me.get("/users", params={"q": "seo-yeon"}).json()]
    assert found == [other.username]
    found = [u["username"] for u in me.get("/users", params={"q": me.username}).json()]
    assert me.username not in found
    assert me.get("/users", params={"q": "%"}).json() == []  # LIKE wildcards are literal


def test_friend_request_lifecycle(client):
    a, b, c = (signup_login(client, "fr") for _ in range(3))
    r = a.post("/friends/requests", json={"username": b.username})
    assert r.status_code == 201
    req = r.json()
    assert req["status"] == "pending" and req["from_user"]["username"] == a.username and req["to_user"]["username"] == b.username
    assert a.post("/friends/requests", json={"username": b.username}).status_code == 409  # already pending
    assert a.post("/friends/requests", json={"username": a.username}).status_code == 409
    assert a.post("/friends/requests", json={"username": "nobody_here"}).status_code == 404

    assert [x["id"] for x in b.get("/friends/requests").json()["incoming"]] == [req["id"]]
    assert [x["id"] for x in a.get("/friends/requests").json()["outgoing"]] == [req["id"]]
    assert a.get("/friends").json() == []  # not mutual before acceptance

    # only the addressee may accept; the sender may only cancel
    assert a.post(f"/friends/requests/{req['id']}/accept").status_code == 404
    assert c.post(f"/friends/requests/{req['id']}/accept").status_code == 404
    assert b.post(f"/friends/requests/{req['id']}/accept").json()["status"] == "accepted"
    assert b.post(f"/friends/requests/{req['id']}/accept").status_code == 409
    assert [u["username"] for u in a.get("/friends").json()] == [b.username]
    assert [u["username"] for u in b.get("/friends").json()] == [a.username]
    assert a.post("/friends/requests", json={"username": b.username}).status_code == 409  # already friends

    # reject and cancel
    r = c.post("/friends/requests", json={"username": a.username}).json()
    assert a.post(f"/friends/requests/{r['id']}/reject").json()["status"] == "rejected"
    assert a.get("/friends/requests").json()["incoming"] == []
    r = c.post("/friends/requests", json={"username": b.username}).json()
    assert b.delete(f"/friends/requests/{r['id']}").status_code == 404  # not the sender
    assert c.delete(f"/friends/requests/{r['id']}").status_code == 204
    assert b.get("/friends/requests").json()["incoming"] == []

    # asking back accepts
    r = c.post("/friends/requests", json={"username": b.username}).json()
    back = b.post("/friends/requests", json={"username": c.username})
    assert back.status_code == 201 and back.json()["id"] == r["id"] and back.json()["status"] == "accepted"
    assert c.username in [u["username"] for u in b.get("/friends").json()]

    # removal is mutual
    assert a.delete(f"/friends/{b.username}").status_code == 204
    assert a.get("/friends").json() == []
    assert a.username not in [u["username"] for u in b.get("/friends").json()]
    assert a.delete(f"/friends/{b.username}").status_code == 404


def test_entry_upload_is_idempotent_and_updatable(client, flac):
    owner = signup_login(client, "ent")
    eid = str(uuid.uuid4())
    when = datetime(2026, 5, 1, 9, 30, tzinfo=timezone(timedelta(hours=9)))
    r = upload(owner, flac, eid, emotion="sad", created_at=when, latitude=37.5665, longitude=126.978, place_name="Seoul")
    assert r.status_code == 201, r.text
    e = r.json()
    assert e["id"] == eid and e["emotion"] == "sad" and e["owner"]["username"] == owner.username
    assert datetime.fromisoformat(e["created_at"]) == when
    assert (e["latitude"], e["longitude"], e["place_name"]) == (37.5665, 126.978, "Seoul")
    assert e["like_count"] == 0 and e["liked_by_me"] is False and e["audio_url"] == f"/v1/entries/{eid}/audio"

    again = upload(owner, flac, eid, emotion="sad", created_at=when)  # same UUID: update, not a duplicate
    assert again.status_code == 200
    assert again.json()["latitude"] is None  # location dropped when not sent
    meta_only = owner.put(f"/entries/{eid}", data={"meta": '{"emotion": "happy", "created_at": "2026-05-01T00:30:00Z", "duration_s": 2}'})
    assert meta_only.status_code == 200 and meta_only.json()["emotion"] == "happy"
    feed = owner.get("/feed").json()["items"]
    assert [x["id"] for x in feed].count(eid) == 1

    audio = owner.get(f"/entries/{eid}/audio")
    assert audio.status_code == 200 and audio.content == flac and audio.headers["content-type"] == "audio/flac"
    wav = real_audio_bytes("WAV")
    assert upload(owner, wav, eid).status_code == 200
    audio = owner.get(f"/entries/{eid}/audio")
    assert audio.content == wav and audio.headers["content-type"] == "audio/wav"

    assert owner.delete(f"/entries/{eid}").status_code == 204
    assert owner.get(f"/entries/{eid}").status_code == 404
    assert owner.get(f"/entries/{eid}/audio").status_code == 404
    assert owner.delete(f"/entries/{eid}").status_code == 404


def test_new_entry_needs_audio(client):
    owner = signup_login(client, "noaud")
    r = owner.put(f"/entries/{uuid.uuid4()}", data={"meta": '{"emotion": "happy", "created_at": "2026-05-01T00:30:00Z", "duration_s": 2}'})
    assert r.status_code == 422 and "audio" in r.json()["detail"]


def test_feed_friends_newest_first_paginated_and_filtered(client, flac):
    me, friend, stranger = (signup_login(client, "feed") for _ in range(3))
    befriend(me, friend)
    base = datetime(2026, 1, 1, tzinfo=UTC)
    mine = [upload(me, flac, created_at=base + timedelta(hours=2 * i)).json()["id"] for i in range(5)]
    theirs = [upload(friend, flac, created_at=base + timedelta(hours=2 * i + 1)).json()["id"] for i in range(5)]
    upload(stranger, flac, created_at=base + timedelta(hours=100))

    seen, cursor = [], None
    while True:
        params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        page = me.get("/feed", params=params).json()
        seen += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert [e["id"] for e in seen] == [x for pair in zip(reversed(theirs), reversed(mine)) for x in pair]
    times = [datetime.fromisoformat(e["created_at"]) for e in seen]
    assert times == sorted(times, reverse=True)

    only = me.get("/feed", params={"user": friend.username}).json()["items"]
    assert [e["id"] for e in only] == list(reversed(theirs))
    assert me.get("/feed", params={"user": stranger.username}).status_code == 403
    assert me.get("/feed", params={"user": "no_such_user"}).status_code == 404
    assert me.get("/feed", params={"cursor": "not-a-cursor!"}).status_code == 422
    assert me.get("/feed", params={"limit": 0}).status_code == 422


def test_likes_and_notifications(client, flac):
    owner, fan = signup_login(client, "lk"), signup_login(client, "lk")
    befriend(fan, owner)  # owner gets "friend_request"; fan gets "friend_accepted"
    eid = upload(owner, flac).json()["id"]
    assert fan.put(f"/entries/{eid}/like").json() == {"like_count": 1, "liked_by_me": True}
    assert fan.put(f"/entries/{eid}/like").json() == {"like_count": 1, "liked_by_me": True}  # idempotent
    assert owner.get(f"/entries/{eid}").json()["like_count"] == 1
    assert owner.get(f"/entries/{eid}").json()["liked_by_me"] is False
    assert [e["liked_by_me"] for e in fan.get("/feed").json()["items"] if e["id"] == eid] == [True]

    notes = owner.get("/notifications").json()
    kinds = [n["kind"] for n in notes["items"]]
    assert "like" in kinds and "friend_request" in kinds and "reminder" in kinds
    like = next(n for n in notes["items"] if n["kind"] == "like")
    assert like["actor"]["username"] == fan.username and like["entry_id"] == eid and fan.username.title() in like["message"]
    reminder = next(n for n in notes["items"] if n["kind"] == "reminder")
    assert reminder["message"] == "How about capturing today's emotions?" and reminder["actor"] is None
    assert notes["unread_count"] == 3
    # the reminder is created once per day, however often the list is read
    assert [n["kind"] for n in owner.get("/notifications").json()["items"]].count("reminder") == 1
    assert "friend_accepted" in [n["kind"] for n in fan.get("/notifications").json()["items"]]

    r = owner.post("/notifications/read", json={"ids": [like["id"]]})
    assert r.json() == {"unread_count": 2}
    unread = owner.get("/notifications", params={"unread_only": "true"}).json()["items"]
    assert like["id"] not in [n["id"] for n in unread]
    assert owner.post("/notifications/read", json={"all": True}).json() == {"unread_count": 0}
    assert owner.post("/notifications/read", json={}).status_code == 422

    assert fan.delete(f"/entries/{eid}/like").json() == {"like_count": 0, "liked_by_me": False}
    assert fan.delete(f"/entries/{eid}/like").json() == {"like_count": 0, "liked_by_me": False}


def test_feed_fast_path_matches_the_contract(client, flac):
    """The feed skips response-model validation for speed: its bytes must still be a valid
    ``FeedResult`` (strictly, no extra or missing keys) and say exactly what the validated
    ``GET /entries/{id}`` says about each entry, on every page."""
    from diary_app.sync.contract import FeedResult, SharedEntry

    me, friend = signup_login(client, "fc"), signup_login(client, "fc")
    befriend(me, friend)
    base = datetime(2026, 3, 1, 12, tzinfo=UTC)
    upload(me, flac, emotion="happy", created_at=base)  # a note, no place
    upload(friend, flac, emotion="sad", created_at=base + timedelta(minutes=1), latitude=35.1, longitude=129.0, place_name="Busan")
    plain = upload(friend, flac, emotion="fear", created_at=base + timedelta(minutes=2))
    friend.put(f"/entries/{plain.json()['id']}", data={"meta": '{"emotion": "fear", "created_at": "2026-03-01T12:02:00Z", "duration_s": 2}'})
    me.put(f"/entries/{plain.json()['id']}/like")
    fields = set(FeedResult.model_fields)
    entry_fields = set(SharedEntry.model_fields)
    cursor, seen = None, 0
    while True:
        r = me.get("/feed", params={"limit": 2, **({"cursor": cursor} if cursor else {})})
        assert r.status_code == 200 and r.headers["content-type"] == "application/json"
        page = FeedResult.model_validate_json(r.content, strict=True)
        raw = r.json()
        assert set(raw) == fields and all(set(item) == entry_fields for item in raw["items"])
        for item in page.items:
            assert item == SharedEntry.model_validate(me.get(f"/entries/{item.id}").json())  # same as the validated path
        seen += len(page.items)
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == 3
    liked = [i for i in FeedResult.model_validate_json(me.get("/feed").content).items if i.liked_by_me]
    assert [i.id for i in liked] == [plain.json()["id"]] and liked[0].note is None and liked[0].like_count == 1
