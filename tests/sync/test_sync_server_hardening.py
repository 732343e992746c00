"""Issue 15, items 10-12: slow clients, failed-login throttling, and the small holes.

Against real server processes (the shared SQLite/PostgreSQL ones from ``sync_fixtures``, plus one
SQLite server with tight slow-client bounds and only 256 open files). The limiter's arithmetic is
checked with a fake clock, so no test sleeps through a real back-off longer than a few seconds.
"""

from __future__ import annotations

import base64
import socket
import struct
import threading
import time
import uuid

import httpx
import pytest
from sync_fixtures import befriend, client, flac, live_server, pg_cluster, signup_login, start_server, unique_name, upload  # noqa: F401

from diary_app.sync.contract import clean_display_name
from diary_app.sync.server.security import LoginRateLimiter

pytestmark = pytest.mark.timeout(300)


# ----------------------------------------------------------------------------- item 12: small holes


def _cursor(raw: str) -> str:
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


@pytest.mark.parametrize("raw", ["9223372036854775808:x", "-1:x", f"{2**70}:abc", "5:a\x00b"])
def test_cursor_with_numbers_no_database_holds_is_422(client, raw):
    me = signup_login(client, "big")
    r = me.get("/feed", params={"cursor": _cursor(raw)})
    assert r.status_code == 422, r.text
    assert "cursor" in r.json()["detail"]


@pytest.mark.parametrize("ids", [[2**31], [2**63], [2**64 + 5], [False], [True], [1.5], ["1"], [0], [None], []])
def test_mark_read_ids_are_strict_database_sized_integers(client, ids):
    me = signup_login(client, "ids")
    r = me.post("/notifications/read", json={"ids": ids})
    assert r.status_code == 422, r.text
    assert isinstance(r.json()["detail"], str)
    assert me.post("/notifications/read", json={"ids": [2**31 - 1, 7.0]}).status_code == 200  # JSON Schema integers
    assert me.post("/notifications/read", json={"all": 0}).status_code == 422


def _header_only_flac(samples: int = 2**36 - 1, rate: int = 16000) -> bytes:
    info = bytearray(34)
    struct.pack_into(">HH", info, 0, 4096, 4096)
    info[10:18] = ((rate << 44) | (0 << 41) | (15 << 36) | samples).to_bytes(8, "big")
    return b"fLaC" + bytes([0x80, 0, 0, 34]) + bytes(info)  # 42 bytes, no audio frame at all


@pytest.mark.parametrize("samples", [2**36 - 1, 16000 * 60])
def test_header_only_flac_claiming_a_length_is_refused(client, samples, live_server):
    me = signup_login(client, "hdr")
    data = _header_only_flac(samples)
    assert len(data) == 42
    eid = str(uuid.uuid4())
    r = upload(me, data, eid, filename="h.flac")
    assert r.status_code == 415, r.text
    assert me.get(f"/entries/{eid}").status_code == 404
    assert not [p for p in (live_server.data_dir / "audio").iterdir() if p.suffix == ".part"]


def test_truncated_flac_is_refused(client, flac):
    me = signup_login(client, "trn")
    r = upload(me, flac[: len(flac) // 2])
    assert r.status_code == 415, r.text
    assert "truncated" in r.json()["detail"] or "decoded" in r.json()["detail"]


@pytest.mark.parametrize("payload", [b"fLaC" + bytes(200), b"RIFF\x00\x00\x00\x00WAVEjunkjunkjunk", b"OggS" + bytes(60)])
def test_refused_audio_messages_name_no_server_path(client, live_server, payload):
    me = signup_login(client, "msg")
    r = upload(me, payload)
    assert r.status_code == 415, r.text
    detail = r.json()["detail"]
    for leak in (str(live_server.data_dir), "/audio", ".part", "/tmp", "\\"):
        assert leak not in detail, detail


def test_toggling_a_like_notifies_the_owner_once(client, flac):
    owner, fan = signup_login(client, "lk"), signup_login(client, "lk")
    befriend(owner, fan)
    eid = upload(owner, flac).json()["id"]
    for _ in range(20):
        assert fan.put(f"/entries/{eid}/like").status_code == 200
        assert fan.delete(f"/entries/{eid}/like").status_code == 200
    likes = [n for n in owner.get("/notifications").json()["items"] if n["kind"] == "like"]
    assert len(likes) == 1 and likes[0]["entry_id"] == eid and likes[0]["actor"]["id"] == fan.id


def test_asking_again_after_a_no_does_not_pester(client):
    asker, other = signup_login(client, "rj"), signup_login(client, "rj")
    for round_ in range(5):
        r = asker.post("/friends/requests", json={"username": other.username})
        if round_ == 0:
            assert r.status_code == 201, r.text
            assert other.post(f"/friends/requests/{r.json()['id']}/reject").status_code == 200
        else:
            assert r.status_code == 409 and "declined" in r.json()["detail"], r.text
    requests = [n for n in other.get("/notifications").json()["items"] if n["kind"] == "friend_request"]
    assert len(requests) == 1
    assert other.get("/friends/requests").json()["incoming"] == []
    # the one who said no can still change their mind
    r = other.post("/friends/requests", json={"username": asker.username})
    assert r.status_code == 201, r.text


@pytest.mark.parametrize(
    "name",
    ["evil\u202egnp.exe", "a\u200bb", "\u2066admin\u2069", "x\ufeffy", "bell\x07here", "soft\u00adhyphen", "\u200d"],
    ids=["rlo", "zwsp", "isolate", "bom", "control", "shy", "lone-zwj"],
)
def test_display_names_refuse_invisible_and_direction_characters(client, name):
    r = client.post("/auth/signup", json={"username": unique_name("dn"), "display_name": name, "password": "long-enough-1"})
    assert r.status_code == 422, r.text
    assert "display_name" in r.json()["detail"]


def test_display_names_are_normalised(client):
    family = "\U0001f469\u200d\U0001f469\u200d\U0001f467"
    for given, stored in [("Jose\u0301  Kim ", "Jos\u00e9 Kim"), (f"{family} Park", f"{family} Park"), ("김민지", "김민지")]:
        r = client.post("/auth/signup", json={"username": unique_name("dn"), "display_name": given, "password": "long-enough-1"})
        assert r.status_code == 201, r.text
        assert r.json()["display_name"] == stored
    assert clean_display_name("\u05e9\u05dc\u05d5\u05dd") == "\u05e9\u05dc\u05d5\u05dd"  # right-to-left script itself is fine


def test_simultaneous_mutual_requests_make_a_friendship(client, live_server):
    for _ in range(10):
        a, b = signup_login(client, "mu"), signup_login(client, "mu")
        clients = [httpx.Client(base_url=live_server.base_url + "/v1", timeout=30) for _ in range(2)]
        barrier = threading.Barrier(2)
        out: list = [None, None]

        def ask(i, me, other):
            barrier.wait()
            out[i] = clients[i].post("/friends/requests", headers=me.headers, json={"username": other.username})

        threads = [threading.Thread(target=ask, args=(0, a, b)), threading.Thread(target=ask, args=(1, b, a))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        for c in clients:
            c.close()
        codes = sorted(r.status_code for r in out)
        assert codes in ([200, 201], [201, 201]), [r.text for r in out]
        assert b.username in [u["username"] for u in a.get("/friends").json()]
        assert a.username in [u["username"] for u in b.get("/friends").json()]
        assert a.get("/friends/requests").json() == {"incoming": [], "outgoing": []}
        assert b.get("/friends/requests").json() == {"incoming": [], "outgoing": []}


# ----------------------------------------------------------------------------- item 11: throttling


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_limiter_delay_grows_per_pair_and_forgets_after_the_window():
    clock = FakeClock()
    lim = LoginRateLimiter(5, 20, 900, limit_pair=3, base_delay_s=1, max_delay_s=60, clock=clock)
    waits = []
    for _ in range(10):
        clock.now += lim.wait_s("victim", "6.6.6.6")  # the attacker waits exactly as told
        lim.failed("victim", "6.6.6.6")
        waits.append(lim.wait_s("victim", "6.6.6.6"))
    assert waits == [0, 0, 1, 2, 4, 8, 16, 32, 60, 60]
    clock.now += 901
    assert lim.wait_s("victim", "6.6.6.6") == 0


def test_limiter_never_holds_the_owner_up_for_someone_elses_failures():
    clock = FakeClock()
    lim = LoginRateLimiter(5, 20, 900, limit_pair=5, base_delay_s=1, max_delay_s=300, clock=clock)
    lim.succeeded("victim", "10.0.0.7")  # the owner signs in from home
    lim.succeeded("carol", "198.51.100.1")  # carol signs in from a shared (office) address
    for i in range(200):  # many addresses guess the victim's password; one address sprays accounts
        lim.failed("victim", f"203.0.113.{i % 50}")
        lim.failed(f"user{i}", "198.51.100.1")
    assert lim.wait_s("victim", "10.0.0.7") == 0  # home: not slowed at all
    assert 0 < lim.wait_s("victim", "192.0.2.1") <= 300  # a new place: slowed, never locked for good
    assert lim.wait_s("carol", "198.51.100.1") == 0  # someone there sprays accounts: carol still gets in
    assert lim.wait_s("dave", "198.51.100.1") > 0  # accounts never used from there wait


# ----------------------------------------------------------------------------- item 10: slow clients


def _few_open_files() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_NOFILE, (256, 256))


@pytest.fixture(scope="module")
def guarded_server(request, tmp_path_factory):
    """SQLite server with 256 open files at most, 1.5 s header/body bounds, 40 connections per address."""
    server = start_server("sqlite", request, tmp_path_factory, [
        "--header-timeout", "1.5", "--body-timeout", "1.5", "--max-connections-per-address", "40",
        "--limit-concurrency", "200"], preexec=_few_open_files)
    yield server
    server.stop()


def _closed_by_server(sock: socket.socket, within_s: float) -> bool:
    """True when the server closes the connection (EOF or reset) within ``within_s``."""
    deadline = time.monotonic() + within_s
    try:
        while time.monotonic() < deadline:
            sock.settimeout(max(0.01, deadline - time.monotonic()))
            if sock.recv(4096) == b"":
                return True
    except (ConnectionResetError, BrokenPipeError):
        return True
    except TimeoutError:
        return False
    return False


@pytest.mark.slow
def test_half_sent_requests_do_not_lock_anyone_out(guarded_server):
    port = guarded_server.port
    socks = []
    try:
        for _ in range(300):  # more than the server's 256 open files, all from one address
            s = socket.create_connection(("127.0.0.1", port), timeout=5, source_address=("127.0.0.2", 0))
            s.sendall(b"GET /feed HTTP/1.1\r\nHost: x\r\nX-Slow: ")  # never finished
            socks.append(s)
        start = time.monotonic()
        with httpx.Client(base_url=guarded_server.base_url + "/v1", timeout=5) as c:  # everyone else
            assert c.get("/healthz").status_code == 200
            me = signup_login(c, "slow")
            assert me.get("/feed").status_code == 200
        assert time.monotonic() - start < 5
        # every half-sent connection is closed: at once past the per-address bound, else at 1.5 s
        assert all(_closed_by_server(s, 5) for s in socks)
    finally:
        for s in socks:
            s.close()


@pytest.mark.slow
def test_a_stalled_body_is_cut_off_but_a_slow_steady_one_is_served(guarded_server):
    port = guarded_server.port
    body = b'{"username": "nobody_here", "password": "not-the-password"}'
    head = (b"POST /v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: %d\r\n\r\n" % len(body))
    stalled = socket.create_connection(("127.0.0.1", port), timeout=5)
    stalled.sendall(head + body[:10])
    steady = socket.create_connection(("127.0.0.1", port), timeout=5)
    steady.sendall(head)
    for i in range(0, len(body), 10):  # 6 pieces, 0.5 s apart: 3 s in all, never 1.5 s silent
        time.sleep(0.5)
        steady.sendall(body[i:i + 10])
    steady.settimeout(5)
    answer = steady.recv(4096)
    assert answer.startswith(b"HTTP/1.1 401"), answer[:200]
    stalled.settimeout(0.1)
    try:
        assert stalled.recv(4096) == b""  # closed without an answer while it was silent
    except ConnectionResetError:
        pass
    stalled.close()
    steady.close()
