"""Audio files of shared entries: content sniffing and atomic storage on disk.

Audio lives in ``<data_dir>/audio/<entry uuid>.<ext>``, not in the database: big blobs would bloat
the database and its backups, and files can be streamed to clients without loading them.
The type is decided by the bytes (magic number, then a libsndfile parse), never by the file name.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

AUDIO_TYPES = {"audio/flac": "flac", "audio/wav": "wav", "audio/ogg": "ogg"}


class NotAudioError(ValueError):
    """The upload is not a FLAC, WAV or OGG file."""


@dataclass(frozen=True)
class AudioKind:
    mime: str
    ext: str


def sniff_audio(head: bytes) -> AudioKind:
    if head[:4] == b"fLaC":
        return AudioKind("audio/flac", "flac")
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return AudioKind("audio/wav", "wav")
    if head[:4] == b"OggS":
        return AudioKind("audio/ogg", "ogg")
    raise NotAudioError("the upload is not FLAC, WAV or OGG audio (checked by content)")


def _check_decodable(path: Path) -> None:
    """A real parse, so a file that only starts with the right magic bytes is still refused."""
    try:
        import soundfile
    except (ImportError, OSError):  # libsndfile missing: the magic check has to do
        return
    try:
        info = soundfile.info(str(path))
    except Exception as exc:  # soundfile raises LibsndfileError/RuntimeError/TypeError on garbage
        raise NotAudioError(f"the audio file cannot be decoded: {exc}") from None
    if info.frames <= 0 or info.samplerate <= 0:
        raise NotAudioError("the audio file holds no samples")


def store_audio(audio_dir: Path, entry_id: str, data: bytes) -> AudioKind:
    """Write atomically (temp file + rename) so a reader never sees half a file."""
    kind = sniff_audio(data[:16])
    final = audio_dir / f"{entry_id}.{kind.ext}"
    tmp = audio_dir / f".{entry_id}.{secrets.token_hex(4)}.{kind.ext}.part"
    try:
        tmp.write_bytes(data)
        _check_decodable(tmp)
        os.replace(tmp, final)
    finally:
        tmp.unlink(missing_ok=True)
    for ext in AUDIO_TYPES.values():  # the previous upload may have had another format
        if ext != kind.ext:
            (audio_dir / f"{entry_id}.{ext}").unlink(missing_ok=True)
    return kind


def remove_audio(audio_dir: Path, entry_id: str) -> None:
    for ext in AUDIO_TYPES.values():
        (audio_dir / f"{entry_id}.{ext}").unlink(missing_ok=True)
