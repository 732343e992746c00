"""The FastAPI application factory.

``create_app(config)`` builds a ready app (engine, migrations, routes, JSON error handlers);
``app_from_env()`` is the factory uvicorn workers import, reading the config the CLI put in the
environment (the CLI has already migrated the database, so workers do not race on it).
"""

from __future__ import annotations

from contextlib import asynccontextmanager

from fastapi import FastAPI

from diary_app import __version__
from diary_app.sync.server.config import ServerConfig
from diary_app.sync.server.db import make_engine
from diary_app.sync.server.errors import install_error_handlers
from diary_app.sync.server.limits import BodySizeLimit
from diary_app.sync.server.migrations import migrate as run_migrations
from diary_app.sync.server.openapi import install_openapi
from diary_app.sync.server.routes import auth, entries, feed, friends, likes, notifications, users
from diary_app.sync.server.schemas import Health
from diary_app.sync.server.security import LoginRateLimiter, Passwords, TokenCache
from diary_app.sync.server.state import ServerState

DESCRIPTION = """The optional Sound Diary sync server for a group of friends.

Only entries a user marked public are ever uploaded. Everything but sign-up, login and
`/healthz` needs `Authorization: Bearer <token>` from `POST /auth/login`. Errors are
`{"detail": "<message>"}` with a 4xx status."""


def create_app(config: ServerConfig | None = None, migrate: bool = True) -> FastAPI:
    config = config or ServerConfig()
    engine = make_engine(config.resolved_db_url(), pool_size=config.db_pool_size)
    if migrate:
        run_migrations(engine)
    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        yield
        engine.dispose()

    app = FastAPI(
        lifespan=lifespan,
        title="Sound Diary sync server",
        version=__version__,
        description=DESCRIPTION,
    )
    app.add_middleware(BodySizeLimit, max_upload_bytes=config.max_upload_bytes)
    app.state.server = ServerState(
        config=config,
        engine=engine,
        passwords=Passwords(config.argon2_time_cost, config.argon2_memory_kib),
        tokens=TokenCache(config.token_cache_ttl_s),
        limiter=LoginRateLimiter(
            config.login_fail_limit_account, config.login_fail_limit_address, config.login_fail_window_s,
            limit_pair=config.login_fail_limit_pair, base_delay_s=config.login_base_delay_s,
            max_delay_s=config.login_max_delay_s,
        ),
        audio_dir=config.audio_dir(),
    )
    install_error_handlers(app)
    install_openapi(app)

    @app.get("/healthz", response_model=Health, tags=["meta"])
    async def healthz() -> dict:
        return {"status": "ok"}

    for router in (  # the feed first: it is the hot path, and routes are matched in order
        feed.router, auth.router, users.router, friends.router, entries.make_router(config.max_upload_bytes),
        likes.router, notifications.router,
    ):
        app.include_router(router)

    return app


def app_from_env() -> FastAPI:
    from diary_app.sync.server import guard

    config = ServerConfig.from_env()
    guard.configure(config.header_timeout_s, config.body_timeout_s, config.max_connections_per_address)
    return create_app(config, migrate=False)
