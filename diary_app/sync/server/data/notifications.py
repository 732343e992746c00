"""Notifications: likes, friend requests, acceptances and the daily reminder; list and mark read."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, and_, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from diary_app.sync.server.data import us_to_datetime, user_json
from diary_app.sync.server.models import NOTIFICATION, USER, now_us

REMINDER_MESSAGE = "How about capturing today's emotions?"


def notify(conn: Connection, user_id: int, kind: str, actor_id: int | None = None, entry_id: str | None = None) -> None:
    conn.execute(
        insert(NOTIFICATION).values(
            user_id=user_id, kind=kind, actor_id=actor_id, entry_id=entry_id, read=False, created_us=now_us()
        )
    )


def notify_once(conn: Connection, user_id: int, kind: str, actor_id: int, entry_id: str | None = None) -> None:
    """Like ``notify``, unless this person already told ``user_id`` the same thing.

    Likes: once per actor and entry, ever (toggling a like twenty times is one notification).
    Friend requests and acceptances: once while the earlier one is unread.
    """
    query = select(NOTIFICATION.c.id).where(
        NOTIFICATION.c.user_id == user_id, NOTIFICATION.c.kind == kind, NOTIFICATION.c.actor_id == actor_id,
        NOTIFICATION.c.entry_id.is_(None) if entry_id is None else NOTIFICATION.c.entry_id == entry_id,
    )
    if kind != "like":
        query = query.where(NOTIFICATION.c.read.is_(False))
    if conn.execute(query.limit(1)).first() is None:
        notify(conn, user_id, kind, actor_id=actor_id, entry_id=entry_id)


def forget_entry(conn: Connection, entry_id: str) -> None:
    conn.execute(delete(NOTIFICATION).where(NOTIFICATION.c.entry_id == entry_id))


def forget_unread_request(conn: Connection, to_user_id: int, actor_id: int) -> None:
    """A cancelled request's unread "X sent you a request" would now be a lie."""
    conn.execute(
        delete(NOTIFICATION).where(
            NOTIFICATION.c.user_id == to_user_id, NOTIFICATION.c.kind == "friend_request",
            NOTIFICATION.c.actor_id == actor_id, NOTIFICATION.c.read.is_(False),
        )
    )


def ensure_daily_reminder(engine: Engine, user_id: int) -> None:
    """Created lazily, at most once per user per UTC day (a unique index guards concurrent calls)."""
    day = datetime.now(UTC).strftime("%Y-%m-%d")
    with engine.connect() as conn:
        exists = conn.execute(
            select(NOTIFICATION.c.id).where(
                NOTIFICATION.c.user_id == user_id, NOTIFICATION.c.kind == "reminder", NOTIFICATION.c.day == day
            )
        ).first()
    if exists:
        return
    try:
        with engine.begin() as conn:
            conn.execute(insert(NOTIFICATION).values(user_id=user_id, kind="reminder", day=day, read=False, created_us=now_us()))
    except IntegrityError:
        pass  # another request created it first


def unread_count(conn: Connection, user_id: int) -> int:
    return conn.execute(
        select(func.count()).select_from(NOTIFICATION).where(NOTIFICATION.c.user_id == user_id, NOTIFICATION.c.read.is_(False))
    ).scalar_one()


def _message(kind: str, actor: str | None) -> str:
    who = actor or "Someone"
    return {
        "like": f"{who} liked your entry",
        "friend_request": f"{who} sent you a friend request",
        "friend_accepted": f"{who} accepted your friend request",
        "reminder": REMINDER_MESSAGE,
    }.get(kind, kind)


def page(conn: Connection, user_id: int, unread_only: bool, limit: int) -> dict[str, Any]:
    actor = USER.alias("actor")
    query = (
        select(NOTIFICATION, actor.c.username.label("a_username"), actor.c.display_name.label("a_display"))
        .select_from(NOTIFICATION.outerjoin(actor, and_(actor.c.id == NOTIFICATION.c.actor_id)))
        .where(NOTIFICATION.c.user_id == user_id)
    )
    if unread_only:
        query = query.where(NOTIFICATION.c.read.is_(False))
    rows = conn.execute(query.order_by(NOTIFICATION.c.created_us.desc(), NOTIFICATION.c.id.desc()).limit(limit)).all()
    items = [
        {
            "id": r.id,
            "kind": r.kind,
            "actor": user_json(r.actor_id, r.a_username, r.a_display) if r.actor_id and r.a_username else None,
            "entry_id": r.entry_id,
            "created_at": us_to_datetime(r.created_us),
            "read": bool(r.read),
            "message": _message(r.kind, r.a_display),
        }
        for r in rows
    ]
    return {"items": items, "unread_count": unread_count(conn, user_id)}


def mark_read(conn: Connection, user_id: int, ids: Sequence[int] | None) -> int:
    """Mark ``ids`` (or, with None, all) read; returns the unread count left."""
    query = update(NOTIFICATION).where(NOTIFICATION.c.user_id == user_id, NOTIFICATION.c.read.is_(False))
    if ids is not None:
        query = query.where(NOTIFICATION.c.id.in_(list(ids)))
    conn.execute(query.values(read=True))
    return unread_count(conn, user_id)
