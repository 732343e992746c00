"""Typed httpx client for the friends sync server. No Qt.

Every call returns one of the contract's models (``diary_app.sync.contract``: the very classes
the server declares as its response models, parsed with pydantic) or raises one of the
``SyncError`` subclasses below, so the GUI and the sync engine can decide what to do (sign out,
retry later, tell the user) by type alone instead of parsing status codes in many places.
Routes are called under ``/v1``; ``server_info()`` tells an older server apart.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from diary_app.sync.contract import (
    API_PREFIX,
    API_VERSION,
    EntryMeta,
    FeedResult,
    FriendRequest,
    FriendRequests,
    Health,
    LikeState,
    Login,
    Notifications,
    SharedEntry,
    UnreadCount,
    User,
)

T = TypeVar("T", bound=BaseModel)

DEFAULT_TIMEOUT_S = 15.0


# -- errors -------------------------------------------------------------------------------------
class SyncError(Exception):
    """Base of everything the client raises; ``str(err)`` is a message fit for the user."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


class OfflineError(SyncError):
    """The server could not be reached (no network, server down, timeout). Retry later."""


class AuthError(SyncError):
    """401: wrong credentials, or the token is missing, expired or revoked."""


class RateLimitedError(SyncError):
    """429: too many attempts; ``retry_after_s`` says when to try again."""

    def __init__(self, message: str, *, status: int | None = 429, retry_after_s: float | None = None) -> None:
        super().__init__(message, status=status)
        self.retry_after_s = retry_after_s


class ApiError(SyncError):
    """Any other non-success answer; ``status`` holds the HTTP code."""


class NotFoundError(ApiError):
    pass


class ForbiddenError(ApiError):
    pass


class ConflictError(ApiError):
    pass


class InvalidInputError(ApiError):
    """400/413/415/422: the server refused what we sent; retrying the same request will not help."""


class ServerError(ApiError):
    """5xx: the server failed; worth retrying later."""


class IncompatibleServerError(SyncError):
    """The server speaks an older (or newer) API than this app; it has to be updated."""


# -- results: the server's own contract models (diary_app.sync.contract), parsed with pydantic ---
RemoteEntry = SharedEntry  # the name the GUI widgets use for an entry from the server


def _parse(model: type[T], data: Any, what: str) -> T:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ServerError(f"the server's answer to {what} does not match the API contract: {exc.errors()[:1]}") from exc


# -- the client ---------------------------------------------------------------------------------
_AUDIO_TYPES = {".flac": "audio/flac", ".wav": "audio/wav", ".ogg": "audio/ogg"}


class ApiClient:
    """One server, one (optional) bearer token. Thread-safe for separate calls (httpx.Client is)."""

    def __init__(
        self,
        base_url: str,
        token: str | None = None,
        *,
        timeout: float = DEFAULT_TIMEOUT_S,
        transport: httpx.BaseTransport | None = None,
        event_hooks: dict[str, list[Callable[..., Any]]] | None = None,
    ) -> None:
        if not base_url or not base_url.startswith(("http://", "https://")):
            raise ValueError(f"server address must start with http:// or https://, got {base_url!r}")
        self.base_url = base_url.rstrip("/")
        self.token = token
        self._http = httpx.Client(
            base_url=self.base_url,
            timeout=timeout,
            transport=transport,
            event_hooks=event_hooks or {},
            headers={"User-Agent": "SoundDiary"},
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> ApiClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- plumbing ----------------------------------------------------------------------------
    def _request(self, method: str, path: str, *, auth: bool = True, versioned: bool = True, **kwargs: Any) -> httpx.Response:
        headers = kwargs.pop("headers", {})
        if auth:
            if not self.token:
                raise AuthError("not signed in", status=401)
            headers["Authorization"] = f"Bearer {self.token}"
        try:
            response = self._http.request(method, API_PREFIX + path if versioned else path, headers=headers, **kwargs)
        except httpx.TimeoutException as exc:
            raise OfflineError(f"the server at {self.base_url} did not answer in time ({type(exc).__name__})") from exc
        except httpx.TransportError as exc:
            raise OfflineError(f"cannot reach the server at {self.base_url}: {exc or type(exc).__name__}") from exc
        if response.is_success:
            return response
        raise _error_for(response)

    def _json(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self._request(method, path, **kwargs)
        if response.status_code == 204 or not response.content:
            return None
        try:
            return response.json()
        except ValueError as exc:
            raise ServerError(f"the server sent something that is not JSON for {method} {path}", status=response.status_code) from exc

    # -- health and accounts -----------------------------------------------------------------
    def health(self) -> bool:
        return self.server_info().status == "ok"

    def server_info(self) -> Health:
        """What the server is (``GET /healthz``, unversioned)."""
        return _parse(Health, self._json("GET", "/healthz", auth=False, versioned=False), "/healthz")

    def check_compatible(self) -> Health:
        """``server_info()``, or ``IncompatibleServerError`` when it does not serve this app's API."""
        info = self.server_info()
        if info.api != API_VERSION:
            older = info.api < API_VERSION
            raise IncompatibleServerError(
                f"the server at {self.base_url} (Sound Diary {info.version or 'before 0.2'}, API v{info.api}) is "
                f"{'older' if older else 'newer'} than this app (API v{API_VERSION}); "
                f"{'ask its owner to update the server' if older else 'update Sound Diary'}"
            )
        return info

    def signup(self, username: str, display_name: str, password: str) -> User:
        body = {"username": username, "display_name": display_name, "password": password}
        return _parse(User, self._json("POST", "/auth/signup", auth=False, json=body), "sign-up")

    def login(self, username: str, password: str) -> Login:
        data = self._json("POST", "/auth/login", auth=False, json={"username": username, "password": password})
        result = _parse(Login, data, "login")
        self.token = result.access_token
        return result

    def logout(self) -> None:
        try:
            self._json("POST", "/auth/logout")
        finally:
            self.token = None

    def me(self) -> User:
        return _parse(User, self._json("GET", "/me"), "/me")

    def search_users(self, query: str, limit: int = 20) -> list[User]:
        return [_parse(User, u, "user search") for u in self._json("GET", "/users", params={"q": query, "limit": limit})]

    # -- friends -----------------------------------------------------------------------------
    def send_friend_request(self, username: str) -> FriendRequest:
        return _parse(FriendRequest, self._json("POST", "/friends/requests", json={"username": username}), "friend request")

    def friend_requests(self) -> FriendRequests:
        return _parse(FriendRequests, self._json("GET", "/friends/requests"), "friend requests")

    def accept_friend_request(self, request_id: int) -> FriendRequest:
        return _parse(FriendRequest, self._json("POST", f"/friends/requests/{request_id}/accept"), "accept")

    def reject_friend_request(self, request_id: int) -> FriendRequest:
        return _parse(FriendRequest, self._json("POST", f"/friends/requests/{request_id}/reject"), "reject")

    def cancel_friend_request(self, request_id: int) -> None:
        self._json("DELETE", f"/friends/requests/{request_id}")

    def friends(self) -> list[User]:
        return [_parse(User, u, "friends") for u in self._json("GET", "/friends")]

    def remove_friend(self, username: str) -> None:
        self._json("DELETE", f"/friends/{username}")

    # -- entries -----------------------------------------------------------------------------
    def put_entry(self, entry_id: str, meta: EntryMeta | dict[str, Any], audio_path: Path | None = None) -> SharedEntry:
        """Create or update a shared entry (idempotent by UUID). Audio is needed on first upload."""
        meta_json = meta.to_json() if isinstance(meta, EntryMeta) else dict(meta)
        data = {"meta": json.dumps(meta_json)}
        if audio_path is None:
            return _parse(SharedEntry, self._json("PUT", f"/entries/{entry_id}", data=data), "upload")
        audio_path = Path(audio_path)
        content_type = _AUDIO_TYPES.get(audio_path.suffix.lower(), "application/octet-stream")
        with open(audio_path, "rb") as fh:
            files = {"audio": (audio_path.name, fh, content_type)}
            return _parse(SharedEntry, self._json("PUT", f"/entries/{entry_id}", data=data, files=files), "upload")

    def delete_entry(self, entry_id: str) -> None:
        self._json("DELETE", f"/entries/{entry_id}")

    def get_entry(self, entry_id: str) -> SharedEntry:
        return _parse(SharedEntry, self._json("GET", f"/entries/{entry_id}"), "entry")

    def download_audio(self, entry_id: str, target: Path) -> Path:
        response = self._request("GET", f"/entries/{entry_id}/audio")
        target = Path(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(target.suffix + ".part")
        tmp.write_bytes(response.content)
        tmp.replace(target)
        return target

    def feed(self, limit: int = 20, cursor: str | None = None, user: str | None = None) -> FeedResult:
        params: dict[str, Any] = {"limit": limit}
        if cursor:
            params["cursor"] = cursor
        if user:
            params["user"] = user
        return _parse(FeedResult, self._json("GET", "/feed", params=params), "feed")

    def like(self, entry_id: str) -> LikeState:
        return _parse(LikeState, self._json("PUT", f"/entries/{entry_id}/like"), "like")

    def unlike(self, entry_id: str) -> LikeState:
        return _parse(LikeState, self._json("DELETE", f"/entries/{entry_id}/like"), "unlike")

    # -- notifications -----------------------------------------------------------------------
    def notifications(self, unread_only: bool = False, limit: int = 50) -> Notifications:
        data = self._json("GET", "/notifications", params={"unread_only": str(unread_only).lower(), "limit": limit})
        return _parse(Notifications, data, "notifications")

    def mark_read(self, ids: Iterable[int] | None = None) -> int:
        body: dict[str, Any] = {"all": True} if ids is None else {"ids": [int(i) for i in ids]}
        return _parse(UnreadCount, self._json("POST", "/notifications/read", json=body), "mark read").unread_count


def _error_for(response: httpx.Response) -> SyncError:
    status = response.status_code
    try:
        detail = response.json().get("detail")
    except (ValueError, AttributeError):
        detail = None
    if isinstance(detail, list):  # FastAPI validation errors: a list of {loc, msg}
        detail = "; ".join(str(d.get("msg", d)) if isinstance(d, dict) else str(d) for d in detail)
    message = str(detail) if detail else f"{response.request.method} {response.request.url.path} failed with HTTP {status}"
    if status == 401:
        return AuthError(message, status=status)
    if status == 429:
        retry = response.headers.get("Retry-After")
        try:
            retry_s = float(retry) if retry is not None else None
        except ValueError:
            retry_s = None
        return RateLimitedError(message, retry_after_s=retry_s)
    if status == 403:
        return ForbiddenError(message, status=status)
    if status == 404:
        return NotFoundError(message, status=status)
    if status == 409:
        return ConflictError(message, status=status)
    if status in (400, 413, 415, 422):
        return InvalidInputError(message, status=status)
    if status >= 500:
        return ServerError(message, status=status)
    return ApiError(message, status=status)
