"""Fixtures for the sync-server tests: real server processes on SQLite and PostgreSQL.

``live_server`` starts ``diary-app sync-server`` as a subprocess on a free loopback port and waits
for ``/healthz``; ``pg_url`` starts a throwaway PostgreSQL cluster once per session (skips when the
PostgreSQL binaries are missing, or uses ``SOUND_DIARY_TEST_PG_URL`` when set). Test modules import
the fixtures they need from here (``from sync_fixtures import ...``).
"""

from __future__ import annotations

import glob
import io
import itertools
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import httpx
import numpy as np
import pytest
import soundfile as sf

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"
FAST_HASH = ["--argon2-memory-kib", "1024", "--argon2-time-cost", "1"]  # test speed only
_names = itertools.count()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --------------------------------------------------------------------------- PostgreSQL


def _pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


@dataclass
class PgCluster:
    admin_url: str  # postgresql+psycopg://postgres@127.0.0.1:PORT/postgres
    _count: itertools.count = field(default_factory=itertools.count)

    def new_database(self) -> str:
        """A fresh, empty database per server, so tests never see each other's rows."""
        import psycopg

        name = f"sd_test_{os.getpid()}_{next(self._count)}"
        with psycopg.connect(self.admin_url.replace("+psycopg", ""), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.admin_url.rsplit("/", 1)[0] + "/" + name


_CLUSTER: dict[str, object] = {}  # "cluster" -> PgCluster, or "skip" -> reason


def _start_cluster(config) -> PgCluster:
    """Start the throwaway cluster once per test run; ``config.add_cleanup`` stops it at the end.

    Not a plain session fixture on purpose: pytest tore a session fixture requested through
    ``getfixturevalue`` down and up again whenever the parametrised server fixture switched
    database kind, which cost an initdb each time.
    """
    if "cluster" in _CLUSTER:
        return _CLUSTER["cluster"]
    if "skip" in _CLUSTER:
        pytest.skip(_CLUSTER["skip"])
    override = os.environ.get("SOUND_DIARY_TEST_PG_URL")
    if override:
        _CLUSTER["cluster"] = PgCluster(override)
        return _CLUSTER["cluster"]
    bindir = _pg_bin()
    if bindir is None:
        _CLUSTER["skip"] = "PostgreSQL binaries not found (apt install postgresql)"
        pytest.skip(_CLUSTER["skip"])
    tmp = Path(tempfile.mkdtemp(prefix="sd_pg_"))
    data = tmp / "data"
    port = free_port()
    as_root = os.geteuid() == 0

    def sh(cmd: str) -> subprocess.CompletedProcess:
        full = ["su", "postgres", "-c", cmd] if as_root else ["bash", "-c", cmd]
        return subprocess.run(full, capture_output=True, text=True, timeout=60)

    if as_root:
        shutil.chown(tmp, "postgres", "postgres")
    r = sh(f"{bindir}/initdb -D {data} -U postgres -A trust --no-sync -E UTF8 --locale=C")
    if r.returncode:
        _CLUSTER["skip"] = f"initdb failed: {r.stderr.strip()[:300]}"
        pytest.skip(_CLUSTER["skip"])
    r = sh(
        f"{bindir}/pg_ctl -D {data} -l {tmp}/log -w -t 30 -o "
        f"'-p {port} -k {tmp} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off "
        f"-c full_page_writes=off -c max_connections=200' start"
    )
    if r.returncode:
        _CLUSTER["skip"] = f"pg_ctl start failed: {r.stderr.strip()[:300]}"
        pytest.skip(_CLUSTER["skip"])

    def stop() -> None:
        sh(f"{bindir}/pg_ctl -D {data} -m immediate -w stop")
        shutil.rmtree(tmp, ignore_errors=True)
        _CLUSTER.clear()

    config.add_cleanup(stop)
    _CLUSTER["cluster"] = PgCluster(f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres")
    return _CLUSTER["cluster"]


@pytest.fixture(scope="session")
def pg_cluster(request) -> PgCluster:
    """The throwaway PostgreSQL cluster (skips when PostgreSQL is not installed)."""
    return _start_cluster(request.config)


@pytest.fixture(scope="session")
def pg_url(pg_cluster) -> str:
    """A fresh PostgreSQL database URL (session-wide)."""
    return pg_cluster.new_database()


# --------------------------------------------------------------------------- server process


class ServerProcess:
    def __init__(self, db_url: str, data_dir: Path, extra: list[str] | None = None, preexec=None) -> None:
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.data_dir = data_dir
        self.log_path = data_dir / "server.log"
        cmd = [sys.executable, "-m", "diary_app", "sync-server", "--db", db_url, "--host", "127.0.0.1",
               "--port", str(self.port), "--data-dir", str(data_dir), *FAST_HASH, *(extra or [])]
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(cmd, cwd=ROOT, stdout=self._log, stderr=subprocess.STDOUT, preexec_fn=preexec)
        deadline = time.monotonic() + 180  # a start took over 60 s once on the shared, loaded machine
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"sync server exited with {self.proc.returncode}:\n{self.log()}")
            try:
                if httpx.get(self.base_url + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"sync server did not come up:\n{self.log()}")
            time.sleep(0.1)

    def log(self) -> str:
        if not self._log.closed:
            self._log.flush()
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log.close()


def _db_url(kind: str, request, tmp: Path) -> str:
    if kind == "sqlite":
        return f"sqlite:///{tmp / 'sync.sqlite3'}"
    return _start_cluster(request.config).new_database()


DB_KINDS = [pytest.param("sqlite", id="sqlite"), pytest.param("postgres", id="postgres", marks=pytest.mark.postgres)]


def start_server(kind: str, request, tmp_path_factory, extra: list[str] | None = None, preexec=None) -> ServerProcess:
    tmp = tmp_path_factory.mktemp(f"server_{kind}")
    return ServerProcess(_db_url(kind, request, tmp), tmp, extra, preexec)


_SHARED_SERVERS: dict[str, ServerProcess] = {}


@pytest.fixture(scope="module", params=DB_KINDS)
def live_server(request, tmp_path_factory):
    """The sync server as a real subprocess on SQLite or PostgreSQL, shared by all test modules.

    Started once per database kind per run (tests sign up accounts with unique names), because a
    start costs seconds on a loaded machine and pytest runs modules one after another. After each
    module the server log is checked: a traceback means some request hit a 500.
    The upload limit is lowered to 1 MB so the over-size test sends little data.
    """
    kind = request.param
    server = _SHARED_SERVERS.get(kind)
    if server is None or server.proc.poll() is not None:
        server = start_server(kind, request, tmp_path_factory, ["--max-upload-mb", "1"])
        server.kind = kind
        _SHARED_SERVERS[kind] = server
        request.config.add_cleanup(server.stop)
    yield server
    if any(line.startswith("Traceback") for line in server.log().splitlines()):
        pytest.fail(f"the server logged a traceback (a 500?):\n{server.log()[-4000:]}")


# --------------------------------------------------------------------------- API helpers


@dataclass
class Account:
    username: str
    password: str
    token: str
    id: int
    client: httpx.Client

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def get(self, path: str, **kw) -> httpx.Response:
        return self.client.get(path, headers=self.headers, **kw)

    def post(self, path: str, **kw) -> httpx.Response:
        return self.client.post(path, headers=self.headers, **kw)

    def put(self, path: str, **kw) -> httpx.Response:
        return self.client.put(path, headers=self.headers, **kw)

    def delete(self, path: str, **kw) -> httpx.Response:
        return self.client.delete(path, headers=self.headers, **kw)


def unique_name(prefix: str = "u") -> str:
    return f"{prefix}{os.getpid() % 10000}_{next(_names)}"


def signup_login(client: httpx.Client, prefix: str = "u", display: str | None = None) -> Account:
    name = unique_name(prefix)
    password = "correct horse " + name
    r = client.post("/auth/signup", json={"username": name, "display_name": display or name.title(), "password": password})
    assert r.status_code == 201, r.text
    r = client.post("/auth/login", json={"username": name, "password": password})
    assert r.status_code == 200, r.text
    body = r.json()
    return Account(name, password, body["access_token"], body["user"]["id"], client)


def befriend(a: Account, b: Account) -> None:
    r = a.post("/friends/requests", json={"username": b.username})
    assert r.status_code == 201, r.text
    r = b.post(f"/friends/requests/{r.json()['id']}/accept")
    assert r.status_code == 200 and r.json()["status"] == "accepted", r.text


def meta(emotion: str = "happy", created_at: datetime | None = None, **extra) -> str:
    import json

    when = created_at or datetime.now(UTC)
    return json.dumps({"emotion": emotion, "created_at": when.isoformat(), "duration_s": 1.5, "note": "test", **extra})


def upload(account: Account, audio: bytes, entry_id: str | None = None, filename: str = "clip.flac", **meta_kw) -> httpx.Response:
    entry_id = entry_id or str(uuid.uuid4())
    return account.put(f"/entries/{entry_id}", data={"meta": meta(**meta_kw)}, files={"audio": (filename, audio, "audio/flac")})


def real_audio_bytes(fmt: str = "FLAC", seconds: float = 0.5) -> bytes:
    """A short real recording (EmoDB speech) re-encoded; a synthetic tone when the data is absent."""
    manifest = SHARED_DATA / "emodb" / "manifest.csv"
    clip = None
    if manifest.is_file():
        with open(manifest, encoding="utf-8") as fh:
            fh.readline()
            clip = SHARED_DATA / "emodb" / fh.readline().split(",")[0]
    if clip is not None and clip.is_file():
        audio, sr = sf.read(str(clip), dtype="float32", frames=int(16000 * seconds * 3))
        audio = np.resize(audio, (int(sr * seconds),) + audio.shape[1:])  # repeat a short clip to length
    else:
        sr = 16000
        audio = (0.2 * np.sin(2 * np.pi * 440 * np.arange(int(sr * seconds)) / sr)).astype("float32")
    buf = io.BytesIO()
    sf.write(buf, audio, sr, format=fmt)
    return buf.getvalue()


API = "/v1"  # the API version prefix (diary_app.sync.contract.API_PREFIX)


def api_client(base_url: str, **kw) -> httpx.Client:
    """An httpx client for the versioned API of the server at ``base_url``."""
    return httpx.Client(base_url=base_url + API, timeout=kw.pop("timeout", 20), **kw)


@pytest.fixture(scope="module")
def client(live_server):
    with api_client(live_server.base_url) as c:
        yield c


@pytest.fixture(scope="module")
def flac() -> bytes:
    return real_audio_bytes("FLAC")
