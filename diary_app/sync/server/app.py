"""The FastAPI application factory.

``create_app(settings)`` builds a ready app (engine, migrations, routes under ``/v1``, JSON error
handlers, the corrected OpenAPI document); ``app_from_env()`` is the factory uvicorn workers
import, reading the settings the CLI exported (the CLI has already migrated the database, so
workers do not race on it). ``/healthz`` stays unversioned: it tells any client which API
version and server version it is talking to.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.responses import RedirectResponse

from diary_app import __version__
from diary_app.sync.contract import API_PREFIX, API_VERSION, Health
from diary_app.sync.server.db import make_engine
from diary_app.sync.server.errors import install_error_handlers
from diary_app.sync.server.limits import BodySizeLimit
from diary_app.sync.server.migrations import migrate as run_migrations
from diary_app.sync.server.openapi import install_openapi
from diary_app.sync.server.routes import auth, entries, feed, friends, likes, notifications, users
from diary_app.sync.server.security import LoginRateLimiter, Passwords, TokenCache
from diary_app.sync.server.settings import ServerSettings
from diary_app.sync.server.state import ServerState

DESCRIPTION = f"""The optional Sound Diary sync server for a group of friends.

Only entries a user marked public are ever uploaded. Every route lives under `{API_PREFIX}`;
`GET /healthz` (unversioned) names the server and API version. Everything but sign-up, login and
`/healthz` needs `Authorization: Bearer <token>` from `POST {API_PREFIX}/auth/login`. Errors are
`{{"detail": "<message>"}}` with a 4xx status."""

HEALTH = {"status": "ok", "version": __version__, "api": API_VERSION}


def create_app(settings: ServerSettings | None = None, migrate: bool = True) -> FastAPI:
    settings = settings or ServerSettings()
    engine = make_engine(settings.resolved_db_url(), pool_size=settings.db_pool_size)
    if migrate:
        run_migrations(engine)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        engine.dispose()

    app = FastAPI(
        lifespan=lifespan, title="Sound Diary sync server", version=__version__, description=DESCRIPTION,
        openapi_url=f"{API_PREFIX}/openapi.json", docs_url=f"{API_PREFIX}/docs", redoc_url=None,
    )
    app.add_middleware(BodySizeLimit, max_upload_bytes=settings.max_upload_bytes)
    app.state.server = ServerState(
        settings=settings,
        engine=engine,
        passwords=Passwords(settings.argon2_time_cost, settings.argon2_memory_kib),
        tokens=TokenCache(settings.token_cache_ttl_s),
        limiter=LoginRateLimiter(
            settings.login_fail_limit_account, settings.login_fail_limit_address, settings.login_fail_window_s,
            limit_pair=settings.login_fail_limit_pair, base_delay_s=settings.login_base_delay_s,
            max_delay_s=settings.login_max_delay_s,
        ),
        audio_dir=settings.audio_dir(),
    )
    install_error_handlers(app)
    install_openapi(app, API_PREFIX)

    @app.get("/healthz", response_model=Health, tags=["meta"])
    async def healthz() -> dict[str, Any]:
        return HEALTH

    @app.get("/docs", include_in_schema=False)
    async def docs() -> RedirectResponse:
        return RedirectResponse(f"{API_PREFIX}/docs")

    api = APIRouter(prefix=API_PREFIX)
    api.add_api_route("/healthz", healthz, methods=["GET"], response_model=Health, tags=["meta"])
    for router in (  # the feed first: it is the hot path, and routes are matched in order
        feed.router, auth.router, users.router, friends.router, entries.router, likes.router, notifications.router,
    ):
        api.include_router(router)
    app.include_router(api)
    return app


def app_from_env() -> FastAPI:
    from diary_app.sync.server import guard

    settings = ServerSettings()
    guard.configure(settings.header_timeout_s, settings.body_timeout_s, settings.max_connections_per_address)
    return create_app(settings, migrate=False)
