"""Start a sync server as a child process on loopback and wait until it answers.

Used by tools that need a throwaway server (the client benchmark, the screenshot script), so that
each of them does not grow its own copy of the start-and-poll loop.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import httpx

#: Cheap argon2 settings for throwaway servers: hashing cost is not what these tools measure.
FAST_HASHING = ("--argon2-memory-kib", "1024", "--argon2-time-cost", "1")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def running_server(
    work: Path, *, extra_args: Sequence[str] = (), start_timeout_s: float = 60.0
) -> Iterator[str]:
    """Yield the base URL of a SQLite-backed server kept in ``work``; stop it on exit."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    cmd = [sys.executable, "-m", "diary_app", "sync-server", "--db", f"sqlite:///{work / 'server.sqlite3'}",
           "--port", str(port), "--data-dir", str(work / "server"), *extra_args]
    server = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + start_timeout_s
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"the sync server exited with status {server.returncode} before answering")
            try:
                if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"the sync server did not answer on {url} within {start_timeout_s:.0f} s")
            time.sleep(0.1)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
