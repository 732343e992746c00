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
    from diary_app.settings import Settings
    from diary_app.store import Diary
    from diary_app.ui.context import AppContext
    from diary_app.ui.main_window import MainWindow

    diary = Diary()
    diary.recover()
    ctx = AppContext(diary=diary, settings=Settings.load())
    window = MainWindow(ctx)
    window.show()
    return app.exec()
