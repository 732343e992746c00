"""Helpers for the sync client tests: a real sync-server subprocess and a recording transport.

Not a test module (no ``test_`` prefix). The server is the real ``diary-app sync-server`` on a free
loopback port with its own SQLite file, exactly as a user would run it.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class ServerProcess:
    url: str
    port: int
    folder: Path
    proc: subprocess.Popen | None = None
    log_path: Path = field(default=None)  # type: ignore[assignment]

    def start(self, timeout_s: float = 60.0) -> ServerProcess:
        server_cli = ROOT / "diary_app" / "sync" / "server" / "cli.py"
        if not server_cli.is_file():
            pytest.skip("the sync server (diary_app/sync/server/cli.py) is not in this tree yet")
        self.folder.mkdir(parents=True, exist_ok=True)
        self.log_path = self.folder / "server.log"
        env = dict(os.environ)
        env["SOUND_DIARY_DATA_DIR"] = str(self.folder / "data")
        env["SOUND_DIARY_CONFIG_DIR"] = str(self.folder / "config")
        cmd = [sys.executable, "-m", "diary_app", "sync-server", "--db", f"sqlite:///{self.folder / 'server.sqlite3'}",
               "--port", str(self.port), "--host", "127.0.0.1", "--data-dir", str(self.folder / "server_data"),
               # cheap password hashing: tests sign up many users on a shared 2-core machine
               "--argon2-memory-kib", "1024", "--argon2-time-cost", "1"]
        extra = os.environ.get("SOUND_DIARY_TEST_SERVER_ARGS")
        if extra:
            cmd += extra.split()
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"sync server exited with {self.proc.returncode}:\n{self.log_path.read_text()[-3000:]}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1.0).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"sync server did not become healthy in {timeout_s}s:\n{self.log_path.read_text()[-3000:]}")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.proc = None


def new_server(folder: Path, port: int | None = None) -> ServerProcess:
    port = port or free_port()
    return ServerProcess(url=f"http://127.0.0.1:{port}", port=port, folder=folder)


def unique_name(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:8]}"


PASSWORD = "correct horse battery"


class RecordingTransport(httpx.BaseTransport):
    """Wraps the REAL transport and keeps a copy of every request that goes out (method, url, body)."""

    def __init__(self, inner: httpx.BaseTransport | None = None) -> None:
        self.inner = inner or httpx.HTTPTransport()
        self.sent: list[tuple[str, str, bytes, dict]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()
        self.sent.append((request.method, str(request.url), body, dict(request.headers)))
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


_shared: ServerProcess | None = None


def shared_server() -> ServerProcess:
    """One server for all the client test modules (each start costs seconds on a loaded machine).

    Tests keep apart by unique usernames. Stopped when the test process exits. Tests that stop or
    restart a server start their own with ``new_server``.
    """
    global _shared
    if _shared is None or _shared.proc is None or _shared.proc.poll() is not None:
        import atexit
        import tempfile

        _shared = new_server(Path(tempfile.mkdtemp(prefix="sd_client_server_"))).start()
        atexit.register(_shared.stop)
    return _shared


def assert_clean_log(server: ServerProcess) -> None:
    """A traceback in the server log means it answered something with a 500."""
    log = server.log_path.read_text(errors="replace")
    assert "Traceback" not in log, log[-3000:]
