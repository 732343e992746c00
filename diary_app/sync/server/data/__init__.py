"""Data access, one module per entity. Routes call these and nothing below them.

Every function takes an open SQLAlchemy ``Connection`` (the route decides the transaction) and
returns plain values or named rows, never positional tuples. Rules the data layer enforces (an
entry is visible only to its owner and mutual friends, a UUID stays its owner's) raise the
domain errors below, which ``errors.py`` turns into 404 / 403 / 409 / 422 JSON answers, so the
same rule gives the same answer from every route.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class DomainError(Exception):
    """Base of the domain errors; ``str()`` is the message for the client."""

    status = 400


class NotFound(DomainError):
    status = 404


class Forbidden(DomainError):
    status = 403


class Conflict(DomainError):
    status = 409


class Invalid(DomainError):
    status = 422


def us_to_datetime(us: int) -> datetime:
    return EPOCH + timedelta(microseconds=us)


def datetime_to_us(value: datetime) -> int:
    delta = value.astimezone(UTC) - EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def user_json(user_id: int, username: str, display_name: str) -> dict[str, Any]:
    return {"id": user_id, "username": username, "display_name": display_name}
