"""Which live processes have a diary folder open, so that recovery never touches their files.

Each process that opens a diary for writing holds an exclusive ``flock`` on its own file
``<diary>/.owners/<pid>.lock`` for as long as it lives (the kernel drops the lock when the process
dies, also on SIGKILL, so a stale file is recognised for certain: its lock can be taken). The
file is made under a temporary name, locked and only then renamed into place, so another process
never sees an unlocked file of a live owner. On Windows ``msvcrt.locking`` takes the place of
``flock`` (written in place: an open file cannot be renamed there); untested on Windows.

``Diary.recover()`` asks ``other_live_owners()`` first: while another live process has the folder
open, an audio file without a row, a ``.part`` or a ``.trash`` file may be that process's save or
delete in progress, so recovery leaves them alone (the last process to start alone finishes it).
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]
    import msvcrt

OWNERS_DIR = ".owners"

_registry_lock = threading.Lock()
#: resolved owners folder -> (open file descriptor holding the flock, number of Diary objects)
_held: dict[Path, list[int]] = {}


def _folder(root: Path) -> Path:
    return Path(root) / OWNERS_DIR


def claim(root: str | Path) -> bool:
    """Mark this process as an owner of the diary at ``root``; False if the folder is read-only."""
    folder = _folder(Path(root))
    key = folder.resolve()
    with _registry_lock:
        if key in _held:
            _held[key][1] += 1
            return True
        fd = -1
        try:
            folder.mkdir(parents=True, exist_ok=True)
            final = folder / f"{os.getpid()}.lock"
            tmp = folder / f"{os.getpid()}.lock.tmp" if fcntl is not None else final
            fd = os.open(tmp, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o644)
            os.write(fd, f"{os.getpid()}\n".encode())
            _lock(fd)
            if tmp != final:
                os.replace(tmp, final)
        except OSError:
            if fd >= 0:
                os.close(fd)
            return False
        _held[key] = [fd, 1]
        return True


def release(root: str | Path) -> None:
    key = _folder(Path(root)).resolve()
    with _registry_lock:
        held = _held.get(key)
        if held is None:
            return
        held[1] -= 1
        if held[1] > 0:
            return
        del _held[key]
        try:
            (key / f"{os.getpid()}.lock").unlink(missing_ok=True)
        except OSError:
            pass
        os.close(held[0])


def _lock(fd: int) -> None:
    """Exclusive, non-blocking; raises OSError when another process holds it."""
    if fcntl is not None:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    else:  # pragma: no cover - Windows: lock the first byte
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)


def _unlock(fd: int) -> None:
    if fcntl is not None:
        fcntl.flock(fd, fcntl.LOCK_UN)
    else:  # pragma: no cover - Windows
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)


def _is_held(path: Path, pid: int) -> bool:
    try:
        fd = os.open(path, os.O_RDWR if fcntl is None else os.O_RDONLY)
    except FileNotFoundError:
        return False
    except OSError:
        return True  # cannot tell: assume a live owner (the safe side)
    try:
        _lock(fd)
    except OSError:  # BlockingIOError on POSIX, PermissionError on Windows: a live owner
        return True
    else:
        _unlock(fd)
        return False
    finally:
        os.close(fd)


def pid_alive(pid: object) -> bool:
    """Whether a process with this pid runs (never signals it; ``os.kill(pid, 0)`` would end it
    on Windows)."""
    if not isinstance(pid, int) or isinstance(pid, bool) or pid <= 0:
        return False
    if os.name == "nt":  # pragma: no cover - Windows
        import ctypes

        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined,unused-ignore]  # Windows only
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return bool(kernel32.GetLastError() == 5)  # access denied: it exists
        code = ctypes.c_ulong()
        try:
            ok = kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
        finally:
            kernel32.CloseHandle(handle)
        return bool(ok) and code.value == 259  # STILL_ACTIVE
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def other_live_owners(root: str | Path) -> list[int]:
    """Pids of other live processes that have this diary open (stale files are removed)."""
    folder = _folder(Path(root))
    if not folder.is_dir():
        return []
    me = os.getpid()
    alive: list[int] = []
    for path in folder.glob("*.lock"):
        try:
            pid = int(path.stem)
        except ValueError:
            continue
        if pid == me:
            continue
        if _is_held(path, pid):
            alive.append(pid)
        else:
            try:
                path.unlink(missing_ok=True)
            except OSError:
                pass
    return sorted(alive)
