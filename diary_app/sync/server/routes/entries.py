"""Shared entries: idempotent upload by UUID, read, audio download, unshare.

Access rule, used by every route here and by the feed and likes: an entry is visible to its owner
and to the owner's mutual friends; to anybody else it does not exist (404, so existence does not
leak). Changing an entry is the owner's alone (403 to a non-owner who can see it or who tries to
upload under a taken UUID).
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from fastapi import APIRouter, Depends, File, Form, HTTPException, Response, UploadFile
from fastapi.responses import FileResponse
from pydantic import ValidationError
from sqlalchemy import Connection, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from diary_app.sync.server.errors import validation_message
from diary_app.sync.server.db import lock_rows
from diary_app.sync.server.models import ENTRY, LIKE, NOTIFICATION, TOMBSTONE, USER, now_us
from diary_app.sync.server.routes.friends import are_friends
from diary_app.sync.server.schemas import EntryMeta, EntryOut, ErrorOut
from diary_app.sync.server.security import CachedUser
from diary_app.sync.server.state import EPOCH, CurrentUser, ServerState, datetime_to_us, get_state, user_json
from diary_app.sync.server.storage import FileSwap, NotAudioError, prepare_audio, swap_in, swap_out

ENTRY_COLUMNS = (
    ENTRY.c.id, ENTRY.c.owner_id, USER.c.username, USER.c.display_name, ENTRY.c.emotion, ENTRY.c.created_us,
    ENTRY.c.duration_s, ENTRY.c.note, ENTRY.c.latitude, ENTRY.c.longitude, ENTRY.c.place_name, ENTRY.c.like_count,
)


def entry_json(row, liked: bool, owners: dict | None = None) -> dict:
    """One Entry as plain data (shared by the feed's fast path and the other routes).

    ``owners`` lets a feed page reuse one owner dict per person; ``created_at`` stays a datetime
    (orjson and pydantic both write it as ISO 8601 with ``Z``).
    """
    owner = owners.get(row[1]) if owners is not None else None
    if owner is None:
        owner = user_json(row[1], row[2], row[3])
        if owners is not None:
            owners[row[1]] = owner
    eid = row[0]
    return {
        "id": eid,
        "owner": owner,
        "emotion": row[4],
        "created_at": EPOCH + timedelta(microseconds=row[5]),
        "duration_s": row[6],
        "note": row[7],
        "latitude": row[8],
        "longitude": row[9],
        "place_name": row[10],
        "like_count": row[11],
        "liked_by_me": bool(liked),
        "audio_url": "/entries/" + eid + "/audio",
    }


def fetch_entry(conn: Connection, entry_id: str):
    return conn.execute(
        select(*ENTRY_COLUMNS, ENTRY.c.audio_mime, ENTRY.c.audio_file).join(USER, USER.c.id == ENTRY.c.owner_id).where(ENTRY.c.id == entry_id)
    ).first()


def can_see(conn: Connection, owner_id: int, me: CachedUser) -> bool:
    return owner_id == me.id or are_friends(conn, me.id, owner_id)


def visible_entry(conn: Connection, entry_id: str, me: CachedUser):
    row = fetch_entry(conn, entry_id)
    if row is None or not can_see(conn, row.owner_id, me):
        raise HTTPException(404, "no such entry (or it is not shared with you)")
    return row


def liked_by(conn: Connection, entry_id: str, user_id: int) -> bool:
    return conn.execute(select(LIKE.c.user_id).where(LIKE.c.entry_id == entry_id, LIKE.c.user_id == user_id)).first() is not None


def _check_claim(conn: Connection, entry_id: str, me: CachedUser) -> None:
    """A UUID that was shared once stays its owner's after unsharing: nobody else may take it."""
    owner = conn.execute(select(TOMBSTONE.c.owner_id).where(TOMBSTONE.c.id == entry_id)).scalar()
    if owner is not None and owner != me.id:
        raise HTTPException(403, "only the owner can change this entry")


def _parse_meta(meta: str) -> EntryMeta:
    try:
        return EntryMeta.model_validate_json(meta)
    except ValidationError as exc:
        message, _ = validation_message(exc.errors())
        raise HTTPException(422, "invalid meta field: " + message.removeprefix("invalid request: ")) from None


def _read_upload(audio: UploadFile, limit: int) -> bytes:
    data = audio.file.read(limit + 1)
    if len(data) > limit:
        raise HTTPException(413, f"the audio file is larger than the server's limit of {limit // 1024} KiB")
    if not data:
        raise HTTPException(415, "the audio file is empty")
    return data


def make_router(max_upload_bytes: int) -> APIRouter:
    router = APIRouter(tags=["entries"])
    errors = {403: {"model": ErrorOut}, 404: {"model": ErrorOut}, 413: {"model": ErrorOut}, 415: {"model": ErrorOut}}

    @router.put(
        "/entries/{entry_id}", response_model=EntryOut, responses={201: {"model": EntryOut}, **errors},
    )  # the body size is capped by limits.BodySizeLimit; the file itself is checked exactly below
    def put_entry(
        entry_id: uuid.UUID,
        response: Response,
        meta: str = Form(..., description="JSON: emotion, created_at (ISO with offset), duration_s, note, latitude?, longitude?, place_name?"),
        audio: UploadFile | None = File(None, description="FLAC, WAV or OGG; required when the entry is new"),
        me: CachedUser = CurrentUser,
        state: ServerState = Depends(get_state),
    ) -> dict:
        eid = str(entry_id)
        info = _parse_meta(meta)
        data = _read_upload(audio, state.config.max_upload_bytes) if audio is not None else None
        values = dict(
            emotion=info.emotion, created_us=datetime_to_us(info.created_at), duration_s=info.duration_s,
            note=info.note, latitude=info.latitude, longitude=info.longitude, place_name=info.place_name,
            updated_us=now_us(),
        )
        prepared = None
        if data is not None:  # checked and written under a temporary name before any row is touched
            try:
                prepared = prepare_audio(state.audio_dir, data)
            except NotAudioError as exc:
                raise HTTPException(415, str(exc)) from None
            values.update(audio_file=f"{eid}.{prepared.kind.ext}", audio_mime=prepared.kind.mime, audio_bytes=prepared.size)
        swap = FileSwap()
        try:
            with state.engine.begin() as conn:
                # Claim the row first: the lock is held until commit, and only then does the file
                # move into place, so a racing unshare, or another user's upload under the same
                # UUID, can never leave a row and a file that disagree.
                lock_rows(conn, ENTRY, ENTRY.c.id == eid, "like_count")
                existing = conn.execute(select(ENTRY.c.owner_id).where(ENTRY.c.id == eid)).first()
                if existing is None:
                    _check_claim(conn, eid, me)
                elif existing.owner_id != me.id:
                    raise HTTPException(403, "only the owner can change this entry")
                if existing is None and prepared is None:
                    raise HTTPException(422, "the audio file is required when an entry is shared for the first time")
                if existing is None:
                    conn.execute(insert(ENTRY).values(id=eid, owner_id=me.id, uploaded_us=values["updated_us"], like_count=0, **values))
                else:
                    conn.execute(update(ENTRY).where(ENTRY.c.id == eid).values(**values))
                if prepared is not None:
                    swap = swap_in(state.audio_dir, eid, prepared)
                body = entry_json(fetch_entry(conn, eid), liked_by(conn, eid, me.id))
        except IntegrityError:  # another request inserted this UUID first (PostgreSQL: after our check)
            swap.rollback()
            with state.engine.connect() as conn:
                owner = conn.execute(select(ENTRY.c.owner_id).where(ENTRY.c.id == eid)).scalar()
            if owner is not None and owner != me.id:
                raise HTTPException(403, "only the owner can change this entry") from None
            raise HTTPException(409, "this entry was uploaded concurrently; retry") from None
        except BaseException:
            swap.rollback()
            raise
        finally:
            if prepared is not None:
                prepared.discard()  # no-op once moved into place
        swap.commit()
        response.status_code = 201 if existing is None else 200
        return body

    @router.get("/entries/{entry_id}", response_model=EntryOut, responses=errors)
    def get_entry(entry_id: uuid.UUID, me: CachedUser = CurrentUser, state: ServerState = Depends(get_state)) -> dict:
        eid = str(entry_id)
        with state.engine.connect() as conn:
            row = visible_entry(conn, eid, me)
            return entry_json(row, liked_by(conn, eid, me.id))

    @router.get(
        "/entries/{entry_id}/audio", response_class=FileResponse,
        responses={200: {"content": {"audio/flac": {}, "audio/wav": {}, "audio/ogg": {}}}, 404: {"model": ErrorOut}},
    )
    def get_audio(entry_id: uuid.UUID, me: CachedUser = CurrentUser, state: ServerState = Depends(get_state)):
        eid = str(entry_id)
        with state.engine.connect() as conn:
            row = visible_entry(conn, eid, me)
        path = state.audio_dir / row.audio_file
        if not path.is_file():
            raise HTTPException(404, "the audio of this entry is missing on the server")
        return FileResponse(path, media_type=row.audio_mime, filename=row.audio_file)

    @router.delete("/entries/{entry_id}", status_code=204, responses=errors)
    def unshare_entry(entry_id: uuid.UUID, me: CachedUser = CurrentUser, state: ServerState = Depends(get_state)) -> Response:
        eid = str(entry_id)
        swap = FileSwap()
        try:
            with state.engine.begin() as conn:
                lock_rows(conn, ENTRY, ENTRY.c.id == eid, "like_count")  # likes and uploads of it wait
                row = visible_entry(conn, eid, me)
                if row.owner_id != me.id:
                    raise HTTPException(403, "only the owner can unshare this entry")
                conn.execute(delete(LIKE).where(LIKE.c.entry_id == eid))
                conn.execute(delete(NOTIFICATION).where(NOTIFICATION.c.entry_id == eid))
                conn.execute(delete(ENTRY).where(ENTRY.c.id == eid))
                if conn.execute(select(TOMBSTONE.c.id).where(TOMBSTONE.c.id == eid)).first() is None:
                    conn.execute(insert(TOMBSTONE).values(id=eid, owner_id=me.id, deleted_us=now_us()))
                swap = swap_out(state.audio_dir, eid)  # inside the lock: a waiting re-upload lands after
        except BaseException:
            swap.rollback()
            raise
        swap.commit()
        return Response(status_code=204)

    return router
