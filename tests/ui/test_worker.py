"""``ui.worker``: the one way to run work off the GUI thread (results, errors and progress come back on it,
and no object the work touched is ever freed on a pool thread)."""

from __future__ import annotations

import gc
import threading

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import QThreadPool  # noqa: E402

from diary_app.ui.worker import BackgroundCall, run_in_background  # noqa: E402


class _Sentinel:
    """Records the thread that frees it (stands for a widget a closure holds)."""

    def __init__(self, died: list[str]) -> None:
        self.died = died

    def __del__(self) -> None:
        self.died.append(threading.current_thread().name)


def test_result_error_and_progress_arrive_on_the_gui_thread(qtbot):
    main = threading.current_thread().name
    seen: list[tuple[str, object, str]] = []

    def work(progress):
        for i in range(3):
            progress(i + 1, 3)
        return threading.current_thread().name

    call = BackgroundCall(work)
    call.signals.progress.connect(lambda d, t: seen.append(("progress", (d, t), threading.current_thread().name)))
    call.signals.done.connect(lambda r: seen.append(("done", r, threading.current_thread().name)))
    with qtbot.waitSignal(call.signals.done, timeout=5000):
        call.start()
    assert [s[1] for s in seen] == [(1, 3), (2, 3), (3, 3), seen[-1][1]]
    assert seen[-1][1] != main  # the work ran on a pool thread ...
    assert {s[2] for s in seen} == {main}  # ... and everything came back on the GUI thread
    assert not call.running

    errors: list[Exception] = []
    failing = run_in_background(lambda: 1 / 0, on_failed=errors.append)
    qtbot.waitUntil(lambda: bool(errors), timeout=5000)
    assert isinstance(errors[0], ZeroDivisionError) and errors[0].__traceback__ is None
    assert not failing.running


def _holding(obj: object, release: threading.Event):
    def work() -> bool:
        release.wait(5)
        return obj is not None
    return work


def test_the_call_keeps_itself_alive_and_the_gui_thread_frees_what_the_work_held(qtbot):
    """A caller may drop its reference at once; the answer still arrives, and the closure's objects are
    freed on the GUI thread, never on the pool thread (a widget freed there crashed the app)."""
    died: list[str] = []
    answers: list[object] = []
    release = threading.Event()
    run_in_background(_holding(_Sentinel(died), release), answers.append)  # the closure holds the only reference
    gc.collect()
    release.set()
    qtbot.waitUntil(lambda: bool(answers), timeout=5000)
    QThreadPool.globalInstance().waitForDone(5000)
    gc.collect()
    assert answers == [True]
    assert died == [threading.current_thread().name]


def test_a_private_pool_is_used_when_given(qtbot):
    """The call queues behind the private pool's one busy thread (on the global pool it would run at once)."""
    pool = QThreadPool()
    pool.setMaxThreadCount(1)
    release = threading.Event()
    pool.start(lambda: release.wait(5))  # the pool's only thread is busy until released
    ran = threading.Event()
    answers: list[object] = []
    call = run_in_background(ran.set, answers.append, pool=pool)
    assert not ran.wait(0.3) and call.running  # still queued in the private pool
    release.set()
    assert pool.waitForDone(5000) and ran.is_set()
    qtbot.waitUntil(lambda: bool(answers), timeout=5000)
    assert not call.running


def test_cycles_are_collected_by_the_gui_thread_timer_not_by_allocation(qtbot):
    """``collect_garbage_on_gui_thread`` (the app calls it at start; the GUI tests run under it): a cycle
    that becomes garbage is not freed by whichever thread allocates next, but by the GUI-thread timer."""
    from diary_app.ui.worker import collect_garbage_on_gui_thread

    collect_garbage_on_gui_thread()
    assert not gc.isenabled()
    died: list[str] = []
    cycle: list[object] = [_Sentinel(died)]
    cycle.append(cycle)
    del cycle
    junk = [[i] for i in range(5000)]  # far past the generation-0 threshold: would trigger an automatic collection
    assert died == []  # nothing collected on allocation
    qtbot.waitUntil(lambda: bool(died), timeout=5000)  # the 1 s timer on the GUI thread
    assert died == [threading.current_thread().name] and len(junk) == 5000
