"""Typed write failures of the diary, each with a sentence a user can act on.

The raw errors are unreadable (``OSError: [Errno 28]``, ``LibsndfileError: System error.``,
``sqlite3.OperationalError: database or disk is full``); the GUI shows ``str()`` of these instead.
"""

from __future__ import annotations

import errno
import shutil
from pathlib import Path

#: below this much free space a failed write is taken to be a full disk (libsndfile gives no errno)
LOW_SPACE_BYTES = 1 << 20


class EntryNotFound(KeyError):
    """No entry with that id (deleted meanwhile, or never there)."""


class DiaryWriteError(OSError):
    """A change could not be written; nothing was lost (the message says what was kept)."""

    def __str__(self) -> str:  # the sentence alone, not "[Errno 28] ..."
        return str(self.strerror) if self.strerror else super().__str__()


class DiskFull(DiaryWriteError):
    pass


class DiaryReadOnly(DiaryWriteError):
    """The diary was opened read-only (damaged or on a read-only disk): changes are refused."""


def is_disk_full(exc: BaseException | None, folder: str | Path | None = None) -> bool:
    """True for ENOSPC/EDQUOT, SQLite's "database or disk is full", or any failure while almost
    no space is left in ``folder`` (libsndfile reports only "System error")."""
    seen = 0
    while exc is not None and seen < 5:
        if isinstance(exc, DiskFull):
            return True
        if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
            return True
        if "disk is full" in str(exc).lower() or "no space left" in str(exc).lower():
            return True
        orig = getattr(exc, "orig", None)  # SQLAlchemy wraps the sqlite3 error
        exc = orig if orig is not None else (exc.__cause__ or exc.__context__)
        seen += 1
    if folder is not None:
        try:
            return shutil.disk_usage(folder).free < LOW_SPACE_BYTES
        except OSError:
            return False
    return False


def is_read_only(exc: BaseException | None) -> bool:
    seen = 0
    while exc is not None and seen < 5:
        if isinstance(exc, OSError) and exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            return True
        if "readonly" in str(exc).lower() or "read-only" in str(exc).lower():
            return True
        orig = getattr(exc, "orig", None)
        exc = orig if orig is not None else (exc.__cause__ or exc.__context__)
        seen += 1
    return False


def as_write_error(exc: BaseException, what: str, folder: str | Path | None = None,
                   kept: str = "Nothing was changed.") -> DiaryWriteError | None:
    """A ``DiskFull`` / ``DiaryWriteError`` for a raw disk or database error, or None if it is not one."""
    if isinstance(exc, DiaryWriteError):
        return exc
    if isinstance(exc, (LookupError, ValueError, TypeError, AttributeError)):
        return None  # a logic error (unknown entry, bad value), whatever the disk looks like
    if is_disk_full(exc, folder):
        return DiskFull(errno.ENOSPC, f"The disk is full: {what} failed. {kept} Free some space and try again.")
    if is_read_only(exc):
        return DiaryWriteError(errno.EROFS, f"The diary folder cannot be written to: {what} failed. {kept}")
    return None
