"""The map page: the folium/Leaflet page in a ``QWebEngineView`` with a Python ⇄ page bridge.

The page is loaded once; filter and diary changes push a fresh JSON array of points through
``runJavaScript`` (no reload). The page calls back through ``QWebChannel`` when markers are drawn
(used for timing and tests) and when the user presses "Open entry" in a popup.
"""

from __future__ import annotations

import json
import time
from datetime import tzinfo

from PySide6.QtCore import QEvent, QObject, QUrl, Signal, Slot
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from diary_app.paths import data_dir
from diary_app.store import Diary
from diary_app.store.stats import MapJson, local_tz, map_json, popup_info
from diary_app.ui.browse.filters import BrowseFilter
from diary_app.ui.browse.map_html import build_map_html
from diary_app.ui.plurals import singular
from diary_app.ui.theme import is_dark

#: above this many points the page goes through a file instead of ``setHtml`` (2 MB limit)
SETHTML_POINTS = 3000


class MapBridge(QObject):
    """Published to the page as ``bridge``; its slots are callable from JavaScript."""

    info_source = None  # callable(entry_id) -> dict for popups

    open_entry = Signal(str)
    markers_drawn = Signal(int)
    page_ready = Signal(int)

    @Slot(str)
    def openEntry(self, entry_id: str) -> None:  # noqa: N802  (JavaScript name)
        self.open_entry.emit(entry_id)

    @Slot(int)
    def markersDrawn(self, n: int) -> None:  # noqa: N802
        self.markers_drawn.emit(n)

    @Slot(int)
    def pageReady(self, n: int) -> None:  # noqa: N802
        self.page_ready.emit(n)

    @Slot(str, result=str)
    def entryInfo(self, entry_id: str) -> str:  # noqa: N802
        """Note and place for a popup, read when it opens (the markers carry only what they draw)."""
        if self.info_source is None:
            return "{}"
        try:
            return json.dumps(self.info_source(entry_id), ensure_ascii=False)
        except Exception:  # deleted meanwhile: the popup keeps what it has
            return "{}"


class MapView(QWidget):
    """Markers for the located entries matching the filter; a line counting those without a place."""

    open_entry = Signal(str)
    #: emitted with the number of markers each time the page finished drawing a set of points
    markers_drawn = Signal(int)

    def __init__(self, diary: Diary, tz: tzinfo | None = None, parent: QWidget | None = None, *, tiles: bool = True) -> None:
        super().__init__(parent)
        self.diary = diary
        self.tz = tz or local_tz()
        self.filter = BrowseFilter()
        self.data: MapJson | None = None
        self.loaded = False
        self.last_draw_s: float | None = None  # seconds from the last set of points to "drawn"
        self.load_finished_s: float | None = None  # seconds from load() to loadFinished
        self._t0 = 0.0
        self.summary = QLabel()
        self.summary.setObjectName("map_summary")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.summary)
        try:
            from PySide6.QtWebChannel import QWebChannel
            from PySide6.QtWebEngineWidgets import QWebEngineView
        except ImportError as exc:  # a build without QtWebEngine still browses by list and calendar
            self.web = None
            layout.addWidget(QLabel(self.tr("The map needs QtWebEngine, which is not available: {0}").format(exc)), 1)
            return
        self.web = QWebEngineView()
        self.bridge = MapBridge(self)
        self.bridge.info_source = lambda entry_id: popup_info(self.diary, entry_id, self.tz)
        self.bridge.open_entry.connect(self.open_entry)
        self.bridge.markers_drawn.connect(self._drawn)
        self.bridge.page_ready.connect(self._drawn)
        self.channel = QWebChannel(self.web.page())
        self.channel.registerObject("bridge", self.bridge)
        self.web.page().setWebChannel(self.channel)
        self.web.loadFinished.connect(self._load_finished)
        layout.addWidget(self.web, 1)
        self.tiles = tiles

    def load(self) -> None:
        """Load the page (once) and draw the current points."""
        if self.web is None:
            return
        self._t0 = time.perf_counter()
        self.data = map_json(self.diary, self.filter.to_query(self.tz))
        self._update_summary()
        big = self.data.located > SETHTML_POINTS
        html, base = build_map_html(
            points_json_text=self.data.json, tiles=self.tiles, tz=self.tz, absolute_assets=big,
            offline_text=self.tr("Offline: the built-in map shows land, borders and place names; detailed tiles load when online."),
            open_text=self.tr("Open entry"), empty_text=self._empty_text(), dark=is_dark(self.palette()),
        )
        self.loaded = False
        if big:  # setHtml is limited to 2 MB: write the page to a file and load that
            page_file = data_dir() / "cache" / "map.html"
            page_file.parent.mkdir(parents=True, exist_ok=True)
            page_file.write_text(html, encoding="utf-8")
            self.web.load(QUrl.fromLocalFile(str(page_file)))
        else:
            self.web.setHtml(html, QUrl.fromLocalFile(str(base)))

    def _load_finished(self, ok: bool) -> None:
        self.loaded = ok
        self.load_finished_s = time.perf_counter() - self._t0

    def set_filter(self, f: BrowseFilter) -> None:
        self.filter = f
        self.refresh()

    def refresh(self) -> None:
        """Re-query and redraw the markers without reloading the page."""
        if self.web is None:
            return
        if not self.loaded:
            self.load()
            return
        self._t0 = time.perf_counter()
        self.data = map_json(self.diary, self.filter.to_query(self.tz))
        self._update_summary()
        self.web.page().runJavaScript(f"window.diaryMap && window.diaryMap.setEmptyText({json.dumps(self._empty_text())})")
        self._push_points()

    def _empty_text(self) -> str:
        """What an empty map says: nothing has a place yet, or the filter leaves nothing."""
        if self.filter.active:
            return self.tr("No entry with a place matches the filter.")
        return self.tr("No entry has a place yet. Turn on \u201cSave location\u201d when you record, "
                       "or add a place in an entry's detail.")

    def changeEvent(self, event) -> None:  # noqa: N802
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and self.web is not None and self.data is not None:
            self.load()  # the basemap has a light and a dark look

    def _push_points(self) -> None:
        assert self.data is not None
        js = f"window.diaryMap && window.diaryMap.setPoints({self.data.json}, true)"
        self.web.page().runJavaScript(js)

    def _drawn(self, n: int) -> None:
        self.last_draw_s = time.perf_counter() - self._t0
        self.markers_drawn.emit(n)

    def _update_summary(self) -> None:
        assert self.data is not None
        located = self.data.located
        if not located and not self.data.unlocated:
            self.summary.setText(self._empty_text())
            return
        text = singular(self.tr("%n entries on the map", "", located), located)
        if self.data.unlocated:
            text += " · " + singular(self.tr("%n entries have no place", "", self.data.unlocated), self.data.unlocated)
        self.summary.setText(text)

    def shutdown(self) -> None:
        """Delete the web page now, before its profile (at exit Chromium warns and may crash otherwise)."""
        if self.web is not None:
            import shiboken6

            self.web.page().profile().setUrlRequestInterceptor(None)
            shiboken6.delete(self.web)  # the view owns its page
            self.web = None

    def run_js(self, script: str, callback) -> None:
        """For tests and tools: evaluate ``script`` in the page and pass the result to ``callback``."""
        self.web.page().runJavaScript(script, 0, callback)
