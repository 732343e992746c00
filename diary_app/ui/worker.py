"""Run a function off the GUI thread and get its result, error and progress back on it.

WHY: model loading, training, backups and network calls must never block the window; one small
helper instead of a hand-rolled ``QRunnable`` per page keeps the rule easy to follow.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal


class _CallSignals(QObject):
    done = Signal(object)
    failed = Signal(object)
    progress = Signal(int, int)


class BackgroundCall(QRunnable):
    """Run ``fn(progress)`` on the global thread pool; results arrive as queued signals on the GUI
    thread. ``fn`` receives a ``progress(done, total)`` callable it may call from the worker."""

    def __init__(self, fn: Callable[[Callable[[int, int], None]], Any]) -> None:
        super().__init__()
        self.fn = fn
        self.signals = _CallSignals()
        self.setAutoDelete(False)  # the caller keeps a reference until a signal arrives

    def run(self) -> None:  # worker thread
        try:
            result = self.fn(lambda done, total: self.signals.progress.emit(int(done), int(total)))
        except Exception as exc:  # noqa: BLE001 - shown to the user, never swallowed
            self.signals.failed.emit(exc)
        else:
            self.signals.done.emit(result)

    def start(self) -> "BackgroundCall":
        QThreadPool.globalInstance().start(self)
        return self
