"""Forward-only schema migrations for the local diary.

Each step is a function run in one transaction; ``SchemaVersion`` records the last applied one,
so a later release can add columns without losing anybody's diary.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Engine, text
from sqlmodel import Session, SQLModel

from diary_app.store.models import SchemaVersion


def _v1_initial(conn) -> None:  # tables are created by metadata.create_all
    pass


MIGRATIONS: list[Callable] = [_v1_initial]
CURRENT_VERSION = len(MIGRATIONS)


def current_version(engine: Engine) -> int:
    with Session(engine) as s:
        row = s.get(SchemaVersion, 1)
        return row.version if row else 0


def migrate(engine: Engine) -> int:
    """Create missing tables, then apply every migration newer than the stored version."""
    SQLModel.metadata.create_all(engine)
    version = current_version(engine)
    if version > CURRENT_VERSION:
        raise RuntimeError(
            f"this diary was written by a newer Sound Diary (schema {version} > {CURRENT_VERSION}); update the app"
        )
    with engine.begin() as conn:
        for step in MIGRATIONS[version:]:
            step(conn)
        if version == 0:
            conn.execute(text("INSERT INTO schema_version (id, version) VALUES (1, :v)"), {"v": CURRENT_VERSION})
        elif version < CURRENT_VERSION:
            conn.execute(text("UPDATE schema_version SET version = :v WHERE id = 1"), {"v": CURRENT_VERSION})
    return CURRENT_VERSION
