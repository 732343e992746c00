"""What every request needs: config, engine, hasher, token cache, rate limiter; and the auth check."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from fastapi import Depends, HTTPException, Request
from sqlalchemy import Engine, select
from sqlmodel import Session

from diary_app.sync.server.config import ServerConfig
from diary_app.sync.server.models import TOKEN, USER, now_us
from diary_app.sync.server.security import CachedUser, LoginRateLimiter, Passwords, TokenCache, token_hash

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def us_to_datetime(us: int) -> datetime:
    return EPOCH + timedelta(microseconds=us)


def us_to_iso(us: int) -> str:
    return (EPOCH + timedelta(microseconds=us)).isoformat()


def datetime_to_us(value: datetime) -> int:
    delta = value.astimezone(timezone.utc) - EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


@dataclass
class ServerState:
    config: ServerConfig
    engine: Engine
    passwords: Passwords
    tokens: TokenCache
    limiter: LoginRateLimiter
    audio_dir: Path


def get_state(request: Request) -> ServerState:
    return request.app.state.server


def get_session(request: Request) -> Iterator[Session]:
    with Session(request.app.state.server.engine, expire_on_commit=False) as session:
        yield session


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
        with state.engine.connect() as conn:
            row = conn.execute(
                select(USER.c.id, USER.c.username, USER.c.display_name, TOKEN.c.expires_us)
                .join(TOKEN, TOKEN.c.user_id == USER.c.id)
                .where(TOKEN.c.token_hash == key)
            ).first()
        if row is None:
            raise unauthorized("invalid or revoked token: log in again")
        user = CachedUser(row.id, row.username, row.display_name, row.expires_us)
        if user.expires_us > now:
            state.tokens.put(key, user)
    if user.expires_us <= now:
        state.tokens.drop(key)
        raise unauthorized("token expired: log in again")
    return user


CurrentUser = Depends(current_user)


def user_json(user_id: int, username: str, display_name: str) -> dict:
    return {"id": user_id, "username": username, "display_name": display_name}


def encode_cursor(created_us: int, entry_id: str) -> str:
    return base64.urlsafe_b64encode(f"{created_us}:{entry_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[int, str]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        created, _, entry_id = raw.partition(":")
        value = int(created)
        if not entry_id or len(entry_id) > 36:
            raise ValueError
        return value, entry_id
    except (ValueError, UnicodeDecodeError):
        raise HTTPException(400, "invalid cursor: pass back the next_cursor value of the previous page") from None
