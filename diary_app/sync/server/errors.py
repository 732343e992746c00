"""Every error leaves the server as ``{"detail": "<clear message>"}`` with a fitting status.

Validation errors (bad JSON, wrong types, missing fields, bad path parameters) become 422 with a
one-line summary plus a structured ``errors`` list; anything unexpected becomes a JSON 500 (and is
logged) instead of a plain-text page, so the client can always show a message.
"""

from __future__ import annotations

import logging

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException

log = logging.getLogger("diary_app.sync.server")


def json_error(status: int, detail: str, headers: dict[str, str] | None = None, **extra) -> Response:
    return Response(
        orjson.dumps({"detail": detail, **extra}), status_code=status, media_type="application/json", headers=headers
    )


def _loc(loc: tuple) -> str:
    parts = [str(p) for p in loc if p not in ("body",)]
    return ".".join(parts) or "body"


def validation_message(errors: list[dict]) -> tuple[str, list[dict]]:
    clean = [{"loc": [str(p) for p in e.get("loc", ())], "msg": str(e.get("msg", "invalid")), "type": str(e.get("type", ""))} for e in errors]
    if any(e["type"] == "json_invalid" for e in clean):
        return "request body is not valid JSON", clean
    text = "; ".join(f"{_loc(tuple(e['loc']))}: {e['msg']}" for e in clean[:5])
    return f"invalid request: {text}", clean


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> Response:
        detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        return json_error(exc.status_code, detail, headers=getattr(exc, "headers", None))

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
