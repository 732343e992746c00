"""Likes, the only interaction (no comments, no messages, by design). Idempotent both ways.

Each like or unlike holds the entry's row lock for its whole transaction, so it cannot interleave
with an unshare of the same entry: it either lands before (and is removed with the entry) or
finds the entry gone (404). The owner hears about a like once per person and entry, however
often it is toggled.
"""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Depends
from sqlalchemy import Connection, delete, insert, select, update

from diary_app.sync.server.db import lock_rows
from diary_app.sync.server.models import ENTRY, LIKE, now_us
from diary_app.sync.server.routes.entries import liked_by, visible_entry
from diary_app.sync.server.routes.notifications import notify_once
from diary_app.sync.server.schemas import ErrorOut, LikeState
from diary_app.sync.server.security import CachedUser
from diary_app.sync.server.state import CurrentUser, ServerState, get_state

router = APIRouter(tags=["likes"])


def _state(conn: Connection, eid: str, me: CachedUser) -> dict:
    count = conn.execute(select(ENTRY.c.like_count).where(ENTRY.c.id == eid)).scalar_one()
    return {"like_count": count, "liked_by_me": liked_by(conn, eid, me.id)}


@router.put("/entries/{entry_id}/like", response_model=LikeState, responses={404: {"model": ErrorOut}})
def like(entry_id: uuid.UUID, me: CachedUser = CurrentUser, state: ServerState = Depends(get_state)) -> dict:
    eid = str(entry_id)
    with state.engine.begin() as conn:
        lock_rows(conn, ENTRY, ENTRY.c.id == eid, "like_count")
        row = visible_entry(conn, eid, me)
        if not liked_by(conn, eid, me.id):
            conn.execute(insert(LIKE).values(entry_id=eid, user_id=me.id, created_us=now_us()))
            conn.execute(update(ENTRY).where(ENTRY.c.id == eid).values(like_count=ENTRY.c.like_count + 1))
            if row.owner_id != me.id:
                notify_once(conn, row.owner_id, "like", actor_id=me.id, entry_id=eid)
        return _state(conn, eid, me)


@router.delete("/entries/{entry_id}/like", response_model=LikeState, responses={404: {"model": ErrorOut}})
def unlike(entry_id: uuid.UUID, me: CachedUser = CurrentUser, state: ServerState = Depends(get_state)) -> dict:
    eid = str(entry_id)
    with state.engine.begin() as conn:
        lock_rows(conn, ENTRY, ENTRY.c.id == eid, "like_count")
        visible_entry(conn, eid, me)
        gone = conn.execute(delete(LIKE).where(LIKE.c.entry_id == eid, LIKE.c.user_id == me.id)).rowcount
        if gone:
            conn.execute(update(ENTRY).where(ENTRY.c.id == eid).values(like_count=ENTRY.c.like_count - 1))
        return _state(conn, eid, me)
