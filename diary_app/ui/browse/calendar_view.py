"""The calendar: a month where each day shows its dominant emotion and count; click a day to list it.

The month's counts come from one ``GROUP BY`` query (``stats.counts_by_day``) each time the
month changes or the diary changes, and ``paintCell`` only reads that dictionary.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta, tzinfo

from PySide6.QtCore import QDate, QRect, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPalette, QPen
from PySide6.QtWidgets import QCalendarWidget, QLabel, QSplitter, QVBoxLayout, QWidget

from diary_app.emotions import EMOTION_COLORS, EMOTION_ICONS
from diary_app.store import Diary
from diary_app.store.stats import counts_by_day, dominant, local_tz
from diary_app.ui.browse.entry_list_model import EntryListModel
from diary_app.ui.browse.filters import BrowseFilter, drawable
from diary_app.ui.browse.list_view import EntryListView
from diary_app.ui.emotion_widgets import text_color_for
from diary_app.ui.i18n import locale_datetime
from diary_app.ui.plurals import singular
from diary_app.ui.theme import empty_cell, muted_text


class EmotionCalendar(QCalendarWidget):
    """``QCalendarWidget`` that paints each day in the colour of its dominant emotion."""

    def __init__(self, diary: Diary, tz: tzinfo | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.diary = diary
        self.tz = tz or local_tz()
        self.counts: dict[date, Counter] = {}
        self.setGridVisible(True)
        self.setVerticalHeaderFormat(QCalendarWidget.VerticalHeaderFormat.NoVerticalHeader)
        self.setFirstDayOfWeek(Qt.DayOfWeek.Monday)
        self.currentPageChanged.connect(lambda _y, _m: self.reload())
        self.reload()

    def visible_range(self) -> tuple[date, date]:
        """The days on the 6-week grid of the shown month (neighbouring months' days included);
        a week wider on the right, whether or not Qt puts a month starting on Monday in row one."""
        first = date(self.yearShown(), self.monthShown(), 1)
        start = first - timedelta(days=first.weekday() or 7)
        return start, start + timedelta(days=48)

    def reload(self) -> None:
        start, end = self.visible_range()
        self.counts = counts_by_day(self.diary, start, end, self.tz)
        self.updateCells()

    def paintCell(self, painter: QPainter, rect: QRect, qdate: QDate) -> None:  # noqa: N802
        day = qdate.toPython()
        counts = self.counts.get(day)
        in_month = qdate.month() == self.monthShown()
        pal = self.palette()  # every colour from the palette: readable on light and dark themes
        text = pal.color(QPalette.ColorRole.Text)
        painter.save()
        painter.fillRect(rect, pal.color(QPalette.ColorRole.Base) if in_month else empty_cell(pal, 0.06))
        if counts:
            emo = dominant(counts)
            color = QColor(EMOTION_COLORS.get(emo or "", "#cccccc"))
            color.setAlpha(200 if in_month else 90)
            inner = rect.adjusted(3, 3, -3, -3)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setBrush(color)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.drawRoundedRect(inner, 6, 6)
            if in_month:  # the day's number sits on the emotion colour: black or white, what reads
                text = QColor(text_color_for(color))
        if qdate == self.selectedDate():
            painter.setPen(QPen(pal.color(QPalette.ColorRole.Highlight), 2))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(rect.adjusted(1, 1, -2, -2))
        painter.setPen(text if in_month else muted_text(pal))
        f = QFont(painter.font())
        f.setBold(qdate == QDate.currentDate())
        painter.setFont(f)
        painter.drawText(rect.adjusted(6, 4, -4, -4), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop, str(qdate.day()))
        if counts:
            total = sum(counts.values())
            painter.drawText(rect.adjusted(4, 4, -6, -4), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop, str(total))
            big = QFont(painter.font())
            big.setPointSizeF(max(8.0, min(rect.height() / 3.2, 20.0)))
            painter.setFont(big)
            painter.drawText(rect.adjusted(0, 10, 0, 0), Qt.AlignmentFlag.AlignCenter,
                             drawable(EMOTION_ICONS.get(dominant(counts) or "", ""), big, ""))
        painter.restore()


class CalendarView(QWidget):
    """Month calendar above the list of the chosen day's entries."""

    open_entry = Signal(str)
    day_chosen = Signal(object)  # datetime.date

    def __init__(self, diary: Diary, tz: tzinfo | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.diary = diary
        self.tz = tz or local_tz()
        self.calendar = EmotionCalendar(diary, self.tz)
        self.calendar.setObjectName("emotion_calendar")
        self.day_label = QLabel()
        self.day_model = EntryListModel(diary, self, self.tz)
        self.day_list = EntryListView(self.day_model)
        self.day_list.open_entry.connect(self.open_entry)
        self.day_list.summary.hide()  # the day line above says it
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(self.day_label)
        lower_layout.addWidget(self.day_list, 1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.calendar)
        split.addWidget(lower)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(split)
        self.calendar.clicked.connect(lambda qd: self.select_day(qd.toPython()))
        self.select_day(QDate.currentDate().toPython())

    @property
    def selected_day(self) -> date:
        return self.calendar.selectedDate().toPython()

    def select_day(self, day: date) -> None:
        """Show ``day``'s month and list its entries."""
        qd = QDate(day)
        if self.calendar.selectedDate() != qd:
            self.calendar.setSelectedDate(qd)
        self.day_model.set_filter(BrowseFilter().with_day(day))
        counts = self.calendar.counts.get(day, Counter())
        summary = ", ".join(f"{drawable(EMOTION_ICONS.get(e, ''), self.day_label.font(), e)} {n}" for e, n in counts.most_common())
        n = self.day_model.rowCount()
        self.day_label.setText(singular(self.tr("{0}: %n entries", "", n), n).format(locale_datetime(day, "dddd yyyy-MM-dd")) + (f"  {summary}" if summary else ""))
        self.day_chosen.emit(day)

    def refresh(self) -> None:
        self.calendar.reload()
        self.day_model.refresh()
        self.select_day(self.selected_day)
