"""Measure the layout points of issue 13: minimum window width per Diary tab, tab-bar jump, search width.

    QT_QPA_PLATFORM=offscreen QTWEBENGINE_DISABLE_SANDBOX=1 PYTHONPATH=$PWD .venv/bin/python scripts/measure_layout.py $PWD
"""
import pathlib
import sys
import tempfile

sys.path.insert(0, sys.argv[1] + "/tests")
from PySide6 import QtWebEngineWidgets  # noqa
from PySide6.QtWidgets import QApplication  # noqa: E402 - after sys.path / QApplication
app = QApplication([])
from browse_helpers import seeded_diary  # noqa: E402 - after sys.path / QApplication

from diary_app.settings import Settings  # noqa: E402 - after sys.path / QApplication
from diary_app.ui.context import AppContext  # noqa: E402 - after sys.path / QApplication
from diary_app.ui.main_window import MainWindow  # noqa: E402 - after sys.path / QApplication

d = seeded_diary(pathlib.Path(tempfile.mkdtemp()), count=30, located=10)
w = MainWindow(AppContext(diary=d, settings=Settings()))
w.show()
app.processEvents()
page = w.show_page("diary")
res = {}
for key in ("list", "calendar", "year", "statistics"):
    page.show_tab(key)
    app.processEvents()
    res[key] = w.minimumSizeHint().width()
page.show_tab("list")
app.processEvents()
y0 = page.tabs.tabBar().mapTo(w, page.tabs.tabBar().rect().topLeft()).y()
page.show_tab("calendar")
app.processEvents()
y1 = page.tabs.tabBar().mapTo(w, page.tabs.tabBar().rect().topLeft()).y()
page.show_tab("list")
app.processEvents()
w.resize(900, 600)
app.processEvents()
search_w = page.filter_bar.search.width()
print(sys.argv[1], "min width per tab", res, "tab bar jump px", y1 - y0, "search width at 900", search_w, "window width", w.width())
