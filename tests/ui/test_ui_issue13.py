"""Issue 13 (UI): dark theme from the palette, unsaved edits, layout and empty states, keys and Undo.

Offscreen pytest-qt on a real diary file (seeded with generated entries and real FLAC files).
"""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6.QtWebEngineWidgets")
from datetime import UTC

from browse_helpers import seeded_diary  # noqa: E402
from PySide6 import QtWebEngineWidgets  # noqa: F401,E402  (before the QApplication exists)
from PySide6.QtCore import QPoint, Qt, QTimer  # noqa: E402
from PySide6.QtGui import QColor, QImage, QPalette  # noqa: E402
from PySide6.QtWidgets import QApplication, QMessageBox  # noqa: E402

from diary_app.settings import Settings  # noqa: E402
from diary_app.store import Diary, EntryNotFound  # noqa: E402
from diary_app.ui.context import AppContext  # noqa: E402


@pytest.fixture
def dark(qtbot):
    """Theme = Dark for one test, then the platform's look again."""
    from diary_app.ui.theme import apply_theme

    app = QApplication.instance()
    apply_theme("dark", app)
    yield app
    apply_theme("system", app)


@pytest.fixture
def diary(tmp_path):
    d = seeded_diary(tmp_path, count=60, located=20)
    yield d
    d.close()


@pytest.fixture
def window(diary, qtbot):
    from diary_app.ui.main_window import MainWindow

    ctx = AppContext(diary=diary, settings=Settings())
    win = MainWindow(ctx)  # not qtbot.addWidget: its close() would run before this teardown
    win.resize(1000, 700)
    win.show()
    yield win
    win.pages["diary"].detail.ask_unsaved = lambda: "discard"  # never block the close with a question
    win.close()
    win.pages["diary"].detail.player.stop()
    win.sync_service.shutdown()
    win.deleteLater()


def lightness_stats(image: QImage) -> tuple[float, float]:
    """(share of near-white pixels, mean lightness) of a grabbed widget."""
    w, h = image.width(), image.height()
    white = total = 0
    light_sum = 0
    for y in range(0, h, 4):
        for x in range(0, w, 4):
            c = QColor(image.pixel(x, y))
            light_sum += c.lightness()
            white += c.lightness() > 235
            total += 1
    return white / total, light_sum / total


# -- 3. dark mode ---------------------------------------------------------------------------------
def test_dark_theme_sets_fusion_and_a_dark_palette_and_back(qtbot) -> None:
    from diary_app.ui.theme import apply_theme, is_dark, style_name

    app = QApplication.instance()
    before_style, before_window = app.style().name(), app.palette().color(QPalette.ColorRole.Window)
    apply_theme("dark", app)
    try:
        assert style_name(app.style()) == "fusion"  # Fusion, through the app's contrast proxy
        assert is_dark(app.palette())
        p = app.palette()
        # text must stand out from its background (not a near-invisible label)
        assert abs(p.color(QPalette.ColorRole.Text).lightness() - p.color(QPalette.ColorRole.Base).lightness()) > 150
        assert abs(p.color(QPalette.ColorRole.WindowText).lightness() - p.color(QPalette.ColorRole.Window).lightness()) > 150
        apply_theme("light", app)
        assert not is_dark(app.palette())
    finally:
        apply_theme("system", app)
    assert app.style().name() == before_style
    assert app.palette().color(QPalette.ColorRole.Window) == before_window


def test_settings_theme_change_applies_at_once(qtbot, tmp_path) -> None:
    from diary_app.ui.pages.settings import SettingsPage
    from diary_app.ui.theme import apply_theme, is_dark

    ctx = AppContext(diary=Diary(tmp_path / "d"), settings=Settings())
    page = SettingsPage(ctx)
    qtbot.addWidget(page)
    try:
        page.appearance.theme.setCurrentIndex(page.appearance.theme.findData("dark"))
        assert is_dark(QApplication.instance().palette())
        page.show()
        qtbot.waitUntil(lambda: is_dark(page.palette()), timeout=3000)  # existing widgets follow
    finally:
        apply_theme("system")
        ctx.diary.close()


def test_custom_widgets_draw_from_the_dark_palette(dark, diary, qtbot) -> None:
    """Calendar grid, Year view, statistics charts and the waveform: no white sheets under Dark."""
    from diary_app.ui.browse.calendar_view import CalendarView
    from diary_app.ui.browse.entry_detail import EntryDetail
    from diary_app.ui.browse.statistics_view import StatisticsView
    from diary_app.ui.browse.year_view import YearView

    base = dark.palette().color(QPalette.ColorRole.Base)
    cal, year, stats, detail = CalendarView(diary), YearView(diary), StatisticsView(diary), EntryDetail(diary, Settings())
    for w in (cal, year, stats, detail):
        qtbot.addWidget(w)
        w.resize(900, 600)
        w.show()
    with qtbot.waitSignal(stats.updated, timeout=10_000):
        stats.reload()
    entry = diary.query().items[0]
    with qtbot.waitSignal(detail.waveform_ready, timeout=10_000):
        detail.show_entry(str(entry.id))
    for name, widget in (("calendar", cal.calendar), ("year", year.pixels), ("statistics", stats), ("waveform", detail.plot)):
        white, mean = lightness_stats(widget.grab().toImage())
        assert white < 0.02, f"{name}: {white:.1%} near-white pixels under the dark theme"
        assert mean < 110, f"{name}: mean lightness {mean:.0f} is not dark"
    # the waveform's background is the palette's base colour, its axis text the palette's text colour
    assert detail.plot.backgroundBrush().color() == base
    axis = detail.plot.getAxis("bottom")
    assert axis.textPen().color() == dark.palette().color(QPalette.ColorRole.Text)
    # the Year view's labels are readable: muted text is far from the window colour
    from diary_app.ui.theme import muted_text

    assert abs(muted_text(year.palette()).lightness() - year.palette().color(QPalette.ColorRole.Window).lightness()) > 80
    # statistics axes follow the palette too
    assert stats.time_plot.getAxis("left").textPen().color() == dark.palette().color(QPalette.ColorRole.Text)
    detail.player.stop()


def test_style_sheet_widgets_follow_a_theme_change(diary, qtbot) -> None:
    """Filter chips and emotion buttons have style sheets; their text must follow the new palette."""
    from diary_app.ui.browse.filters import FilterBar
    from diary_app.ui.theme import apply_theme

    bar = FilterBar()
    qtbot.addWidget(bar)
    bar.show()
    app = QApplication.instance()
    try:
        apply_theme("dark", app)
        dark_text = bar.emotion_buttons["neutral"].palette().color(QPalette.ColorRole.ButtonText).lightness()
        apply_theme("light", app)
        light_text = bar.emotion_buttons["neutral"].palette().color(QPalette.ColorRole.ButtonText).lightness()
    finally:
        apply_theme("system", app)
    assert dark_text > 150 and light_text < 100


# -- 4. unsaved edits -----------------------------------------------------------------------------
def _open_detail(window, diary):
    page = window.show_page("diary")
    entry = diary.query().items[0]
    assert page.show_entry(str(entry.id))
    return page, page.detail, entry


def test_back_with_unsaved_edits_asks_save_discard_cancel(window, diary, qtbot) -> None:
    page, detail, entry = _open_detail(window, diary)
    answers: list[str] = []
    detail.ask_unsaved = lambda: answers.pop(0)
    assert not detail.has_unsaved_changes()
    detail.back_button.click()  # nothing changed: leaves without asking
    assert page.stack.currentIndex() == 0

    page.show_entry(str(entry.id))
    detail.note.setPlainText("a note typed and not saved")
    assert detail.has_unsaved_changes()
    answers.append("cancel")
    detail.back_button.click()
    assert page.stack.currentWidget() is detail and detail.note.toPlainText() == "a note typed and not saved"

    answers.append("save")
    detail.back_button.click()
    assert page.stack.currentIndex() == 0
    assert diary.get(entry.id).note == "a note typed and not saved"

    page.show_entry(str(entry.id))
    detail.public.setChecked(not detail.public.isChecked())
    detail._pick("angry")
    answers.append("discard")
    detail.back_button.click()
    assert page.stack.currentIndex() == 0
    stored = diary.get(entry.id)
    assert stored.is_public == entry.is_public and stored.user_emotion == entry.user_emotion
    assert not answers


def test_switching_page_and_closing_the_window_ask_too(window, diary, qtbot) -> None:
    page, detail, entry = _open_detail(window, diary)
    asked: list[int] = []
    detail.ask_unsaved = lambda: (asked.append(1), "cancel")[1]
    detail.location.name.setText("Somewhere new")
    detail.clear_place.setChecked(False)
    window.nav.setCurrentRow(0)  # Record
    assert asked and window.stack.currentWidget() is page and window.nav.currentRow() == 1
    assert not window.close()  # Cancel keeps the window open
    assert window.isVisible() and len(asked) == 2

    detail.ask_unsaved = lambda: "save"
    window.nav.setCurrentRow(0)
    assert window.stack.currentWidget() is window.pages["record"]
    assert diary.get(entry.id).place_name == "Somewhere new"


def test_the_real_question_has_save_discard_cancel(window, diary, qtbot) -> None:
    _page, detail, _entry = _open_detail(window, diary)
    detail.note.setPlainText("changed")
    seen: dict = {}

    def answer() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(50, answer)
            return
        seen["buttons"] = {box.standardButton(b) for b in box.buttons()}
        box.button(QMessageBox.StandardButton.Cancel).click()

    QTimer.singleShot(50, answer)
    assert detail.confirm_leave() is False
    assert seen["buttons"] == {QMessageBox.StandardButton.Save, QMessageBox.StandardButton.Discard, QMessageBox.StandardButton.Cancel}


# -- 7. keyboard and undo -------------------------------------------------------------------------
def test_keys_back_save_search(window, diary, qtbot) -> None:
    page, detail, entry = _open_detail(window, diary)
    detail.ask_unsaved = lambda: pytest.fail("asked although everything was saved")
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)
    detail.note.setPlainText("saved with ctrl+s")
    qtbot.keyClick(detail.note, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert diary.get(entry.id).note == "saved with ctrl+s"
    qtbot.keyClick(detail.note, Qt.Key.Key_Escape)
    assert page.stack.currentIndex() == 0

    page.show_entry(str(entry.id))
    qtbot.keyClick(detail.back_button, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert page.stack.currentIndex() == 0

    page.show_tab("year")
    qtbot.keyClick(page.year_view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert page.tabs.currentWidget() is page.list_tab
    assert page.filter_bar.search.hasFocus()


def test_delete_key_asks_says_delete_and_can_be_undone(window, diary, qtbot) -> None:
    page = window.show_page("diary")
    page.show_tab("list")
    window.activateWindow()
    view = page.list_view.view
    view.setFocus()
    view.setCurrentIndex(page.list_model.index(0))
    entry = page.list_model.entry_at(0)
    audio = diary.audio_path(entry)
    total = diary.count()
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    qtbot.waitUntil(page.detail.confirm.isVisible, timeout=3000)
    assert page.detail.confirm_delete_button.text() == "Delete"
    with qtbot.waitSignal(page.refreshed, timeout=5000):
        page.detail.confirm_delete_button.click()
    assert diary.count() == total - 1 and not audio.exists()
    assert page.undo_bar.isVisible() and page.undo_bar.button.text() == "Undo"

    with qtbot.waitSignal(page.refreshed, timeout=5000):
        page.undo_bar.button.click()
    restored = diary.get(entry.id)
    assert audio.is_file() and diary.count() == total
    assert (restored.created_at, restored.note, restored.emotion, restored.latitude) == (
        entry.created_at, entry.note, entry.emotion, entry.latitude)
    assert not page.undo_bar.isVisible()

    # without Undo the kept audio goes when the window closes (timer or close)
    page.show_entry(str(entry.id))
    page.detail.ask_delete()
    qtbot.waitUntil(page.detail.confirm.isVisible, timeout=3000)
    page.detail.confirm_delete_button.click()
    assert audio.with_suffix(".trash").exists()
    page._undo_timer.timeout.emit()
    assert not audio.with_suffix(".trash").exists() and not page.undo_bar.isVisible()
    with pytest.raises(EntryNotFound):
        diary.get(entry.id)


def test_store_restore_refuses_when_the_audio_is_gone(diary) -> None:
    entry = diary.query().items[0]
    kept = diary.delete_undoable(entry.id)
    diary.purge(kept)
    with pytest.raises(FileNotFoundError):
        diary.restore(kept)
    # and recover() at the next start removes a .trash left by a crash during the undo window
    other = diary.query().items[0]
    diary.delete_undoable(other.id)
    assert diary.recover().trash_removed == 1


def test_undoable_delete_keeps_the_release_guarantees(diary) -> None:
    """The GUI deletes with ``delete_undoable``: a read-only diary refuses it with a sentence and
    keeps the audio (as ``delete`` does); Undo keeps the note's metadata copy, ``purge`` removes it."""
    from diary_app.store import DiaryReadOnly
    from diary_app.store.sidecar import sidecar_path

    entry = diary.query().items[0]
    diary.edit(entry.id, note="kept in the copy")
    audio = diary.audio_path(entry.id)
    assert sidecar_path(audio).is_file()
    viewer = Diary(diary.root, read_only=True)
    try:
        with pytest.raises(DiaryReadOnly):
            viewer.delete_undoable(entry.id)
        with pytest.raises(DiaryReadOnly):
            viewer.restore(entry)
    finally:
        viewer.close()
    assert audio.is_file() and not audio.with_suffix(".trash").exists()
    kept = diary.delete_undoable(entry.id)
    assert diary.restore(kept).note == "kept in the copy"
    assert audio.is_file() and sidecar_path(audio).is_file()
    diary.purge(diary.delete_undoable(entry.id))
    assert not audio.with_suffix(".trash").exists() and not sidecar_path(audio).exists()


# -- 6. layout and empty states -------------------------------------------------------------------
def test_window_fits_900_by_600_and_does_not_widen_while_typing(window, diary, qtbot) -> None:
    page = window.show_page("diary")
    assert window.minimumSizeHint().width() <= 900 and window.minimumSizeHint().height() <= 600
    window.resize(900, 600)
    qtbot.wait(50)
    assert window.width() == 900
    assert page.filter_bar.search.width() >= 200  # not squashed to "S…"
    for key in ("list", "calendar", "year", "map", "statistics"):
        page.show_tab(key)
        qtbot.wait(20)
        assert window.minimumSizeHint().width() <= 900, key
    page.show_tab("list")
    tab_bar_y = page.tabs.tabBar().mapTo(window, QPoint(0, 0)).y()
    qtbot.keyClicks(page.filter_bar.search, "a long search text that goes on and on and on and on")
    qtbot.wait(400)
    assert window.width() == 900
    page.show_entry(str(diary.query().items[0].id))
    page.detail.note.setPlainText("x" * 400)
    qtbot.wait(50)
    assert window.width() == 900
    page.detail.ask_unsaved = lambda: "discard"
    page.detail.close_detail()
    # the tab bar stays where it is on every tab (the filter bar lives inside List and Map)
    for key in ("calendar", "year", "statistics", "map", "list"):
        page.show_tab(key)
        qtbot.wait(20)
        assert page.tabs.tabBar().mapTo(window, QPoint(0, 0)).y() == tab_bar_y, key


def test_empty_diary_has_empty_states(tmp_path, qtbot) -> None:
    from diary_app.ui.pages.diary import DiaryPage

    diary = Diary(tmp_path / "empty")
    page = DiaryPage(AppContext(diary=diary, settings=Settings()))
    qtbot.addWidget(page)
    page.resize(900, 600)
    page.show()
    stats = page.show_tab("statistics")
    with qtbot.waitSignal(stats.updated, timeout=10_000):
        stats.reload()
    assert stats.is_empty and stats.empty_label.isVisible() and not stats.time_plot.isVisible()
    assert "No entries yet" in stats.empty_label.text()
    year = page.show_tab("year")
    assert year.empty_label.isVisible() and "empty" in year.empty_label.text()
    assert page.list_view.summary.text() == "0 entries, newest first"
    diary.close()


def test_map_says_when_it_is_empty(tmp_path, qtbot) -> None:
    from diary_app.ui.browse.map_view import MapView

    diary = Diary(tmp_path / "empty")
    view = MapView(diary, tiles=False)
    qtbot.addWidget(view)
    view.resize(700, 500)
    view.show()
    with qtbot.waitSignal(view.markers_drawn, timeout=30_000):
        view.load()
    assert "No entry has a place yet" in view.summary.text()
    box: dict = {}
    view.run_js("JSON.stringify({shown: getComputedStyle(document.getElementById('diary-empty-notice')).display,"
                " text: document.getElementById('diary-empty-notice').textContent})", lambda v: box.setdefault("v", v))
    qtbot.waitUntil(lambda: "v" in box, timeout=10_000)
    import json

    info = json.loads(box["v"])
    assert info["shown"] == "block" and "No entry has a place yet" in info["text"]
    view.shutdown()
    diary.close()


def test_player_duration_waveform_axes_and_plurals(diary, qtbot, tmp_path) -> None:
    from diary_app.ui.audio_player import UNKNOWN, AudioPlayer
    from diary_app.ui.browse.entry_detail import EntryDetail
    from diary_app.ui.browse.entry_list_model import EntryListModel
    from diary_app.ui.browse.filters import FilterBar
    from diary_app.ui.browse.list_view import EntryListView

    detail = EntryDetail(diary, Settings())
    qtbot.addWidget(detail)
    entry = max(diary.query().items, key=lambda e: e.duration_s)
    detail.show_entry(str(entry.id))
    total = int(entry.duration_s)
    assert detail.player.time_label.text() == f"00:00 / {total // 60:02d}:{total % 60:02d}"  # before Play
    assert not detail.plot.getAxis("bottom").style["showValues"]  # no junk axis while loading
    assert detail.plot.viewRange()[0][1] == pytest.approx(entry.duration_s, abs=0.01)
    qtbot.waitUntil(lambda: detail.plot.getAxis("bottom").style["showValues"], timeout=10_000)
    detail.player.stop()
    player = AudioPlayer()
    qtbot.addWidget(player)
    player.load(tmp_path / "nothing.flac")
    assert player.time_label.text() == f"{UNKNOWN} / {UNKNOWN}"

    bar = FilterBar()
    qtbot.addWidget(bar)
    assert bar.to_label.text() == "to" and bar.to_label.buddy() is bar.last

    one = Diary(tmp_path / "one")
    from datetime import datetime

    from browse_helpers import add_known

    add_known(one, tmp_path / "src", datetime.now(UTC), "happy", "one")
    view = EntryListView(EntryListModel(one))
    qtbot.addWidget(view)
    assert view.summary.text() == "1 entry"
    one.close()


def test_emotion_buttons_show_a_large_emoji(qtbot) -> None:
    from diary_app.ui.emotion_widgets import EMOJI_PX, EmotionPicker

    picker = EmotionPicker()
    qtbot.addWidget(picker)
    button = picker.buttons["happy"]
    assert button.iconSize().height() == EMOJI_PX >= 24
    assert button.font().pixelSize() < EMOJI_PX or button.fontMetrics().height() < EMOJI_PX
    assert not button.icon().isNull() and button.text() == "Happy"


def test_level_meter_drops_to_the_floor_after_stopping(tmp_path, qtbot, monkeypatch) -> None:
    from diary_app.ui.pages.record import RecordPage

    ctx = AppContext(diary=Diary(tmp_path / "d"), settings=Settings())
    page = RecordPage(ctx, analyzer_factory=lambda _s: None)
    qtbot.addWidget(page)

    class Level:
        peak = 0.8
        rms = 0.3

    class FakeRecorder:
        recording = True
        elapsed_s = 2.0
        max_seconds = 60.0
        should_stop = False

        def level(self):
            return Level()

        def waveform(self, n):
            import numpy as np

            return np.full(n, 0.5)

        def stop(self):
            from types import SimpleNamespace

            self.recording = False
            return SimpleNamespace(frames=0, error="", end_reason="user", duration_s=0.0, path=None)

    page.recorder = FakeRecorder()
    page._draw_levels()
    assert page.level_meter.value() > 80
    import diary_app.ui.pages.record as record_module

    monkeypatch.setattr(record_module, "discard_recording", lambda _r: None)
    page.stop_recording()
    assert page.level_meter.value() == 0
    page.worker.shutdown()
    ctx.diary.close()


# -- 5. offline basemap ---------------------------------------------------------------------------
def test_offline_basemap_has_land_borders_and_names_from_world_to_city_scale(diary, qtbot) -> None:
    import json

    from diary_app.ui.browse.map_view import MapView

    view = MapView(diary, tiles=False)
    qtbot.addWidget(view)
    view.resize(900, 600)
    view.show()
    with qtbot.waitSignal(view.markers_drawn, timeout=30_000):
        view.load()

    def js(script: str):
        box: dict = {}
        view.run_js(script, lambda v: box.setdefault("v", v))
        qtbot.waitUntil(lambda: "v" in box, timeout=10_000)
        return box["v"]

    def labels_at(lat: float, lon: float, zoom: int) -> dict:
        js(f"window.diaryMap.map.setView([{lat}, {lon}], {zoom}, {{animate: false}}); window.diaryBasemap.update(); 1")
        return json.loads(js("JSON.stringify({n: window.diaryBasemap.labels, c: window.diaryBasemap.countryLabels,"
                             " names: Array.from(document.querySelectorAll('.diary-place span')).map(function (e) { return e.textContent; }),"
                             " drawn: document.querySelectorAll('.leaflet-basemap-pane canvas').length})"))

    info = json.loads(js("JSON.stringify({countries: window.diaryBasemap.countries, places: window.diaryBasemap.places})"))
    assert info["countries"] > 200 and info["places"] > 20_000
    world = labels_at(30, 20, 2)
    assert world["drawn"] >= 1 and world["c"] >= 5 and {"Tokyo", "London"} <= set(world["names"])
    city = labels_at(37.53, 127.0, 11)  # Seoul at city scale: the towns around it are named
    assert city["n"] >= 5 and {"Seoul", "Goyang"} <= set(city["names"])
    # nothing of the basemap came from the network (the page has no tiles in this test)
    sources = js("JSON.stringify(Array.from(document.scripts).map(function (s) { return s.src; }).filter(Boolean))")
    basemap = [u for u in json.loads(sources) if "basemap/" in u]
    assert len(basemap) == 3 and all(u.startswith("file://") for u in basemap)
    view.shutdown()
