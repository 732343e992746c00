"""Run the Analyzer in a child process, so that loading torch and the models never stalls the GUI.

Why a process and not only a thread: importing torch/transformers/librosa holds Python's GIL for
long stretches. Measured on this 2-core machine under load, a worker *thread* doing those
imports stalled a 5 ms timer on the main thread for up to ~1 s (8 stalls > 100 ms); the same
imports in a *child process* gave a largest stall of < 100 ms. A crash inside a native library
(torch, onnxruntime) also takes down only the child, not the window with the user's recording.

The child is started once (``spawn``; the frozen app calls ``multiprocessing.freeze_support()``)
and keeps its models loaded. Each request carries the settings and the data-folder variables,
so a changed model choice is picked up without restarting. No Qt in this module.
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
import threading
from dataclasses import asdict, is_dataclass
from typing import Any

ENV_KEYS = ("SOUND_DIARY_DATA_DIR", "SOUND_DIARY_CONFIG_DIR", "HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")


class AnalysisFailed(RuntimeError):
    """The child reported a failure; ``kind`` is the exception type name there."""

    def __init__(self, kind: str, message: str) -> None:
        self.kind = kind
        super().__init__(message)


def settings_dict(settings: Any) -> dict:
    if settings is None:
        return {}
    if is_dataclass(settings):
        return asdict(settings)
    return dict(vars(settings))


def _serve(conn) -> None:
    """The child's loop: ("load"|"analyze", settings, env, path) -> ("ok", payload) | ("error", kind, msg)."""
    analyzer = None
    built_for: tuple | None = None
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        if request[0] == "stop":
            return
        _, settings_data, env, path = request
        try:
            os.environ.update({k: v for k, v in env.items() if v is not None})
            for k in ENV_KEYS:
                if env.get(k) is None:
                    os.environ.pop(k, None)
            key = (repr(sorted(settings_data.items())), repr(sorted(env.items())))
            if analyzer is None or built_for != key:
                from diary_app.analysis.pipeline import Analyzer
                from diary_app.settings import Settings

                names = set(Settings.__dataclass_fields__)
                candidate = Analyzer(settings=Settings(**{k: v for k, v in settings_data.items() if k in names}))
                candidate.load()
                analyzer, built_for = candidate, key  # only a loaded analyzer is kept
            if request[0] == "load":
                conn.send(("ok", None))
            else:
                conn.send(("ok", analyzer.analyze_file(path).to_dict(include_features=True)))
        except Exception as exc:  # typed errors keep their user-facing message
            conn.send(("error", type(exc).__name__, str(exc)))


class AnalysisHost:
    """One child process; ``analyze`` blocks the calling (worker) thread, never the GUI."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._proc: multiprocessing.process.BaseProcess | None = None
        self._conn = None

    def _ensure(self) -> None:
        if self._proc is not None and self._proc.is_alive():
            return
        ctx = multiprocessing.get_context("spawn")
        parent, child = ctx.Pipe()
        proc = ctx.Process(target=_serve, args=(child,), name="sound-diary-analysis", daemon=True)
        proc.start()
        child.close()
        self._proc, self._conn = proc, parent

    def _call(self, kind: str, settings: Any, path: str | None) -> Any:
        env = {k: os.environ.get(k) for k in ENV_KEYS}
        with self._lock:
            self._ensure()
            try:
                self._conn.send((kind, settings_dict(settings), env, path))
                reply = self._conn.recv()
            except (EOFError, OSError, BrokenPipeError) as exc:
                code = self._proc.exitcode if self._proc is not None else None
                self._reset()
                raise AnalysisFailed("ProcessDied", f"the analysis process stopped unexpectedly (exit code {code})") from exc
        if reply[0] == "ok":
            return reply[1]
        raise AnalysisFailed(reply[1], reply[2])

    def load(self, settings: Any) -> None:
        self._call("load", settings, None)

    def analyze(self, settings: Any, path: str) -> dict:
        return self._call("analyze", settings, str(path))

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None and self._proc.is_alive() else None

    def _reset(self) -> None:
        if self._proc is not None and self._proc.is_alive():
            self._proc.kill()
        if self._proc is not None:
            self._proc.join(timeout=5)
        self._proc, self._conn = None, None

    def close(self) -> None:
        with self._lock:
            if self._proc is None:
                return
            try:
                self._conn.send(("stop",))
            except (OSError, BrokenPipeError):
                pass
            self._proc.join(timeout=5)
            self._reset()


_shared: AnalysisHost | None = None
_shared_lock = threading.Lock()


def shared_host() -> AnalysisHost:
    """The process-wide host (one child for all pages; closed when Python exits)."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = AnalysisHost()
            atexit.register(_shared.close)
        return _shared
