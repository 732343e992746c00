"""Friend requests and friendships. Friendship is mutual and exists only after acceptance.

A friendship is stored as two rows (a->b and b->a) so that "my friends" and the feed's
"whose entries may I see" are a primary-key range scan.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Path, Response
from sqlalchemy import Connection, and_, delete, insert, or_, select, update

from diary_app.sync.server.models import FRIEND_REQUEST, FRIENDSHIP, NOTIFICATION, USER, now_us
from diary_app.sync.server.db import lock_rows
from diary_app.sync.server.routes.notifications import notify_once
from diary_app.sync.server.schemas import ErrorOut, FriendRequestIn, FriendRequestOut, FriendRequestsOut, UserOut
from diary_app.sync.server.security import CachedUser
from diary_app.sync.server.state import CurrentUser, ServerState, get_state, us_to_datetime, user_json

router = APIRouter(tags=["friends"])
ERRORS = {404: {"model": ErrorOut}, 409: {"model": ErrorOut}}


def are_friends(conn: Connection, a: int, b: int) -> bool:
    return conn.execute(
        select(FRIENDSHIP.c.user_id).where(FRIENDSHIP.c.user_id == a, FRIENDSHIP.c.friend_id == b)
    ).first() is not None


def _user(conn: Connection, user_id: int) -> dict:
    row = conn.execute(select(USER.c.id, USER.c.username, USER.c.display_name).where(USER.c.id == user_id)).one()
    return user_json(*row)


def _request_json(conn: Connection, row) -> dict:
    return {
        "id": row.id,
        "from_user": _user(conn, row.from_user_id),
        "to_user": _user(conn, row.to_user_id),
        "status": row.status,
        "created_at": us_to_datetime(row.created_us),
    }


def _get_request(conn: Connection, request_id: int):
    return conn.execute(select(FRIEND_REQUEST).where(FRIEND_REQUEST.c.id == request_id)).first()


def _befriend(conn: Connection, a: int, b: int) -> None:
    now = now_us()
    for x, y in ((a, b), (b, a)):
        if not are_friends(conn, x, y):
            conn.execute(insert(FRIENDSHIP).values(user_id=x, friend_id=y, created_us=now))


def _lock_pair(conn: Connection, a: int, b: int) -> None:
    """Serialise every change between two people (requests both ways, accept, cancel, remove).

    Without it, two people asking each other at the same moment both saw "nothing pending" and
    left two pending requests instead of a friendship.
    """
    lock_rows(conn, USER, USER.c.id.in_(sorted({a, b})), "display_name")


def _accept(conn: Connection, row, me: CachedUser) -> None:
    conn.execute(update(FRIEND_REQUEST).where(FRIEND_REQUEST.c.id == row.id).values(status="accepted", updated_us=now_us()))
    _befriend(conn, row.from_user_id, row.to_user_id)
    notify_once(conn, row.from_user_id, "friend_accepted", actor_id=me.id)


@router.post("/friends/requests", status_code=201, response_model=FriendRequestOut, responses=ERRORS)
def send_request(body: FriendRequestIn, me: CachedUser = CurrentUser, state: ServerState = Depends(get_state)) -> dict:
    name = body.username.strip().lower()
    with state.engine.begin() as conn:
        target = conn.execute(select(USER.c.id).where(USER.c.username == name)).first()
        if target is None:
            raise HTTPException(404, f"no user named '{name}'")
        if target.id == me.id:
            raise HTTPException(409, "you cannot send a friend request to yourself")
        _lock_pair(conn, me.id, target.id)
        if are_friends(conn, me.id, target.id):
            raise HTTPException(409, f"you are already friends with '{name}'")
        pending = conn.execute(
            select(FRIEND_REQUEST).where(
                FRIEND_REQUEST.c.status == "pending",
                or_(
                    and_(FRIEND_REQUEST.c.from_user_id == me.id, FRIEND_REQUEST.c.to_user_id == target.id),
                    and_(FRIEND_REQUEST.c.from_user_id == target.id, FRIEND_REQUEST.c.to_user_id == me.id),
                ),
            )
        ).first()
        if pending is not None and pending.from_user_id == me.id:
            raise HTTPException(409, f"a friend request to '{name}' is already pending")
        if pending is not None:  # they asked me first: asking back means yes
            _accept(conn, pending, me)
            return _request_json(conn, _get_request(conn, pending.id))
        now = now_us()
        declined = conn.execute(  # asking again right after a "no" would only pester them
            select(FRIEND_REQUEST.c.id).where(
                FRIEND_REQUEST.c.from_user_id == me.id, FRIEND_REQUEST.c.to_user_id == target.id,
                FRIEND_REQUEST.c.status == "rejected",
                FRIEND_REQUEST.c.updated_us > now - int(state.config.friend_request_cooldown_s * 1_000_000),
            ).limit(1)
        ).first()
        if declined is not None:
            raise HTTPException(409, f"'{name}' declined your last friend request; you cannot ask again so soon")
        request_id = conn.execute(
            insert(FRIEND_REQUEST).values(
                from_user_id=me.id, to_user_id=target.id, status="pending", created_us=now, updated_us=now
            ).returning(FRIEND_REQUEST.c.id)
        ).scalar_one()
        notify_once(conn, target.id, "friend_request", actor_id=me.id)
        return _request_json(conn, _get_request(conn, request_id))


@router.get("/friends/requests", response_model=FriendRequestsOut)
def list_requests(me: CachedUser = CurrentUser, state: ServerState = Depends(get_state)) -> dict:
    with state.engine.connect() as conn:
        rows = conn.execute(
            select(FRIEND_REQUEST)
            .where(FRIEND_REQUEST.c.status == "pending", or_(FRIEND_REQUEST.c.to_user_id == me.id, FRIEND_REQUEST.c.from_user_id == me.id))
            .order_by(FRIEND_REQUEST.c.created_us.desc())
        ).all()
        return {
            "incoming": [_request_json(conn, r) for r in rows if r.to_user_id == me.id],
            "outgoing": [_request_json(conn, r) for r in rows if r.from_user_id == me.id],
        }


def _incoming_pending(conn: Connection, request_id: int, me: CachedUser):
    row = _get_request(conn, request_id)
    if row is None or row.to_user_id != me.id:
        raise HTTPException(404, "no such friend request addressed to you")
    _lock_pair(conn, row.from_user_id, me.id)
    row = _get_request(conn, request_id)  # again, under the lock
    if row.status != "pending":
        raise HTTPException(409, f"this friend request is already {row.status}")
    return row


@router.post("/friends/requests/{request_id}/accept", response_model=FriendRequestOut, responses=ERRORS)
def accept_request(request_id: int = Path(ge=1, le=2**31 - 1), me: CachedUser = CurrentUser, state: ServerState = Depends(get_state)) -> dict:
    with state.engine.begin() as conn:
        row = _incoming_pending(conn, request_id, me)
        _accept(conn, row, me)
        return _request_json(conn, _get_request(conn, request_id))


@router.post("/friends/requests/{request_id}/reject", response_model=FriendRequestOut, responses=ERRORS)
def reject_request(request_id: int = Path(ge=1, le=2**31 - 1), me: CachedUser = CurrentUser, state: ServerState = Depends(get_state)) -> dict:
    with state.engine.begin() as conn:
        _incoming_pending(conn, request_id, me)
        conn.execute(update(FRIEND_REQUEST).where(FRIEND_REQUEST.c.id == request_id).values(status="rejected", updated_us=now_us()))
        return _request_json(conn, _get_request(conn, request_id))


@router.delete("/friends/requests/{request_id}", status_code=204, responses=ERRORS)
def cancel_request(request_id: int = Path(ge=1, le=2**31 - 1), me: CachedUser = CurrentUser, state: ServerState = Depends(get_state)) -> Response:
    with state.engine.begin() as conn:
        row = _get_request(conn, request_id)
        if row is None or row.from_user_id != me.id:
            raise HTTPException(404, "no such friend request sent by you")
        _lock_pair(conn, me.id, row.to_user_id)
        row = _get_request(conn, request_id)  # again, under the lock
        if row.status != "pending":
            raise HTTPException(409, f"this friend request is already {row.status}")
        conn.execute(update(FRIEND_REQUEST).where(FRIEND_REQUEST.c.id == request_id).values(status="cancelled", updated_us=now_us()))
        conn.execute(  # the unread "X sent you a request" would now be a lie
            delete(NOTIFICATION).where(
                NOTIFICATION.c.user_id == row.to_user_id, NOTIFICATION.c.kind == "friend_request",
                NOTIFICATION.c.actor_id == me.id, NOTIFICATION.c.read.is_(False),
            )
        )
    return Response(status_code=204)


@router.get("/friends", response_model=list[UserOut])
def list_friends(me: CachedUser = CurrentUser, state: ServerState = Depends(get_state)) -> list[dict]:
    with state.engine.connect() as conn:
        rows = conn.execute(
            select(USER.c.id, USER.c.username, USER.c.display_name)
            .join(FRIENDSHIP, FRIENDSHIP.c.friend_id == USER.c.id)
            .where(FRIENDSHIP.c.user_id == me.id)
            .order_by(USER.c.username)
        ).all()
    return [user_json(*r) for r in rows]


@router.delete("/friends/{username}", status_code=204, responses=ERRORS)
def remove_friend(username: str = Path(max_length=64), me: CachedUser = CurrentUser, state: ServerState = Depends(get_state)) -> Response:
    name = username.strip().lower()
    with state.engine.begin() as conn:
        other = conn.execute(select(USER.c.id).where(USER.c.username == name)).first()
        if other is not None:
            _lock_pair(conn, me.id, other.id)
        if other is None or not are_friends(conn, me.id, other.id):
            raise HTTPException(404, f"you are not friends with '{name}'")
        conn.execute(
            delete(FRIENDSHIP).where(
                or_(
                    and_(FRIENDSHIP.c.user_id == me.id, FRIENDSHIP.c.friend_id == other.id),
                    and_(FRIENDSHIP.c.user_id == other.id, FRIENDSHIP.c.friend_id == me.id),
                )
            )
        )
    return Response(status_code=204)
