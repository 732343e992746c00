"""``entry_tombstone``: who owned an unshared entry's UUID, so nobody else can take it over.

Revision ID: 0003
Revises: 0002
"""

from alembic import op
from sqlalchemy import BigInteger, Column, ForeignKey, Integer, MetaData, String, Table, text

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    md = MetaData()
    Table("app_user", md, Column("id", Integer, primary_key=True))
    tombstone = Table(
        "entry_tombstone", md,
        Column("id", String(36), primary_key=True),
        Column("owner_id", Integer, ForeignKey("app_user.id"), nullable=False),
        Column("deleted_us", BigInteger, nullable=False),
    )
    tombstone.create(op.get_bind())
    op.execute(text("UPDATE schema_version SET version = 3 WHERE id = 1"))
