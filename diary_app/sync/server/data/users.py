"""Accounts: look-up, sign-up, search, and the per-pair lock for friendship changes."""

from __future__ import annotations

from typing import Any, Unpack

from sqlalchemy import Connection, Row, func, insert, or_, select

from diary_app.sync.server.data import Conflict, NotFound, user_json
from diary_app.sync.server.db import lock_rows
from diary_app.sync.server.models import USER, now_us


def by_username(conn: Connection, username: str) -> Row[Unpack[tuple[Any, ...]]] | None:
    """id, username, display_name, password_hash of one account (or None)."""
    return conn.execute(
        select(USER.c.id, USER.c.username, USER.c.display_name, USER.c.password_hash).where(USER.c.username == username)
    ).first()


def id_of(conn: Connection, username: str) -> int:
    row = conn.execute(select(USER.c.id).where(USER.c.username == username)).first()
    if row is None:
        raise NotFound(f"no user named '{username}'")
    return int(row.id)


def get(conn: Connection, user_id: int) -> dict[str, Any]:
    row = conn.execute(select(USER.c.id, USER.c.username, USER.c.display_name).where(USER.c.id == user_id)).one()
    return user_json(row.id, row.username, row.display_name)


def create(conn: Connection, username: str, display_name: str, password_hash: str) -> dict[str, Any]:
    if conn.execute(select(USER.c.id).where(USER.c.username == username)).first():
        raise Conflict(f"the username '{username}' is taken")
    user_id = conn.execute(
        insert(USER).values(username=username, display_name=display_name, password_hash=password_hash, created_us=now_us())
        .returning(USER.c.id)
    ).scalar_one()
    return user_json(user_id, username, display_name)


def search(conn: Connection, me_id: int, text: str, limit: int) -> list[dict[str, Any]]:
    query = select(USER.c.id, USER.c.username, USER.c.display_name).where(USER.c.id != me_id)
    if text:
        query = query.where(
            or_(USER.c.username.contains(text, autoescape=True), func.lower(USER.c.display_name).contains(text, autoescape=True))
        )
    rows = conn.execute(query.order_by(USER.c.username).limit(limit)).all()
    return [user_json(r.id, r.username, r.display_name) for r in rows]


def lock_pair(conn: Connection, a: int, b: int) -> None:
    """Serialise every change between two people (requests both ways, accept, cancel, remove).

    Without it, two people asking each other at the same moment both saw "nothing pending" and
    left two pending requests instead of a friendship.
    """
    lock_rows(conn, USER, USER.c.id.in_(sorted({a, b})), "display_name")
