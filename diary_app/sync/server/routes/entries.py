"""Shared entries: idempotent upload by UUID, read, audio download, unshare.

Who may see or change what is ``data.entries``' business; this module orders the work so the
database and the audio folder always agree: the upload is checked and written under a temporary
name first, then the row is claimed under its lock, the file renamed into place inside the same
transaction, and the move finished (old files deleted) only after the commit (``FileSwap``).
"""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, File, Form, HTTPException, Response, UploadFile
from fastapi.responses import FileResponse
from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError

from diary_app.sync.contract import EntryMeta, ErrorOut, SharedEntry
from diary_app.sync.server.data import Conflict, Forbidden, Invalid, datetime_to_us, entries
from diary_app.sync.server.deps import CurrentUser, ReadConnection, State
from diary_app.sync.server.errors import validation_message
from diary_app.sync.server.models import now_us
from diary_app.sync.server.storage import FileSwap, NotAudioError, PreparedAudio, prepare_audio, swap_in, swap_out


def _parse_meta(meta: str) -> EntryMeta:
    try:
        return EntryMeta.model_validate_json(meta)
    except ValidationError as exc:
        message, _ = validation_message(exc.errors())
        raise Invalid("invalid meta field: " + message.removeprefix("invalid request: ")) from None


def _read_upload(audio: UploadFile, limit: int) -> bytes:
    data = audio.file.read(limit + 1)
    if len(data) > limit:
        raise HTTPException(413, f"the audio file is larger than the server's limit of {limit // 1024} KiB")
    if not data:
        raise HTTPException(415, "the audio file is empty")
    return data


def _columns(info: EntryMeta, audio: PreparedAudio | None, entry_id: str) -> dict[str, Any]:
    values = dict(
        emotion=info.emotion, created_us=datetime_to_us(info.created_at), duration_s=info.duration_s,
        note=info.note, latitude=info.latitude, longitude=info.longitude, place_name=info.place_name,
        updated_us=now_us(),
    )
    if audio is not None:
        values.update(audio_file=f"{entry_id}.{audio.kind.ext}", audio_mime=audio.kind.mime, audio_bytes=audio.size)
    return values


router = APIRouter(tags=["entries"])
ERRORS: dict[int | str, dict[str, Any]] = {403: {"model": ErrorOut}, 404: {"model": ErrorOut}, 413: {"model": ErrorOut}, 415: {"model": ErrorOut}}


@router.put("/entries/{entry_id}", response_model=SharedEntry, responses={201: {"model": SharedEntry}, **ERRORS})
def put_entry(  # the body size is capped by limits.BodySizeLimit; the file itself is checked exactly here
    entry_id: uuid.UUID,
    response: Response,
    me: CurrentUser,
    state: State,
    meta: str = Form(..., description="JSON (see EntryMeta): emotion, created_at (ISO with offset), duration_s, note, latitude?, longitude?, place_name?"),
    audio: UploadFile | None = File(None, description="FLAC, WAV or OGG; required when the entry is new"),
) -> dict[str, Any]:
    eid = str(entry_id)
    info = _parse_meta(meta)
    prepared = None
    if audio is not None:  # checked and written under a temporary name before any row is touched
        try:
            prepared = prepare_audio(state.audio_dir, _read_upload(audio, state.settings.max_upload_bytes))
        except NotAudioError as exc:
            raise HTTPException(415, str(exc)) from None
    values = _columns(info, prepared, eid)
    swap = FileSwap()
    try:
        with state.engine.begin() as conn:
            entries.lock(conn, eid)
            exists = entries.claim(conn, eid, me)
            if not exists and prepared is None:
                raise Invalid("the audio file is required when an entry is shared for the first time")
            if exists:
                entries.update_existing(conn, eid, values)
            else:
                entries.insert_new(conn, eid, me.id, values)
            if prepared is not None:
                swap = swap_in(state.audio_dir, eid, prepared)
            body = entries.as_json(conn, eid, me)
    except IntegrityError:  # PostgreSQL: another request inserted this UUID after our claim check
        swap.rollback()
        with state.engine.connect() as conn:
            owner = entries.owner_of(conn, eid)
        if owner is not None and owner != me.id:
            raise Forbidden(entries.NOT_OWNER) from None
        raise Conflict("this entry was uploaded concurrently; retry") from None
    except BaseException:
        swap.rollback()
        raise
    finally:
        if prepared is not None:
            prepared.discard()  # no-op once moved into place
    swap.commit()
    response.status_code = 200 if exists else 201
    return body


@router.get("/entries/{entry_id}", response_model=SharedEntry, responses=ERRORS)
def get_entry(entry_id: uuid.UUID, me: CurrentUser, conn: ReadConnection) -> dict[str, Any]:
    return entries.as_json(conn, str(entry_id), me)


@router.get(
    "/entries/{entry_id}/audio", response_class=FileResponse,
    responses={200: {"content": {"audio/flac": {}, "audio/wav": {}, "audio/ogg": {}}}, 404: {"model": ErrorOut}},
)
def get_audio(entry_id: uuid.UUID, me: CurrentUser, state: State, conn: ReadConnection) -> FileResponse:
    row = entries.visible(conn, str(entry_id), me)
    path = state.audio_dir / row.audio_file
    if not path.is_file():
        raise HTTPException(404, "the audio of this entry is missing on the server")
    return FileResponse(path, media_type=row.audio_mime, filename=row.audio_file)


@router.delete("/entries/{entry_id}", status_code=204, responses=ERRORS)
def unshare_entry(entry_id: uuid.UUID, me: CurrentUser, state: State) -> Response:
    eid = str(entry_id)
    swap = FileSwap()
    try:
        with state.engine.begin() as conn:
            entries.lock(conn, eid)  # likes and uploads of it wait
            entries.unshare(conn, eid, me)
            swap = swap_out(state.audio_dir, eid)  # inside the lock: a waiting re-upload lands after
    except BaseException:
        swap.rollback()
        raise
    swap.commit()
    return Response(status_code=204)
