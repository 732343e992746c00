"""The sync REST API's contract: every request and response body, one pydantic model each.

The server declares them as ``response_model`` / body types (so OpenAPI is generated from them)
and the client parses answers with the same classes (``ApiClient`` returns these objects), so
the two cannot drift apart. Response models are frozen values. ``API_VERSION`` is the path prefix
(``/v1``) and what ``/healthz`` reports, so a client can tell an older server.
"""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime
from functools import lru_cache
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field, StrictBool, field_validator, model_validator

from diary_app.emotions import EMOTIONS

#: The API version this code speaks; routes live under ``/v{API_VERSION}``.
API_VERSION = 1
API_PREFIX = f"/v{API_VERSION}"
USERNAME_PATTERN = r"^[a-z0-9_.-]{3,32}$"
#: The largest id the (32-bit INTEGER) id columns hold; larger numbers are refused (422), not a 500.
MAX_ID = 2**31 - 1
_ZWJ = "\u200d"


def _json_integer(value: object) -> int:
    """An integer as JSON Schema means it: 3 and 3.0 yes; true, "3" and 3.5 no."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError("must be an integer")
    if isinstance(value, float) and not value.is_integer():
        raise ValueError("must be a whole number")
    return int(value)


#: A notification id: a JSON Schema integer the id column can hold.
NotificationId = Annotated[int, Field(ge=1, le=MAX_ID), BeforeValidator(_json_integer)]


def clean_display_name(value: str) -> str:
    """NFC, spaces collapsed; no control or invisible format characters.

    Right-to-left overrides, zero-width spaces and the like make one name look like another (or
    reverse the text around it), so they are refused. The zero-width joiner is kept only inside
    emoji sequences (e.g. a family emoji), where it is what draws the emoji.
    """
    text = " ".join(unicodedata.normalize("NFC", value).split())
    for i, ch in enumerate(text):
        category = unicodedata.category(ch)
        if category == "Cc":
            raise ValueError("display name must not contain control characters")
        if category == "Cf":
            if ch == _ZWJ and 0 < i < len(text) - 1 and _emojiish(text[i - 1]) and _emojiish(text[i + 1]):
                continue
            raise ValueError(
                f"display name must not contain invisible or text-direction characters (U+{ord(ch):04X})"
            )
    if not text:
        raise ValueError("display name must not be blank")
    return text


def _emojiish(ch: str) -> bool:
    return unicodedata.category(ch) in ("So", "Sk", "Mn") or ch == "\ufe0f"


@lru_cache(maxsize=1)
def _invisible_class() -> str:
    """A regex character class of every control and format character (what the validator refuses)."""
    ranges: list[list[int]] = []
    for cp in range(0x110000):
        if unicodedata.category(chr(cp)) in ("Cc", "Cf"):
            if ranges and ranges[-1][1] == cp - 1:
                ranges[-1][1] = cp
            else:
                ranges.append([cp, cp])
    def esc(cp: int) -> str:
        return f"\\u{cp:04x}" if cp <= 0xFFFF else f"\\U{cp:08x}"
    return "".join(esc(a) if a == b else f"{esc(a)}-{esc(b)}" for a, b in ranges)


def display_name_pattern() -> str:
    """What the published schema promises about display names: no control or format character,
    not blank. (The server also lets a zero-width joiner through between emoji; the schema stays
    stricter.) Built on first use: scanning Unicode takes most of a second."""
    bad = _invisible_class()
    return f"^[^{bad}]*[^\\s{bad}][^{bad}]*$"


def _display_name_schema(schema: dict[str, Any]) -> None:
    schema["pattern"] = display_name_pattern()


class Strict(BaseModel):
    """Request bodies: unknown fields and NUL characters (PostgreSQL cannot store them) are refused."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, v: Any) -> Any:
        if isinstance(v, str) and "\x00" in v:
            raise ValueError("must not contain NUL characters")
        return v


class SignupIn(Strict):
    username: str = Field(pattern=USERNAME_PATTERN, description="3-32 characters: a-z 0-9 _ . -")
    display_name: str = Field(
        min_length=1, max_length=64, description="shown to friends; no invisible or text-direction characters",
        json_schema_extra=_display_name_schema,
    )
    password: str = Field(min_length=8, max_length=256)

    @field_validator("display_name")
    @classmethod
    def _clean(cls, v: str) -> str:
        return clean_display_name(v)


class LoginIn(Strict):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


class Value(BaseModel):
    """Base of response bodies: immutable values (unknown fields from a newer server are ignored)."""

    model_config = ConfigDict(frozen=True)


class User(Value):
    id: int
    username: str
    display_name: str


class Login(Value):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_at: datetime
    user: User


class FriendRequestIn(Strict):
    username: str = Field(min_length=1, max_length=64)


class FriendRequest(Value):
    id: int
    from_user: User
    to_user: User
    status: Literal["pending", "accepted", "rejected", "cancelled"]
    created_at: datetime


class FriendRequests(Value):
    incoming: list[FriendRequest]
    outgoing: list[FriendRequest]


class EntryMeta(Strict):
    """The ``meta`` form field of ``PUT /entries/{id}``: everything but the audio.

    The client builds one per upload (``to_json`` leaves unset fields out, so an entry without a
    saved place sends no location keys at all); the server parses the field with it.
    """

    emotion: str = Field(json_schema_extra={"enum": list(EMOTIONS)})
    created_at: AwareDatetime
    duration_s: float = Field(ge=0, le=24 * 3600)
    note: str | None = Field(default=None, max_length=2000)
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)
    place_name: str | None = Field(default=None, max_length=200)

    @field_validator("emotion")
    @classmethod
    def _known_emotion(cls, v: str) -> str:
        if v not in EMOTIONS:
            raise ValueError(f"emotion must be one of {', '.join(EMOTIONS)}")
        return v

    @field_validator("created_at")
    @classmethod
    def _sane_time(cls, v: datetime) -> datetime:
        if not (1970 <= v.astimezone(UTC).year <= 9000):
            raise ValueError("created_at is out of range")
        return v

    @model_validator(mode="after")
    def _both_or_neither(self) -> EntryMeta:
        if (self.latitude is None) != (self.longitude is None):
            raise ValueError("latitude and longitude go together: give both or neither")
        return self

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_none=True)


class SharedEntry(Value):
    id: str
    owner: User
    emotion: str
    created_at: datetime
    duration_s: float
    note: str | None
    latitude: float | None
    longitude: float | None
    place_name: str | None
    like_count: int
    liked_by_me: bool
    audio_url: str


class FeedResult(Value):
    items: list[SharedEntry]
    next_cursor: str | None


class LikeState(Value):
    like_count: int
    liked_by_me: bool


class Notification(Value):
    id: int
    kind: Literal["like", "friend_request", "friend_accepted", "reminder"]
    actor: User | None
    entry_id: str | None
    created_at: datetime
    read: bool
    message: str


class Notifications(Value):
    items: list[Notification]
    unread_count: int


class MarkReadIn(Strict):
    """``{"ids": [..]}`` marks those, ``{"all": true}`` marks every notification read."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"anyOf": [{"required": ["ids"]}, {"required": ["all"], "properties": {"all": {"const": True}}}]},
    )

    ids: list[NotificationId] = Field(default_factory=list, min_length=1, max_length=1000)
    all: StrictBool = False

    @model_validator(mode="after")
    def _something(self) -> MarkReadIn:
        if not self.all and not self.ids:
            raise ValueError('give "ids": [..] or "all": true')
        return self


class UnreadCount(Value):
    unread_count: int


class ErrorOut(Value):
    detail: str


class ValidationIssue(BaseModel):
    loc: list[str]
    msg: str
    type: str


class ValidationErrorOut(BaseModel):
    """422: a one-line ``detail`` for people, the structured ``errors`` for programs."""

    detail: str
    errors: list[ValidationIssue] = []


class Health(Value):
    """``GET /healthz`` (unversioned, so any client can ask any server what it speaks).

    A server from before API versioning answers only ``{"status": "ok"}``: ``api`` is then 0.
    """

    status: Literal["ok"] = "ok"
    version: str | None = Field(default=None, description="the server's Sound Diary version")
    api: int = Field(default=0, description="the API version it serves under /v{api}")
