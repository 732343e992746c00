#!/usr/bin/env python
"""Screenshots of the real main window for the README: dark mode and the offline basemap.

Run under Xvfb (the real X11 path, not offscreen), from the project root:

    QT_QPA_PLATFORM=xcb xvfb-run -a -s "-screen 0 1400x900x24" .venv/bin/python scripts/ui_screenshots.py

It fills a throwaway diary with ``diary-app demo-data`` (the CLI, so the same data a user gets),
starts the main window with Theme = Dark the way the app does (``apply_theme`` before any widget),
and saves ``dark-list.png``, ``dark-calendar.png``, ``dark-year.png``, ``dark-detail.png``,
``map-basemap-world.png``, ``map-basemap-city.png``, ``dark-map.png``, ``small-window.png``
(900 × 600) and ``empty-statistics.png`` to ``docs/screenshots``. Without a network the map shows only
the shipped basemap (what the screenshots are meant to show).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def wait(ms: int) -> None:
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    p.add_argument("--count", type=int, default=1500)
    p.add_argument("--located", type=int, default=600)
    args = p.parse_args()
    data = Path(tempfile.mkdtemp(prefix="diary-ui-shots-"))
    env = dict(os.environ, SOUND_DIARY_DATA_DIR=str(data / "diary"), SOUND_DIARY_CONFIG_DIR=str(data / "config"))
    os.environ.update({k: env[k] for k in ("SOUND_DIARY_DATA_DIR", "SOUND_DIARY_CONFIG_DIR")})
    subprocess.run([sys.executable, "-m", "diary_app", "demo-data", "--count", str(args.count), "--located",
                    str(args.located), "--with-audio", "4", "--seed", "7"], check=True, env=env, cwd=ROOT)
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")

    from PySide6 import QtWebEngineWidgets  # noqa: F401  (before the QApplication)
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    QApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
    app = QApplication([sys.argv[0]])
    app.setApplicationName("Sound Diary")
    from diary_app.settings import Settings
    from diary_app.store import Diary
    from diary_app.ui.context import AppContext
    from diary_app.ui.main_window import MainWindow
    from diary_app.ui.theme import apply_theme

    settings = Settings(theme="dark", first_run_done=True)
    apply_theme(settings.theme, app)
    diary = Diary()
    ctx = AppContext(diary=diary, settings=settings)
    window = MainWindow(ctx)
    window.resize(1240, 800)
    window.show()
    args.out.mkdir(parents=True, exist_ok=True)

    def save(name: str) -> None:
        path = args.out / name
        window.grab().save(str(path))
        print("saved", path)

    page = window.show_page("diary")
    wait(800)
    page.show_tab("list")
    wait(600)
    save("dark-list.png")
    cal = page.show_tab("calendar")
    wait(300)
    from datetime import date, timedelta

    cal.select_day(date.today().replace(day=1) - timedelta(days=10))  # last month: a full one
    wait(600)
    busiest = max(cal.calendar.counts.items(), key=lambda kv: (sum(kv[1].values()), kv[0]))[0]
    cal.select_day(busiest)
    wait(300)
    save("dark-calendar.png")
    page.show_tab("year")
    wait(600)
    save("dark-year.png")
    first = next(e for e in (page.list_model.entry_at(i) for i in range(200))
                 if e.has_location and e.note and e.auto_emotion and e.emotion != "untagged")
    page.show_entry(str(first.id))
    wait(1500)
    save("dark-detail.png")
    page.detail.close_detail()

    view = page.show_tab("map")
    for _ in range(40):  # the page and its markers
        wait(250)
        if view.loaded and view.last_draw_s is not None:
            break
    wait(1500)
    view.web.page().runJavaScript("window.diaryMap.map.setView([36.0, 127.5], 6, {animate: false});")
    wait(2000)
    save("dark-map.png")

    apply_theme("light", app)  # the basemap in the light look, from world scale to a city
    wait(4000)
    view.web.page().runJavaScript("window.diaryMap.map.setView([30, 40], 2, {animate: false});")
    wait(2500)
    save("map-basemap-world.png")
    view.web.page().runJavaScript("window.diaryMap.map.setView([37.53, 127.0], 11, {animate: false});")
    wait(2500)
    save("map-basemap-city.png")

    page.show_tab("list")
    window.resize(900, 600)
    wait(800)
    save("small-window.png")

    if page.map_view is not None:
        page.map_view.shutdown()
    window.close()

    # an empty diary: Statistics say so instead of drawing junk axes
    empty_dir = data / "empty"
    empty = Diary(empty_dir)
    ctx2 = AppContext(diary=empty, settings=settings)
    apply_theme("dark", app)
    window = MainWindow(ctx2)
    window.resize(1000, 640)
    window.show()
    page = window.show_page("diary")
    page.show_tab("statistics")
    wait(1500)
    save("empty-statistics.png")
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
