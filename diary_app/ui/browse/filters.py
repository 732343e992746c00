"""The filter shared by the list and the map: emotions, a local date range and note text.

Why filtering happens in SQL and not in a ``QSortFilterProxyModel``: the list model is lazy (it
holds only the pages on screen), so a proxy could only filter rows already loaded. The filter is
turned into an ``EntryQuery`` instead and the store answers from its indexes.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta, tzinfo

from PySide6.QtCore import QDate, QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QCheckBox, QDateEdit, QHBoxLayout, QLabel, QLineEdit, QPushButton, QToolButton, QVBoxLayout, QWidget

from diary_app.emotions import EMOTION_COLORS, EMOTION_ICONS, EMOTIONS, UNTAGGED
from diary_app.store import EntryQuery
from diary_app.store.stats import day_start, local_tz
from diary_app.ui.emotion_widgets import emotion_name

SEARCH_MIN_WIDTH = 200


def drawable(text: str, font, fallback: str = "?") -> str:
    """``text`` if the font has every glyph, else ``fallback`` (no tofu boxes on bare systems)."""
    from PySide6.QtGui import QFontMetrics

    metrics = QFontMetrics(font)
    return text if all(metrics.inFontUcs4(ord(ch)) for ch in text) else fallback


@dataclass(frozen=True)
class BrowseFilter:
    emotions: frozenset[str] = field(default_factory=frozenset)  # empty: all
    first_day: date | None = None  # local days, inclusive
    last_day: date | None = None
    text: str = ""

    def to_query(self, tz: tzinfo | None = None, **extra) -> EntryQuery:
        tz = tz or local_tz()
        return EntryQuery(
            emotions=sorted(self.emotions) or None,
            start=day_start(self.first_day, tz) if self.first_day else None,
            end=day_start(self.last_day + timedelta(days=1), tz) if self.last_day else None,
            text=self.text.strip() or None,
            **extra,
        )

    def with_day(self, day: date) -> BrowseFilter:
        return replace(self, first_day=day, last_day=day)

    @property
    def active(self) -> bool:
        return bool(self.emotions or self.first_day or self.last_day or self.text.strip())


class FilterBar(QWidget):
    """Emotion toggles, an optional date range and a note search; emits ``changed(BrowseFilter)``."""

    changed = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # two rows (emotions; dates and search) so that the bar fits a 900 px window and the search
        # box keeps a readable width instead of being squashed to "S…"
        outer = QVBoxLayout(self)
        outer.setContentsMargins(4, 4, 4, 4)
        outer.setSpacing(4)
        layout = QHBoxLayout()
        outer.addLayout(layout)
        self.emotion_buttons: dict[str, QToolButton] = {}
        for emotion in (*EMOTIONS, UNTAGGED):
            b = QToolButton()
            b.setCheckable(True)
            b.setText(f"{drawable(EMOTION_ICONS[emotion], b.font(), '')} {emotion_name(emotion)}".strip())
            b.setToolTip(self.tr("Show only {0} entries (several may be chosen)").format(emotion_name(emotion)))
            color = QColor(EMOTION_COLORS[emotion])
            b.setStyleSheet(
                f"QToolButton {{ border: 1px solid {color.name()}; border-radius: 8px; padding: 2px 6px; }}"
                f"QToolButton:checked {{ background: {color.name()}; color: {'black' if color.lightness() > 140 else 'white'}; }}"
            )
            b.toggled.connect(self._emit)
            self.emotion_buttons[emotion] = b
            layout.addWidget(b)
        layout.addStretch(1)
        layout = QHBoxLayout()
        outer.addLayout(layout)
        self.use_dates = QCheckBox(self.tr("From"))
        self.first = QDateEdit(QDate.currentDate().addMonths(-1))
        self.last = QDateEdit(QDate.currentDate())
        for d in (self.first, self.last):
            d.setCalendarPopup(True)
            d.setDisplayFormat("yyyy-MM-dd")
            d.setEnabled(False)
            d.dateChanged.connect(self._emit)
        self.use_dates.toggled.connect(self._dates_toggled)
        self.to_label = QLabel(self.tr("to"))
        self.to_label.setObjectName("date_to")
        self.to_label.setBuddy(self.last)
        layout.addWidget(self.use_dates)
        layout.addWidget(self.first)
        layout.addWidget(self.to_label)
        layout.addWidget(self.last)
        layout.addSpacing(8)
        self.search = QLineEdit()
        self.search.setObjectName("search")
        self.search.setMinimumWidth(SEARCH_MIN_WIDTH)
        self.search.setPlaceholderText(self.tr("Search notes and places (Ctrl+F)"))
        self.search.setClearButtonEnabled(True)
        self._debounce = QTimer(self, singleShot=True, interval=250)
        self._debounce.timeout.connect(self._emit)
        self.search.textChanged.connect(lambda _t: self._debounce.start())
        layout.addWidget(self.search, 1)
        self.clear_button = QPushButton(self.tr("Clear"))
        self.clear_button.clicked.connect(self.clear)
        layout.addWidget(self.clear_button)
        self._quiet = False

    def _dates_toggled(self, on: bool) -> None:
        self.first.setEnabled(on)
        self.last.setEnabled(on)
        self._emit()

    def current(self) -> BrowseFilter:
        first = last = None
        if self.use_dates.isChecked():
            first, last = self.first.date().toPython(), self.last.date().toPython()
            if first > last:
                first, last = last, first
        return BrowseFilter(
            emotions=frozenset(e for e, b in self.emotion_buttons.items() if b.isChecked()),
            first_day=first,
            last_day=last,
            text=self.search.text(),
        )

    def set_filter(self, f: BrowseFilter) -> None:
        """Show ``f`` in the controls and emit once."""
        self._quiet = True
        try:
            for e, b in self.emotion_buttons.items():
                b.setChecked(e in f.emotions)
            self.use_dates.setChecked(f.first_day is not None or f.last_day is not None)
            if f.first_day:
                self.first.setDate(QDate(f.first_day))
            if f.last_day:
                self.last.setDate(QDate(f.last_day))
            self.search.setText(f.text)
            self._debounce.stop()
        finally:
            self._quiet = False
        self._emit()

    def clear(self) -> None:
        self.set_filter(BrowseFilter())

    def _emit(self, *_args) -> None:
        if not self._quiet:
            self.changed.emit(self.current())
