"""``SoundDiary --selftest`` / ``diary-app --selftest``: prove an install works, without a screen.

Each step is timed and reported PASS, FAIL or SKIP with a reason. Steps that depend on parts
that may legitimately be absent (no model installed yet, QtWebEngine not bundled) SKIP and say
so; the exit code is 0 only when no step FAILed. The same code runs from source and frozen, so
the bundle test checks exactly what a user's double-click would exercise.
"""

from __future__ import annotations

import os
import platform
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from diary_app.analysis.pipeline import Analyzer

PASS, FAIL, SKIP = "PASS", "FAIL", "SKIP"


class Skip(Exception):
    """Raised by a step that cannot run here; the message says why."""


@dataclass
class StepResult:
    name: str
    status: str
    seconds: float
    detail: str


@dataclass
class SelftestReport:
    steps: list[StepResult] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(s.status != FAIL for s in self.steps)

    def line(self, s: StepResult) -> str:
        return f"{s.status:4}  {s.name:<16} {s.seconds:6.2f} s  {s.detail}"

    def summary(self) -> str:
        counts = {k: sum(1 for s in self.steps if s.status == k) for k in (PASS, FAIL, SKIP)}
        verdict = "PASS" if self.ok else "FAIL"
        text = f"selftest: {verdict} ({counts[PASS]} passed, {counts[FAIL]} failed, {counts[SKIP]} skipped)"
        if not self.ok:
            text += "; failed: " + ", ".join(f"{s.name} ({s.detail})" for s in self.steps if s.status == FAIL)
        return text


def prepare_headless_environment() -> None:
    """No screen -> offscreen Qt; root -> Chromium needs its sandbox off (it refuses otherwise)."""
    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
    os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--disable-background-networking")


def samples_dir() -> Path:
    from diary_app.paths import resources_dir

    return resources_dir() / "samples"


SPEECH_SAMPLE = "speech_en.flac"
NOISE_SAMPLE = "rain_noise.flac"


class Selftest:
    def __init__(self, out: Callable[[str], None] = print) -> None:
        self.out = out
        self.report = SelftestReport()
        self.tmp = Path(tempfile.mkdtemp(prefix="sound-diary-selftest-"))
        self.models_detail: dict[str, str] = {}
        self.analyzer: Analyzer | None = None
        self.results: dict[str, object] = {}
        self.diary = None

    # -- running ------------------------------------------------------------------------------
    def step(self, name: str, fn: Callable[[], str]) -> StepResult:
        t0 = time.perf_counter()
        try:
            status, detail = PASS, fn()
        except Skip as exc:
            status, detail = SKIP, str(exc)
        except Exception as exc:  # noqa: BLE001 - the report must name every failure, not crash
            status, detail = FAIL, f"{type(exc).__name__}: {exc}".strip()
            if os.environ.get("SOUND_DIARY_SELFTEST_TRACEBACK"):
                traceback.print_exc()
        result = StepResult(name, status, time.perf_counter() - t0, " ".join(str(detail).split()))
        self.report.steps.append(result)
        self.out(self.report.line(result))
        return result

    def run(self) -> SelftestReport:
        from diary_app import __version__

        frozen = "frozen" if getattr(sys, "frozen", False) else "source"
        self.out(f"Sound Diary {__version__} selftest ({frozen}, Python {platform.python_version()}, {platform.system()} {platform.machine()})")
        try:
            self.step("environment", self.check_environment)
            self.step("models", self.check_models)
            self.step("analyse speech", lambda: self.check_analysis(SPEECH_SAMPLE, "speech"))
            self.step("analyse noise", lambda: self.check_analysis(NOISE_SAMPLE, "environment"))
            self.step("diary", self.check_diary)
            self.step("map", self.check_map)
            self.step("gui", self.check_gui)
            self.step("korean font", self.check_korean_font)
        finally:
            if self.diary is not None:
                self.diary.close()
            shutil.rmtree(self.tmp, ignore_errors=True)
        self.out(self.report.summary())
        return self.report

    # -- steps ------------------------------------------------------------------------------
    def check_environment(self) -> str:
        from diary_app.paths import project_root, resources_dir, shipped_models_dir

        missing = [p for p in (resources_dir(), samples_dir() / SPEECH_SAMPLE, samples_dir() / NOISE_SAMPLE) if not p.exists()]
        if missing:
            raise RuntimeError("missing bundled files: " + ", ".join(str(p) for p in missing))
        import numpy  # noqa: F401  (core dependencies import)
        import soundfile  # noqa: F401

        n_models = len([p for p in shipped_models_dir().glob("*/model_card.json")]) if shipped_models_dir().is_dir() else 0
        qpa = os.environ.get("QT_QPA_PLATFORM", "default")
        return f"root {project_root()}, {n_models} shipped model(s), Qt platform {qpa}"

    def check_models(self) -> str:
        """The catalog's choice per task (the same rule the pipeline uses), each loaded for real."""
        from diary_app.analysis import registry
        from diary_app.analysis.model_card import TASK_SCENE, TASK_SPEECH
        from diary_app.settings import Settings

        settings = Settings.load()
        parts, loaded = [], 0
        for role, task in (("speech", TASK_SPEECH), ("scene", TASK_SCENE)):
            try:
                model = registry.default_model(task, settings)
            except registry.ModelNotAvailable as exc:
                raise RuntimeError(f"{role}: {exc}") from None
            if model is None:
                parts.append(f"{role}: none installed")
                self.models_detail[role] = "none"
                continue
            t0 = time.perf_counter()
            clf = registry.load_classifier(model)
            self.models_detail[role] = model.name
            held = model.card.primary_held_out
            quality = f", held-out accuracy {held.accuracy:.0%} ({held.split}, n={held.n})" if held else ""
            parts.append(f"{role}: {model.name} ({model.card.kind}, {model.source}, {len(clf.labels)} labels{quality}, "
                         f"{time.perf_counter() - t0:.1f} s)")
            loaded += 1
        if loaded == 0:
            raise Skip("no analysis model installed (" + "; ".join(parts) + ")")
        return "; ".join(parts)

    def _analyzer(self) -> Analyzer:
        if self.analyzer is None:
            from diary_app.analysis.pipeline import Analyzer
            from diary_app.analysis.registry import ModelNotAvailable
            from diary_app.settings import Settings

            try:
                self.analyzer = Analyzer(settings=Settings.load())  # loads each model when first needed
            except ModelNotAvailable as exc:
                raise Skip(f"no models to analyse with: {exc}") from None
        return self.analyzer

    def check_analysis(self, sample: str, expected_branch: str) -> str:
        from diary_app.analysis.registry import ModelNotAvailable
        from diary_app.emotions import EMOTIONS

        path = samples_dir() / sample
        analyzer = self._analyzer()
        try:
            result = analyzer.analyze_file(path)
        except ModelNotAvailable as exc:
            raise Skip(f"cannot analyse without models: {exc}") from None
        self.results[sample] = result
        if result.emotion not in EMOTIONS:
            raise RuntimeError(f"emotion {result.emotion!r} is not one of the six classes")
        detail = f"{sample}: branch {result.branch}, emotion {result.emotion} ({result.confidence:.2f})"
        if result.scene:
            detail += f", scene {result.scene}"
        no_speech_model = analyzer.speech_classifier is None
        if expected_branch == "speech" and result.branch != "speech" and no_speech_model:
            return f"{detail}; speech was detected but no speech model is installed, so the environment path tagged it"
        if result.branch != expected_branch:
            raise RuntimeError(f"{detail}; expected the {expected_branch} branch (speech ratio {result.speech_ratio:.2f})")
        return detail

    def check_diary(self) -> str:
        from diary_app.store import Diary

        self.diary = diary = Diary(self.tmp / "diary")
        entry = diary.create_entry(samples_dir() / SPEECH_SAMPLE, move=False)
        if not (samples_dir() / SPEECH_SAMPLE).is_file():
            raise RuntimeError("create_entry(move=False) removed the bundled sample")
        result = self.results.get(SPEECH_SAMPLE)
        if result is not None:
            diary.set_analysis(entry.id, result)
        diary.set_user_emotion(entry.id, "happy")
        diary.set_note(entry.id, "selftest")
        diary.set_location(entry.id, 37.5665, 126.9780, "Seoul")
        back = diary.get(entry.id)
        if back.emotion != "happy" or back.note != "selftest" or back.latitude is None:
            raise RuntimeError(f"read back differs from what was written: {back.emotion}, {back.note!r}, {back.latitude}")
        if not diary.audio_path(back).is_file():
            raise RuntimeError("audio file of the entry is missing")
        # a second entry stays for the map step; the first is deleted and must leave nothing behind
        keep = diary.create_entry(samples_dir() / NOISE_SAMPLE, move=False)
        diary.set_location(keep.id, 35.1796, 129.0756, "Busan")
        diary.set_user_emotion(keep.id, "neutral")
        diary.delete(entry.id)
        if diary.audio_path(entry.id).exists() or diary.count() != 1:
            raise RuntimeError("delete left the entry or its audio behind")
        return f"created, tagged, located, read back and deleted an entry in {diary.db_path.name} (temporary)"

    def check_map(self) -> str:
        try:
            from PySide6 import QtWebEngineWidgets  # noqa: F401  (must precede QApplication)
        except ImportError as exc:
            raise Skip(f"QtWebEngine not available ({exc})") from None
        from PySide6.QtCore import QEventLoop, QTimer, QUrl

        if self.diary is None or self.diary.count(located_only=True) == 0:
            raise Skip("no located diary entry (the diary step failed)")
        entries = self.diary.query(located_only=True).items
        from diary_app.ui.browse.map_html import build_map_html

        html, base = build_map_html(entries, tiles=False)  # no tile requests: the check must not need a network
        builder = "diary_app.ui.browse.map_html.build_map_html"
        _qapp()
        from PySide6.QtWebEngineWidgets import QWebEngineView

        view = QWebEngineView()  # a sized, shown view: Leaflet lays out markers only in a real viewport
        view.resize(800, 600)
        view.show()
        page = view.page()
        loop = QEventLoop()
        state: dict[str, object] = {}

        def finished(ok: bool) -> None:
            state["ok"] = ok
            loop.quit()

        page.loadFinished.connect(finished)
        timer = QTimer(singleShot=True)
        timer.timeout.connect(loop.quit)
        timer.start(30_000)
        page.setHtml(html, QUrl.fromLocalFile(str(base)))
        loop.exec()
        if "ok" not in state:
            raise RuntimeError("the map page did not finish loading within 30 s")
        if not state["ok"]:
            raise RuntimeError("the map page failed to load")
        # markers can be added after load (folium scripts run on load): poll briefly
        js = ("(function(){if (!window.L) return 'no-leaflet:0';"
              "if (window.diaryMap && window.diaryMap.markerCount) return 'leaflet:' + window.diaryMap.markerCount();"
              "return 'leaflet:' + document.querySelectorAll('.leaflet-marker-icon, path.leaflet-interactive').length;})()")
        answer = ""
        deadline = time.perf_counter() + 10
        while time.perf_counter() < deadline:
            box: dict[str, str] = {}
            page.runJavaScript(js, 0, lambda v: (box.__setitem__("v", str(v)), loop.quit()))
            t = QTimer(singleShot=True)
            t.timeout.connect(loop.quit)
            t.start(2000)
            loop.exec()
            answer = box.get("v", "")
            if answer.startswith("leaflet:") and int(answer.split(":")[1]) >= 1:
                break
            QTimer.singleShot(200, loop.quit)
            loop.exec()
        import shiboken6

        view.close()
        shiboken6.delete(view)  # before the profile goes, else Chromium warns and may crash at exit
        if not answer.startswith("leaflet:"):
            raise RuntimeError(f"Leaflet did not load in the page (offline assets missing?): {answer or 'no answer'}")
        markers = int(answer.split(":")[1])
        if markers != len(entries):
            raise RuntimeError(f"Leaflet loaded but showed {markers} marker(s) for {len(entries)} located entries")
        return f"QtWebEngine rendered the map offscreen ({builder}): Leaflet loaded, {markers} marker element(s) for {len(entries)} entry"


    def check_gui(self) -> str:
        """Build the real main window (all pages, Korean translation) on a temporary diary."""
        try:
            import PySide6.QtWidgets  # noqa: F401
        except ImportError as exc:
            raise Skip(f"Qt widgets not available ({exc})") from None
        app = _qapp()
        from diary_app.settings import Settings
        from diary_app.store import Diary
        from diary_app.ui.context import AppContext
        from diary_app.ui.i18n import install_translator
        from diary_app.ui.main_window import MainWindow

        korean = install_translator("ko", app)
        title = app.translate("MainWindow", "Settings")
        install_translator("en", app)
        if not korean or title == "Settings":
            raise RuntimeError("the Korean translation (resources/i18n/sounddiary_ko.qm) did not load")
        diary = Diary(self.tmp / "gui-diary")
        try:
            window = MainWindow(AppContext(diary=diary, settings=Settings()))
            window.show()
            app.processEvents()
            pages = list(window.pages)
            window.close()
            app.processEvents()
        finally:
            diary.close()
        return f"main window with {len(pages)} page(s): {', '.join(pages)}; Korean translation loads"

    def check_korean_font(self) -> str:
        """A translation that loads is not enough: without a Hangul font every syllable is a box."""
        try:
            import PySide6.QtWidgets  # noqa: F401
        except ImportError as exc:
            raise Skip(f"Qt widgets not available ({exc})") from None
        app = _qapp()
        from diary_app.ui.fonts import korean_rendering
        from diary_app.ui.i18n import install_translator

        install_translator("ko", app)
        try:
            check = korean_rendering(app.font())
        finally:
            install_translator("en", app)
        if not check.ok:
            raise RuntimeError(check.describe())
        return check.describe()


def _qapp():
    """The QApplication (QtWebEngine must be imported before it exists)."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    if QApplication.instance() is None:
        try:
            from PySide6 import QtWebEngineWidgets  # noqa: F401
        except ImportError:
            pass
        QApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
        QApplication([sys.argv[0], "--selftest"])
    return QApplication.instance()


def run_selftest(out: Callable[[str], None] | None = None) -> int:
    prepare_headless_environment()
    printer = out or (lambda s: print(s, flush=True))
    report = Selftest(printer).run()
    return 0 if report.ok else 1
