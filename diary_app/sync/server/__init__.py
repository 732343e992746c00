"""The optional friends sync server (paper §4.1, §4.4): FastAPI + SQLModel + uvicorn.

Run it with ``diary-app sync-server``. It only ever sees entries a user marked public; private
entries never leave the user's machine. The same code runs on SQLite (a few friends) and
PostgreSQL (larger groups). Build an app in-process with :func:`create_app`.
"""

from diary_app.sync.server.settings import ServerSettings

__all__ = ["ServerSettings", "create_app"]


def create_app(settings: ServerSettings | None = None):  # lazy: importing the package stays cheap
    from diary_app.sync.server.app import create_app as _create

    return _create(settings)
