"""pytest-qt tests of the Diary page on a seeded diary: list filters, calendar, year, detail edits."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

pytest.importorskip("PySide6.QtWebEngineWidgets")
from browse_helpers import add_known, seeded_diary  # noqa: E402
from PySide6 import QtWebEngineWidgets  # noqa: F401,E402  (before the QApplication exists)
from PySide6.QtCore import QDate, Qt  # noqa: E402
from PySide6.QtWidgets import QMessageBox, QTableView  # noqa: E402

from diary_app.settings import Settings  # noqa: E402
from diary_app.store import EntryQuery  # noqa: E402
from diary_app.store.stats import local_tz  # noqa: E402
from diary_app.ui.browse.entry_list_model import PAGE_SIZE, EntryIdRole  # noqa: E402
from diary_app.ui.context import AppContext  # noqa: E402


@pytest.fixture
def world(tmp_path, qtbot):
    """A seeded diary, three known entries on one day, and the Diary page over it."""
    from diary_app.ui.pages.diary import DiaryPage

    diary = seeded_diary(tmp_path)
    tz = local_tz()
    day = (datetime.now(tz) - timedelta(days=400)).date()  # a day the demo data rarely fills
    for e in diary.query(EntryQuery(start=_utc(day, 0, tz), end=_utc(day + timedelta(days=1), 0, tz), limit=100)).items:
        diary.delete(e.id)
    known = [
        add_known(diary, tmp_path / "src", _utc(day, 8, tz), "sad", "zebra crossing in the rain"),
        add_known(diary, tmp_path / "src", _utc(day, 13, tz), "happy", "lunch by the fountain", (37.55, 126.98, "Seoul Plaza")),
        add_known(diary, tmp_path / "src", _utc(day, 19, tz), "happy", "evening walk"),
    ]
    ctx = AppContext(diary=diary, settings=Settings.load())
    page = DiaryPage(ctx)
    qtbot.addWidget(page)
    page.resize(1100, 760)
    page.show()
    yield ctx, page, day, known
    page.detail.player.stop()
    diary.close()


def _utc(day: date, hour: int, tz) -> datetime:
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=tz).astimezone(UTC)


def _rows(model) -> list:
    return [model.entry_at(r) for r in range(model.rowCount())]


def test_list_shows_all_newest_first_and_filters_by_emotion_text_and_date(world, qtbot) -> None:
    ctx, page, day, known = world
    model, diary = page.list_model, ctx.diary
    assert model.rowCount() == diary.count()
    times = [e.created_at for e in _rows(model)]
    assert times == sorted(times, reverse=True)

    bar = page.filter_bar
    qtbot.mouseClick(bar.emotion_buttons["sad"], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(bar.emotion_buttons["fear"], Qt.MouseButton.LeftButton)
    rows = _rows(model)
    assert len(rows) == diary.count(emotions=["sad", "fear"]) > 0
    assert {e.emotion for e in rows} == {"sad", "fear"}
    assert "match the filter" in page.list_view.summary.text()

    bar.clear()
    qtbot.keyClicks(bar.search, "ZEBRA")  # case-insensitive note search, debounced
    qtbot.waitUntil(lambda: model.rowCount() == 1, timeout=3000)
    assert str(model.entry_at(0).id) == str(known[0].id)

    bar.search.clear()
    bar.use_dates.setChecked(True)
    bar.first.setDate(QDate(day))
    bar.last.setDate(QDate(day))
    qtbot.waitUntil(lambda: model.rowCount() == 3, timeout=3000)
    assert [str(e.id) for e in _rows(model)] == [str(k.id) for k in reversed(known)]
    qtbot.mouseClick(bar.emotion_buttons["happy"], Qt.MouseButton.LeftButton)
    assert [str(e.id) for e in _rows(model)] == [str(known[2].id), str(known[1].id)]
    bar.clear()
    assert model.rowCount() == diary.count()


def test_list_model_fetches_pages_lazily(world) -> None:
    ctx, page, _day, _known = world
    model = page.list_model
    model.set_filter(model.filter)
    model.entry_at(0)
    assert len(model._pages) == 1  # only what was asked for
    last = model.rowCount() - 1
    deep = model.entry_at(last)
    assert deep is not None and len(model._pages) == 2
    oldest = ctx.diary.query(EntryQuery(newest_first=False, limit=1)).items[0]
    assert deep.id == oldest.id
    assert last // PAGE_SIZE in model._pages


def test_calendar_day_click_lists_that_days_entries(world, qtbot) -> None:
    _ctx, page, day, known = world
    cal_view = page.show_tab("calendar")
    cal = cal_view.calendar
    cal.setCurrentPage(day.year, day.month)
    assert sum(cal.counts[day].values()) == 3 and cal.counts[day]["happy"] == 2
    table = cal.findChild(QTableView)
    clicked = False
    m = table.model()
    for r in range(m.rowCount()):
        for c in range(m.columnCount()):
            idx = m.index(r, c)
            if str(m.data(idx)) == str(day.day):
                qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=table.visualRect(idx).center())
                if cal.selectedDate().toPython() == day:
                    clicked = True
                    break
        if clicked:
            break
    assert clicked, "could not click the day cell"
    ids = [cal_view.day_model.data(cal_view.day_model.index(r), EntryIdRole) for r in range(cal_view.day_model.rowCount())]
    assert ids == [str(k.id) for k in reversed(known)]
    assert "3 entries" in cal_view.day_label.text()


def test_year_view_click_opens_the_day_in_the_calendar(world, qtbot) -> None:
    _ctx, page, day, _known = world
    year = page.show_tab("year")
    year.show_year(day.year)
    pixels = year.pixels
    assert sum(pixels.counts[day].values()) == 3
    qtbot.mouseClick(pixels, Qt.MouseButton.LeftButton, pos=pixels._rect(day.month, day.day).center())
    assert page.tabs.currentWidget() is page.calendar_view
    assert page.calendar_view.selected_day == day


def test_detail_edit_updates_list_calendar_and_statistics(world, qtbot) -> None:
    ctx, page, day, known = world
    target = known[1]
    page.filter_bar.search.setText("fountain")
    qtbot.waitUntil(lambda: page.list_model.rowCount() == 1, timeout=3000)
    view = page.list_view.view
    row0 = view.visualRect(page.list_model.index(0)).center()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=row0)  # a real double click starts with a press
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=row0)
    assert page.stack.currentWidget() is page.detail
    assert page.detail.entry.id == target.id
    curve = page.detail.wave_curve
    qtbot.waitUntil(lambda: curve.xData is not None and len(curve.xData) > 100, timeout=5000)  # read off the GUI thread
    assert abs(curve.xData.max() - 1.0) < 0.01  # the 1 s test tone
    assert "automatic" in page.detail.auto_label.text() and "80%" in page.detail.auto_label.text()

    qtbot.mouseClick(page.detail.picker.buttons["angry"], Qt.MouseButton.LeftButton)
    page.detail.note.setPlainText("lunch by the fountain, then a parking fine")
    with qtbot.waitSignal(page.refreshed, timeout=5000):
        qtbot.mouseClick(page.detail.save_button, Qt.MouseButton.LeftButton)
    stored = ctx.diary.get(target.id)
    assert stored.emotion == "angry" and stored.user_emotion == "angry" and stored.auto_emotion == "happy"
    assert stored.note.endswith("parking fine")
    assert "corrected by hand" in page.detail.auto_label.text()

    qtbot.mouseClick(page.detail.back_button, Qt.MouseButton.LeftButton)
    assert page.list_model.entry_at(0).emotion == "angry"  # the list shows the edit
    page.calendar_view.select_day(day)
    assert page.calendar_view.calendar.counts[day] == {"sad": 1, "happy": 1, "angry": 1}
    stats_view = page.show_tab("statistics")
    qtbot.waitUntil(lambda: stats_view.result is not None, timeout=10_000)
    assert stats_view.result.share == {e: ctx.diary.count(emotions=[e]) for e in stats_view.result.share}


def test_statistics_follow_diary_changes(world, qtbot) -> None:
    ctx, page, _day, known = world
    stats_view = page.show_tab("statistics")
    qtbot.waitUntil(lambda: stats_view.result is not None, timeout=10_000)
    before = stats_view.result.share["sad"]
    with qtbot.waitSignal(stats_view.updated, timeout=10_000):
        ctx.diary.set_user_emotion(known[1].id, "sad")
    assert stats_view.result.share["sad"] == before + 1
    assert sum(sum(c.values()) for c in stats_view.result.by_hour.values()) == ctx.diary.count()


def test_delete_asks_first_and_then_removes_entry_and_audio(world, qtbot) -> None:
    ctx, page, _day, known = world
    target = known[0]
    audio = ctx.diary.audio_path(target)
    total = page.list_model.rowCount()
    page.show_entry(str(target.id))
    qtbot.mouseClick(page.detail.delete_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(page.detail.confirm.isVisible, timeout=3000)
    page.detail.confirm.button(QMessageBox.StandardButton.Cancel).click()
    assert ctx.diary.get(target.id) and audio.is_file()

    qtbot.mouseClick(page.detail.delete_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(page.detail.confirm.isVisible, timeout=3000)
    assert page.detail.confirm_delete_button.text() == "Delete"  # not "Yes"
    with qtbot.waitSignal(page.refreshed, timeout=5000):
        page.detail.confirm_delete_button.click()
    assert ctx.diary.count() == total - 1 and not audio.exists()
    assert page.list_model.rowCount() == total - 1
    assert page.stack.currentIndex() == 0
    page.shutdown()  # the undo window closes: the audio kept for Undo goes for good
    assert not audio.with_suffix(".trash").exists()


def test_location_edit_and_unknown_entry(world, qtbot) -> None:
    ctx, page, _day, known = world
    target = known[2]
    page.show_entry(str(target.id))
    page.detail.clear_place.setChecked(False)
    page.detail.location.lat.setValue(35.1)
    page.detail.location.lon.setValue(129.04)
    page.detail.location.name.setText("Busan harbour")
    page.detail.save()
    stored = ctx.diary.get(target.id)
    assert (stored.latitude, stored.longitude, stored.place_name) == (35.1, 129.04, "Busan harbour")
    page.detail.clear_place.setChecked(True)
    page.detail.save()
    assert not ctx.diary.get(target.id).has_location
    assert page.detail.show_entry("00000000-0000-0000-0000-000000000000") is False


def test_open_entry_event_shows_the_detail_in_the_main_window(world, qtbot) -> None:
    """Any page (record, feed, map popup) asks for an entry through ``events.open_entry``."""
    from diary_app.ui.main_window import MainWindow

    ctx, _page, _day, known = world
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    ctx.events.open_entry.emit(str(known[1].id))
    diary_page = window.pages["diary"]
    assert window.stack.currentWidget() is diary_page
    assert diary_page.stack.currentWidget() is diary_page.detail
    assert diary_page.detail.entry.id == known[1].id
    assert "Seoul Plaza" in diary_page.detail.place_label.text()
