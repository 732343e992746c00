"""What every request needs: config, engine, hasher, token cache, rate limiter; and the auth check."""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from functools import lru_cache
from datetime import datetime, timedelta, timezone
from pathlib import Path

from fastapi import Depends, HTTPException, Request
from sqlalchemy import Engine

from diary_app.sync.server.config import ServerConfig
from diary_app.sync.server.models import now_us
from diary_app.sync.server.security import CachedUser, LoginRateLimiter, Passwords, TokenCache, token_hash

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def us_to_datetime(us: int) -> datetime:
    return EPOCH + timedelta(microseconds=us)


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

    @property
    def read_engine(self) -> Engine:
        """For single-statement reads on the hot paths. On PostgreSQL: the same pool in autocommit
        mode, which saves the BEGIN and ROLLBACK round trips around every feed read. On SQLite the
        plain engine: switching pysqlite's isolation level per checkout cost more (0.45 ms) than
        the implicit transaction it avoids."""
        engine = self.__dict__.get("_read_engine")
        if engine is None:
            engine = self.engine
            if engine.dialect.name != "sqlite":
                engine = engine.execution_options(isolation_level="AUTOCOMMIT")
            self.__dict__["_read_engine"] = engine
        return engine


def fetch_all(engine: Engine, sql: str, params: dict) -> list[tuple]:
    """Run one read statement on the raw DB-API cursor (``:name`` parameters) and return tuples.

    SQLAlchemy's per-statement overhead was a large share of a feed read; the pooled connection,
    autocommit handling and dialect-neutral SQL stay SQLAlchemy's.
    """
    with engine.connect() as conn:
        cursor = conn.connection.dbapi_connection.cursor()
        try:
            cursor.execute(driver_sql(sql, engine.dialect.name), params)
            return cursor.fetchall()
        finally:
            cursor.close()


@lru_cache(maxsize=32)
def driver_sql(sql: str, dialect: str) -> str:
    """sqlite3 takes ``:name`` parameters; psycopg takes ``%(name)s``."""
    if dialect == "sqlite":
        return sql
    return re.sub(r"(?<!:):(\w+)", r"%(\1)s", sql)


def get_state(request: Request) -> ServerState:
    return request.app.state.server


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


TOKEN_LOOKUP = (
    "SELECT u.id, u.username, u.display_name, t.expires_us FROM auth_token t "
    "JOIN app_user u ON u.id = t.user_id WHERE t.token_hash = :h"
)


async def current_user(request: Request) -> CachedUser:
    """The caller, from the bearer token. Async on purpose: a cache hit costs no thread hop.

    A miss does one indexed lookup inline (short); expired tokens are rejected even when cached.
    """
    state: ServerState = request.app.state.server
    key = token_hash(bearer_token(request))
    now = now_us()
    user = state.tokens.get(key)
    if user is None:
        rows = fetch_all(state.read_engine, TOKEN_LOOKUP, {"h": key})
        if not rows:
            raise unauthorized("invalid or revoked token: log in again")
        user = CachedUser(*rows[0])
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
    """The (created_us, id) of a cursor; anything else (also numbers a database cannot hold) is 422."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        created, _, entry_id = raw.partition(":")
        value = int(created)
        if not entry_id or len(entry_id) > 36 or not 0 <= value < 2**62 or "\x00" in entry_id:
            raise ValueError
        return value, entry_id
    except (ValueError, UnicodeDecodeError):
        raise HTTPException(422, "invalid request: cursor: pass back the next_cursor value of the previous page") from None
