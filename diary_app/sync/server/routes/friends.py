"""Friend requests and friendships (the rules live in ``data.friends``)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Path, Response

from diary_app.sync.contract import MAX_ID, ErrorOut, FriendRequest, FriendRequestIn, FriendRequests, User
from diary_app.sync.server.data import friends
from diary_app.sync.server.deps import CurrentUser, ReadConnection, State

router = APIRouter(tags=["friends"])
ERRORS: dict[int | str, dict[str, Any]] = {404: {"model": ErrorOut}, 409: {"model": ErrorOut}}
RequestId = Path(ge=1, le=MAX_ID)


@router.post("/friends/requests", status_code=201, response_model=FriendRequest, responses=ERRORS)
def send_request(body: FriendRequestIn, me: CurrentUser, state: State) -> dict[str, Any]:
    with state.engine.begin() as conn:
        request, _created = friends.ask(conn, me.id, body.username.strip().lower(), state.settings.friend_request_cooldown_s)
        return request


@router.get("/friends/requests", response_model=FriendRequests)
def list_requests(me: CurrentUser, conn: ReadConnection) -> dict[str, Any]:
    return friends.pending_requests(conn, me.id)


@router.post("/friends/requests/{request_id}/accept", response_model=FriendRequest, responses=ERRORS)
def accept_request(me: CurrentUser, state: State, request_id: int = RequestId) -> dict[str, Any]:
    with state.engine.begin() as conn:
        return friends.accept(conn, request_id, me.id)


@router.post("/friends/requests/{request_id}/reject", response_model=FriendRequest, responses=ERRORS)
def reject_request(me: CurrentUser, state: State, request_id: int = RequestId) -> dict[str, Any]:
    with state.engine.begin() as conn:
        return friends.reject(conn, request_id, me.id)


@router.delete("/friends/requests/{request_id}", status_code=204, responses=ERRORS)
def cancel_request(me: CurrentUser, state: State, request_id: int = RequestId) -> Response:
    with state.engine.begin() as conn:
        friends.cancel(conn, request_id, me.id)
    return Response(status_code=204)


@router.get("/friends", response_model=list[User])
def list_friends(me: CurrentUser, conn: ReadConnection) -> list[dict[str, Any]]:
    return friends.friends_of(conn, me.id)


@router.delete("/friends/{username}", status_code=204, responses=ERRORS)
def remove_friend(me: CurrentUser, state: State, username: str = Path(max_length=64)) -> Response:
    with state.engine.begin() as conn:
        friends.unfriend(conn, me.id, username.strip().lower())
    return Response(status_code=204)
