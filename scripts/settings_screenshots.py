#!/usr/bin/env python
"""Screenshots of the Settings page, the model manager and the welcome dialog (for looking at them
and for the README).

Run under Xvfb (the real X11 path, not offscreen), from the project root:

    PYTHONPATH=$PWD QT_QPA_PLATFORM=xcb xvfb-run -a -s "-screen 0 1280x1000x24" \\
        .venv/bin/python scripts/settings_screenshots.py --out /tmp/shots-settings

It builds the real main window on a throwaway diary (``SOUND_DIARY_DATA_DIR`` / ``_CONFIG_DIR`` /
``_CACHE_DIR`` point into a temporary folder, so the user's own folders are never touched), opens
Settings and saves, for the light and the dark theme: the page at the top and scrolled down, the
whole page body at its full height (``*-full.png``), each option group on its own, the model
manager with the shipped models and one selected, the welcome dialog, the page at the small window
size (900 × 600), and the same in Korean. ``--readme`` also copies the three README pictures
(``settings.png``, ``settings-dark.png``, ``model-manager.png``) to ``docs/screenshots``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

#: the shipped model the model-manager picture selects (its card is the longest)
SELECTED_MODEL = "default-ser-whisper"


def wait(ms: int) -> None:
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--out", type=Path, default=Path("/tmp/shots-settings"))
    p.add_argument("--readme", action="store_true", help="also write the README pictures to docs/screenshots")
    args = p.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="diary-settings-shots-"))
    os.environ.update(SOUND_DIARY_DATA_DIR=str(tmp / "data"), SOUND_DIARY_CONFIG_DIR=str(tmp / "config"),
                      SOUND_DIARY_CACHE_DIR=str(tmp / "cache"), HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
    try:
        from PySide6 import QtWebEngineWidgets  # noqa: F401  (before the QApplication)
    except ImportError:
        pass
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    QApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
    app = QApplication([sys.argv[0]])
    app.setApplicationName("Sound Diary")

    from diary_app.settings import Settings
    from diary_app.store import Diary
    from diary_app.ui.context import AppContext
    from diary_app.ui.first_run import FirstRunDialog
    from diary_app.ui.fonts import load_app_fonts
    from diary_app.ui.i18n import install_translator
    from diary_app.ui.main_window import MainWindow
    from diary_app.ui.theme import apply_theme

    load_app_fonts()
    args.out.mkdir(parents=True, exist_ok=True)
    saved: dict[str, Path] = {}

    def save(widget, name: str) -> None:
        path = args.out / f"{name}.png"
        widget.grab().save(str(path))
        saved[name] = path
        print("saved", path)

    def shoot(lang: str, theme: str) -> None:
        install_translator(lang, app)
        apply_theme(theme, app)
        settings = Settings(theme=theme, language=lang, first_run_done=True)
        settings.save()
        diary = Diary(tmp / "data" / f"diary-{lang}-{theme}")
        window = MainWindow(AppContext(diary=diary, settings=settings))
        window.resize(1240, 900)
        window.show()
        page = window.show_page("settings")
        wait(600)
        tag = f"{lang}-{theme}"
        save(window, f"{tag}-top")
        bar = page.verticalScrollBar()
        for i, frac in enumerate((0.5, 1.0), start=1):
            bar.setValue(int(bar.maximum() * frac))
            wait(200)
            save(window, f"{tag}-scrolled{i}")
        bar.setValue(0)
        # the whole body at its natural height, to see every group at once
        body = page.widget()
        body.resize(body.width(), max(body.sizeHint().height(), body.height()))
        wait(200)
        save(body, f"{tag}-full")
        for name, group in page.option_pages.items():
            save(group, f"{tag}-group-{name}")
        manager = page.model_manager
        manager.select_model(SELECTED_MODEL)
        page.ensureWidgetVisible(manager)
        wait(300)
        save(manager, f"{tag}-model-manager")
        manager.select_model("default-scene-everyday")
        wait(200)
        save(manager, f"{tag}-model-manager-shipped-scene")
        save(window, f"{tag}-window-model-manager")
        window.resize(900, 600)
        bar.setValue(0)
        wait(500)
        save(window, f"{tag}-small-top")
        page.ensureWidgetVisible(manager)
        wait(300)
        save(window, f"{tag}-small-models")

        welcome = FirstRunDialog(Settings(language=lang, theme=theme), window, check_mic=True)
        welcome.show()
        for _ in range(40):
            wait(100)
            if welcome.mic_result is not None:
                break
        wait(200)
        save(welcome, f"{tag}-first-run")
        welcome.done(0)
        window.close()
        diary.close()

    shoot("en", "light")
    shoot("en", "dark")
    shoot("ko", "light")
    if args.readme:
        dest = ROOT / "docs" / "screenshots"
        for src, name in (("en-light-window-model-manager", "model-manager"), ("en-light-top", "settings"),
                          ("en-dark-top", "settings-dark")):
            shutil.copyfile(saved[src], dest / f"{name}.png")
            print("copied", dest / f"{name}.png")
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    code = main()
    # PySide6 aborts in the interpreter's final garbage collection after many QWidget.grab() calls
    # ("bool_dealloc", as in record_screenshot.py); everything is saved by now, so skip that pass.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
