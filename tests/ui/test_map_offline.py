"""The map page offscreen: markers = located entries, no Leaflet file from the network, bridge works."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("PySide6.QtWebEngineWidgets")
from browse_helpers import seeded_diary  # noqa: E402
from PySide6 import QtWebEngineWidgets  # noqa: F401,E402  (before the QApplication exists)
from PySide6.QtWebEngineCore import QWebEngineUrlRequestInterceptor  # noqa: E402

from diary_app.store import EntryQuery  # noqa: E402
from diary_app.ui.browse.filters import BrowseFilter  # noqa: E402


class Recorder(QWebEngineUrlRequestInterceptor):
    """Sees every request the page makes; blocks anything that would leave the machine."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def interceptRequest(self, info) -> None:  # noqa: N802
        url = info.requestUrl().toString()
        self.urls.append(url)
        if info.requestUrl().scheme() in ("http", "https", "ws", "wss"):
            info.block(True)  # simulate "no network" and prove nothing needed it


def run_js(qtbot, view, script: str):
    box: dict = {}
    view.run_js(script, lambda value: box.setdefault("v", value))
    qtbot.waitUntil(lambda: "v" in box, timeout=10_000)
    return box["v"]


@pytest.fixture
def map_world(tmp_path, qtbot):
    from diary_app.ui.browse.map_view import MapView

    diary = seeded_diary(tmp_path, count=300, located=120)
    view = MapView(diary, tiles=True)
    recorder = Recorder()
    view.web.page().profile().setUrlRequestInterceptor(recorder)
    qtbot.addWidget(view)
    view.resize(900, 650)
    view.show()
    with qtbot.waitSignal(view.markers_drawn, timeout=30_000, check_params_cb=lambda n: n > 0):
        view.load()
    yield diary, view, recorder
    view.shutdown()
    diary.close()


def test_markers_equal_located_entries_and_leaflet_is_local(map_world, qtbot) -> None:
    diary, view, recorder = map_world
    located = diary.count(located_only=True)
    info = json.loads(run_js(qtbot, view, "JSON.stringify({n: window.diaryMap.markerCount(), v: L.version,"
                                          " mc: typeof L.MarkerClusterGroup, jq: typeof jQuery,"
                                          " dom: document.querySelectorAll('.marker-cluster, path.leaflet-interactive').length})"))
    assert info["n"] == located == 120
    assert info["v"] == "1.9.4" and info["mc"] == "function" and info["jq"] == "function"
    assert info["dom"] > 0  # something is actually drawn
    assert "180 entries have no place" in view.summary.text()

    libs = ("leaflet.js", "leaflet.markercluster.js", "jquery.min.js", "leaflet.css", "MarkerCluster.css")
    for lib in libs:
        hits = [u for u in recorder.urls if u.endswith(lib)]
        assert hits and all(u.startswith("file://") for u in hits), (lib, hits)
    remote = [u for u in recorder.urls if u.startswith(("http:", "https:"))]
    assert all("tile.openstreetmap.org" in u for u in remote), remote  # only the optional tile probe

    # with the tile probe blocked the page says so and keeps the markers on a plain background
    qtbot.waitUntil(lambda: run_js(qtbot, view, "String(window.diaryMap.tilesOnline)") == "false", timeout=10_000)
    shown = run_js(qtbot, view, "getComputedStyle(document.getElementById('diary-offline-notice')).display")
    assert shown == "block"


def test_filter_redraws_without_reload_and_popup_button_opens_entry(map_world, qtbot) -> None:
    diary, view, _recorder = map_world
    with qtbot.waitSignal(view.markers_drawn, timeout=10_000) as blocker:
        view.set_filter(BrowseFilter(emotions=frozenset({"happy"})))
    happy = diary.count(EntryQuery(emotions=["happy"], located_only=True))
    assert blocker.args == [happy]
    assert run_js(qtbot, view, "window.diaryMap.markerCount()") == happy
    emotions = run_js(qtbot, view, "JSON.stringify(window.diaryMap.cluster.getLayers().map(m => m.options.emotion))")
    assert set(json.loads(emotions)) == {"happy"}

    # open a marker's popup: its note and place arrive from the app; its button opens the entry
    target = next(e for e in diary.query(EntryQuery(emotions=["happy"], located_only=True, limit=200)).items if e.note)
    wanted = str(target.id)
    run_js(qtbot, view, "var m = window.diaryMap.cluster.getLayers().filter(m => m.options.entryId === '%s')[0];"
                        "window.__m = m; window.diaryMap.map.setView(m.getLatLng(), 18, {animate: false}); 1" % wanted)
    qtbot.waitUntil(lambda: run_js(qtbot, view, "!!window.__m._map"), timeout=10_000)  # out of its cluster, drawn
    run_js(qtbot, view, "window.__m.openPopup(); 1")
    qtbot.waitUntil(lambda: target.note in run_js(qtbot, view, "document.querySelector('.leaflet-popup-content').innerText"),
                    timeout=10_000)
    assert target.place_name in run_js(qtbot, view, "document.querySelector('.leaflet-popup-content').innerText")
    with qtbot.waitSignal(view.open_entry, timeout=10_000) as opened:
        view.run_js("document.querySelector('.leaflet-popup .diary-open').click(); 1", lambda _v: None)
    assert opened.args == [wanted]
    assert diary.get(wanted).emotion == "happy"


def test_edit_in_detail_updates_the_map(tmp_path, qtbot) -> None:
    """Removing an entry's place in the detail view removes its marker (via entry_changed)."""
    from diary_app.settings import Settings
    from diary_app.ui.context import AppContext
    from diary_app.ui.pages.diary import DiaryPage

    diary = seeded_diary(tmp_path, count=120, located=40)
    page = DiaryPage(AppContext(diary=diary, settings=Settings.load()))
    qtbot.addWidget(page)
    page.show()
    map_view = page.show_tab("map")
    map_view.web.page().profile().setUrlRequestInterceptor(recorder := Recorder())
    qtbot.waitUntil(lambda: map_view.loaded and map_view.last_draw_s is not None, timeout=30_000)
    assert run_js(qtbot, map_view, "window.diaryMap.markerCount()") == 40
    target = diary.query(located_only=True, limit=1).items[0]
    page.show_entry(str(target.id))
    page.detail.clear_place.setChecked(True)
    with qtbot.waitSignal(map_view.markers_drawn, timeout=10_000) as drawn:
        page.detail.save()
    assert drawn.args == [39]
    assert "81 entries have no place" in map_view.summary.text()
    assert not any(u.startswith("http") and "leaflet" in u for u in recorder.urls)
    map_view.shutdown()
    diary.close()
