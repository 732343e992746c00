"""The published OpenAPI document, made to say what the server really answers.

FastAPI's generated document disagreed with the server in ways a client (or schemathesis) trips
over: 422 bodies documented as ``{"detail": [...]}`` while the server sends ``{"detail": "...",
"errors": [...]}``; 400 (NUL in the URL, a bad Content-Length), 401 (no or bad token) and 413
(body too large) answered by middleware or dependencies but documented nowhere. This module
patches the generated document once, from the same pydantic models the handlers use.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from diary_app.sync.contract import ErrorOut, ValidationErrorOut

#: Operations that need no token (everything else may answer 401).
PUBLIC = {("post", "/auth/signup"), ("get", "/healthz")}


def _ref(name: str) -> dict[str, Any]:
    return {"content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}}}


def _add(responses: dict[str, Any], status: str, description: str, schema: str = "ErrorOut") -> None:
    responses.setdefault(status, {"description": description, **_ref(schema)})


def _patch(doc: dict[str, Any], prefix: str) -> dict[str, Any]:
    schemas = doc.setdefault("components", {}).setdefault("schemas", {})
    schemas["ErrorOut"] = ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}")
    validation = ValidationErrorOut.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas.update(validation.pop("$defs", {}))
    schemas["HTTPValidationError"] = validation  # FastAPI's name, our shape: detail is a string
    schemas.pop("ValidationError", None)
    for path, ops in doc.get("paths", {}).items():
        bare = path.removeprefix(prefix)
        for method, op in ops.items():
            if not isinstance(op, dict) or "responses" not in op:
                continue
            responses = op["responses"]
            _add(responses, "400", "Bad request: NUL characters in the URL or an invalid Content-Length header")
            if (method, bare) not in PUBLIC and (method, path) not in PUBLIC:
                _add(responses, "401", "Missing, invalid, expired or revoked token (or wrong password on login)")
            if "requestBody" in op:
                _add(responses, "413", "The request body is larger than the server accepts")
            if op.get("parameters") or "requestBody" in op:
                _add(responses, "422", "Validation error", "HTTPValidationError")
    return doc


def install_openapi(app: FastAPI, prefix: str = "") -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            doc = get_openapi(
                title=app.title, version=app.version, description=app.description, routes=app.routes,
                tags=app.openapi_tags, servers=app.servers,
            )
            app.openapi_schema = _patch(doc, prefix)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
