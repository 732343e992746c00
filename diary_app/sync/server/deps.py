"""FastAPI dependencies, typed with ``Annotated``: the server state, a connection, the caller.

Routes declare ``state: State``, ``conn: ReadConnection`` and ``me: CurrentUser``. Writes open
their own transaction (``with state.engine.begin()``), because some must do work after the
commit (finishing a file move); reads take ``ReadConnection``, closed when the request ends.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from sqlalchemy import Connection

from diary_app.sync.server.data import tokens
from diary_app.sync.server.models import now_us
from diary_app.sync.server.security import CachedUser, token_hash
from diary_app.sync.server.state import ServerState


def get_state(request: Request) -> ServerState:
    state: ServerState = request.app.state.server
    return state


def unauthorized(message: str) -> HTTPException:
    return HTTPException(401, message, headers={"WWW-Authenticate": "Bearer"})


def bearer_token(request: Request) -> str:
    header = request.headers.get("authorization")
    if not header:
        raise unauthorized("missing bearer token: log in first")
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or len(token) > 200:
        raise unauthorized("malformed Authorization header: expected 'Bearer <token>'")
    return token


async def current_user(request: Request) -> CachedUser:
    """The caller, from the bearer token. Async on purpose: a cache hit costs no thread hop.

    A miss does one indexed lookup inline (short); expired tokens are rejected even when cached.
    """
    state: ServerState = request.app.state.server
    key = token_hash(bearer_token(request))
    now = now_us()
    user = state.tokens.get(key)
    if user is None:
        user = tokens.lookup(state.read_engine, key)
        if user is None:
            raise unauthorized("invalid or revoked token: log in again")
        if user.expires_us > now:
            state.tokens.put(key, user)
    if user.expires_us <= now:
        state.tokens.drop(key)
        raise unauthorized("token expired: log in again")
    return user


def read_connection(request: Request) -> Iterator[Connection]:
    with request.app.state.server.engine.connect() as conn:
        yield conn


State = Annotated[ServerState, Depends(get_state)]
ReadConnection = Annotated[Connection, Depends(read_connection)]
CurrentUser = Annotated[CachedUser, Depends(current_user)]
