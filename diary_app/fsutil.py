"""Atomic file writes: the one way the app replaces a file on disk.

WHY: a crash, a full disk or a second process must never leave a half-written settings file, card
or cache behind. Writing to a temporary name in the same folder, ``fsync`` and ``os.replace``
means a reader sees either the old file or the new one, never a mix.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO


def _file_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


_FILE_MODE = _file_mode()


def atomic_write(path: str | Path, write: Callable[[BinaryIO], object], fsync: bool = True) -> Path:
    """Replace ``path`` with what ``write(file)`` writes into an open binary file (``np.save``,
    ``np.savez``, ``torch.save`` take one), atomically. ``fsync=False`` for caches that may be lost."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        os.chmod(tmp, _FILE_MODE)  # mkstemp makes 0600; a model card or settings file is an ordinary file
        with os.fdopen(fd, "wb") as f:
            write(f)
            if fsync:
                f.flush()
                os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return path


def atomic_write_bytes(path: str | Path, data: bytes, fsync: bool = True) -> Path:
    return atomic_write(path, lambda f: f.write(data), fsync=fsync)


def atomic_write_text(path: str | Path, text: str, encoding: str = "utf-8", fsync: bool = True) -> Path:
    return atomic_write_bytes(path, text.encode(encoding), fsync=fsync)
