"""Schema migrations of the sync server: a version-1 database upgrades to the current schema.

Runs on SQLite and on PostgreSQL. The upgraded database is then served by the app.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import inspect, text
from sync_fixtures import DB_KINDS, free_port, pg_cluster  # noqa: F401

from diary_app.sync.server import ServerSettings, create_app
from diary_app.sync.server.db import make_engine
from diary_app.sync.server.migrations import CURRENT_VERSION, current_version, migrate
from diary_app.sync.server.models import server_registry
from diary_app.sync.server.security import token_hash

pytestmark = pytest.mark.timeout(300)
TOKEN = "migration-test-token-0123456789abcdefghijklmnop"


@pytest.fixture(params=DB_KINDS)
def db_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'old.sqlite3'}"
    return request.getfixturevalue("pg_cluster").new_database()


def _fill_v1(engine) -> None:
    with engine.begin() as conn:
        for uid, name in ((1, "alice"), (2, "bob"), (3, "carol")):
            conn.execute(text("INSERT INTO app_user (id, username, display_name, password_hash, created_us) VALUES (:i, :n, :n, 'x', 0)"), {"i": uid, "n": name})
        conn.execute(text("INSERT INTO auth_token VALUES (:h, 1, 0, 9000000000000000)"), {"h": token_hash(TOKEN)})
        conn.execute(text(
            "INSERT INTO shared_entry (id, owner_id, emotion, created_us, duration_s, audio_file, audio_mime, audio_bytes, uploaded_us, updated_us) "
            "VALUES ('11111111-1111-4111-8111-111111111111', 1, 'happy', 1700000000000000, 2.0, 'a.flac', 'audio/flac', 10, 0, 0)"
        ))
        for uid in (2, 3):
            conn.execute(text("INSERT INTO entry_like VALUES ('11111111-1111-4111-8111-111111111111', :u, 0)"), {"u": uid})
        if engine.dialect.name == "postgresql":  # explicit ids above: move the sequence on
            conn.execute(text("SELECT setval('app_user_id_seq', 3)"))


def test_v1_database_upgrades_and_serves(db_url, tmp_path):
    engine = make_engine(db_url)
    assert migrate(engine, target=1) == 1
    assert current_version(engine) == 1
    assert "like_count" not in {c["name"] for c in inspect(engine).get_columns("shared_entry")}
    _fill_v1(engine)

    assert migrate(engine) == CURRENT_VERSION == 3
    assert current_version(engine) == 3
    with engine.connect() as conn:
        assert conn.execute(text("SELECT like_count FROM shared_entry")).scalar_one() == 2  # backfilled
    insp = inspect(engine)
    assert "ix_shared_entry_owner_created" in {i["name"] for i in insp.get_indexes("shared_entry")}
    # the upgraded schema has every column the current models use
    for table in server_registry.metadata.sorted_tables:
        have = {c["name"] for c in insp.get_columns(table.name)}
        assert {c.name for c in table.columns} <= have, table.name
    assert migrate(engine) == 3  # idempotent
    engine.dispose()

    # the app on the upgraded database (in-process: a server start costs 10-25 s on a loaded
    # machine, and the other test modules already cover the real process)
    config = ServerSettings(db_url=db_url, data_dir=str(tmp_path), argon2_memory_kib=1024, argon2_time_cost=1)
    with TestClient(create_app(config)) as client:
        auth = {"Authorization": f"Bearer {TOKEN}"}
        feed = client.get("/v1/feed", headers=auth).json()
        assert [(e["id"], e["like_count"]) for e in feed["items"]] == [("11111111-1111-4111-8111-111111111111", 2)]
        new = client.post("/v1/auth/signup", json={"username": "dave", "display_name": "D", "password": "password1"})
        assert new.status_code == 201 and new.json()["id"] == 4


def _run_cli(*argv: str) -> int:
    """The ``sync-server`` subcommand in-process: both cases return before uvicorn starts."""
    import argparse

    from diary_app.sync.server import cli

    parser = argparse.ArgumentParser()
    cli.add_arguments(parser)
    return cli.run(parser.parse_args(list(argv)))


def test_newer_schema_is_refused(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'future.sqlite3'}"
    engine = make_engine(url)
    migrate(engine)
    with engine.begin() as conn:
        conn.execute(text("UPDATE schema_version SET version = 99"))
    engine.dispose()
    assert _run_cli("--db", url, "--port", str(free_port()), "--data-dir", str(tmp_path)) == 2
    assert "newer" in capsys.readouterr().err


def test_unreachable_database_is_a_clear_error(tmp_path, capsys):
    url = f"postgresql://nobody@127.0.0.1:{free_port()}/x"
    assert _run_cli("--db", url, "--port", str(free_port()), "--data-dir", str(tmp_path)) == 2
    assert "cannot open the database" in capsys.readouterr().err


def test_database_from_before_alembic_is_recognised_and_upgraded(db_url):
    """A database the hand-written migrations built (``schema_version`` only) is stamped, then upgraded."""
    engine = make_engine(db_url)
    migrate(engine, target=2)
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE alembic_version"))  # what a pre-Alembic v2 server left behind
        conn.execute(text("INSERT INTO app_user (id, username, display_name, password_hash, created_us) VALUES (7, 'kept', 'K', 'x', 1)"))
    assert current_version(engine) == 2
    assert migrate(engine) == CURRENT_VERSION
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == f"{CURRENT_VERSION:04d}"
        assert conn.execute(text("SELECT version FROM schema_version")).scalar_one() == CURRENT_VERSION  # old servers refuse it
        assert conn.execute(text("SELECT username FROM app_user WHERE id = 7")).scalar_one() == "kept"
        assert inspect(conn).has_table("entry_tombstone")
    engine.dispose()


def test_unknown_alembic_revision_is_refused(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'future2.sqlite3'}"
    engine = make_engine(url)
    migrate(engine)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0099'"))
    engine.dispose()
    assert _run_cli("--db", url, "--port", str(free_port()), "--data-dir", str(tmp_path)) == 2
    assert "newer" in capsys.readouterr().err
