"""A lazy list model over the diary: a row count plus a small cache of pages.

Why not load everything: 100,000 entries as ORM objects take seconds and hundreds of MB. The
model asks the store for the filtered count once, reports that many rows (so the scroll bar is
true to size and can jump anywhere), and loads the 100-entry page a visible row falls in on
demand (an indexed query, a few ms even deep in the diary). Only ``MAX_PAGES`` pages are kept.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from datetime import tzinfo

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, Qt, Signal

from diary_app.emotions import EMOTION_COLORS, EMOTION_ICONS
from diary_app.store import Diary, Entry, EntryQuery
from diary_app.store.stats import entry_page, local_tz
from diary_app.ui.browse.filters import BrowseFilter
from diary_app.ui.emotion_widgets import emotion_name

PAGE_SIZE = 100
MAX_PAGES = 40

EntryRole = Qt.ItemDataRole.UserRole + 1
EntryIdRole = Qt.ItemDataRole.UserRole + 2
EmotionRole = Qt.ItemDataRole.UserRole + 3


def format_duration(seconds: float) -> str:
    seconds = int(round(seconds or 0))
    return f"{seconds // 60}:{seconds % 60:02d}"


class EntryListModel(QAbstractListModel):
    """Entries matching a ``BrowseFilter``, newest first, fetched page by page."""

    #: emitted after a reset or a refresh with the new total
    total_changed = Signal(int)

    def __init__(self, diary: Diary, parent: QObject | None = None, tz: tzinfo | None = None) -> None:
        super().__init__(parent)
        self.diary = diary
        self.tz = tz or local_tz()
        self._filter = BrowseFilter()
        self._total = 0
        self._pages: OrderedDict[int, list[Entry]] = OrderedDict()
        self.page_fetch_ms: list[float] = []  # measured by the benchmark
        self.likes: dict[str, int] = {}  # friends' likes on my shared entries (from the sync server)
        self._recount()

    # -- filter and refresh --------------------------------------------------------------------
    @property
    def filter(self) -> BrowseFilter:
        return self._filter

    def set_filter(self, f: BrowseFilter) -> None:
        self.beginResetModel()
        self._filter = f
        self._pages.clear()
        self._recount()
        self.endResetModel()
        self.total_changed.emit(self._total)

    def refresh(self) -> None:
        """Reload after the diary changed; keeps the view's rows when the count is unchanged."""
        old = self._total
        self._pages.clear()
        new = self.diary.count(self._query())
        if new == old:
            if old:
                self.dataChanged.emit(self.index(0), self.index(old - 1))
            return
        self.beginResetModel()
        self._total = new
        self.endResetModel()
        self.total_changed.emit(new)

    def _query(self, **extra) -> EntryQuery:
        return self._filter.to_query(self.tz, **extra)

    def _recount(self) -> None:
        self._total = self.diary.count(self._query())

    # -- Qt model API --------------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._total

    def entry_at(self, row: int) -> Entry | None:
        if not 0 <= row < self._total:
            return None
        page_no = row // PAGE_SIZE
        page = self._pages.get(page_no)
        if page is None:
            t0 = time.perf_counter()
            page = entry_page(self.diary, self._query(offset=page_no * PAGE_SIZE, limit=PAGE_SIZE))
            self.page_fetch_ms.append((time.perf_counter() - t0) * 1000)
            self._pages[page_no] = page
            while len(self._pages) > MAX_PAGES:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(page_no)
        i = row - page_no * PAGE_SIZE
        return page[i] if i < len(page) else None

    def row_of(self, entry_id: str) -> int | None:
        """The row of a loaded entry (None when not in a cached page)."""
        for page_no, page in self._pages.items():
            for i, e in enumerate(page):
                if str(e.id) == str(entry_id):
                    return page_no * PAGE_SIZE + i
        return None

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        e = self.entry_at(index.row())
        if e is None:
            return None
        if role == EntryRole:
            return e
        if role == EntryIdRole:
            return str(e.id)
        if role == EmotionRole:
            return e.emotion
        if role == Qt.ItemDataRole.DisplayRole:
            local = e.created_at.astimezone(self.tz)
            parts = [f"{EMOTION_ICONS.get(e.emotion, '')} {emotion_name(e.emotion)}", local.strftime("%Y-%m-%d %H:%M")]
            if e.place_name:
                parts.append(e.place_name)
            parts.append(format_duration(e.duration_s))
            if e.note:
                parts.append(e.note[:80])
            return " · ".join(parts)
        if role == Qt.ItemDataRole.ToolTipRole:
            return e.note or None
        if role == Qt.ItemDataRole.DecorationRole:
            from PySide6.QtGui import QColor

            return QColor(EMOTION_COLORS.get(e.emotion, "#cccccc"))
        return None
