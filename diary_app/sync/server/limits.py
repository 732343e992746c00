"""Request-body size limits that answer with the API's JSON error shape.

Uploads are refused by ``Content-Length`` before a byte is read, and bodies without a length
(chunked) are cut off as soon as they pass the limit, so an over-size upload never fills the
disk. (FastAPI's own ``max_body_size`` answers in plain text, which the client could not show.)
"""

from __future__ import annotations

import re

from fastapi import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from diary_app.sync.contract import API_PREFIX
from diary_app.sync.server.errors import json_error

UPLOAD_PATH = re.compile(rf"^{API_PREFIX}/entries/[^/]+/?$")
JSON_BODY_LIMIT = 1024 * 1024
MULTIPART_ALLOWANCE = 64 * 1024  # form boundaries and the meta field around the audio file


def _has_nul(scope: Scope) -> bool:
    raw = (scope.get("raw_path") or scope["path"].encode("utf-8", "surrogateescape")) + b"?" + scope.get("query_string", b"")
    return b"%00" in raw or b"\x00" in raw or "\x00" in scope["path"]


class BodySizeLimit:
    def __init__(self, app: ASGIApp, max_upload_bytes: int) -> None:
        self.app = app
        self.upload_limit = max_upload_bytes + MULTIPART_ALLOWANCE
        self.max_upload_bytes = max_upload_bytes

    def _limit_for(self, scope: Scope) -> int:
        if scope["method"] == "PUT" and UPLOAD_PATH.match(scope["path"]):
            return self.upload_limit
        return JSON_BODY_LIMIT

    def _message(self, limit: int) -> str:
        if limit == self.upload_limit:
            return f"the upload is larger than the server's limit of {self.max_upload_bytes // 1024} KiB for an audio file"
        return f"the request body is larger than {limit // 1024} KiB"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and _has_nul(scope):
            # PostgreSQL cannot store NUL in text; refuse it up front on every database alike
            await json_error(400, "NUL characters are not allowed in the URL")(scope, receive, send)
            return
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        limit = self._limit_for(scope)
        for name, value in scope["headers"]:
            if name == b"content-length":
                try:
                    too_big = int(value) > limit
                except ValueError:
                    await json_error(400, "invalid Content-Length header")(scope, receive, send)
                    return
                if too_big:
                    await json_error(413, self._message(limit))(scope, receive, send)
                    return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    # FastAPI re-raises HTTPException from body parsing; the JSON handler answers
                    raise HTTPException(413, self._message(limit))
            return message

        await self.app(scope, limited_receive, send)
