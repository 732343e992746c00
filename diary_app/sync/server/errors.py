"""Every error leaves the server as ``{"detail": "<clear message>"}`` with a fitting status.

Validation errors (bad JSON, wrong types, missing fields, bad path parameters) become 422 with a
one-line summary plus a structured ``errors`` list; anything unexpected becomes a JSON 500 (and is
logged) instead of a plain-text page, so the client can always show a message.
"""

from __future__ import annotations

import logging
from collections.abc import MutableMapping, Sequence
from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from diary_app.sync.server.data import DomainError

log = logging.getLogger("diary_app.sync.server")


def json_error(status: int, detail: str, headers: dict[str, str] | None = None, **extra: Any) -> Response:
    return Response(
        orjson.dumps({"detail": detail, **extra}), status_code=status, media_type="application/json", headers=headers
    )


def _loc(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body",)]
    return ".".join(parts) or "body"


def validation_message(errors: Sequence[Any]) -> tuple[str, list[dict[str, Any]]]:
    clean = [{"loc": [str(p) for p in e.get("loc", ())], "msg": str(e.get("msg", "invalid")), "type": str(e.get("type", ""))}
             for e in errors[:20]]  # a 1000-item list of bad ids need not echo 1000 errors
    if any(e["type"] == "json_invalid" for e in clean):
        return "request body is not valid JSON", clean
    text = "; ".join(f"{_loc(tuple(e['loc']))}: {e['msg']}" for e in clean[:5])
    return f"invalid request: {text}", clean


def allowed_methods(app: FastAPI, scope: MutableMapping[str, Any]) -> list[str]:
    """Every method some route serves at this path (one route per method in FastAPI)."""
    methods: set[str] = set()
    for route in app.router.routes:
        match, _ = route.matches({**scope, "method": "\x00"})  # a method no route has: path match only
        if match is not Match.NONE:
            methods |= set(getattr(route, "methods", None) or ())
    if "GET" in methods:
        methods.add("HEAD")
    return sorted(methods)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        headers = getattr(exc, "headers", None)
        if exc.status_code == 405:  # Starlette names only the first matching route's methods
            headers = {**(headers or {}), "Allow": ", ".join(allowed_methods(request.app, request.scope))}
        return json_error(exc.status_code, detail, headers=headers)

    @app.exception_handler(DomainError)
    async def _domain(_request: Request, exc: DomainError) -> Response:
        return json_error(exc.status, str(exc))

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> Response:
        message, errors = validation_message(list(exc.errors()))
        return json_error(422, message, errors=errors)

    @app.exception_handler(DataError)
    async def _bad_value(request: Request, exc: DataError) -> Response:
        # a value passed validation but the database refused it (e.g. out of its range)
        log.warning("database refused a value on %s %s: %s", request.method, request.url.path, exc.orig)
        return json_error(422, "a value in the request is not acceptable to the database")

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return json_error(500, "internal server error; the server log has the details")
