"""The diary's tables (SQLModel). Schema changes go through ``migrations.py``."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from enum import Enum
from typing import Any

from sqlalchemy import JSON, Column, DateTime, ForeignKey, Index, LargeBinary, TypeDecorator, Uuid
from sqlalchemy.engine import Dialect
from sqlalchemy.sql.schema import Table
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC)


def table_of(model: type[SQLModel]) -> Table:
    """The SQLAlchemy table of a SQLModel class (set at class creation; SQLModel's stubs do not declare it)."""
    table: Table = model.__table__  # type: ignore[attr-defined]
    return table


def require_aware(value: datetime, what: str = "datetime") -> datetime:
    """``value`` if it carries a time zone; a naive one is refused, never guessed (local? UTC?)."""
    if value.tzinfo is None:
        raise ValueError(f"naive {what}: pass an aware datetime (e.g. datetime.now(timezone.utc))")
    return value


class UTCDateTime(TypeDecorator[datetime]):
    """Stores UTC, always returns aware datetimes (SQLite drops the offset otherwise)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        value = require_aware(value).astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class AnalysisState(str, Enum):
    PENDING = "pending"
    DONE = "done"
    FAILED = "failed"
    TOO_QUIET = "too_quiet"  # analysed, but silence / a dead microphone: no automatic emotion (issue 12)


class SyncState(str, Enum):
    LOCAL = "local"  # private, never leaves the machine
    QUEUED = "queued"  # public, waiting to upload (or to update)
    SYNCED = "synced"
    UNSHARE_QUEUED = "unshare_queued"  # turned private, waiting for the server delete
    FAILED = "failed"


#: Browse indexes (issue 5): each serves one page and keeps its query under 20 ms on 100k entries.
#: (created_at, id, emotion): the list order (newest first, id breaks ties) and the calendar's
#: per-day emotion counts read from the index alone; (emotion, created_at, id): one-emotion filter
#: pages without a sort; (latitude, longitude, created_at, id, emotion): the map's markers and
#: bounding boxes read from the index alone (no row lookups for 10,000 markers).
#: Existing diaries get them from migration steps 2 and 3 (``migrations._v2_browse_indexes``).
BROWSE_INDEXES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("ix_entry_created_id_emotion", ("created_at", "id", "emotion")),
    ("ix_entry_emotion_created", ("emotion", "created_at", "id")),
    ("ix_entry_geo", ("latitude", "longitude", "created_at", "id", "emotion")),
)
#: Indexes of earlier browse versions, dropped by migration step 3.
RETIRED_BROWSE_INDEXES: tuple[str, ...] = ("ix_entry_lat_lon",)


class Entry(SQLModel, table=True):
    __tablename__ = "entry"
    __table_args__ = tuple(Index(name, *cols) for name, cols in BROWSE_INDEXES)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), index=True, nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    duration_s: float = 0.0
    audio_file: str  # file name inside the diary's audio folder

    auto_emotion: str | None = Field(default=None, index=True)
    auto_probabilities: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    confidence: float | None = None
    branch: str | None = None  # "speech" | "environment"
    scene: str | None = None
    analysis_json: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))

    user_emotion: str | None = None  # set only when the user corrected the tag
    emotion: str = Field(default="untagged", index=True)  # the emotion to show

    note: str = ""
    is_public: bool = False
    latitude: float | None = Field(default=None, index=True)
    longitude: float | None = Field(default=None, index=True)
    place_name: str | None = None

    analysis_state: AnalysisState = AnalysisState.PENDING
    analysis_error: str | None = None
    sync_state: SyncState = SyncState.LOCAL
    sync_error: str | None = None

    @property
    def corrected(self) -> bool:
        return self.user_emotion is not None and self.user_emotion != self.auto_emotion

    @property
    def has_location(self) -> bool:
        return self.latitude is not None and self.longitude is not None


class SchemaVersion(SQLModel, table=True):
    __tablename__ = "schema_version"
    id: int = Field(default=1, primary_key=True)
    version: int


class EntryFeatures(SQLModel, table=True):
    """What the analysis saw for one entry (issue 16): the personal layer retrains from these in
    seconds instead of re-running the encoder on years of audio. Local only (never synced); in the
    export as the optional ``features.jsonl`` (``store/backup.py``).

    ``role`` ``speech``: ``data`` holds the pooled front-end vectors the speech head used, one row
    per analysis window (``shape`` = [windows, D]), with ``weights`` (voiced seconds per window);
    ``role`` ``scene``: ``data`` holds the scene model's averaged probabilities over ``labels``.
    ``frontend`` names the front end (vectors of different front ends are never mixed);
    ``analyzed_at`` is when the tag was computed (the honest agreement measure compares it with the
    time of the user's correction).
    """

    __tablename__ = "entry_features"
    entry_id: uuid.UUID = Field(sa_column=Column(Uuid(), ForeignKey("entry.id", ondelete="CASCADE"), primary_key=True))
    role: str = Field(primary_key=True)  # "speech" | "scene"
    frontend: str = ""
    model: str = ""
    dtype: str = "float16"
    shape: list[Any] = Field(default_factory=list, sa_column=Column(JSON))
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    weights: list[Any] | None = Field(default=None, sa_column=Column(JSON))
    labels: list[Any] | None = Field(default=None, sa_column=Column(JSON))
    analyzed_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class CorrectionEvent(SQLModel, table=True):
    """One change of an entry's tag by the user, with its time (issue 16): the personal layer
    learns from the latest event per entry; the honest agreement measure only counts an entry whose
    automatic tag was computed before the user's correction of it. ``emotion`` None = back to the
    automatic tag. Local only; in the export as the optional ``corrections.json``."""

    __tablename__ = "correction_event"
    id: int | None = Field(default=None, primary_key=True)
    entry_id: uuid.UUID = Field(sa_column=Column(Uuid(), ForeignKey("entry.id", ondelete="CASCADE"), index=True, nullable=False))
    emotion: str | None = None
    previous: str | None = None  # the user tag before this change (for undo)
    auto_emotion: str | None = None  # the automatic tag the user saw
    branch: str | None = None
    at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False, index=True))
