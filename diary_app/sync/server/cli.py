"""``diary-app sync-server``: run the friends sync server with uvicorn.

Migrates the database once, then starts uvicorn (uvloop + httptools when installed). With
``--workers N`` uvicorn starts N processes from an import string, so the config travels to them
as JSON in an environment variable.
"""

from __future__ import annotations

import argparse
import os
import sys


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", default="", metavar="URL",
                        help="database URL: sqlite:///path.sqlite3 or postgresql://user@host:port/db "
                             "(default: a SQLite file in the data folder)")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine only)")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--workers", type=int, default=1, help="worker processes (default 1)")
    parser.add_argument("--data-dir", default="", help="folder for the default database and the audio files")
    parser.add_argument("--token-lifetime", type=int, default=30 * 24 * 3600, metavar="SECONDS",
                        help="how long a login token stays valid (default 30 days)")
    parser.add_argument("--max-upload-mb", type=float, default=10.0, help="largest accepted audio file (default 10 MB)")
    parser.add_argument("--login-limit-account", type=int, default=5, help="failed logins per account per window")
    parser.add_argument("--login-limit-address", type=int, default=20, help="failed logins per client address per window")
    parser.add_argument("--login-window", type=int, default=300, metavar="SECONDS", help="rate-limit window (default 300)")
    parser.add_argument("--token-cache-ttl", type=float, default=5.0, metavar="SECONDS",
                        help="per-process cache of validated tokens (0 disables)")
    parser.add_argument("--argon2-memory-kib", type=int, default=65536, help=argparse.SUPPRESS)
    parser.add_argument("--argon2-time-cost", type=int, default=3, help=argparse.SUPPRESS)
    parser.add_argument("--loop", default="auto", choices=["auto", "asyncio", "uvloop"], help="event loop (auto: uvloop if installed)")
    parser.add_argument("--http", default="auto", choices=["auto", "h11", "httptools"], help="HTTP parser (auto: httptools if installed)")
    parser.add_argument("--log-level", default="warning", choices=["critical", "error", "warning", "info", "debug"])
    parser.add_argument("--access-log", action="store_true", help="log every request")


def run(args: argparse.Namespace) -> int:
    import uvicorn

    from diary_app.sync.server.config import CONFIG_ENV, ServerConfig
    from diary_app.sync.server.db import make_engine
    from diary_app.sync.server.migrations import SchemaTooNewError, migrate

    config = ServerConfig(
        db_url=args.db,
        data_dir=args.data_dir,
        token_lifetime_s=args.token_lifetime,
        max_upload_bytes=int(args.max_upload_mb * 1024 * 1024),
        login_fail_limit_account=args.login_limit_account,
        login_fail_limit_address=args.login_limit_address,
        login_fail_window_s=args.login_window,
        token_cache_ttl_s=args.token_cache_ttl,
        argon2_memory_kib=args.argon2_memory_kib,
        argon2_time_cost=args.argon2_time_cost,
    )
    try:
        engine = make_engine(config.resolved_db_url())
        version = migrate(engine)
        engine.dispose()
    except SchemaTooNewError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # unreachable database, bad URL: say so plainly
        print(f"error: cannot open the database {config.resolved_db_url()!r}: {exc}", file=sys.stderr)
        return 2
    os.environ[CONFIG_ENV] = config.to_env()
    print(f"Sound Diary sync server (schema v{version}) on http://{args.host}:{args.port}  docs: /docs", flush=True)
    uvicorn.run(
        "diary_app.sync.server.app:app_from_env",
        factory=True,
        host=args.host,
        port=args.port,
        workers=max(1, args.workers),
        log_level=args.log_level,
        access_log=args.access_log,
        loop=args.loop,
        http=args.http,
    )
    return 0
