"""Schema migrations of the sync server: a version-1 database upgrades to the current schema.

Runs on SQLite and on PostgreSQL. The upgraded database is then served by a real server process.
"""

from __future__ import annotations

import subprocess
import sys

import httpx
import pytest
from sqlalchemy import inspect, text
from sync_fixtures import DB_KINDS, FAST_HASH, ROOT, ServerProcess, free_port, pg_cluster  # noqa: F401

from diary_app.sync.server.db import make_engine
from diary_app.sync.server.migrations import CURRENT_VERSION, current_version, migrate
from diary_app.sync.server.models import server_registry
from diary_app.sync.server.security import token_hash

pytestmark = pytest.mark.timeout(120)
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

    assert migrate(engine) == CURRENT_VERSION == 2
    assert current_version(engine) == 2
    with engine.connect() as conn:
        assert conn.execute(text("SELECT like_count FROM shared_entry")).scalar_one() == 2  # backfilled
    insp = inspect(engine)
    assert "ix_shared_entry_owner_created" in {i["name"] for i in insp.get_indexes("shared_entry")}
    # the upgraded schema has every column the current models use
    for table in server_registry.metadata.sorted_tables:
        have = {c["name"] for c in insp.get_columns(table.name)}
        assert {c.name for c in table.columns} <= have, table.name
    assert migrate(engine) == 2  # idempotent
    engine.dispose()

    server = ServerProcess(db_url, tmp_path)
    try:
        auth = {"Authorization": f"Bearer {TOKEN}"}
        feed = httpx.get(server.base_url + "/feed", headers=auth, timeout=20).json()
        assert [(e["id"], e["like_count"]) for e in feed["items"]] == [("11111111-1111-4111-8111-111111111111", 2)]
        new = httpx.post(server.base_url + "/auth/signup", json={"username": "dave", "display_name": "D", "password": "password1"}, timeout=20)
        assert new.status_code == 201 and new.json()["id"] == 4
    finally:
        server.stop()


def test_newer_schema_is_refused(tmp_path):
    url = f"sqlite:///{tmp_path / 'future.sqlite3'}"
    engine = make_engine(url)
    migrate(engine)
    with engine.begin() as conn:
        conn.execute(text("UPDATE schema_version SET version = 99"))
    engine.dispose()
    r = subprocess.run(
        [sys.executable, "-m", "diary_app", "sync-server", "--db", url, "--port", str(free_port()), *FAST_HASH],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )
    assert r.returncode == 2 and "newer" in r.stderr


def test_unreachable_database_is_a_clear_error():
    r = subprocess.run(
        [sys.executable, "-m", "diary_app", "sync-server", "--db", f"postgresql://nobody@127.0.0.1:{free_port()}/x",
         "--port", str(free_port())],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )
    assert r.returncode == 2 and "cannot open the database" in r.stderr
