"""Versioned, forward-only schema migrations that run on SQLite and PostgreSQL alike.

Every database, new or old, is built by the same steps in order, so there is one schema path to
test. Each step runs in a transaction together with the version bump (both engines have
transactional DDL), so a failed upgrade leaves the previous version intact. Steps use frozen table
definitions or plain SQL, never ``models.py``, which always describes the *latest* schema.

- v1: accounts, tokens, friend requests, friendships, shared entries, likes, notifications.
- v2: ``shared_entry.like_count`` (backfilled) and the (owner_id, created_us, id) feed index,
  which replaces v1's owner-only index: the feed became a keyset scan with no aggregate.
- v3: ``entry_tombstone``: the owner of every unshared UUID, so nobody else can take it over.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Connection,
    Engine,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    UniqueConstraint,
    inspect,
    text,
)


class SchemaTooNewError(RuntimeError):
    """The database was written by a newer server; refusing to touch it."""


def _v1_tables() -> MetaData:
    md = MetaData()
    Table("schema_version", md, Column("id", Integer, primary_key=True), Column("version", Integer, nullable=False))
    Table(
        "app_user", md,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("username", String(32), nullable=False, unique=True, index=True),
        Column("display_name", String(64), nullable=False),
        Column("password_hash", String(255), nullable=False),
        Column("created_us", BigInteger, nullable=False),
    )
    Table(
        "auth_token", md,
        Column("token_hash", String(64), primary_key=True),
        Column("user_id", Integer, ForeignKey("app_user.id"), nullable=False, index=True),
        Column("created_us", BigInteger, nullable=False),
        Column("expires_us", BigInteger, nullable=False),
    )
    Table(
        "friend_request", md,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("from_user_id", Integer, ForeignKey("app_user.id"), nullable=False),
        Column("to_user_id", Integer, ForeignKey("app_user.id"), nullable=False),
        Column("status", String(16), nullable=False),
        Column("created_us", BigInteger, nullable=False),
        Column("updated_us", BigInteger, nullable=False),
        Index("ix_friend_request_to_status", "to_user_id", "status"),
        Index("ix_friend_request_from_status", "from_user_id", "status"),
    )
    Table(
        "friendship", md,
        Column("user_id", Integer, ForeignKey("app_user.id"), primary_key=True),
        Column("friend_id", Integer, ForeignKey("app_user.id"), primary_key=True),
        Column("created_us", BigInteger, nullable=False),
    )
    Table(
        "shared_entry", md,
        Column("id", String(36), primary_key=True),
        Column("owner_id", Integer, ForeignKey("app_user.id"), nullable=False),
        Column("emotion", String(16), nullable=False),
        Column("created_us", BigInteger, nullable=False),
        Column("duration_s", Float, nullable=False),
        Column("note", String(2000)),
        Column("latitude", Float),
        Column("longitude", Float),
        Column("place_name", String(200)),
        Column("audio_file", String(64), nullable=False),
        Column("audio_mime", String(32), nullable=False),
        Column("audio_bytes", Integer, nullable=False),
        Column("uploaded_us", BigInteger, nullable=False),
        Column("updated_us", BigInteger, nullable=False),
        Index("ix_shared_entry_owner", "owner_id"),
    )
    Table(
        "entry_like", md,
        Column("entry_id", String(36), ForeignKey("shared_entry.id"), primary_key=True),
        Column("user_id", Integer, ForeignKey("app_user.id"), primary_key=True),
        Column("created_us", BigInteger, nullable=False),
    )
    Table(
        "notification", md,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("user_id", Integer, ForeignKey("app_user.id"), nullable=False),
        Column("kind", String(24), nullable=False),
        Column("actor_id", Integer, ForeignKey("app_user.id")),
        Column("entry_id", String(36)),
        Column("day", String(10)),
        Column("read", Boolean, nullable=False),
        Column("created_us", BigInteger, nullable=False),
        Index("ix_notification_user_created", "user_id", "created_us"),
        UniqueConstraint("user_id", "kind", "day", name="uq_notification_daily"),
    )
    return md


def _v1_initial(conn: Connection) -> None:
    _v1_tables().create_all(conn)


def _v2_like_count_and_feed_index(conn: Connection) -> None:
    conn.execute(text("ALTER TABLE shared_entry ADD COLUMN like_count INTEGER NOT NULL DEFAULT 0"))
    conn.execute(
        text(
            "UPDATE shared_entry SET like_count = "
            "(SELECT COUNT(*) FROM entry_like WHERE entry_like.entry_id = shared_entry.id)"
        )
    )
    conn.execute(text("DROP INDEX ix_shared_entry_owner"))
    conn.execute(text("CREATE INDEX ix_shared_entry_owner_created ON shared_entry (owner_id, created_us, id)"))


def _v3_entry_tombstones(conn: Connection) -> None:
    md = MetaData()
    Table("app_user", md, Column("id", Integer, primary_key=True))
    Table(
        "entry_tombstone", md,
        Column("id", String(36), primary_key=True),
        Column("owner_id", Integer, ForeignKey("app_user.id"), nullable=False),
        Column("deleted_us", BigInteger, nullable=False),
    )
    md.tables["entry_tombstone"].create(conn)


MIGRATIONS: list[Callable[[Connection], None]] = [_v1_initial, _v2_like_count_and_feed_index, _v3_entry_tombstones]
CURRENT_VERSION = len(MIGRATIONS)


def current_version(engine: Engine) -> int:
    """0 for an empty database."""
    if not inspect(engine).has_table("schema_version"):
        return 0
    with engine.connect() as conn:
        row = conn.execute(text("SELECT version FROM schema_version WHERE id = 1")).first()
    return int(row[0]) if row else 0


def migrate(engine: Engine, target: int = CURRENT_VERSION) -> int:
    """Bring the database to ``target`` (default: latest), one transaction per step."""
    version = current_version(engine)
    if version > CURRENT_VERSION:
        raise SchemaTooNewError(
            f"the sync database has schema version {version}, newer than this server ({CURRENT_VERSION}); "
            "update Sound Diary"
        )
    for number in range(version + 1, target + 1):
        with engine.begin() as conn:
            MIGRATIONS[number - 1](conn)
            if number == 1:
                conn.execute(text("INSERT INTO schema_version (id, version) VALUES (1, 1)"))
            else:
                conn.execute(text("UPDATE schema_version SET version = :v WHERE id = 1"), {"v": number})
    return max(version, target)
