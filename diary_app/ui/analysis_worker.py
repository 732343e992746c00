"""Analyse diary entries off the GUI thread; the models are loaded once, also off the GUI thread.

One worker thread (a private ``QThreadPool`` with one thread) runs the jobs in order, so the
models are loaded once and two analyses never compete for the CPU. By default the Analyzer
itself lives in a child process (``analysis_host``: imports of torch & co. hold the GIL and
would stall the GUI for up to a second); the worker thread only waits for its answers. An
injected ``analyzer_factory`` (or ``SOUND_DIARY_ANALYSIS_IN_PROCESS=1``) runs it in the worker
thread instead. Results go straight into the diary (``set_analysis`` / ``set_analysis_failed``)
and are reported with signals, which Qt delivers on the GUI thread.
"""

from __future__ import annotations

import logging
import os
import threading
import uuid
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThreadPool, Signal

log = logging.getLogger(__name__)

STAGE_QUEUED = "queued"
STAGE_LOADING = "loading"
STAGE_ANALYSING = "analysing"


def default_analyzer_factory(settings) -> Any:
    from diary_app.analysis.pipeline import Analyzer

    return Analyzer(settings=settings)


def describe_error(exc: BaseException) -> str:
    """A message for the user: typed errors already carry one; anything else gets its type."""
    from diary_app.audio import AudioLoadError
    from diary_app.ui.analysis_host import AnalysisFailed

    if isinstance(exc, AnalysisFailed):  # from the child process: the same rule, by type name
        return str(exc) if exc.kind in ("AudioLoadError", "ModelNotAvailable", "ProcessDied") else f"{exc.kind}: {exc}"
    if isinstance(exc, AudioLoadError):
        return str(exc)
    from diary_app.analysis.registry import ModelNotAvailable

    if isinstance(exc, ModelNotAvailable):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"


class AnalysisWorker(QObject):
    stage = Signal(str, str)  # entry id, STAGE_*
    finished = Signal(str, object)  # entry id, AnalysisResult
    failed = Signal(str, str)  # entry id, message for the user
    models_loaded = Signal()
    saved = Signal(str)  # a finished recording became this (pending) entry
    save_failed = Signal(str)  # message; the recording stays in recordings/ for the next start

    def __init__(self, diary, settings, analyzer_factory: Callable[[Any], Any] | None = None,
                 parent: QObject | None = None, host: Any = None) -> None:
        super().__init__(parent)
        self.diary = diary
        self.settings = settings
        in_process = analyzer_factory is not None or os.environ.get("SOUND_DIARY_ANALYSIS_IN_PROCESS") == "1"
        self.analyzer_factory = analyzer_factory or default_analyzer_factory
        if host is None and not in_process:
            from diary_app.ui.analysis_host import shared_host

            host = shared_host()
        self.host = host
        self._host_loaded_for: dict | None = None
        self._analyzer: Any = None
        self._analyzer_lock = threading.Lock()
        self._pending: set[str] = set()
        self.last_save_error: BaseException | None = None  # why the last save failed (disk full…)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        # saving never waits behind a model that is still loading: its own thread
        self.save_pool = QThreadPool(self)
        self.save_pool.setMaxThreadCount(1)

    @property
    def busy(self) -> bool:
        return bool(self._pending)

    def analyse(self, entry_id: uuid.UUID | str) -> None:
        key = str(entry_id)
        if key in self._pending:
            return
        self._pending.add(key)
        self.stage.emit(key, STAGE_QUEUED)
        self.pool.start(lambda: self._run(key))

    def save_and_analyse(self, recording: Any) -> None:
        """Make a finished recording a pending entry off the GUI thread (the WAV→FLAC conversion
        and the first database write took 0.1–0.3 s on the GUI thread), then analyse it."""
        self.save_pool.start(lambda: self._save(recording))

    def _save(self, recording: Any) -> None:
        from diary_app.audio.recovery import import_recording

        try:
            entry = import_recording(self.diary, recording)
        except Exception as exc:
            log.exception("saving the recording failed")
            self.last_save_error = exc
            self.save_failed.emit(str(exc))
            return
        if entry is None:
            self.save_failed.emit("nothing was recorded")
            return
        self.saved.emit(str(entry.id))
        self.analyse(entry.id)

    def analyse_pending(self) -> int:
        """Queue every entry still waiting for analysis (e.g. after a crash or a recovery)."""
        entries = self.diary.pending_analysis()
        for entry in sorted(entries, key=lambda e: e.created_at):
            self.analyse(entry.id)
        return len(entries)

    def preload(self) -> None:
        """Load the models in the background so the first analysis starts at once."""
        self.pool.start(self._load_quietly)

    def wait(self, timeout_ms: int = -1) -> bool:
        return self.save_pool.waitForDone(timeout_ms) and self.pool.waitForDone(timeout_ms)

    def shutdown(self) -> None:
        self.save_pool.waitForDone()  # a recording being saved is finished, never dropped
        self.pool.clear()
        self.pool.waitForDone()

    # -- on the worker thread ----------------------------------------------------------------
    def _analyze_in_host(self, key: str | None, path: Any) -> Any:
        from diary_app.analysis.result import AnalysisResult
        from diary_app.ui.analysis_host import settings_dict

        wanted = settings_dict(self.settings)
        if self._host_loaded_for != wanted:
            if key is not None:
                self.stage.emit(key, STAGE_LOADING)
            self.host.load(self.settings)
            self._host_loaded_for = wanted
            self.models_loaded.emit()
        if path is None:
            return None
        if key is not None:
            self.stage.emit(key, STAGE_ANALYSING)
        return AnalysisResult.from_dict(self.host.analyze(self.settings, str(path)))

    def _get_analyzer(self, key: str | None) -> Any:
        with self._analyzer_lock:
            if self._analyzer is None:
                analyzer = self.analyzer_factory(self.settings)
                if key is not None:
                    self.stage.emit(key, STAGE_LOADING)
                if hasattr(analyzer, "load"):
                    analyzer.load()
                self._analyzer = analyzer  # only a loaded analyzer is kept: a failed load is retried
                self.models_loaded.emit()
            return self._analyzer

    def _load_quietly(self) -> None:
        try:
            if self.host is not None:
                self._analyze_in_host(None, None)
            else:
                self._get_analyzer(None)
        except Exception as exc:  # reported when an entry needs it
            log.info("model preload failed: %s", exc)

    def _run(self, key: str) -> None:
        try:
            path = self.diary.audio_path(uuid.UUID(key))
            if self.host is not None:
                result = self._analyze_in_host(key, path)
            else:
                analyzer = self._get_analyzer(key)
                self.stage.emit(key, STAGE_ANALYSING)
                result = analyzer.analyze_file(path)
            from diary_app.personal.layer import layer_for  # issue 16: personal re-scoring, keep the features

            result = layer_for(self.diary).finish(self.diary, key, result, getattr(self.settings, "personal_layer", True))
            self.diary.set_analysis(key, result)
        except Exception as exc:
            if getattr(exc, "kind", None) == "ProcessDied":
                self._host_loaded_for = None  # a fresh child loads the models again
            message = describe_error(exc)
            log.warning("analysis of %s failed: %s", key, message)
            try:
                self.diary.set_analysis_failed(key, message)
            except Exception as store_exc:  # the entry was discarded meanwhile
                log.info("could not mark %s as failed: %s", key, store_exc)
            self._pending.discard(key)
            self.failed.emit(key, message)
            return
        self._pending.discard(key)
        self.finished.emit(key, result)
