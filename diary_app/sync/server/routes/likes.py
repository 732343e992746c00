"""Likes, the only interaction (no comments, no messages, by design). Idempotent both ways.

Each like or unlike holds the entry's row lock for its whole transaction, so it cannot interleave
with an unshare of the same entry: it either lands before (and is removed with the entry) or
finds the entry gone (404).
"""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter

from diary_app.sync.contract import ErrorOut, LikeState
from diary_app.sync.server.data import entries
from diary_app.sync.server.deps import CurrentUser, State

router = APIRouter(tags=["likes"])


@router.put("/entries/{entry_id}/like", response_model=LikeState, responses={404: {"model": ErrorOut}})
def like(entry_id: uuid.UUID, me: CurrentUser, state: State) -> dict[str, Any]:
    with state.engine.begin() as conn:
        entries.lock(conn, str(entry_id))
        return entries.like(conn, str(entry_id), me)


@router.delete("/entries/{entry_id}/like", response_model=LikeState, responses={404: {"model": ErrorOut}})
def unlike(entry_id: uuid.UUID, me: CurrentUser, state: State) -> dict[str, Any]:
    with state.engine.begin() as conn:
        entries.lock(conn, str(entry_id))
        return entries.unlike(conn, str(entry_id), me)
