"""Repair the header of a WAV file that a crash left open: the audio on disk is the truth.

WHY a module of its own: the recorder repairs its own file after a failed close, and crash
recovery repairs what a killed process left; both need it, and recovery imports the recorder.
"""

from __future__ import annotations

import os
import struct
from pathlib import Path
from typing import BinaryIO


def _riff_layout(fh: BinaryIO) -> tuple[int, int, int] | None:
    """(offset of the data chunk's size field, offset of the audio, block_align) or None."""
    fh.seek(0)
    head = fh.read(12)
    if len(head) < 12 or head[:4] != b"RIFF" or head[8:12] != b"WAVE":
        return None
    block_align = 0
    while True:
        chunk = fh.read(8)
        if len(chunk) < 8:
            return None
        cid, size = chunk[:4], struct.unpack("<I", chunk[4:])[0]
        if cid == b"fmt ":
            fmt = fh.read(size)
            block_align = struct.unpack("<H", fmt[12:14])[0]
            fh.seek(size % 2, os.SEEK_CUR)
        elif cid == b"data":
            return fh.tell() - 4, fh.tell(), max(block_align, 1)
        else:
            fh.seek(size + size % 2, os.SEEK_CUR)


def repair_wav(path: str | Path) -> int:
    """Make the header agree with the audio on disk; returns the number of frames kept."""
    path = Path(path)
    with open(path, "r+b") as fh:
        layout = _riff_layout(fh)
        if layout is None:
            return 0
        size_field, audio_start, block_align = layout
        end = fh.seek(0, os.SEEK_END)
        fh.seek(size_field)
        declared = struct.unpack("<I", fh.read(4))[0]
        if 0 < declared < 0xFFFFFFFF and audio_start + declared == end and declared % block_align == 0:
            return int(declared // block_align)  # a properly closed file: leave it exactly as it is
        data_bytes = (end - audio_start) // block_align * block_align
        if audio_start + data_bytes != end:  # a half-written last frame
            fh.truncate(audio_start + data_bytes)
        fh.seek(size_field)
        fh.write(struct.pack("<I", data_bytes))
        fh.seek(4)
        fh.write(struct.pack("<I", audio_start + data_bytes - 8))
        fh.flush()
        os.fsync(fh.fileno())
    return data_bytes // block_align
