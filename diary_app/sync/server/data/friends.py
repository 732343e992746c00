"""Friend requests and friendships. Friendship is mutual and exists only after acceptance.

A friendship is stored as two rows (a->b and b->a) so that "my friends" and the feed's
"whose entries may I see" are a primary-key range scan. Callers hold ``users.lock_pair`` for
every change between two people.
"""

from __future__ import annotations

from typing import Any, Unpack

from sqlalchemy import Connection, Row, and_, delete, insert, or_, select, update

from diary_app.sync.server.data import Conflict, NotFound, notifications, us_to_datetime, user_json, users
from diary_app.sync.server.models import FRIEND_REQUEST, FRIENDSHIP, USER, now_us


def are_friends(conn: Connection, a: int, b: int) -> bool:
    return conn.execute(
        select(FRIENDSHIP.c.user_id).where(FRIENDSHIP.c.user_id == a, FRIENDSHIP.c.friend_id == b)
    ).first() is not None


def friends_of(conn: Connection, user_id: int) -> list[dict[str, Any]]:
    rows = conn.execute(
        select(USER.c.id, USER.c.username, USER.c.display_name)
        .join(FRIENDSHIP, FRIENDSHIP.c.friend_id == USER.c.id)
        .where(FRIENDSHIP.c.user_id == user_id)
        .order_by(USER.c.username)
    ).all()
    return [user_json(r.id, r.username, r.display_name) for r in rows]


def get_request(conn: Connection, request_id: int) -> Row[Unpack[tuple[Any, ...]]] | None:
    return conn.execute(select(FRIEND_REQUEST).where(FRIEND_REQUEST.c.id == request_id)).first()


def _request(conn: Connection, request_id: int) -> Row[Unpack[tuple[Any, ...]]]:
    """A request known to exist (just created, or re-read under the lock)."""
    return conn.execute(select(FRIEND_REQUEST).where(FRIEND_REQUEST.c.id == request_id)).one()


def request_json(conn: Connection, row: Row[Unpack[tuple[Any, ...]]]) -> dict[str, Any]:
    return {
        "id": row.id,
        "from_user": users.get(conn, row.from_user_id),
        "to_user": users.get(conn, row.to_user_id),
        "status": row.status,
        "created_at": us_to_datetime(row.created_us),
    }


def pending_requests(conn: Connection, user_id: int) -> dict[str, Any]:
    rows = conn.execute(
        select(FRIEND_REQUEST)
        .where(FRIEND_REQUEST.c.status == "pending",
               or_(FRIEND_REQUEST.c.to_user_id == user_id, FRIEND_REQUEST.c.from_user_id == user_id))
        .order_by(FRIEND_REQUEST.c.created_us.desc())
    ).all()
    return {
        "incoming": [request_json(conn, r) for r in rows if r.to_user_id == user_id],
        "outgoing": [request_json(conn, r) for r in rows if r.from_user_id == user_id],
    }


def _pending_between(conn: Connection, a: int, b: int) -> Row[Unpack[tuple[Any, ...]]] | None:
    return conn.execute(
        select(FRIEND_REQUEST).where(
            FRIEND_REQUEST.c.status == "pending",
            or_(
                and_(FRIEND_REQUEST.c.from_user_id == a, FRIEND_REQUEST.c.to_user_id == b),
                and_(FRIEND_REQUEST.c.from_user_id == b, FRIEND_REQUEST.c.to_user_id == a),
            ),
        )
    ).first()


def _befriend(conn: Connection, a: int, b: int) -> None:
    now = now_us()
    for x, y in ((a, b), (b, a)):
        if not are_friends(conn, x, y):
            conn.execute(insert(FRIENDSHIP).values(user_id=x, friend_id=y, created_us=now))


def _set_status(conn: Connection, request_id: int, status: str) -> None:
    conn.execute(update(FRIEND_REQUEST).where(FRIEND_REQUEST.c.id == request_id).values(status=status, updated_us=now_us()))


def _accept(conn: Connection, row: Row[Unpack[tuple[Any, ...]]]) -> None:
    _set_status(conn, row.id, "accepted")
    _befriend(conn, row.from_user_id, row.to_user_id)
    notifications.notify_once(conn, row.from_user_id, "friend_accepted", actor_id=row.to_user_id)


def ask(conn: Connection, me_id: int, username: str, cooldown_s: float) -> tuple[dict[str, Any], bool]:
    """Send a friend request; if they asked me first, asking back accepts. Returns (request, created)."""
    target = users.id_of(conn, username)
    if target == me_id:
        raise Conflict("you cannot send a friend request to yourself")
    users.lock_pair(conn, me_id, target)
    if are_friends(conn, me_id, target):
        raise Conflict(f"you are already friends with '{username}'")
    pending = _pending_between(conn, me_id, target)
    if pending is not None and pending.from_user_id == me_id:
        raise Conflict(f"a friend request to '{username}' is already pending")
    if pending is not None:
        _accept(conn, pending)
        return request_json(conn, _request(conn, pending.id)), False
    now = now_us()
    declined = conn.execute(  # asking again right after a "no" would only pester them
        select(FRIEND_REQUEST.c.id).where(
            FRIEND_REQUEST.c.from_user_id == me_id, FRIEND_REQUEST.c.to_user_id == target,
            FRIEND_REQUEST.c.status == "rejected", FRIEND_REQUEST.c.updated_us > now - int(cooldown_s * 1_000_000),
        ).limit(1)
    ).first()
    if declined is not None:
        raise Conflict(f"'{username}' declined your last friend request; you cannot ask again so soon")
    request_id = conn.execute(
        insert(FRIEND_REQUEST).values(from_user_id=me_id, to_user_id=target, status="pending", created_us=now, updated_us=now)
        .returning(FRIEND_REQUEST.c.id)
    ).scalar_one()
    notifications.notify_once(conn, target, "friend_request", actor_id=me_id)
    return request_json(conn, _request(conn, request_id)), True


def _mine(conn: Connection, request_id: int, me_id: int, incoming: bool) -> Row[Unpack[tuple[Any, ...]]]:
    """The request, re-read under the pair lock; must be pending and addressed to / sent by me."""
    row = get_request(conn, request_id)
    side = "to_user_id" if incoming else "from_user_id"
    if row is None or getattr(row, side) != me_id:
        raise NotFound("no such friend request addressed to you" if incoming else "no such friend request sent by you")
    users.lock_pair(conn, row.from_user_id, row.to_user_id)
    row = _request(conn, request_id)
    if row.status != "pending":
        raise Conflict(f"this friend request is already {row.status}")
    return row


def accept(conn: Connection, request_id: int, me_id: int) -> dict[str, Any]:
    _accept(conn, _mine(conn, request_id, me_id, incoming=True))
    return request_json(conn, _request(conn, request_id))


def reject(conn: Connection, request_id: int, me_id: int) -> dict[str, Any]:
    _mine(conn, request_id, me_id, incoming=True)
    _set_status(conn, request_id, "rejected")
    return request_json(conn, _request(conn, request_id))


def cancel(conn: Connection, request_id: int, me_id: int) -> None:
    row = _mine(conn, request_id, me_id, incoming=False)
    _set_status(conn, request_id, "cancelled")
    notifications.forget_unread_request(conn, row.to_user_id, me_id)


def unfriend(conn: Connection, me_id: int, username: str) -> None:
    try:
        other = users.id_of(conn, username)
    except NotFound:
        raise NotFound(f"you are not friends with '{username}'") from None
    users.lock_pair(conn, me_id, other)
    if not are_friends(conn, me_id, other):
        raise NotFound(f"you are not friends with '{username}'")
    conn.execute(
        delete(FRIENDSHIP).where(
            or_(
                and_(FRIENDSHIP.c.user_id == me_id, FRIENDSHIP.c.friend_id == other),
                and_(FRIENDSHIP.c.user_id == other, FRIENDSHIP.c.friend_id == me_id),
            )
        )
    )
