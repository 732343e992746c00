"""Forward-only schema migrations for the local diary.

Each step is a function run in one transaction; ``SchemaVersion`` records the last applied one,
so a later release can add columns without losing anybody's diary.

How a later issue adds a column (keep it additive):

1. add the field to the model in ``models.py`` (nullable or with a default);
2. append a step to ``MIGRATIONS``, e.g.
   ``lambda conn: add_column_if_missing(conn, "entry", "mood_score", "FLOAT")``.

A brand-new diary gets every table from ``create_all`` and is stamped with the current version
without running the steps (they would try to add columns that already exist); an existing diary
runs only the steps newer than its stored version. A diary written by a newer release is refused
with ``SchemaTooNew`` instead of being silently damaged.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection, Engine, inspect, text
from sqlmodel import Session, SQLModel

from diary_app.store.models import SchemaVersion


class SchemaTooNew(RuntimeError):
    """The diary file comes from a newer Sound Diary; opening it here could lose data."""

    def __init__(self, found: int, supported: int) -> None:
        self.found, self.supported = found, supported
        super().__init__(
            f"this diary was written by a newer Sound Diary (schema {found} > {supported}); update the app"
        )


def add_column_if_missing(conn: Connection, table: str, column: str, ddl_type: str) -> None:
    """``ALTER TABLE .. ADD COLUMN`` that is safe to run on a table which already has it."""
    existing = {c["name"] for c in inspect(conn).get_columns(table)}
    if column not in existing:
        conn.execute(text(f'ALTER TABLE "{table}" ADD COLUMN "{column}" {ddl_type}'))


def _v1_initial(conn: Connection) -> None:  # tables are created by metadata.create_all
    pass


def _v2_browse_indexes(conn: Connection) -> None:
    """Indexes for the browse pages (issue 5), then fresh planner statistics so SQLite uses them."""
    from diary_app.store.models import BROWSE_INDEXES, RETIRED_BROWSE_INDEXES

    for name in RETIRED_BROWSE_INDEXES:
        conn.execute(text(f'DROP INDEX IF EXISTS "{name}"'))
    for name, cols in BROWSE_INDEXES:
        conn.execute(text(f'CREATE INDEX IF NOT EXISTS "{name}" ON entry ({", ".join(cols)})'))
    conn.execute(text("ANALYZE"))


def _v3_covering_geo_index(conn: Connection) -> None:
    """(latitude, longitude) became the covering ``ix_entry_geo`` for the map's markers."""
    _v2_browse_indexes(conn)


def _v4_personal_tables(conn: Connection) -> None:
    """Issue 16: ``entry_features`` and ``correction_event`` are new tables, which ``create_all``
    (run before the steps) has already made; the step only records the version, so that an older
    release refuses this diary instead of silently ignoring what it holds."""


MIGRATIONS: list[Callable[[Connection], None]] = [_v1_initial, _v2_browse_indexes, _v3_covering_geo_index, _v4_personal_tables]
CURRENT_VERSION = len(MIGRATIONS)


def current_version(engine: Engine) -> int:
    if not inspect(engine).has_table(SchemaVersion.__tablename__):
        return 0
    with Session(engine) as s:
        row = s.get(SchemaVersion, 1)
        return row.version if row else 0


def migrate(engine: Engine) -> int:
    """Create missing tables, then apply every migration newer than the stored version."""
    latest = len(MIGRATIONS)
    fresh = not inspect(engine).has_table("entry")
    version = current_version(engine)
    if version > latest:
        raise SchemaTooNew(version, latest)
    SQLModel.metadata.create_all(engine)
    with engine.begin() as conn:
        if not fresh:
            for step in MIGRATIONS[version:]:
                step(conn)
        if version == 0:
            conn.execute(text("INSERT INTO schema_version (id, version) VALUES (1, :v)"), {"v": latest})
        elif version < latest:
            conn.execute(text("UPDATE schema_version SET version = :v WHERE id = 1"), {"v": latest})
    return latest
