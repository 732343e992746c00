"""The feed: my own and my mutual friends' shared entries, newest first, keyset-paginated.

This is the hot path (clients poll it), so it skips the ORM and response-model validation:
one SQL statement, orjson bytes out. The cursor is the (created_us, id) of the last item, so a
page costs an index range scan however deep the user scrolls, and entries added meanwhile do not
shift pages. The statement runs on the raw DB-API cursor (autocommit on PostgreSQL). On SQLite
it runs inline on the event loop (sub-millisecond, no thread hop); on PostgreSQL it runs in the
thread pool, so a network round trip or a slow query cannot stall other requests.
"""

from __future__ import annotations

import orjson
from fastapi import APIRouter, HTTPException, Request, Response
from starlette.concurrency import run_in_threadpool

from diary_app.sync.server.routes.entries import entry_json
from diary_app.sync.server.schemas import ErrorOut, FeedPage
from diary_app.sync.server.security import CachedUser
from diary_app.sync.server.state import CurrentUser, ServerState, decode_cursor, encode_cursor, fetch_all

router = APIRouter(tags=["feed"])

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


def _page(state: ServerState, me: CachedUser, limit: int, cursor: str | None, username: str | None) -> bytes:
    cus, cid = decode_cursor(cursor) if cursor else NO_CURSOR
    params = {"me": me.id, "cus": cus, "cid": cid, "lim": limit + 1}
    engine = state.read_engine
    if username is None:
        rows = fetch_all(engine, FEED_ALL_PG if engine.dialect.name == "postgresql" else FEED_ALL, params)
    else:
        found = fetch_all(engine, FIND_OWNER, {"me": me.id, "name": username.strip().lower()})
        if not found:
            raise HTTPException(404, f"no user named '{username}'")
        if not found[0][1]:
            raise HTTPException(403, f"you are not friends with '{username}', so their entries are not shown")
        rows = fetch_all(engine, FEED_ONE, {**params, "owner": found[0][0]})
    more = len(rows) > limit
    rows = rows[:limit]
    owners: dict = {}
    items = [entry_json(r, r[12], owners) for r in rows]
    next_cursor = encode_cursor(rows[-1][5], rows[-1][0]) if more and rows else None
    return orjson.dumps({"items": items, "next_cursor": next_cursor}, option=orjson.OPT_UTC_Z)


def _query_params(request: Request, max_limit: int) -> tuple[int, str | None, str | None]:
    """limit, cursor, user from the query string.

    Parsed by hand: FastAPI's per-request parameter validation was ~20 % of a feed read's CPU.
    The parameters are still documented in OpenAPI (``openapi_extra`` below).
    """
    q = request.query_params
    raw_limit = q.get("limit")
    limit = 20
    if raw_limit is not None:
        try:
            limit = int(raw_limit)
        except ValueError:
            raise HTTPException(422, "invalid request: limit: must be a whole number") from None
        if not 1 <= limit <= 100:
            raise HTTPException(422, "invalid request: limit: must be between 1 and 100")
    cursor, user = q.get("cursor"), q.get("user")
    if cursor is not None and len(cursor) > 200:
        raise HTTPException(422, "invalid request: cursor: too long")
    if user is not None and len(user) > 64:
        raise HTTPException(422, "invalid request: user: too long")
    return min(limit, max_limit), cursor or None, user or None


_PARAMS = [
    {"name": "limit", "in": "query", "required": False, "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 20}},
    {"name": "cursor", "in": "query", "required": False, "description": "next_cursor of the previous page",
     "schema": {"type": "string", "maxLength": 200}},
    {"name": "user", "in": "query", "required": False, "description": "only this account (me or a friend)",
     "schema": {"type": "string", "maxLength": 64}},
]


@router.get(
    "/feed", response_model=FeedPage, openapi_extra={"parameters": _PARAMS},
    responses={400: {"model": ErrorOut}, 403: {"model": ErrorOut}, 404: {"model": ErrorOut}, 422: {"model": ErrorOut}},
)
async def feed(request: Request, me: CachedUser = CurrentUser) -> Response:
    state: ServerState = request.app.state.server
    limit, cursor, user = _query_params(request, state.config.feed_max_limit)
    if state.engine.dialect.name == "sqlite":
        body = _page(state, me, limit, cursor, user)
    else:
        body = await run_in_threadpool(_page, state, me, limit, cursor, user)
    return Response(body, media_type="application/json")
