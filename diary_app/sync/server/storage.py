"""Audio files of shared entries: content checks and crash-safe placement on disk.

Audio lives in ``<data_dir>/audio/<entry uuid>.<ext>``, not in the database: big blobs would bloat
the database and its backups, and files can be streamed to clients without loading them.
The type is decided by the bytes (magic number, then a full decode), never by the file name.

Uploads are written to a temporary name that carries no entry id (``.upload-<random>.part``),
and only moved into place while the request holds the entry's row lock (see ``routes/entries``),
so a rejected or racing upload can never replace another user's file. Every move made inside a
database transaction is recorded in a :class:`FileSwap`, undone if the transaction rolls back and
finished (trash removed) once it commits: the folder and the database always agree.
"""

from __future__ import annotations

import io
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

AUDIO_TYPES = {"audio/flac": "flac", "audio/wav": "wav", "audio/ogg": "ogg"}
#: Longest recording the server accepts (the same bound as ``EntryMeta.duration_s``).
MAX_AUDIO_SECONDS = 24 * 3600
_BLOCK = 1 << 16


class NotAudioError(ValueError):
    """The upload is not a playable FLAC, WAV or OGG file. The message never names server paths."""


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


def check_decodable(data: bytes) -> None:
    """Decode every sample, so a file that only *claims* audio is refused.

    A 42-byte FLAC header can claim 2^36 samples with no audio after it; ``soundfile.info`` alone
    believes it. The decode runs on the bytes in memory (so libsndfile's messages name no path),
    in blocks (so memory stays bounded) and must deliver what the header promises.
    """
    try:
        import soundfile
    except (ImportError, OSError):  # libsndfile missing: the magic check has to do
        return
    try:
        with soundfile.SoundFile(io.BytesIO(data)) as fh:
            claimed, rate = fh.frames, fh.samplerate
            if claimed <= 0 or rate <= 0:
                raise NotAudioError("the audio file holds no samples")
            if claimed / rate > MAX_AUDIO_SECONDS:
                raise NotAudioError("the audio file claims to be longer than 24 hours")
            decoded = 0
            while True:
                block = fh.read(_BLOCK, dtype="int16", always_2d=True)
                decoded += len(block)
                if len(block) < _BLOCK:
                    break
    except NotAudioError:
        raise
    except Exception:  # LibsndfileError/RuntimeError/TypeError on garbage; details are not the client's
        raise NotAudioError("the audio file cannot be decoded (damaged or not FLAC, WAV or OGG)") from None
    if decoded < claimed * 0.99:
        raise NotAudioError("the audio file is truncated: it holds fewer samples than its header says")


@dataclass
class PreparedAudio:
    """A checked upload waiting under a temporary name in the audio folder."""

    path: Path
    kind: AudioKind
    size: int

    def discard(self) -> None:
        self.path.unlink(missing_ok=True)


def prepare_audio(audio_dir: Path, data: bytes) -> PreparedAudio:
    """Check the bytes and write them to a temporary file (same folder: the move is a rename)."""
    kind = sniff_audio(data[:16])
    check_decodable(data)
    tmp = audio_dir / f".upload-{secrets.token_hex(8)}.part"
    try:
        tmp.write_bytes(data)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return PreparedAudio(tmp, kind, len(data))


@dataclass
class FileSwap:
    """File moves made inside a database transaction, undone on rollback, finished on commit."""

    trashed: list[tuple[Path, Path]] = field(default_factory=list)  # (trash name, original name)
    installed: Path | None = None

    def commit(self) -> None:
        for trash, _ in self.trashed:
            trash.unlink(missing_ok=True)
        self.trashed.clear()

    def rollback(self) -> None:
        if self.installed is not None:
            self.installed.unlink(missing_ok=True)
        for trash, original in reversed(self.trashed):
            if trash.exists():
                os.replace(trash, original)
        self.trashed.clear()


def _trash(audio_dir: Path, entry_id: str, swap: FileSwap) -> None:
    for ext in AUDIO_TYPES.values():
        path = audio_dir / f"{entry_id}.{ext}"
        if path.exists():
            trash = audio_dir / f".trash-{secrets.token_hex(4)}-{path.name}"
            os.replace(path, trash)
            swap.trashed.append((trash, path))


def swap_in(audio_dir: Path, entry_id: str, audio: PreparedAudio) -> FileSwap:
    """Put ``audio`` in place as the entry's file (any earlier file, of any format, to the trash)."""
    swap = FileSwap()
    _trash(audio_dir, entry_id, swap)
    final = audio_dir / f"{entry_id}.{audio.kind.ext}"
    os.replace(audio.path, final)
    swap.installed = final
    return swap


def swap_out(audio_dir: Path, entry_id: str) -> FileSwap:
    """Move the entry's files to the trash (deleted on commit, put back on rollback)."""
    swap = FileSwap()
    _trash(audio_dir, entry_id, swap)
    return swap


def sweep_leftovers(audio_dir: Path) -> int:
    """Remove temporary uploads and trash a killed process left behind (called at start)."""
    count = 0
    for pattern in (".upload-*.part", ".trash-*", ".*.part"):
        for path in audio_dir.glob(pattern):
            path.unlink(missing_ok=True)
            count += 1
    return count
