#!/usr/bin/env python
"""Load benchmark of the sync server's feed on loopback: throughput and p50/p99 latency.

Seeds N users, each with F mutual friends and E shared entries (straight into the database, so
seeding takes seconds), starts ``diary-app sync-server`` as a subprocess, then drives
``GET /v1/feed?limit=20`` with many different users' tokens for a bounded time (and, with the
Python generator, a bounded count). Load comes from ``wrk`` (C, light: the generator shares the
CPU with the server) when installed, else from an asyncio httpx client.

    .venv/bin/python benchmarks/bench_sync.py --db sqlite --users 200 --friends 20 \\
        --entries-per-user 50 --duration 20 --concurrency 32 --workers 1,2
    .venv/bin/python benchmarks/bench_sync.py --db postgres --workers 1,2   # throwaway cluster

``--db`` is ``sqlite``, ``postgres`` (starts a throwaway PostgreSQL 15 cluster on loopback) or a
full database URL. Results are printed and, with ``--json``, written to a file.
"""

from __future__ import annotations

import argparse
import asyncio
import glob
import json
import os
import random
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

EMOTIONS = ("neutral", "happy", "sad", "angry", "surprise", "fear")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ----------------------------------------------------------------------------- databases


class ThrowawayPostgres:
    """initdb + pg_ctl in a temp folder (as the postgres user when run as root)."""

    def __init__(self) -> None:
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        if not found and not shutil.which("initdb"):
            raise SystemExit("PostgreSQL binaries not found (apt install postgresql) - or pass --db postgresql://...")
        self.bindir = Path(found[-1]).parent if found else Path(shutil.which("initdb")).parent
        self.tmp = Path(tempfile.mkdtemp(prefix="sd_bench_pg_"))
        self.port = free_port()
        self.as_root = os.geteuid() == 0
        if self.as_root:
            shutil.chown(self.tmp, "postgres", "postgres")
        self._sh(f"{self.bindir}/initdb -D {self.tmp}/data -U postgres -A trust --no-sync -E UTF8 --locale=C")
        # durability settings are the stock ones except fsync (a benchmark on a throwaway cluster)
        self._sh(f"{self.bindir}/pg_ctl -D {self.tmp}/data -l {self.tmp}/log -w -t 60 -o "
                 f"'-p {self.port} -k {self.tmp} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200' start")
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _sh(self, cmd: str) -> None:
        full = ["su", "postgres", "-c", cmd] if self.as_root else ["bash", "-c", cmd]
        r = subprocess.run(full, capture_output=True, text=True, timeout=120)
        if r.returncode:
            raise SystemExit(f"PostgreSQL command failed: {cmd}\n{r.stderr}")

    def stop(self) -> None:
        try:
            self._sh(f"{self.bindir}/pg_ctl -D {self.tmp}/data -m immediate -w stop")
        finally:
            shutil.rmtree(self.tmp, ignore_errors=True)


def seed(db_url: str, users: int, friends: int, entries_per_user: int, rng: random.Random) -> list[str]:
    """Fill an empty database; returns one bearer token per user."""
    from sqlalchemy import insert

    from diary_app.sync.server.db import make_engine
    from diary_app.sync.server.migrations import migrate
    from diary_app.sync.server.models import ENTRY, FRIENDSHIP, LIKE, TOKEN, USER
    from diary_app.sync.server.security import Passwords, token_hash

    engine = make_engine(db_url)
    migrate(engine)
    pw = Passwords(time_cost=1, memory_kib=1024).hash("bench-password")
    now = time.time_ns() // 1000
    tokens = [secrets.token_urlsafe(32) for _ in range(users)]
    half = max(1, friends // 2)
    pairs = {(i, (i + k) % users) for i in range(users) for k in range(1, half + 1) if users > 1}
    entry_rows, like_rows = [], []
    for u in range(users):
        for _ in range(entries_per_user):
            eid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
            entry_rows.append(dict(
                id=eid, owner_id=u + 1, emotion=rng.choice(EMOTIONS), created_us=now - rng.randrange(60 * 86400 * 10**6),
                duration_s=round(rng.uniform(2, 30), 1), note=rng.choice([None, "bus home", "rainy park", "a long day"]),
                latitude=None, longitude=None, place_name=None, audio_file=f"{eid}.flac", audio_mime="audio/flac",
                audio_bytes=50_000, uploaded_us=now, updated_us=now, like_count=0,
            ))
    for row in rng.sample(entry_rows, len(entry_rows) // 5):
        liker = rng.randrange(users) + 1
        like_rows.append(dict(entry_id=row["id"], user_id=liker, created_us=now))
        row["like_count"] = 1
    with engine.begin() as conn:
        conn.execute(insert(USER), [dict(id=i + 1, username=f"user{i:04d}", display_name=f"User {i}", password_hash=pw, created_us=now) for i in range(users)])
        conn.execute(insert(TOKEN), [dict(token_hash=token_hash(t), user_id=i + 1, created_us=now, expires_us=now + 86400 * 10**6) for i, t in enumerate(tokens)])
        fr = set()
        for a, b in pairs:
            if a != b:
                fr.add((a + 1, b + 1))
                fr.add((b + 1, a + 1))
        conn.execute(insert(FRIENDSHIP), [dict(user_id=a, friend_id=b, created_us=now) for a, b in sorted(fr)])
        for i in range(0, len(entry_rows), 2000):
            conn.execute(insert(ENTRY), entry_rows[i:i + 2000])
        conn.execute(insert(LIKE), like_rows)
        if engine.dialect.name == "postgresql":
            from sqlalchemy import text

            conn.execute(text("SELECT setval('app_user_id_seq', :n)"), {"n": users})
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            from sqlalchemy import text

            conn.execute(text("VACUUM ANALYZE"))
    else:
        with engine.begin() as conn:
            from sqlalchemy import text

            conn.execute(text("ANALYZE"))
    engine.dispose()
    return tokens


# ----------------------------------------------------------------------------- CPU accounting


def _proc_stats() -> dict[int, tuple[int, float]]:
    """pid -> (parent pid, CPU seconds of it and of its exited, reaped children) for every process."""
    tick = os.sysconf("SC_CLK_TCK")
    out = {}
    for stat in glob.glob("/proc/[0-9]*/stat"):
        try:
            raw = Path(stat).read_text()
        except OSError:
            continue
        fields = raw[raw.rindex(")") + 2:].split()
        out[int(stat.split("/")[2])] = (int(fields[1]), sum(int(x) for x in fields[11:15]) / tick)
    return out


def tree_cpu_s(root: int) -> float:
    """CPU seconds used so far by ``root`` and all its live descendants (load-independent cost)."""
    stats = _proc_stats()
    total, todo = 0.0, [root]
    while todo:
        pid = todo.pop()
        if pid in stats:
            total += stats[pid][1]
        todo += [c for c, (ppid, _) in stats.items() if ppid == pid]
    return total


def postmaster_pid(pg: ThrowawayPostgres | None) -> int | None:
    if pg is None:
        return None
    try:
        return int((pg.tmp / "data" / "postmaster.pid").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


# ----------------------------------------------------------------------------- server


class Server:
    def __init__(self, db_url: str, data_dir: Path, workers: int, extra: list[str]) -> None:
        import httpx

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(data_dir / f"server_{self.port}.log", "wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "diary_app", "sync-server", "--db", db_url, "--port", str(self.port),
             "--data-dir", str(data_dir), "--workers", str(workers), *extra],
            cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"server exited: {Path(self.log.name).read_text()}")
            try:
                if httpx.get(self.url + "/healthz", timeout=1).status_code == 200:
                    time.sleep(0.5 * workers)  # let every worker finish starting
                    return
            except httpx.HTTPError:
                time.sleep(0.2)
        raise SystemExit("server did not start in 120 s")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


# ----------------------------------------------------------------------------- load generators


@dataclass
class Result:
    db: str
    workers: int
    tool: str
    concurrency: int
    duration_s: float
    requests: int
    errors: int
    throughput_rps: float
    p50_ms: float
    p99_ms: float
    server_cpu_ms_per_request: float  # app processes' CPU time / requests: independent of other load
    db_cpu_ms_per_request: float | None  # PostgreSQL backends' CPU time / requests
    load_before: str
    path: str


LUA = """
local tokens = {%s}
local i = math.random(#tokens)
request = function()
  i = i %% #tokens + 1
  return wrk.format("GET", "%s", {["Authorization"] = "Bearer " .. tokens[i]})
end
"""


def _ms(value: str) -> float:
    m = re.match(r"([\d.]+)(us|ms|s|m)", value)
    if not m:
        return float("nan")
    return float(m[1]) * {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 6e4}[m[2]]


def run_wrk(url: str, tokens: list[str], concurrency: int, duration: int, threads: int, path: str) -> tuple[int, int, float, float, float]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as fh:
        fh.write(LUA % (",".join(f'"{t}"' for t in tokens), path))
        script = fh.name
    try:
        out = subprocess.run(
            ["wrk", f"-t{threads}", f"-c{concurrency}", f"-d{duration}s", "--latency", "--timeout", "5s", "-s", script, url],
            capture_output=True, text=True, timeout=duration + 60,
        ).stdout
    finally:
        os.unlink(script)
    requests = int(re.search(r"(\d+) requests in", out)[1])
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1])
    p50 = _ms(re.search(r"50%\s+(\S+)", out)[1])
    p99 = _ms(re.search(r"99%\s+(\S+)", out)[1])
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    errors = (int(non2xx[1]) if non2xx else 0) + (sum(int(x) for x in sock.groups()) if sock else 0)
    return requests, errors, rps, p50, p99


async def _httpx_load(url: str, tokens: list[str], concurrency: int, duration: float, max_requests: int, path: str):
    import httpx

    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + duration
    counter = iter(range(max_requests))
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=10) as client:
        async def worker(k: int) -> None:
            nonlocal errors
            i = k
            while time.perf_counter() < deadline and next(counter, None) is not None:
                i = (i + concurrency) % len(tokens)
                t0 = time.perf_counter()
                try:
                    r = await client.get(path, headers={"Authorization": f"Bearer {tokens[i]}"})
                    ok = r.status_code == 200
                except httpx.HTTPError:
                    ok = False
                latencies.append(time.perf_counter() - t0)
                errors += not ok

        t_start = time.perf_counter()
        await asyncio.gather(*(worker(k) for k in range(concurrency)))
        elapsed = time.perf_counter() - t_start
    return latencies, errors, elapsed


def run_httpx(url: str, tokens: list[str], concurrency: int, duration: int, max_requests: int, path: str):
    latencies, errors, elapsed = asyncio.run(_httpx_load(url, tokens, concurrency, duration, max_requests, path))
    q = statistics.quantiles(latencies, n=100)
    return len(latencies), errors, len(latencies) / elapsed, q[49] * 1e3, q[98] * 1e3


# ----------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--db", default="sqlite", help="sqlite | postgres | a database URL")
    p.add_argument("--users", type=int, default=200)
    p.add_argument("--friends", type=int, default=20)
    p.add_argument("--entries-per-user", type=int, default=50)
    p.add_argument("--duration", type=int, default=20, help="seconds of load per run (max 120)")
    p.add_argument("--concurrency", type=int, default=32)
    p.add_argument("--workers", default="1", help="server worker counts to try, e.g. 1,2")
    p.add_argument("--tool", choices=["auto", "wrk", "httpx"], default="auto")
    p.add_argument("--wrk-threads", type=int, default=1)
    p.add_argument("--max-requests", type=int, default=200_000, help="cap for the httpx generator")
    p.add_argument("--warmup", type=int, default=3, help="seconds of unmeasured load first")
    p.add_argument("--server-args", default="", help="extra sync-server flags, e.g. '--token-cache-ttl 0 --http h11'")
    p.add_argument("--path", default="/v1/feed?limit=20", help="what to request (compare with /healthz or /v1/me)")
    p.add_argument("--json", type=Path, help="write the results here")
    p.add_argument("--seed", type=int, default=7)
    args = p.parse_args(argv)
    args.duration = max(1, min(args.duration, 120))
    tool = args.tool if args.tool != "auto" else ("wrk" if shutil.which("wrk") else "httpx")
    rng = random.Random(args.seed)

    tmp = Path(tempfile.mkdtemp(prefix="sd_bench_"))
    pg = None
    try:
        if args.db == "sqlite":
            db_url, kind = f"sqlite:///{tmp / 'bench.sqlite3'}", "sqlite"
        elif args.db == "postgres":
            pg = ThrowawayPostgres()
            db_url, kind = pg.url, "postgres"
        else:
            db_url, kind = args.db, args.db.split(":", 1)[0]
        t0 = time.perf_counter()
        tokens = seed(db_url, args.users, args.friends, args.entries_per_user, rng)
        print(f"seeded {args.users} users, {args.friends} friends each, {args.users * args.entries_per_user} entries "
              f"in {time.perf_counter() - t0:.1f} s ({kind})", flush=True)
        results = []
        for workers in [int(w) for w in args.workers.split(",")]:
            server = Server(db_url, tmp, workers, args.server_args.split())
            try:
                import httpx

                check = httpx.get(server.url + "/v1/feed", headers={"Authorization": f"Bearer {tokens[0]}"}, timeout=10).json()
                assert len(check["items"]) == 20 and check["next_cursor"], check
                def load_once(seconds: int):
                    if tool == "wrk":
                        return run_wrk(server.url, tokens, args.concurrency, seconds, args.wrk_threads, args.path)
                    return run_httpx(server.url, tokens, args.concurrency, seconds, args.max_requests, args.path)

                if args.warmup:
                    load_once(args.warmup)
                load = os.getloadavg()[0]
                pm = postmaster_pid(pg)
                cpu0, db0 = tree_cpu_s(server.proc.pid), (tree_cpu_s(pm) if pm else None)
                n, err, rps, p50, p99 = load_once(args.duration)
                cpu = (tree_cpu_s(server.proc.pid) - cpu0) * 1e3 / max(n, 1)
                db_cpu = (tree_cpu_s(pm) - db0) * 1e3 / max(n, 1) if pm else None
            finally:
                server.stop()
            r = Result(kind, workers, tool, args.concurrency, args.duration, n, err, round(rps, 1), round(p50, 2), round(p99, 2),
                       round(cpu, 3), round(db_cpu, 3) if db_cpu is not None else None, f"{load:.2f}", args.path)
            results.append(r)
            db_note = f" + db {db_cpu:.3f}" if db_cpu is not None else ""
            print(f"{kind:8s} workers={workers} {tool} {args.path}: {rps:8.1f} req/s  p50 {p50:6.2f} ms  p99 {p99:6.2f} ms  "
                  f"server CPU {cpu:.3f}{db_note} ms/req  ({n} requests, {err} errors, load avg before {load:.2f})", flush=True)
        if args.json:
            args.json.write_text(json.dumps([asdict(r) for r in results], indent=2))
    finally:
        if pg:
            pg.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
