"""Searching other accounts by username or display name (to send a friend request)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query

from diary_app.sync.contract import User
from diary_app.sync.server.data import users
from diary_app.sync.server.deps import CurrentUser, ReadConnection

router = APIRouter(tags=["friends"])


@router.get("/users", response_model=list[User])
def search_users(
    me: CurrentUser,
    conn: ReadConnection,
    q: str = Query("", max_length=64, description="part of a username or display name; case-insensitive"),
    limit: int = Query(20, ge=1, le=50),
) -> list[dict[str, Any]]:
    return users.search(conn, me.id, q.strip().lower(), limit)
