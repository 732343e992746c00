"""Searching other accounts by username or display name (to send a friend request)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query
from sqlalchemy import func, or_, select

from diary_app.sync.server.models import USER
from diary_app.sync.server.schemas import UserOut
from diary_app.sync.server.security import CachedUser
from diary_app.sync.server.state import CurrentUser, ServerState, get_state, user_json

router = APIRouter(tags=["friends"])


@router.get("/users", response_model=list[UserOut])
def search_users(
    q: str = Query("", max_length=64, description="part of a username or display name; case-insensitive"),
    limit: int = Query(20, ge=1, le=50),
    me: CachedUser = CurrentUser,
    state: ServerState = Depends(get_state),
) -> list[dict]:
    text = q.strip().lower()
    query = select(USER.c.id, USER.c.username, USER.c.display_name).where(USER.c.id != me.id)
    if text:
        query = query.where(
            or_(USER.c.username.contains(text, autoescape=True), func.lower(USER.c.display_name).contains(text, autoescape=True))
        )
    with state.engine.connect() as conn:
        rows = conn.execute(query.order_by(USER.c.username).limit(limit)).all()
    return [user_json(*r) for r in rows]
