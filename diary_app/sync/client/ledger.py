"""Which of this diary's entries are on the server, so deleting one locally takes it down there too.

Once a row is deleted from the diary nothing says it was ever shared. Sending a DELETE for every
deleted id would tell the server the ids of private entries, which must never leave the machine.
So the sync engine writes down the ids it has uploaded (``sync_shared.json`` beside the diary
database) and unshares exactly those when they disappear locally — also when the deletion happened
while the app was closed or from the command line.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

from diary_app.fsutil import atomic_write_text

FILE_NAME = "sync_shared.json"


class SharedLedger:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._shared: set[str] = set()
        self._deleted: set[str] = set()
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            self._shared = {str(i) for i in data.get("shared", [])}
            self._deleted = {str(i) for i in data.get("deleted", [])}
        except (FileNotFoundError, json.JSONDecodeError, AttributeError):
            pass

    def shared(self) -> set[str]:
        with self._lock:
            return set(self._shared)

    def to_delete(self) -> set[str]:
        with self._lock:
            return set(self._deleted)

    def mark_shared(self, entry_id: str) -> None:
        with self._lock:
            self._shared.add(str(entry_id))
            self._deleted.discard(str(entry_id))
            self._save()

    def mark_unshared(self, entry_id: str) -> None:
        with self._lock:
            self._shared.discard(str(entry_id))
            self._deleted.discard(str(entry_id))
            self._save()

    def mark_deleted_locally(self, entry_id: str) -> bool:
        """True when the entry was on the server and now waits to be taken down."""
        with self._lock:
            if str(entry_id) not in self._shared:
                return False
            self._shared.discard(str(entry_id))
            self._deleted.add(str(entry_id))
            self._save()
            return True

    def _save(self) -> None:
        atomic_write_text(self.path, json.dumps({"shared": sorted(self._shared), "deleted": sorted(self._deleted)}))
