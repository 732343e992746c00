"""Sign-up, login (throttled), logout and "who am I"."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request, Response
from sqlalchemy.exc import IntegrityError

from diary_app.sync.contract import ErrorOut, Login, LoginIn, SignupIn, User
from diary_app.sync.server.data import Conflict, tokens, us_to_datetime, user_json, users
from diary_app.sync.server.deps import CurrentUser, State, bearer_token
from diary_app.sync.server.models import now_us
from diary_app.sync.server.security import new_token, token_hash

router = APIRouter(tags=["accounts"])


@router.post("/auth/signup", status_code=201, response_model=User, responses={409: {"model": ErrorOut}})
def signup(body: SignupIn, state: State) -> dict[str, Any]:
    password_hash = state.passwords.hash(body.password)
    try:
        with state.engine.begin() as conn:
            return users.create(conn, body.username, body.display_name, password_hash)
    except IntegrityError:  # a concurrent sign-up won the race
        raise Conflict(f"the username '{body.username}' is taken") from None


@router.post(
    "/auth/login", response_model=Login,
    responses={401: {"model": ErrorOut}, 429: {"model": ErrorOut, "description": "too many failed logins"}},
)
def login(body: LoginIn, request: Request, state: State) -> dict[str, Any]:
    username = body.username.strip().lower()
    address = request.client.host if request.client else "unknown"
    wait = state.limiter.retry_after(username, address)
    if wait:
        raise HTTPException(429, f"too many failed logins; try again in {wait} s", headers={"Retry-After": str(wait)})
    with state.engine.connect() as conn:
        row = users.by_username(conn, username)
    if not state.passwords.verify(row.password_hash if row else None, body.password) or row is None:
        state.limiter.failed(username, address)
        raise HTTPException(401, "wrong username or password", headers={"WWW-Authenticate": "Bearer"})
    state.limiter.succeeded(username, address)
    token = new_token()
    now = now_us()
    expires = now + state.settings.token_lifetime_s * 1_000_000
    with state.engine.begin() as conn:
        tokens.issue(conn, row.id, token_hash(token), now, expires)
    return {
        "access_token": token, "token_type": "bearer", "expires_at": us_to_datetime(expires),
        "user": user_json(row.id, row.username, row.display_name),
    }


@router.post("/auth/logout", status_code=204, responses={401: {"model": ErrorOut}})
def logout(request: Request, _me: CurrentUser, state: State) -> Response:
    key = token_hash(bearer_token(request))
    with state.engine.begin() as conn:
        tokens.revoke(conn, key)
    state.tokens.drop(key)
    return Response(status_code=204)


@router.get("/me", response_model=User, responses={401: {"model": ErrorOut}})
async def me(user: CurrentUser) -> dict[str, Any]:
    return user_json(user.id, user.username, user.display_name)
