"""``shared_entry.like_count`` (backfilled) and the (owner_id, created_us, id) feed index.

The feed became a keyset scan with no aggregate; the new index replaces the owner-only one.

Revision ID: 0002
Revises: 0001
"""

from alembic import op
from sqlalchemy import text

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(text("ALTER TABLE shared_entry ADD COLUMN like_count INTEGER NOT NULL DEFAULT 0"))
    op.execute(text(
        "UPDATE shared_entry SET like_count = "
        "(SELECT COUNT(*) FROM entry_like WHERE entry_like.entry_id = shared_entry.id)"
    ))
    op.execute(text("DROP INDEX ix_shared_entry_owner"))
    op.execute(text("CREATE INDEX ix_shared_entry_owner_created ON shared_entry (owner_id, created_us, id)"))
    op.execute(text("UPDATE schema_version SET version = 2 WHERE id = 1"))
