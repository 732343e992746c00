#!/usr/bin/env python
"""Slow-client check by hand (issue 15 item 10): 300 half-sent requests, then a normal one.

Starts ``diary-app sync-server`` from the code in ROOT with only 256 open files, opens 300
connections from 127.0.0.2 that each send half a request header and stop, then asks
``/healthz`` from 127.0.0.1 at once and 3 s later.

    .venv/bin/python benchmarks/slow_clients.py [ROOT] [extra sync-server flags]
"""

import os
import resource
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = sys.argv[1] if len(sys.argv) > 1 else str(Path(__file__).resolve().parents[1])


def _low() -> None:
    resource.setrlimit(resource.RLIMIT_NOFILE, (256, 256))


def main() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    tmp = tempfile.mkdtemp()
    server = subprocess.Popen(
        [sys.executable, "-m", "diary_app", "sync-server", "--db", f"sqlite:///{tmp}/s.db", "--port", str(port),
         "--data-dir", tmp, "--argon2-memory-kib", "1024", "--argon2-time-cost", "1", *sys.argv[2:]],
        cwd=ROOT, env={**os.environ, "PYTHONPATH": ROOT}, preexec_fn=_low, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(150):
            try:
                httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.2)
        socks = []
        for _ in range(300):
            try:
                s = socket.create_connection(("127.0.0.1", port), timeout=2, source_address=("127.0.0.2", 0))
                s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ")
                socks.append(s)
            except OSError:
                pass
        for label, pause in (("at once", 0), ("3 s later", 3)):
            time.sleep(pause)
            start = time.monotonic()
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=10)
                print(f"/healthz {label}: {r.status_code} in {time.monotonic() - start:.2f} s")
            except httpx.HTTPError as exc:
                print(f"/healthz {label}: failed ({type(exc).__name__}) after {time.monotonic() - start:.2f} s")
    finally:
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    main()
