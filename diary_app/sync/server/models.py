"""The server's tables (SQLModel), on their own registry. Classes end in ``Table``: the API's
bodies (``diary_app.sync.contract``) carry the plain names (``User``, ``SharedEntry``).

They must not share ``SQLModel.metadata`` with the local diary's tables (``diary_app.store``):
both have a ``schema_version`` table and the server database must not grow diary tables.

Times are integer microseconds since the Unix epoch (``*_us`` columns). That keeps keyset
pagination, expiry checks and indexes identical on SQLite and PostgreSQL with no time-zone
conversion on the hot feed path; the API speaks ISO 8601 with an offset.

Audio is not stored in the database: it lives in ``<data_dir>/audio/<entry id>.<ext>``
(see ``storage.py``), so the database stays small and the files are served with sendfile.
The schema is created and upgraded by ``migrations.py``; these classes describe the latest version.
"""

from __future__ import annotations

import time

from sqlalchemy import BigInteger, Column, Index, Table, UniqueConstraint
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

server_registry = registry()


def now_us() -> int:
    return time.time_ns() // 1000


class ServerModel(SQLModel, registry=server_registry):
    """Base of the server tables: a metadata of their own."""


class SchemaVersionTable(ServerModel, table=True):
    __tablename__ = "schema_version"

    id: int = Field(default=1, primary_key=True)
    version: int


class UserTable(ServerModel, table=True):
    __tablename__ = "app_user"  # "user" is a reserved word in PostgreSQL

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=32, unique=True, index=True)
    display_name: str = Field(max_length=64)
    password_hash: str = Field(max_length=255)
    created_us: int = Field(sa_column=Column(BigInteger, nullable=False))


class TokenTable(ServerModel, table=True):
    """A bearer token. Only its SHA-256 is stored, so a leaked database yields no usable token."""

    __tablename__ = "auth_token"

    token_hash: str = Field(primary_key=True, max_length=64)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    created_us: int = Field(sa_column=Column(BigInteger, nullable=False))
    expires_us: int = Field(sa_column=Column(BigInteger, nullable=False))


class FriendRequestTable(ServerModel, table=True):
    __tablename__ = "friend_request"
    __table_args__ = (
        Index("ix_friend_request_to_status", "to_user_id", "status"),
        Index("ix_friend_request_from_status", "from_user_id", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    from_user_id: int = Field(foreign_key="app_user.id")
    to_user_id: int = Field(foreign_key="app_user.id")
    status: str = Field(max_length=16)  # pending | accepted | rejected | cancelled
    created_us: int = Field(sa_column=Column(BigInteger, nullable=False))
    updated_us: int = Field(sa_column=Column(BigInteger, nullable=False))


class FriendshipTable(ServerModel, table=True):
    """One row per direction, so "my friends" is a primary-key range scan."""

    __tablename__ = "friendship"

    user_id: int = Field(foreign_key="app_user.id", primary_key=True)
    friend_id: int = Field(foreign_key="app_user.id", primary_key=True)
    created_us: int = Field(sa_column=Column(BigInteger, nullable=False))


class SharedEntryTable(ServerModel, table=True):
    __tablename__ = "shared_entry"
    __table_args__ = (Index("ix_shared_entry_owner_created", "owner_id", "created_us", "id"),)

    id: str = Field(primary_key=True, max_length=36)  # the client's entry UUID, canonical form
    owner_id: int = Field(foreign_key="app_user.id")
    emotion: str = Field(max_length=16)
    created_us: int = Field(sa_column=Column(BigInteger, nullable=False))
    duration_s: float
    note: str | None = Field(default=None, max_length=2000)
    latitude: float | None = None
    longitude: float | None = None
    place_name: str | None = Field(default=None, max_length=200)
    audio_file: str = Field(max_length=64)
    audio_mime: str = Field(max_length=32)
    audio_bytes: int
    uploaded_us: int = Field(sa_column=Column(BigInteger, nullable=False))
    updated_us: int = Field(sa_column=Column(BigInteger, nullable=False))
    like_count: int = 0  # kept by the like routes (schema v2), so the feed needs no aggregate


class EntryTombstoneTable(ServerModel, table=True):
    """Who owned an unshared entry's UUID (schema v3), so nobody else can take the UUID over."""

    __tablename__ = "entry_tombstone"

    id: str = Field(primary_key=True, max_length=36)
    owner_id: int = Field(foreign_key="app_user.id")
    deleted_us: int = Field(sa_column=Column(BigInteger, nullable=False))


class EntryLikeTable(ServerModel, table=True):
    __tablename__ = "entry_like"

    entry_id: str = Field(foreign_key="shared_entry.id", primary_key=True, max_length=36)
    user_id: int = Field(foreign_key="app_user.id", primary_key=True)
    created_us: int = Field(sa_column=Column(BigInteger, nullable=False))


class NotificationTable(ServerModel, table=True):
    __tablename__ = "notification"
    __table_args__ = (
        Index("ix_notification_user_created", "user_id", "created_us"),
        # at most one reminder per user and day; ``day`` is NULL (never equal) for other kinds
        UniqueConstraint("user_id", "kind", "day", name="uq_notification_daily"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id")
    kind: str = Field(max_length=24)  # like | friend_request | friend_accepted | reminder
    actor_id: int | None = Field(default=None, foreign_key="app_user.id")
    entry_id: str | None = Field(default=None, max_length=36)
    day: str | None = Field(default=None, max_length=10)  # YYYY-MM-DD (UTC), reminders only
    read: bool = False
    created_us: int = Field(sa_column=Column(BigInteger, nullable=False))


def _table(model: type[SQLModel]) -> Table:
    """The SQLAlchemy table of a SQLModel class (set at class creation; SQLModel's stubs do not declare it)."""
    table: Table = model.__table__  # type: ignore[attr-defined]
    return table


USER = _table(UserTable)
TOKEN = _table(TokenTable)
FRIEND_REQUEST = _table(FriendRequestTable)
FRIENDSHIP = _table(FriendshipTable)
ENTRY = _table(SharedEntryTable)
LIKE = _table(EntryLikeTable)
TOMBSTONE = _table(EntryTombstoneTable)
NOTIFICATION = _table(NotificationTable)
