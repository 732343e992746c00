"""Typed httpx client for the friends sync server (REST contract in issue 6). No Qt.

Every call returns a dataclass or raises one of the ``SyncError`` subclasses below, so the GUI
and the sync engine can decide what to do (sign out, retry later, tell the user) by type alone
instead of parsing status codes in many places.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

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


# -- results ------------------------------------------------------------------------------------
def _parse_time(value: Any) -> datetime | None:
    if not value:
        return None
    if isinstance(value, datetime):
        return value
    text = str(value)
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    return datetime.fromisoformat(text)


@dataclass(frozen=True)
class User:
    id: str
    username: str
    display_name: str

    @classmethod
    def from_json(cls, data: dict) -> "User":
        return cls(id=str(data["id"]), username=data["username"], display_name=data.get("display_name") or data["username"])


@dataclass(frozen=True)
class LoginResult:
    access_token: str
    token_type: str
    expires_at: datetime | None
    user: User

    @classmethod
    def from_json(cls, data: dict) -> "LoginResult":
        return cls(
            access_token=data["access_token"],
            token_type=data.get("token_type", "bearer"),
            expires_at=_parse_time(data.get("expires_at")),
            user=User.from_json(data["user"]),
        )


@dataclass(frozen=True)
class FriendRequest:
    id: str
    from_user: User
    to_user: User
    status: str
    created_at: datetime | None

    @classmethod
    def from_json(cls, data: dict) -> "FriendRequest":
        return cls(
            id=str(data["id"]),
            from_user=User.from_json(data["from_user"]),
            to_user=User.from_json(data["to_user"]),
            status=data.get("status", "pending"),
            created_at=_parse_time(data.get("created_at")),
        )


@dataclass(frozen=True)
class FriendRequests:
    incoming: list[FriendRequest]
    outgoing: list[FriendRequest]


@dataclass(frozen=True)
class RemoteEntry:
    """A shared entry as the server returns it (own or a mutual friend's)."""

    id: str
    owner: User
    emotion: str
    created_at: datetime | None
    duration_s: float
    note: str
    latitude: float | None
    longitude: float | None
    place_name: str | None
    like_count: int
    liked_by_me: bool
    audio_url: str | None

    @classmethod
    def from_json(cls, data: dict) -> "RemoteEntry":
        return cls(
            id=str(data["id"]),
            owner=User.from_json(data["owner"]),
            emotion=data.get("emotion") or "untagged",
            created_at=_parse_time(data.get("created_at")),
            duration_s=float(data.get("duration_s") or 0.0),
            note=data.get("note") or "",
            latitude=data.get("latitude"),
            longitude=data.get("longitude"),
            place_name=data.get("place_name"),
            like_count=int(data.get("like_count") or 0),
            liked_by_me=bool(data.get("liked_by_me")),
            audio_url=data.get("audio_url"),
        )


@dataclass(frozen=True)
class FeedPage:
    items: list[RemoteEntry]
    next_cursor: str | None


@dataclass(frozen=True)
class LikeState:
    like_count: int
    liked_by_me: bool


@dataclass(frozen=True)
class Notification:
    id: str
    kind: str  # like | friend_request | friend_accepted | reminder
    actor: User | None
    entry_id: str | None
    created_at: datetime | None
    read: bool
    message: str

    @classmethod
    def from_json(cls, data: dict) -> "Notification":
        actor = data.get("actor")
        return cls(
            id=str(data["id"]),
            kind=data.get("kind", ""),
            actor=User.from_json(actor) if actor else None,
            entry_id=str(data["entry_id"]) if data.get("entry_id") else None,
            created_at=_parse_time(data.get("created_at")),
            read=bool(data.get("read")),
            message=data.get("message") or "",
        )


@dataclass(frozen=True)
class Notifications:
    items: list[Notification]
    unread_count: int


@dataclass
class EntryMeta:
    """What the server may learn about a shared entry; location only when the user saved one."""

    emotion: str
    created_at: datetime
    duration_s: float
    note: str = ""
    latitude: float | None = None
    longitude: float | None = None
    place_name: str | None = None
    extra: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        data: dict[str, Any] = {
            "emotion": self.emotion,
            "created_at": self.created_at.isoformat(),
            "duration_s": round(float(self.duration_s), 3),
            "note": self.note or "",
        }
        if self.latitude is not None and self.longitude is not None:
            data["latitude"] = float(self.latitude)
            data["longitude"] = float(self.longitude)
            if self.place_name:
                data["place_name"] = self.place_name
        data.update(self.extra)
        return data


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
        event_hooks: dict[str, list[Callable]] | None = None,
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

    def __enter__(self) -> "ApiClient":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- plumbing ----------------------------------------------------------------------------
    def _request(self, method: str, path: str, *, auth: bool = True, **kwargs: Any) -> httpx.Response:
        headers = kwargs.pop("headers", {})
        if auth:
            if not self.token:
                raise AuthError("not signed in", status=401)
            headers["Authorization"] = f"Bearer {self.token}"
        try:
            response = self._http.request(method, path, headers=headers, **kwargs)
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
        data = self._json("GET", "/healthz", auth=False)
        return isinstance(data, dict) and data.get("status") == "ok"

    def signup(self, username: str, display_name: str, password: str) -> User:
        body = {"username": username, "display_name": display_name, "password": password}
        return User.from_json(self._json("POST", "/auth/signup", auth=False, json=body))

    def login(self, username: str, password: str) -> LoginResult:
        result = LoginResult.from_json(self._json("POST", "/auth/login", auth=False, json={"username": username, "password": password}))
        self.token = result.access_token
        return result

    def logout(self) -> None:
        try:
            self._json("POST", "/auth/logout")
        finally:
            self.token = None

    def me(self) -> User:
        return User.from_json(self._json("GET", "/me"))

    def search_users(self, query: str, limit: int = 20) -> list[User]:
        return [User.from_json(u) for u in self._json("GET", "/users", params={"q": query, "limit": limit})]

    # -- friends -----------------------------------------------------------------------------
    def send_friend_request(self, username: str) -> FriendRequest:
        return FriendRequest.from_json(self._json("POST", "/friends/requests", json={"username": username}))

    def friend_requests(self) -> FriendRequests:
        data = self._json("GET", "/friends/requests")
        return FriendRequests(
            incoming=[FriendRequest.from_json(r) for r in data.get("incoming", [])],
            outgoing=[FriendRequest.from_json(r) for r in data.get("outgoing", [])],
        )

    def accept_friend_request(self, request_id: str) -> FriendRequest:
        return FriendRequest.from_json(self._json("POST", f"/friends/requests/{request_id}/accept"))

    def reject_friend_request(self, request_id: str) -> FriendRequest:
        return FriendRequest.from_json(self._json("POST", f"/friends/requests/{request_id}/reject"))

    def cancel_friend_request(self, request_id: str) -> None:
        self._json("DELETE", f"/friends/requests/{request_id}")

    def friends(self) -> list[User]:
        return [User.from_json(u) for u in self._json("GET", "/friends")]

    def remove_friend(self, username: str) -> None:
        self._json("DELETE", f"/friends/{username}")

    # -- entries -----------------------------------------------------------------------------
    def put_entry(self, entry_id: str, meta: EntryMeta | dict, audio_path: Path | None = None) -> RemoteEntry:
        """Create or update a shared entry (idempotent by UUID). Audio is needed on first upload."""
        meta_json = meta.to_json() if isinstance(meta, EntryMeta) else dict(meta)
        data = {"meta": json.dumps(meta_json)}
        if audio_path is None:
            return RemoteEntry.from_json(self._json("PUT", f"/entries/{entry_id}", data=data))
        audio_path = Path(audio_path)
        content_type = _AUDIO_TYPES.get(audio_path.suffix.lower(), "application/octet-stream")
        with open(audio_path, "rb") as fh:
            files = {"audio": (audio_path.name, fh, content_type)}
            return RemoteEntry.from_json(self._json("PUT", f"/entries/{entry_id}", data=data, files=files))

    def delete_entry(self, entry_id: str) -> None:
        self._json("DELETE", f"/entries/{entry_id}")

    def get_entry(self, entry_id: str) -> RemoteEntry:
        return RemoteEntry.from_json(self._json("GET", f"/entries/{entry_id}"))

    def download_audio(self, entry_id: str, target: Path) -> Path:
        response = self._request("GET", f"/entries/{entry_id}/audio")
        target = Path(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(target.suffix + ".part")
        tmp.write_bytes(response.content)
        tmp.replace(target)
        return target

    def feed(self, limit: int = 20, cursor: str | None = None, user: str | None = None) -> FeedPage:
        params: dict[str, Any] = {"limit": limit}
        if cursor:
            params["cursor"] = cursor
        if user:
            params["user"] = user
        data = self._json("GET", "/feed", params=params)
        return FeedPage(items=[RemoteEntry.from_json(e) for e in data.get("items", [])], next_cursor=data.get("next_cursor"))

    def like(self, entry_id: str) -> LikeState:
        data = self._json("PUT", f"/entries/{entry_id}/like")
        return LikeState(like_count=int(data["like_count"]), liked_by_me=bool(data["liked_by_me"]))

    def unlike(self, entry_id: str) -> LikeState:
        data = self._json("DELETE", f"/entries/{entry_id}/like")
        return LikeState(like_count=int(data["like_count"]), liked_by_me=bool(data["liked_by_me"]))

    # -- notifications -----------------------------------------------------------------------
    def notifications(self, unread_only: bool = False, limit: int = 50) -> Notifications:
        data = self._json("GET", "/notifications", params={"unread_only": str(unread_only).lower(), "limit": limit})
        return Notifications(items=[Notification.from_json(n) for n in data.get("items", [])], unread_count=int(data.get("unread_count", 0)))

    def mark_read(self, ids: Iterable[str] | None = None) -> int:
        body: dict[str, Any] = {"all": True} if ids is None else {"ids": [_maybe_int(i) for i in ids]}
        return int(self._json("POST", "/notifications/read", json=body).get("unread_count", 0))


def _maybe_int(value: str) -> int | str:
    """Ids travel as strings in our dataclasses; give the server back the type it sent."""
    return int(value) if str(value).isdigit() else value


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
