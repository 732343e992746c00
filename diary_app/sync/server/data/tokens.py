"""Bearer tokens (stored as SHA-256 only): issue, revoke, and the per-request look-up."""

from __future__ import annotations

from sqlalchemy import Connection, Engine, delete, insert

from diary_app.sync.server.db import fetch_all
from diary_app.sync.server.models import TOKEN
from diary_app.sync.server.security import CachedUser

_LOOKUP = (
    "SELECT u.id, u.username, u.display_name, t.expires_us FROM auth_token t "
    "JOIN app_user u ON u.id = t.user_id WHERE t.token_hash = :h"
)


def issue(conn: Connection, user_id: int, key: str, now_us: int, expires_us: int) -> None:
    conn.execute(delete(TOKEN).where(TOKEN.c.user_id == user_id, TOKEN.c.expires_us <= now_us))  # tidy up expired ones
    conn.execute(insert(TOKEN).values(token_hash=key, user_id=user_id, created_us=now_us, expires_us=expires_us))


def revoke(conn: Connection, key: str) -> None:
    conn.execute(delete(TOKEN).where(TOKEN.c.token_hash == key))


def lookup(engine: Engine, key: str) -> CachedUser | None:
    """One indexed read on the raw cursor (this runs on every request whose token is not cached)."""
    rows = fetch_all(engine, _LOOKUP, {"h": key})
    if not rows:
        return None
    user_id, username, display_name, expires_us = rows[0]
    return CachedUser(id=user_id, username=username, display_name=display_name, expires_us=expires_us)
