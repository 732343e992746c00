"""Run a function off the GUI thread and get its result, error and progress back on it.

WHY: model loading, training, backups and network calls must never block the window; one small
helper instead of a hand-rolled ``QRunnable`` per page keeps the rule easy to follow.

WHY this shape: a worker thread never holds the last reference to a Qt object. Every
``BackgroundCall`` and its ``signals`` are created, kept (in ``_LIVE`` until the answer is
delivered) and released on the GUI thread; the pool thread gets only the function (dropped before
it answers) and the emit of one relay object that lives as long as the process. A runnable that
owned its signals object let a pool thread free that QObject (or a widget a closure held) while the
GUI thread used it, a segfault that showed up in CI under pytest-qt (exit 139).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any, cast

from PySide6.QtCore import QCoreApplication, QObject, QThreadPool, Signal, Slot

Progress = Callable[[int, int], None]

_DONE, _FAILED, _PROGRESS = 0, 1, 2


class _CallSignals(QObject):
    done = Signal(object)
    failed = Signal(object)
    progress = Signal(int, int)


class _Relay(QObject):
    """The one object pool threads emit on; made on the GUI thread at the first ``start()``, never freed."""

    answer = Signal(int, int, object)  # call id, _DONE / _FAILED / _PROGRESS, payload

    @Slot(int, int, object)
    def deliver(self, call_id: int, kind: int, payload: object) -> None:  # GUI thread (queued)
        call = _LIVE.get(call_id)
        if call is None:
            return
        if kind == _PROGRESS:
            call.signals.progress.emit(*cast(tuple[int, int], payload))
            return
        del _LIVE[call_id]
        (call.signals.done if kind == _DONE else call.signals.failed).emit(payload)


_LIVE: dict[int, BackgroundCall] = {}
_IDS = itertools.count(1)
_relay: _Relay | None = None


def _the_relay() -> _Relay:
    global _relay
    if _relay is None:
        _relay = _Relay()
        app = QCoreApplication.instance()
        if app is not None:  # deliveries need the GUI thread's event loop, whichever thread started first
            _relay.moveToThread(app.thread())
        _relay.answer.connect(_relay.deliver)  # emitted on pool threads, delivered queued on the GUI thread
    return _relay


def _run(box: list[Callable[[Progress], Any]], call_id: int, emit: Callable[[int, int, object], None]) -> None:
    """Pool thread. The function leaves ``box`` here and is dropped before the answer goes back, so the
    GUI thread's reference (``BackgroundCall.fn``) is always the last one."""
    fn = box.pop()
    try:
        result = fn(lambda done, total: emit(call_id, _PROGRESS, (int(done), int(total))))
    except Exception as exc:  # noqa: BLE001 - shown to the user, never swallowed
        del fn
        emit(call_id, _FAILED, exc.with_traceback(None))  # the frames stay here; the GUI needs the message
    else:
        del fn
        emit(call_id, _DONE, result)


class BackgroundCall:
    """Run ``fn(progress)`` on a thread pool (the global one unless ``start(pool)``); results arrive as
    signals on the GUI thread: ``signals.done(result)``, ``signals.failed(exception)``,
    ``signals.progress(done, total)``. ``fn`` receives a ``progress(done, total)`` callable it may call
    from the worker. The call keeps itself alive until its answer is delivered."""

    def __init__(self, fn: Callable[[Progress], Any]) -> None:
        self.fn = fn
        self.signals = _CallSignals()
        self.id = next(_IDS)

    def start(self, pool: QThreadPool | None = None) -> BackgroundCall:
        """Call on the GUI thread."""
        emit = _the_relay().answer.emit
        _LIVE[self.id] = self
        box = [self.fn]
        call_id = self.id
        (pool or QThreadPool.globalInstance()).start(lambda: _run(box, call_id, emit))
        return self

    @property
    def running(self) -> bool:
        """Started and not answered yet."""
        return self.id in _LIVE


def run_in_background(fn: Callable[[], Any], on_done: Callable[[Any], None] | None = None,
                      on_failed: Callable[[Exception], None] | None = None, *,
                      pool: QThreadPool | None = None) -> BackgroundCall:
    """``fn()`` (no progress) on a pool thread; ``on_done(result)`` / ``on_failed(exc)`` on the GUI thread."""
    call = BackgroundCall(lambda _progress: fn())
    if on_done is not None:
        call.signals.done.connect(on_done)
    if on_failed is not None:
        call.signals.failed.connect(on_failed)
    return call.start(pool)


_collector: Any = None


def collect_garbage_on_gui_thread() -> None:
    """Turn Python's automatic cycle collection off and collect from a GUI-thread timer instead.

    WHY: the cycle collector runs in whichever thread happens to allocate when a threshold is
    crossed, so a pool thread (a backup, a sync call, a model load) may be the one that frees a
    widget caught in a reference cycle (a widget and a lambda slot of it) and destroy it while the
    GUI thread paints or lists widgets: a segfault (seen in CI under pytest-qt, exit 139).
    pyqtgraph's ``GarbageCollector`` is the known fix; call this on the GUI thread once the
    QApplication exists (again after ``gc.enable()``: it switches automatic collection off again).
    """
    import gc

    global _collector
    if _collector is None:
        from pyqtgraph.util.garbage_collector import GarbageCollector

        _collector = GarbageCollector(interval=1.0)
    gc.disable()
