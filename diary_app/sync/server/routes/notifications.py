"""Notifications: list (creating today's reminder on the way) and mark read."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query

from diary_app.sync.contract import MarkReadIn, Notifications, UnreadCount
from diary_app.sync.server.data import notifications
from diary_app.sync.server.deps import CurrentUser, ReadConnection, State

router = APIRouter(tags=["notifications"])


@router.get("/notifications", response_model=Notifications)
def list_notifications(
    me: CurrentUser, state: State, conn: ReadConnection,
    unread_only: bool = False, limit: int = Query(50, ge=1, le=200),
) -> dict[str, Any]:
    notifications.ensure_daily_reminder(state.engine, me.id)
    return notifications.page(conn, me.id, unread_only, limit)


@router.post("/notifications/read", response_model=UnreadCount)
def mark_read(body: MarkReadIn, me: CurrentUser, state: State) -> dict[str, Any]:
    with state.engine.begin() as conn:
        return {"unread_count": notifications.mark_read(conn, me.id, None if body.all else body.ids)}
