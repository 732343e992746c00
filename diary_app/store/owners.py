"""Which live processes have a diary folder open, so that recovery never touches their files.

Each process that opens a diary for writing holds an exclusive ``flock`` on its own file
``<diary>/.owners/<pid>.lock`` for as long as it lives (the kernel drops the lock when the process
dies, also on SIGKILL, so a stale file is recognised for certain: its lock can be taken). The
file is made under a temporary name, locked and only then renamed into place, so another process
never sees an unlocked file of a live owner. Where ``fcntl`` is missing (Windows) the pid in the
name is checked with ``os.kill(pid, 0)`` instead.

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

OWNERS_DIR = ".owners"

_lock = threading.Lock()
#: resolved owners folder -> (open file descriptor holding the flock, number of Diary objects)
_held: dict[Path, list[int]] = {}


def _folder(root: Path) -> Path:
    return Path(root) / OWNERS_DIR


def claim(root: str | Path) -> bool:
    """Mark this process as an owner of the diary at ``root``; False if the folder is read-only."""
    folder = _folder(Path(root))
    key = folder.resolve()
    with _lock:
        if key in _held:
            _held[key][1] += 1
            return True
        fd = -1
        try:
            folder.mkdir(parents=True, exist_ok=True)
            final = folder / f"{os.getpid()}.lock"
            tmp = folder / f"{os.getpid()}.lock.tmp"
            fd = os.open(tmp, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o644)
            if fcntl is not None:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            os.write(fd, f"{os.getpid()}\n".encode())
            os.replace(tmp, final)
        except OSError:
            if fd >= 0:
                os.close(fd)
            return False
        _held[key] = [fd, 1]
        return True


def release(root: str | Path) -> None:
    key = _folder(Path(root)).resolve()
    with _lock:
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


def _is_held(path: Path, pid: int) -> bool:
    if fcntl is None:  # pragma: no cover - Windows
        return _pid_alive(pid)
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return False
    except OSError:
        return True  # cannot tell: assume a live owner (the safe side)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    except OSError:
        return True
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)


def _pid_alive(pid: int) -> bool:
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


def pid_is_other_live_owner(root: str | Path, pid: object) -> bool:
    return isinstance(pid, int) and pid in other_live_owners(root)
