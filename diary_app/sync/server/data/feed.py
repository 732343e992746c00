"""The feed: my own and my mutual friends' shared entries, newest first, keyset-paginated.

This is the hot path (clients poll it), so it skips the ORM and response-model validation:
one SQL statement on the raw DB-API cursor, rows wrapped in a named tuple (no positional access
elsewhere), orjson bytes out. ``tests/sync/test_sync_server_api.py`` checks those bytes against the
``FeedResult`` contract. The cursor is the (created_us, id) of the last item, so a page costs an
index range scan however deep the user scrolls, and entries added meanwhile do not shift pages.
"""

from __future__ import annotations

import base64
from typing import Any, NamedTuple

import orjson
from sqlalchemy import Engine

from diary_app.sync.server.data import Forbidden, Invalid, NotFound
from diary_app.sync.server.data.entries import entry_json
from diary_app.sync.server.db import fetch_all

# Two levels on purpose: the inner query picks the page's (created_us, id) from the covering
# index (owner_id, created_us, id) alone; only those <= limit+1 rows are then joined with the
# entry, its owner and "did I like it". Selecting full rows in one level made SQLite build every
# visible candidate (joins and like lookups included) before sorting: 4x slower at 20 friends.
_SELECT = """
SELECT e.id, e.owner_id, u.username, u.display_name, e.emotion, e.created_us, e.duration_s, e.note,
       e.latitude, e.longitude, e.place_name, e.like_count,
       EXISTS (SELECT 1 FROM entry_like l WHERE l.entry_id = e.id AND l.user_id = :me) AS liked
FROM (SELECT s.id AS tid, s.created_us AS tcus FROM shared_entry s
      WHERE {owners} AND (s.created_us, s.id) < (:cus, :cid)
      ORDER BY s.created_us DESC, s.id DESC LIMIT :lim) AS top
JOIN shared_entry e ON e.id = top.tid
JOIN app_user u ON u.id = e.owner_id
ORDER BY top.tcus DESC, top.tid DESC
"""
FEED_ALL = _SELECT.format(owners="s.owner_id IN (SELECT CAST(:me AS INTEGER) UNION ALL SELECT f.friend_id FROM friendship f WHERE f.user_id = :me)")
FEED_ONE = _SELECT.format(owners="s.owner_id = :owner")
# PostgreSQL has LATERAL: take at most `limit` rows per visible owner, then merge. The work is then
# bounded by (friends + 1) x limit however long everybody's history is (the plain IN form reads
# every visible entry older than the cursor); 1.5-2x faster already at 50 entries per user.
FEED_ALL_PG = """
SELECT e.id, e.owner_id, u.username, u.display_name, e.emotion, e.created_us, e.duration_s, e.note,
       e.latitude, e.longitude, e.place_name, e.like_count,
       EXISTS (SELECT 1 FROM entry_like l WHERE l.entry_id = e.id AND l.user_id = :me) AS liked
FROM (SELECT t.tid, t.tcus
      FROM (SELECT CAST(:me AS INTEGER) AS oid UNION ALL SELECT f.friend_id FROM friendship f WHERE f.user_id = :me) o
      CROSS JOIN LATERAL (SELECT s.id AS tid, s.created_us AS tcus FROM shared_entry s
                          WHERE s.owner_id = o.oid AND (s.created_us, s.id) < (:cus, :cid)
                          ORDER BY s.created_us DESC, s.id DESC LIMIT :lim) t
      ORDER BY t.tcus DESC, t.tid DESC LIMIT :lim) AS top
JOIN shared_entry e ON e.id = top.tid
JOIN app_user u ON u.id = e.owner_id
ORDER BY top.tcus DESC, top.tid DESC
"""
FIND_OWNER = (
    "SELECT u.id, (u.id = :me OR EXISTS (SELECT 1 FROM friendship f WHERE f.user_id = :me AND f.friend_id = u.id)) "
    "FROM app_user u WHERE u.username = :name"
)
NO_CURSOR = (2**62, "~")  # sorts after every real (created_us, uuid)


class FeedRow(NamedTuple):
    """One row of the feed statements above, by name."""

    id: str
    owner_id: int
    username: str
    display_name: str
    emotion: str
    created_us: int
    duration_s: float
    note: str | None
    latitude: float | None
    longitude: float | None
    place_name: str | None
    like_count: int
    liked: bool


def encode_cursor(created_us: int, entry_id: str) -> str:
    return base64.urlsafe_b64encode(f"{created_us}:{entry_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[int, str]:
    """The (created_us, id) of a cursor; anything else (also numbers a database cannot hold) is Invalid."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        created, _, entry_id = raw.partition(":")
        value = int(created)
        if not entry_id or len(entry_id) > 36 or not 0 <= value < 2**62 or "\x00" in entry_id:
            raise ValueError
        return value, entry_id
    except (ValueError, UnicodeDecodeError):
        raise Invalid("invalid request: cursor: pass back the next_cursor value of the previous page") from None


def page(engine: Engine, me_id: int, limit: int, cursor: str | None, username: str | None) -> bytes:
    """A ``FeedResult`` as JSON bytes."""
    cus, cid = decode_cursor(cursor) if cursor else NO_CURSOR
    params = {"me": me_id, "cus": cus, "cid": cid, "lim": limit + 1}
    if username is None:
        rows = fetch_all(engine, FEED_ALL_PG if engine.dialect.name == "postgresql" else FEED_ALL, params)
    else:
        found = fetch_all(engine, FIND_OWNER, {"me": me_id, "name": username.strip().lower()})
        if not found:
            raise NotFound(f"no user named '{username}'")
        owner_id, visible = found[0]
        if not visible:
            raise Forbidden(f"you are not friends with '{username}', so their entries are not shown")
        rows = fetch_all(engine, FEED_ONE, {**params, "owner": owner_id})
    more = len(rows) > limit
    page_rows = [FeedRow._make(r) for r in rows[:limit]]
    owners: dict[str, Any] = {}
    items = [entry_json(r, r.liked, owners) for r in page_rows]
    last = page_rows[-1] if page_rows else None
    next_cursor = encode_cursor(last.created_us, last.id) if more and last else None
    return orjson.dumps({"items": items, "next_cursor": next_cursor}, option=orjson.OPT_UTC_Z)
