"""Shared entries, their likes and tombstones.

Access rule, used for every read and write of an entry (and by the feed's SQL): an entry is
visible to its owner and to the owner's mutual friends; to anybody else it does not exist
(``NotFound``, identical to a missing entry, so existence does not leak). Changing it is the
owner's alone (``Forbidden``). Writers first take the entry's row lock (``lock``), so likes,
uploads and unshares of one entry never interleave.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Unpack

from sqlalchemy import Connection, Row, delete, insert, select, update

from diary_app.sync.contract import API_PREFIX
from diary_app.sync.server.data import EPOCH, Forbidden, NotFound, friends, notifications, user_json
from diary_app.sync.server.db import lock_rows
from diary_app.sync.server.models import ENTRY, LIKE, TOMBSTONE, USER, now_us
from diary_app.sync.server.security import CachedUser

COLUMNS = (
    ENTRY.c.id, ENTRY.c.owner_id, USER.c.username, USER.c.display_name, ENTRY.c.emotion, ENTRY.c.created_us,
    ENTRY.c.duration_s, ENTRY.c.note, ENTRY.c.latitude, ENTRY.c.longitude, ENTRY.c.place_name, ENTRY.c.like_count,
)
HIDDEN = "no such entry (or it is not shared with you)"
NOT_OWNER = "only the owner can change this entry"


def entry_json(row: Any, liked: bool, owners: dict[str, Any] | None = None) -> dict[str, Any]:
    """One ``SharedEntry`` as plain data, from any row with the ``COLUMNS`` names (also the feed's).

    ``owners`` lets a feed page reuse one owner dict per person; ``created_at`` stays a datetime
    (orjson and pydantic both write it as ISO 8601 with ``Z``).
    """
    owner = owners.get(row.owner_id) if owners is not None else None
    if owner is None:
        owner = user_json(row.owner_id, row.username, row.display_name)
        if owners is not None:
            owners[row.owner_id] = owner
    return {
        "id": row.id,
        "owner": owner,
        "emotion": row.emotion,
        "created_at": EPOCH + timedelta(microseconds=row.created_us),
        "duration_s": row.duration_s,
        "note": row.note,
        "latitude": row.latitude,
        "longitude": row.longitude,
        "place_name": row.place_name,
        "like_count": row.like_count,
        "liked_by_me": bool(liked),
        "audio_url": f"{API_PREFIX}/entries/{row.id}/audio",
    }


def fetch(conn: Connection, entry_id: str) -> Row[Unpack[tuple[Any, ...]]] | None:
    return conn.execute(
        select(*COLUMNS, ENTRY.c.audio_mime, ENTRY.c.audio_file).join(USER, USER.c.id == ENTRY.c.owner_id).where(ENTRY.c.id == entry_id)
    ).first()


def lock(conn: Connection, entry_id: str) -> None:
    """Hold the entry's write lock until the transaction ends (call first in every writer)."""
    lock_rows(conn, ENTRY, ENTRY.c.id == entry_id, "like_count")


def visible(conn: Connection, entry_id: str, me: CachedUser) -> Row[Unpack[tuple[Any, ...]]]:
    row = fetch(conn, entry_id)
    if row is None or not (row.owner_id == me.id or friends.are_friends(conn, me.id, row.owner_id)):
        raise NotFound(HIDDEN)
    return row


def liked_by(conn: Connection, entry_id: str, user_id: int) -> bool:
    return conn.execute(select(LIKE.c.user_id).where(LIKE.c.entry_id == entry_id, LIKE.c.user_id == user_id)).first() is not None


def as_json(conn: Connection, entry_id: str, me: CachedUser) -> dict[str, Any]:
    return entry_json(visible(conn, entry_id, me), liked_by(conn, entry_id, me.id))


def claim(conn: Connection, entry_id: str, me: CachedUser) -> bool:
    """Under the lock: may ``me`` write this UUID? Returns whether the entry exists already.

    A UUID that was shared once stays its owner's after unsharing (the tombstone): nobody else
    may take it over.
    """
    owner = conn.execute(select(ENTRY.c.owner_id).where(ENTRY.c.id == entry_id)).scalar()
    if owner is None:
        owner = conn.execute(select(TOMBSTONE.c.owner_id).where(TOMBSTONE.c.id == entry_id)).scalar()
        if owner is not None and owner != me.id:
            raise Forbidden(NOT_OWNER)
        return False
    if owner != me.id:
        raise Forbidden(NOT_OWNER)
    return True


def owner_of(conn: Connection, entry_id: str) -> int | None:
    return conn.execute(select(ENTRY.c.owner_id).where(ENTRY.c.id == entry_id)).scalar()


def insert_new(conn: Connection, entry_id: str, owner_id: int, values: dict[str, Any]) -> None:
    conn.execute(insert(ENTRY).values(id=entry_id, owner_id=owner_id, uploaded_us=values["updated_us"], like_count=0, **values))


def update_existing(conn: Connection, entry_id: str, values: dict[str, Any]) -> None:
    conn.execute(update(ENTRY).where(ENTRY.c.id == entry_id).values(**values))


def unshare(conn: Connection, entry_id: str, me: CachedUser) -> None:
    """Under the lock: delete the entry, its likes and notifications; keep a tombstone."""
    row = visible(conn, entry_id, me)
    if row.owner_id != me.id:
        raise Forbidden("only the owner can unshare this entry")
    conn.execute(delete(LIKE).where(LIKE.c.entry_id == entry_id))
    notifications.forget_entry(conn, entry_id)
    conn.execute(delete(ENTRY).where(ENTRY.c.id == entry_id))
    if conn.execute(select(TOMBSTONE.c.id).where(TOMBSTONE.c.id == entry_id)).first() is None:
        conn.execute(insert(TOMBSTONE).values(id=entry_id, owner_id=me.id, deleted_us=now_us()))


# -- likes (the only interaction: no comments, no messages, by design) ----------------------------


def like_state(conn: Connection, entry_id: str, me: CachedUser) -> dict[str, Any]:
    count = conn.execute(select(ENTRY.c.like_count).where(ENTRY.c.id == entry_id)).scalar_one()
    return {"like_count": count, "liked_by_me": liked_by(conn, entry_id, me.id)}


def like(conn: Connection, entry_id: str, me: CachedUser) -> dict[str, Any]:
    """Under the lock. Idempotent; the owner hears about it once per person and entry."""
    row = visible(conn, entry_id, me)
    if not liked_by(conn, entry_id, me.id):
        conn.execute(insert(LIKE).values(entry_id=entry_id, user_id=me.id, created_us=now_us()))
        conn.execute(update(ENTRY).where(ENTRY.c.id == entry_id).values(like_count=ENTRY.c.like_count + 1))
        if row.owner_id != me.id:
            notifications.notify_once(conn, row.owner_id, "like", actor_id=me.id, entry_id=entry_id)
    return like_state(conn, entry_id, me)


def unlike(conn: Connection, entry_id: str, me: CachedUser) -> dict[str, Any]:
    visible(conn, entry_id, me)
    gone = conn.execute(delete(LIKE).where(LIKE.c.entry_id == entry_id, LIKE.c.user_id == me.id)).rowcount
    if gone:
        conn.execute(update(ENTRY).where(ENTRY.c.id == entry_id).values(like_count=ENTRY.c.like_count - 1))
    return like_state(conn, entry_id, me)
