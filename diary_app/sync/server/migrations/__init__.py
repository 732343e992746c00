"""Schema migrations of the sync server, run with Alembic on SQLite and PostgreSQL alike.

Revisions live in ``versions/`` as frozen DDL (never ``models.py``, which always describes the
*latest* schema), numbered ``0001``, ``0002`` ... so the schema version is also a plain number:

- 0001: accounts, tokens, friend requests, friendships, shared entries, likes, notifications.
- 0002: ``shared_entry.like_count`` (backfilled) and the (owner_id, created_us, id) feed index.
- 0003: ``entry_tombstone``: the owner of every unshared UUID, so nobody else can take it over.

Every database, new or old, is built by the same steps in order, in one transaction (both
databases have transactional DDL, so a failed upgrade leaves the previous version intact). Each
revision also writes its number to the ``schema_version`` table the hand-written migrations of
earlier servers used: such a server still refuses a database this one upgraded, and a database
they wrote is recognised here and stamped before it is upgraded. A database from a newer server
(an unknown Alembic revision, or a larger ``schema_version``) is refused, never touched.

``python -m alembic`` is not needed: :func:`migrate` drives Alembic in-process. To add a step,
copy the last file in ``versions/``, bump the number and ``down_revision``, and write plain DDL.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, inspect, text

HERE = Path(__file__).resolve().parent


class SchemaTooNewError(RuntimeError):
    """The database was written by a newer server; refusing to touch it."""


def _config(conn: Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(HERE))
    cfg.attributes["connection"] = conn
    return cfg


def _revisions() -> list[str]:
    script = ScriptDirectory.from_config(_config())
    return sorted(rev.revision for rev in script.walk_revisions())


REVISIONS = _revisions()
CURRENT_VERSION = len(REVISIONS)


def _revision(number: int) -> str:
    return f"{number:04d}"


def _state(conn: Connection) -> tuple[str | None, int]:
    """(Alembic revision or None, legacy ``schema_version`` number or 0)."""
    insp = inspect(conn)
    revision = MigrationContext.configure(conn).get_current_revision() if insp.has_table("alembic_version") else None
    legacy = 0
    if insp.has_table("schema_version"):
        row = conn.execute(text("SELECT version FROM schema_version WHERE id = 1")).first()
        legacy = int(row.version) if row else 0
    return revision, legacy


def _too_new(version: int | str) -> SchemaTooNewError:
    return SchemaTooNewError(
        f"the sync database has schema version {version}, newer than this server ({CURRENT_VERSION}); update Sound Diary"
    )


def current_version(engine: Engine) -> int:
    """0 for an empty database."""
    with engine.connect() as conn:
        revision, legacy = _state(conn)
    if revision is None:
        return legacy
    return int(revision) if revision in REVISIONS else max(legacy, CURRENT_VERSION + 1)


def migrate(engine: Engine, target: int = CURRENT_VERSION) -> int:
    """Bring the database to ``target`` (default: latest) and return its version."""
    with engine.begin() as conn:
        revision, legacy = _state(conn)
        if (revision is not None and revision not in REVISIONS) or legacy > CURRENT_VERSION:
            raise _too_new(revision if revision is not None and revision not in REVISIONS else legacy)
        cfg = _config(conn)
        if revision is None and legacy > 0:  # built by the hand-written migrations before Alembic
            command.stamp(cfg, _revision(legacy))
        version = int(revision) if revision else legacy
        if target > version:
            command.upgrade(cfg, _revision(target))
    return max(version, target)
