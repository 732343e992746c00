"""The Diary page: browse by list, calendar (with year in pixels), map and statistics; entry detail.

Every view refreshes from ``ctx.events.entry_changed`` (debounced, so a burst of changes — an
import, a sync — costs one refresh). The map is built on first use: starting QtWebEngine costs
about a second that people who never open the map should not pay.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QRunnable, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QStackedWidget, QTabWidget, QVBoxLayout, QWidget

from diary_app.ui.browse.calendar_view import CalendarView
from diary_app.ui.browse.entry_detail import EntryDetail
from diary_app.ui.browse.entry_list_model import EntryListModel
from diary_app.ui.browse.filters import BrowseFilter, FilterBar
from diary_app.ui.browse.list_view import EntryListView
from diary_app.ui.browse.statistics_view import StatisticsView
from diary_app.ui.browse.year_view import YearView
from diary_app.ui.context import AppContext

TABS = ("list", "calendar", "year", "map", "statistics")


class _PlannerStats(QRunnable):
    """Refresh SQLite's planner statistics off the GUI thread when the diary outgrew them."""

    def __init__(self, diary) -> None:
        super().__init__()
        self.diary = diary

    def run(self) -> None:
        from diary_app.store.stats import refresh_planner_stats

        try:
            refresh_planner_stats(self.diary)
        except Exception:  # a busy or read-only diary: the queries still work, only slower
            pass


class DiaryPage(QWidget):
    #: emitted after every view finished refreshing from a diary change (tests wait on it)
    refreshed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        diary = ctx.diary
        self.filter_bar = FilterBar()
        self.filter_bar.setObjectName("browse_filter")
        self.list_model = EntryListModel(diary, self)
        self.list_view = EntryListView(self.list_model)
        self.calendar_view = CalendarView(diary)
        self.year_view = YearView(diary)
        self.map_holder = QWidget()
        self.map_holder.setLayout(QVBoxLayout())
        self.map_holder.layout().setContentsMargins(0, 0, 0, 0)
        self.map_view = None
        self.stats_view = StatisticsView(diary)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("browse_tabs")
        self.tabs.addTab(self.list_view, self.tr("List"))
        self.tabs.addTab(self.calendar_view, self.tr("Calendar"))
        self.tabs.addTab(self.year_view, self.tr("Year"))
        self.tabs.addTab(self.map_holder, self.tr("Map"))
        self.tabs.addTab(self.stats_view, self.tr("Statistics"))
        self.tabs.currentChanged.connect(self._tab_changed)
        browse = QWidget()
        browse_layout = QVBoxLayout(browse)
        browse_layout.setContentsMargins(0, 0, 0, 0)
        browse_layout.addWidget(self.filter_bar)
        browse_layout.addWidget(self.tabs, 1)
        self.detail = EntryDetail(diary, ctx.settings)
        self.stack = QStackedWidget()
        self.stack.addWidget(browse)
        self.stack.addWidget(self.detail)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)

        self.filter_bar.changed.connect(self.apply_filter)
        for view in (self.list_view, self.calendar_view):
            view.open_entry.connect(self.show_entry)
        self.year_view.day_clicked.connect(self.show_day)
        self.detail.closed.connect(lambda: self.stack.setCurrentIndex(0))
        self._refresh_timer = QTimer(self, singleShot=True, interval=150)
        self._refresh_timer.timeout.connect(self.refresh)
        ctx.events.entry_changed.connect(self._entry_changed)
        self._tab_changed(0)
        QThreadPool.globalInstance().start(_PlannerStats(diary))

    # -- navigation ------------------------------------------------------------------------------
    def show_tab(self, key: str) -> QWidget:
        self.stack.setCurrentIndex(0)
        self.tabs.setCurrentIndex(TABS.index(key))
        return self.tabs.currentWidget() if key != "map" else self.ensure_map()

    def show_entry(self, entry_id: str) -> None:
        """Open the detail of an entry (from any view, the map popup or ``MainWindow.show_entry``)."""
        if self.detail.show_entry(str(entry_id)):
            self.stack.setCurrentWidget(self.detail)

    def show_day(self, day: date) -> None:
        self.show_tab("calendar")
        self.calendar_view.select_day(day)

    def ensure_map(self):
        if self.map_view is None:
            from diary_app.ui.browse.map_view import MapView

            self.map_view = MapView(self.ctx.diary)
            self.map_view.setObjectName("map_view")
            self.map_view.open_entry.connect(self.show_entry)
            self.map_view.filter = self.filter_bar.current()
            self.map_holder.layout().addWidget(self.map_view)
            self.map_view.load()
        return self.map_view

    def _tab_changed(self, index: int) -> None:
        key = TABS[index]
        self.filter_bar.setVisible(key in ("list", "map"))
        if key == "map":
            self.ensure_map()

    # -- filters and refresh ---------------------------------------------------------------------
    def apply_filter(self, f: BrowseFilter) -> None:
        self.list_view.set_filter(f)
        if self.map_view is not None:
            self.map_view.set_filter(f)

    def _entry_changed(self, action: str, entry_id: str) -> None:
        self.detail.entry_changed(action, entry_id)
        self._refresh_timer.start()

    def refresh(self) -> None:
        """Bring every view up to date with the diary (called debounced after changes)."""
        self.list_model.refresh()
        self.calendar_view.refresh()
        self.year_view.refresh()
        if self.map_view is not None:
            self.map_view.refresh()
        self.stats_view.schedule_reload()
        self.refreshed.emit()
