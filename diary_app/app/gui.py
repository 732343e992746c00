"""Start the GUI."""

from __future__ import annotations

import os
import sys


def run_gui(argv: list[str] | None = None) -> int:
    os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--disable-background-networking")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")  # Chromium refuses to run as root otherwise
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    try:
        from PySide6 import QtWebEngineWidgets  # noqa: F401  (must be imported before QApplication)
    except ImportError:
        pass
    QApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
    app = QApplication.instance() or QApplication(argv or sys.argv)
    app.setApplicationName("Sound Diary")
    from diary_app.ui.worker import collect_garbage_on_gui_thread

    collect_garbage_on_gui_thread()  # cycles are freed on the GUI thread only, never on a worker
    from diary_app.paths import data_dir
    from diary_app.ui.single_instance import SingleInstance

    instance = SingleInstance(data_dir(), app)
    if not instance.claim():  # one app per diary: two lost recordings (issue 15)
        return _hand_over(instance)
    from diary_app.settings import Settings
    from diary_app.ui.context import AppContext
    from diary_app.ui.first_run import maybe_show_first_run
    from diary_app.ui.fonts import load_app_fonts
    from diary_app.ui.i18n import apply_theme, install_translator
    from diary_app.ui.main_window import MainWindow

    load_app_fonts()  # the shipped Hangul font, before any widget: Korean must never be boxes
    settings = Settings.load()
    install_translator(settings.language, app)  # before any widget exists, so all text is translated
    apply_theme(settings.theme, app)
    _set_window_icon(app)
    from diary_app.ui.startup import open_diary_for_gui, show_recovery_report

    # a damaged, read-only or too new diary: a dialog with the safe choices, never a traceback
    diary, report = open_diary_for_gui(data_dir())
    if diary is None:
        return 1
    ctx = AppContext(diary=diary, settings=settings)
    window = MainWindow(ctx)
    if diary.read_only:
        window.setWindowTitle(window.tr("Sound Diary (read-only)"))
    instance.activated.connect(window._bring_to_front)
    window.show()
    maybe_show_first_run(settings, window)
    if not diary.read_only:
        from diary_app.ui.pages.backup import start_auto_backup

        start_auto_backup(window, ctx)  # on a worker thread, only when the last backup is older than the interval
        _start_record_duties(window, app)
    from PySide6.QtCore import QTimer

    QTimer.singleShot(0, lambda: setattr(window, "recovery_report", show_recovery_report(window, diary, report)))
    return app.exec()


def _hand_over(instance) -> int:
    """A second start: bring the first instance's window to the front, then exit."""
    if instance.hand_over():
        print("Sound Diary is already running on this diary: its window was brought to the front.")
        return 0
    from PySide6.QtWidgets import QMessageBox

    QMessageBox.warning(None, "Sound Diary", "Sound Diary is already running on this diary but does not answer. "
                        "Close it (or end it), then start Sound Diary again.")
    return 1


def _start_record_duties(window, app) -> None:
    """After the window is up: offer recordings a crash left behind, re-run unfinished analyses,
    and on quit keep a running recording and let the analysis thread finish."""
    from PySide6.QtCore import QTimer

    page = window.pages.get("record")
    if page is None or not hasattr(page, "offer_recovery"):
        return

    def duties() -> None:
        page.offer_recovery()
        page.analyse_pending()

    QTimer.singleShot(0, duties)
    app.aboutToQuit.connect(page.shutdown)
    app.aboutToQuit.connect(_close_analysis_process)


def _close_analysis_process() -> None:
    from diary_app.ui.analysis_host import shared_host

    shared_host().close()


def _set_window_icon(app) -> None:
    from PySide6.QtGui import QIcon

    from diary_app.paths import resources_dir

    for name in ("sound_diary.svg", "sound_diary.png"):
        path = resources_dir() / "icons" / name
        if path.is_file():
            app.setWindowIcon(QIcon(str(path)))
            return
