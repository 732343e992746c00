"""The Diary page: browse by list, calendar (with year in pixels), map and statistics; entry detail.

Every view refreshes from ``ctx.events.entry_changed`` (debounced, so a burst of changes — an
import, a sync — costs one refresh). The map is built on first use: starting QtWebEngine costs
about a second that people who never open the map should not pay.

The filter bar belongs to the List and Map tabs and moves into whichever of them is shown, so the
tab bar stays put when switching tabs. Keys: Ctrl+F searches, Delete deletes the selected entry
(after asking), and a deletion can be undone for ``UNDO_SECONDS`` (Ctrl+Z or the Undo button).
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QStackedWidget, QTabWidget, QVBoxLayout, QWidget

from diary_app.ui.browse.calendar_view import CalendarView
from diary_app.ui.browse.entry_detail import EntryDetail
from diary_app.ui.browse.entry_list_model import EntryIdRole, EntryListModel
from diary_app.ui.browse.filters import BrowseFilter, FilterBar
from diary_app.ui.browse.list_view import EntryListView
from diary_app.ui.browse.statistics_view import StatisticsView
from diary_app.ui.browse.year_view import YearView
from diary_app.ui.context import AppContext
from diary_app.ui.worker import run_in_background

TABS = ("list", "calendar", "year", "map", "statistics")
UNDO_SECONDS = 8


class UndoBar(QFrame):
    """"Entry deleted. [Undo]" for a few seconds after a deletion."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("undo_bar")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet("QFrame#undo_bar { background: palette(tooltip-base); border-radius: 6px; }"
                           " QFrame#undo_bar QLabel { color: palette(tooltip-text); }")
        self.label = QLabel()
        self.button = QPushButton(self.tr("Undo"))
        self.button.setObjectName("undo_button")
        self.button.setToolTip(self.tr("Bring the deleted entry back (Ctrl+Z)"))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 4, 6, 4)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.button)
        self.hide()


def _refresh_planner_stats(diary) -> None:
    """Pool thread: refresh SQLite's planner statistics when the diary outgrew them."""
    from diary_app.store.stats import refresh_planner_stats

    try:
        refresh_planner_stats(diary)
    except Exception:  # noqa: BLE001 - a busy or read-only diary: the queries still work, only slower
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
        self.list_tab = self._with_filter_slot(self.list_view)
        self.map_tab = self._with_filter_slot(self.map_holder)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("browse_tabs")
        self.tabs.addTab(self.list_tab, self.tr("List"))
        self.tabs.addTab(self.calendar_view, self.tr("Calendar"))
        self.tabs.addTab(self.year_view, self.tr("Year"))
        self.tabs.addTab(self.map_tab, self.tr("Map"))
        self.tabs.addTab(self.stats_view, self.tr("Statistics"))
        self.tabs.currentChanged.connect(self._tab_changed)
        browse = QWidget()
        browse_layout = QVBoxLayout(browse)
        browse_layout.setContentsMargins(0, 0, 0, 0)
        browse_layout.addWidget(self.tabs, 1)
        self.detail = EntryDetail(diary, ctx.settings)
        self.stack = QStackedWidget()
        self.stack.addWidget(browse)
        self.stack.addWidget(self.detail)
        self.undo_bar = UndoBar()
        self.undo_bar.button.clicked.connect(self.undo_delete)
        self._undo_entry = None  # the last deleted Entry while it can still be restored
        self._undo_timer = QTimer(self, singleShot=True, interval=UNDO_SECONDS * 1000)
        self._undo_timer.timeout.connect(self._forget_undo)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)
        layout.addWidget(self.undo_bar)

        self.filter_bar.changed.connect(self.apply_filter)
        for view in (self.list_view, self.calendar_view):
            view.open_entry.connect(self.show_entry)
        self.year_view.day_clicked.connect(self.show_day)
        self.detail.closed.connect(lambda: self.stack.setCurrentIndex(0))
        self.detail.deleted_undoable.connect(self._offer_undo)
        self._shortcut(QKeySequence.StandardKey.Find, self.focus_search, Qt.ShortcutContext.WindowShortcut, self)
        self._shortcut(QKeySequence.StandardKey.Undo, self.undo_delete, Qt.ShortcutContext.WindowShortcut, self.undo_bar)
        for view in (self.list_view, self.calendar_view.day_list):
            self._shortcut(QKeySequence.StandardKey.Delete, lambda v=view: self.delete_selected(v),
                           Qt.ShortcutContext.WidgetWithChildrenShortcut, view.view)
        self._refresh_timer = QTimer(self, singleShot=True, interval=150)
        self._refresh_timer.timeout.connect(self.refresh)
        ctx.events.entry_changed.connect(self._entry_changed)
        ctx.events.likes_changed.connect(self.set_likes)
        self._tab_changed(0)
        run_in_background(lambda: _refresh_planner_stats(diary))

    @staticmethod
    def _with_filter_slot(view: QWidget) -> QWidget:
        """A tab page with room for the filter bar above ``view``."""
        page = QWidget()
        page_layout = QVBoxLayout(page)
        page_layout.setContentsMargins(0, 0, 0, 0)
        page_layout.setSpacing(0)
        page_layout.addWidget(view, 1)
        return page

    def _shortcut(self, key, slot, context, parent: QWidget) -> QShortcut:
        shortcut = QShortcut(QKeySequence(key), parent)
        shortcut.setContext(context)
        shortcut.activated.connect(slot)
        return shortcut

    # -- navigation ------------------------------------------------------------------------------
    def show_tab(self, key: str) -> QWidget:
        if self.stack.currentWidget() is self.detail and not self.detail.confirm_leave():
            return self.detail
        self.stack.setCurrentIndex(0)
        self.tabs.setCurrentIndex(TABS.index(key))
        views = {"list": self.list_view, "calendar": self.calendar_view, "year": self.year_view, "statistics": self.stats_view}
        return views[key] if key != "map" else self.ensure_map()

    def show_entry(self, entry_id: str) -> bool:
        """Open the detail of an entry (from any view, the map popup or ``MainWindow.show_entry``)."""
        if self.stack.currentWidget() is self.detail and not self.detail.confirm_leave():
            return False
        if self.detail.show_entry(str(entry_id)):
            self.stack.setCurrentWidget(self.detail)
            self.detail.setFocus()
            return True
        return False

    def confirm_leave(self) -> bool:
        """Before the window shows another page or closes: unsaved edits in the detail ask first."""
        return self.stack.currentWidget() is not self.detail or self.detail.confirm_leave()

    def focus_search(self) -> None:
        """Ctrl+F: the list with the cursor in the search box."""
        if self.stack.currentWidget() is self.detail and not self.detail.confirm_leave():
            return
        self.stack.setCurrentIndex(0)
        if TABS[self.tabs.currentIndex()] not in ("list", "map"):
            self.tabs.setCurrentIndex(TABS.index("list"))
        self.filter_bar.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filter_bar.search.selectAll()

    # -- delete and undo ---------------------------------------------------------------------------
    def delete_selected(self, view) -> None:
        """Delete key in a list: ask (the detail's confirmation), then delete with Undo."""
        index = view.view.currentIndex()
        entry_id = index.data(EntryIdRole) if index.isValid() else None
        if entry_id:
            self.detail.ask_delete(entry_id)

    def _offer_undo(self, entry) -> None:
        self._forget_undo()  # only the last deletion can be undone
        self._undo_entry = entry
        self.undo_bar.label.setText(self.tr("Entry deleted."))
        self.undo_bar.show()
        self._undo_timer.start()

    def undo_delete(self) -> bool:
        entry, self._undo_entry = self._undo_entry, None
        self._undo_timer.stop()
        self.undo_bar.hide()
        if entry is None:
            return False
        try:
            self.ctx.diary.restore(entry)
        except (OSError, ValueError) as exc:
            self.undo_bar.label.setText(self.tr("Could not undo: {0}").format(exc))
            self.undo_bar.button.hide()
            self.undo_bar.show()
            QTimer.singleShot(UNDO_SECONDS * 1000, self.undo_bar.hide)
            return False
        return True

    def _forget_undo(self) -> None:
        """The undo window closed: the audio kept for it goes for good."""
        self._undo_timer.stop()
        self.undo_bar.hide()
        self.undo_bar.button.show()
        entry, self._undo_entry = self._undo_entry, None
        if entry is not None:
            self.ctx.diary.purge(entry)

    def shutdown(self) -> None:
        self._forget_undo()

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
        if key in ("list", "map"):
            page = self.list_tab if key == "list" else self.map_tab
            page.layout().insertWidget(0, self.filter_bar)
            self.filter_bar.show()
        if key == "map":
            self.ensure_map()

    def set_likes(self, likes: dict) -> None:
        """Friends' likes on my shared entries (from the sync service) for the list and the detail."""
        self.list_model.likes = dict(likes)
        self.calendar_view.day_model.likes = self.list_model.likes
        self.detail.set_likes(self.list_model.likes)
        self.list_view.view.viewport().update()
        self.calendar_view.day_list.view.viewport().update()

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
