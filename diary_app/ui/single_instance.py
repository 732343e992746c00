"""One app per diary: a second start hands over to the first (its window comes to the front).

The first instance on a data folder takes ``<data>/gui.lock`` (a ``QLockFile``: it holds the
owner's pid, so a lock left by a crashed instance is taken over) and listens on a local socket
named after the folder. A later start finds the lock taken, connects, sends ``activate`` and
waits for ``ok`` (sent after the window was raised), then exits. Two instances on one diary
used to lose recordings (each one's start-up recovery took the other's files in flight); the
diary's own owner lock (``store/owners.py``) still guards against any other process.
"""

from __future__ import annotations

import hashlib
import logging
import time
from pathlib import Path

from PySide6.QtCore import QLockFile, QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

log = logging.getLogger(__name__)

LOCK_NAME = "gui.lock"
ACTIVATE = b"activate\n"
ACK = b"ok\n"


def server_name(data_folder: Path) -> str:
    digest = hashlib.sha1(str(Path(data_folder).resolve()).encode("utf-8")).hexdigest()[:16]
    return f"sound-diary-{digest}"


class SingleInstance(QObject):
    """``claim()`` → True: this is the first instance (``activated`` fires on a later start)."""

    activated = Signal()

    def __init__(self, data_folder: str | Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.folder = Path(data_folder)
        self.name = server_name(self.folder)
        self.lock = QLockFile(str(self.folder / LOCK_NAME))
        self.lock.setStaleLockTime(0)  # only a dead owner makes the lock stale, never its age
        self.server: QLocalServer | None = None

    def claim(self) -> bool:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError:
            pass
        if not self.lock.tryLock(0):
            if self.lock.error() == QLockFile.LockError.LockFailedError:
                return False  # held by a live instance
            log.warning("cannot make %s (%s): running without the single-instance check",
                        self.folder / LOCK_NAME, self.lock.error())
            return True  # a read-only folder: nobody else can write here either
        QLocalServer.removeServer(self.name)  # a socket file left by a crashed instance
        self.server = QLocalServer(self)
        self.server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not self.server.listen(self.name):
            log.warning("cannot listen on %s: %s", self.name, self.server.errorString())
        self.server.newConnection.connect(self._on_connection)
        return True

    def hand_over(self, timeout_s: float = 10.0) -> bool:
        """Ask the first instance to show its window; True once it answered."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:  # the first instance may still be starting up
            socket = QLocalSocket()
            socket.connectToServer(self.name)
            if socket.waitForConnected(500):
                socket.write(ACTIVATE)
                socket.flush()
                answer = b""
                while ACK not in answer and socket.waitForReadyRead(int(max(0.1, deadline - time.monotonic()) * 1000)):
                    answer += bytes(socket.readAll().data())
                socket.abort()
                if ACK in answer:
                    return True
            time.sleep(0.2)
        return False

    def release(self) -> None:
        if self.server is not None:
            self.server.close()
            self.server = None
        self.lock.unlock()

    def _on_connection(self) -> None:
        assert self.server is not None
        while self.server.hasPendingConnections():
            socket = self.server.nextPendingConnection()
            socket.readyRead.connect(lambda s=socket: self._on_ready(s))
            socket.disconnected.connect(socket.deleteLater)

    def _on_ready(self, socket: QLocalSocket) -> None:
        if ACTIVATE.strip() in bytes(socket.readAll().data()):
            log.info("another start of Sound Diary handed over to this one")
            self.activated.emit()
            socket.write(ACK)
            socket.flush()
            socket.disconnectFromServer()
