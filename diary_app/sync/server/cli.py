"""``diary-app sync-server``: run the friends sync server with uvicorn.

Migrates the database once, then starts uvicorn (uvloop + httptools when installed). With
``--workers N`` uvicorn starts N processes from an import string, so the settings travel to them
as ``SOUND_DIARY_SYNC_*`` environment variables (pydantic-settings reads them back).
"""

from __future__ import annotations

import argparse
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
    parser.add_argument("--login-limit-pair", type=int, default=5,
                        help="failed logins on one account from one address before each next one waits longer")
    parser.add_argument("--login-limit-account", type=int, default=5,
                        help="the same for one account, from addresses it never signed in from")
    parser.add_argument("--login-limit-address", type=int, default=20,
                        help="the same for one address, over accounts it never signed in to")
    parser.add_argument("--login-window", type=int, default=900, metavar="SECONDS",
                        help="how long a failed login is remembered (default 900)")
    parser.add_argument("--login-delay", type=float, default=1.0, metavar="SECONDS",
                        help="first wait past an allowance; it doubles with each further failure")
    parser.add_argument("--login-max-delay", type=float, default=300.0, metavar="SECONDS", help="longest wait (default 300)")
    parser.add_argument("--token-cache-ttl", type=float, default=5.0, metavar="SECONDS",
                        help="per-process cache of validated tokens (0 disables)")
    parser.add_argument("--header-timeout", type=float, default=10.0, metavar="SECONDS",
                        help="a request's headers must arrive within this (slow clients are cut off)")
    parser.add_argument("--body-timeout", type=float, default=30.0, metavar="SECONDS",
                        help="longest silence while a request body arrives")
    parser.add_argument("--max-connections-per-address", type=int, default=64, metavar="N",
                        help="open connections from one client address (0: no limit; use 0 behind a reverse proxy)")
    parser.add_argument("--limit-concurrency", type=int, default=1000, metavar="N",
                        help="past N open connections or running requests, answer 503 (uvicorn)")
    parser.add_argument("--keep-alive", type=int, default=5, metavar="SECONDS", help="idle keep-alive connections close after this")
    parser.add_argument("--argon2-memory-kib", type=int, default=65536, help=argparse.SUPPRESS)
    parser.add_argument("--argon2-time-cost", type=int, default=3, help=argparse.SUPPRESS)
    parser.add_argument("--loop", default="auto", choices=["auto", "asyncio", "uvloop"], help="event loop (auto: uvloop if installed)")
    parser.add_argument("--http", default="auto", choices=["auto", "h11", "httptools"], help="HTTP parser (auto: httptools if installed)")
    parser.add_argument("--log-level", default="warning", choices=["critical", "error", "warning", "info", "debug"])
    parser.add_argument("--access-log", action="store_true", help="log every request")


def run(args: argparse.Namespace) -> int:
    import uvicorn

    from diary_app.sync.server.db import make_engine
    from diary_app.sync.server.migrations import SchemaTooNewError, migrate
    from diary_app.sync.server.settings import ServerSettings

    config = ServerSettings(
        db_url=args.db,
        data_dir=args.data_dir,
        token_lifetime_s=args.token_lifetime,
        max_upload_bytes=int(args.max_upload_mb * 1024 * 1024),
        login_fail_limit_pair=args.login_limit_pair,
        login_fail_limit_account=args.login_limit_account,
        login_fail_limit_address=args.login_limit_address,
        login_fail_window_s=args.login_window,
        login_base_delay_s=args.login_delay,
        login_max_delay_s=args.login_max_delay,
        token_cache_ttl_s=args.token_cache_ttl,
        header_timeout_s=args.header_timeout,
        body_timeout_s=args.body_timeout,
        max_connections_per_address=args.max_connections_per_address,
        limit_concurrency=args.limit_concurrency,
        keep_alive_s=args.keep_alive,
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
    from diary_app.sync.server.guard import protocol_class
    from diary_app.sync.server.storage import sweep_leftovers

    sweep_leftovers(config.audio_dir())  # temporary uploads of a killed server; no worker runs yet
    _raise_open_file_limit()
    config.export_to_env()
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
        http=protocol_class(args.http),
        limit_concurrency=config.limit_concurrency or None,
        timeout_keep_alive=config.keep_alive_s,
    )
    return 0


def _raise_open_file_limit() -> None:
    """Soft open-file limit up to the hard one: 1,024 sockets is too few to ride out a flood."""
    try:
        import resource
    except ImportError:  # Windows
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = hard if hard != resource.RLIM_INFINITY else max(soft, 65536)
    if soft < target:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        except (ValueError, OSError):
            pass
