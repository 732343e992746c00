"""Request and response bodies of the sync REST API (the contract shared with the client)."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator, model_validator

from diary_app.emotions import EMOTIONS

USERNAME_PATTERN = r"^[a-z0-9_.-]{3,32}$"


class Strict(BaseModel):
    """Request bodies: unknown fields and NUL characters (PostgreSQL cannot store them) are refused."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, v):
        if isinstance(v, str) and "\x00" in v:
            raise ValueError("must not contain NUL characters")
        return v


class SignupIn(Strict):
    username: str = Field(pattern=USERNAME_PATTERN, description="3-32 characters: a-z 0-9 _ . -")
    display_name: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=8, max_length=256)

    @field_validator("display_name")
    @classmethod
    def _strip(cls, v: str) -> str:
        v = v.strip()
        if not v:
            raise ValueError("display name must not be blank")
        return v


class LoginIn(Strict):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


class UserOut(BaseModel):
    id: int
    username: str
    display_name: str


class LoginOut(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_at: datetime
    user: UserOut


class FriendRequestIn(Strict):
    username: str = Field(min_length=1, max_length=64)


class FriendRequestOut(BaseModel):
    id: int
    from_user: UserOut
    to_user: UserOut
    status: Literal["pending", "accepted", "rejected", "cancelled"]
    created_at: datetime


class FriendRequestsOut(BaseModel):
    incoming: list[FriendRequestOut]
    outgoing: list[FriendRequestOut]


class EntryMeta(Strict):
    """The ``meta`` form field of ``PUT /entries/{id}``: everything but the audio."""

    emotion: str
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
        if not (1970 <= v.astimezone(timezone.utc).year <= 9000):
            raise ValueError("created_at is out of range")
        return v

    @model_validator(mode="after")
    def _both_or_neither(self) -> "EntryMeta":
        if (self.latitude is None) != (self.longitude is None):
            raise ValueError("latitude and longitude go together: give both or neither")
        return self


class EntryOut(BaseModel):
    id: str
    owner: UserOut
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


class FeedPage(BaseModel):
    items: list[EntryOut]
    next_cursor: str | None


class LikeState(BaseModel):
    like_count: int
    liked_by_me: bool


class NotificationOut(BaseModel):
    id: int
    kind: Literal["like", "friend_request", "friend_accepted", "reminder"]
    actor: UserOut | None
    entry_id: str | None
    created_at: datetime
    read: bool
    message: str


class NotificationsPage(BaseModel):
    items: list[NotificationOut]
    unread_count: int


class MarkReadIn(Strict):
    ids: list[int] | None = Field(default=None, max_length=1000)
    all: bool = False

    @model_validator(mode="after")
    def _something(self) -> "MarkReadIn":
        if not self.all and not self.ids:
            raise ValueError('give "ids": [..] or "all": true')
        return self


class UnreadCount(BaseModel):
    unread_count: int


class ErrorOut(BaseModel):
    detail: str


class Health(BaseModel):
    status: Literal["ok"] = "ok"
