"""Accounts, tokens, friend requests, friendships, shared entries, likes, notifications.

Revision ID: 0001
"""

from alembic import op
from sqlalchemy import BigInteger, Boolean, Column, Float, ForeignKey, Index, Integer, MetaData, String, Table, UniqueConstraint, text

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
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
    md.create_all(op.get_bind())
    op.execute(text("INSERT INTO schema_version (id, version) VALUES (1, 1)"))
