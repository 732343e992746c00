"""Engine and sessions. One code path for SQLite (default, a file) and PostgreSQL.

SQLite gets WAL (readers never wait for the writer), ``synchronous=NORMAL`` (safe with WAL),
a busy timeout (several uvicorn workers may write at once) and foreign keys on.
PostgreSQL URLs are normalised to the psycopg 3 driver (``postgresql+psycopg://``).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from sqlalchemy import ColumnElement, Connection, Engine, Table, create_engine, event, select, update


def normalise_url(url: str) -> str:
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def make_engine(url: str, pool_size: int = 8) -> Engine:
    url = normalise_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 10},
            pool_size=pool_size,
            max_overflow=pool_size,
        )

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:  # a DB-API connection
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=10000")
            cur.close()

        return engine
    # No pool_pre_ping: it costs a round trip on every checkout (a third of a feed read).
    # A connection broken by a database restart is invalidated by SQLAlchemy on first error.
    return create_engine(url, pool_size=pool_size, max_overflow=pool_size, pool_recycle=1800)


def lock_rows(conn: Connection, table: Table, where: ColumnElement[bool], touch: str) -> None:
    """Hold the write lock on the matching rows until the transaction ends.

    PostgreSQL: ``SELECT ... FOR UPDATE`` (in primary-key order, so two lockers cannot deadlock).
    SQLite locks the whole database for a writer, so a no-op ``UPDATE`` of column ``touch`` as the
    transaction's first statement takes the write lock before anything is read. Either way a
    concurrent unshare, like or upload of the same row waits instead of interleaving.
    """
    if conn.dialect.name == "postgresql":
        pk = list(table.primary_key.columns)
        conn.execute(select(*pk).where(where).order_by(*pk).with_for_update())
    else:
        conn.execute(update(table).where(where).values({touch: table.c[touch]}))


def fetch_all(engine: Engine, sql: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
    """Run one read statement on the raw DB-API cursor (``:name`` parameters) and return tuples.

    SQLAlchemy's per-statement overhead was a large share of a feed read; the pooled connection,
    autocommit handling and dialect-neutral SQL stay SQLAlchemy's.
    """
    with engine.connect() as conn:
        dbapi = conn.connection.dbapi_connection
        assert dbapi is not None  # a checked-out pooled connection
        cursor = dbapi.cursor()
        try:
            cursor.execute(driver_sql(sql, engine.dialect.name), params)
            return list(cursor.fetchall())
        finally:
            cursor.close()


@lru_cache(maxsize=32)
def driver_sql(sql: str, dialect: str) -> str:
    """sqlite3 takes ``:name`` parameters; psycopg takes ``%(name)s``."""
    if dialect == "sqlite":
        return sql
    return re.sub(r"(?<!:):(\w+)", r"%(\1)s", sql)
