#!/usr/bin/env python
"""Take the README screenshots of the Diary page (list, calendar, map, statistics) from the real app.

Run under Xvfb so the real window system path is used:

    QT_QPA_PLATFORM=xcb xvfb-run -a -s "-screen 0 1400x900x24" .venv/bin/python docs/screenshots/browse_screenshots.py

It seeds a demo diary (``diary-app demo-data``) in a temporary folder unless ``--data-dir`` names one.
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
    p.add_argument("--data-dir", type=Path, default=None)
    p.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    p.add_argument("--count", type=int, default=3000)
    p.add_argument("--located", type=int, default=1200)
    args = p.parse_args()
    data = args.data_dir or Path(tempfile.mkdtemp(prefix="diary-shots-"))
    os.environ["SOUND_DIARY_DATA_DIR"] = str(data)
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
    from diary_app.store import Diary
    from diary_app.store.demo import fill_demo_diary

    diary = Diary(data)
    if diary.count() == 0:
        fill_demo_diary(diary, args.count, args.located, with_audio=4, seed=7)

    from PySide6 import QtWebEngineWidgets  # noqa: F401
    from PySide6.QtCore import QEventLoop, Qt, QTimer
    from PySide6.QtWidgets import QApplication

    QApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
    app = QApplication([sys.argv[0]])
    app.setApplicationName("Sound Diary")
    from diary_app.settings import Settings
    from diary_app.ui.context import AppContext
    from diary_app.ui.main_window import MainWindow

    ctx = AppContext(diary=diary, settings=Settings.load())
    window = MainWindow(ctx)
    window.resize(1320, 820)
    window.show()

    def wait(ms: int) -> None:
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    page = window.show_page("diary")
    wait(800)
    args.out.mkdir(parents=True, exist_ok=True)
    for key, ms in (("list", 800), ("calendar", 800), ("statistics", 2500), ("map", 6000), ("year", 800)):
        view = page.show_tab(key)
        wait(ms)
        if key == "calendar":  # show a busy day of this month
            busiest = max(view.calendar.counts.items(), key=lambda kv: (sum(kv[1].values()), kv[0]))[0]
            view.select_day(busiest)
            wait(300)
        if key == "map":
            page.map_view.web.page().runJavaScript(
                "window.diaryMap.map.setView([37.555, 126.99], 12, {animate: false});"
                "setTimeout(function () { var m = window.diaryMap.cluster.getLayers().filter(function (m) {"
                " return m._map; })[0]; if (m) { m.openPopup(); } }, 500);")
            wait(2500)
        window.grab().save(str(args.out / f"{key}.png"))
        print("saved", args.out / f"{key}.png")
    first = page.list_model.entry_at(0)
    page.show_entry(str(first.id))
    wait(1500)
    window.grab().save(str(args.out / "detail.png"))
    print("saved", args.out / "detail.png")
    if page.map_view is not None:
        page.map_view.shutdown()
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
