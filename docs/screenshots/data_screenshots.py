#!/usr/bin/env python
"""README screenshots for issue 13 (data side): the Korean UI (list, detail) and Settings -> Backup.

Real window under Xvfb, the same start-up steps as ``run_gui`` (shipped font, translator):

    QT_QPA_PLATFORM=xcb xvfb-run -a -s "-screen 0 1400x900x24" .venv/bin/python docs/screenshots/data_screenshots.py

Seeds a demo diary in a temporary folder; writes korean-list.png, korean-detail.png and backup.png.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = p.parse_args()
    data = Path(tempfile.mkdtemp(prefix="diary-shots-"))
    os.environ["SOUND_DIARY_DATA_DIR"] = str(data)
    os.environ["SOUND_DIARY_CONFIG_DIR"] = str(data / "config")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
    from diary_app.store import Diary
    from diary_app.store.backup import make_backup
    from diary_app.store.demo import fill_demo_diary

    diary = Diary(data)
    fill_demo_diary(diary, 400, 150, with_audio=4, seed=7)
    make_backup(diary, data / "backups", keep=2)  # so the page shows a "last backup"

    from PySide6 import QtWebEngineWidgets  # noqa: F401
    from PySide6.QtCore import QEventLoop, Qt, QTimer
    from PySide6.QtWidgets import QApplication

    QApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
    app = QApplication([sys.argv[0]])
    app.setApplicationName("Sound Diary")
    from diary_app.settings import Settings
    from diary_app.ui.context import AppContext
    from diary_app.ui.fonts import load_app_fonts
    from diary_app.ui.i18n import install_translator
    from diary_app.ui.main_window import MainWindow

    load_app_fonts()

    def wait(ms: int) -> None:
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    args.out.mkdir(parents=True, exist_ok=True)

    def save(window, name: str) -> None:
        window.grab().save(str(args.out / name))
        print("saved", args.out / name)

    # Korean: list and the detail of an entry whose tag was corrected by hand
    install_translator("ko", app)
    window = MainWindow(AppContext(diary=diary, settings=Settings(language="ko")))
    window.resize(1200, 760)
    window.show()
    page = window.show_page("diary")
    page.show_tab("list")
    wait(1200)
    save(window, "korean-list.png")
    corrected = next(e for e in diary.query(limit=200).items if e.corrected and e.note)
    page.show_entry(str(corrected.id))
    wait(1500)
    save(window, "korean-detail.png")
    window.close()
    wait(200)

    # English: Settings, scrolled to the Backup group
    install_translator("en", app)
    window = MainWindow(AppContext(diary=diary, settings=Settings(backup_folder=str(data / "backups"))))
    window.resize(1200, 760)
    window.show()
    settings_page = window.show_page("settings")
    wait(600)
    settings_page.ensureWidgetVisible(settings_page.backup_box, 0, 0)
    settings_page.verticalScrollBar().setValue(settings_page.backup_box.y() - 10)
    wait(400)
    save(window, "backup.png")
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
