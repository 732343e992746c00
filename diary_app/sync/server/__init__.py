"""The optional friends sync server (paper §4.1, §4.4): FastAPI + SQLModel + uvicorn.

Run it with ``diary-app sync-server``. It only ever sees entries a user marked public; private
entries never leave the user's machine. The same code runs on SQLite (a few friends) and
PostgreSQL (larger groups). Build an app in-process with :func:`create_app`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from diary_app.sync.server.settings import ServerSettings

if TYPE_CHECKING:
    from fastapi import FastAPI

__all__ = ["ServerSettings", "create_app"]


def create_app(settings: ServerSettings | None = None) -> FastAPI:  # lazy: importing the package stays cheap
    from diary_app.sync.server.app import create_app as _create

    return _create(settings)
