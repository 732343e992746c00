"""Year in pixels: one small square per day of a year, coloured by that day's dominant emotion."""

from __future__ import annotations

from collections import Counter
from datetime import date, tzinfo

from PySide6.QtCore import QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from diary_app.emotions import EMOTION_COLORS, EMOTION_ICONS, EMOTIONS
from diary_app.store import Diary
from diary_app.store.stats import counts_by_month_of_year, dominant, local_tz
from diary_app.ui.emotion_widgets import emotion_name
from diary_app.ui.i18n import month_name
from diary_app.ui.plurals import singular
from diary_app.ui.theme import empty_cell, muted_text


class YearPixels(QWidget):
    """12 rows (months) × 31 columns (days); click a square to choose that day."""

    day_clicked = Signal(object)

    LEFT = 34
    TOP = 18

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.year = date.today().year
        self.counts: dict[date, Counter] = {}
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(self.LEFT + 31 * 18, self.TOP + 12 * 18)

    def _cell(self) -> int:
        return max(6, min((self.width() - self.LEFT - 4) // 31, (self.height() - self.TOP - 4) // 12))

    def _rect(self, month: int, day: int) -> QRect:
        c = self._cell()
        return QRect(self.LEFT + (day - 1) * c, self.TOP + (month - 1) * c, c - 2, c - 2)

    def day_at(self, pos: QPoint) -> date | None:
        c = self._cell()
        col, row = (pos.x() - self.LEFT) // c, (pos.y() - self.TOP) // c
        if pos.x() < self.LEFT or pos.y() < self.TOP or not (0 <= col < 31 and 0 <= row < 12):
            return None
        try:
            return date(self.year, row + 1, col + 1)
        except ValueError:
            return None

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        c = self._cell()
        pal = self.palette()  # labels and empty days from the palette (light and dark themes)
        label_pen = muted_text(pal)
        past, future = empty_cell(pal, 0.12), empty_cell(pal, 0.05)
        p.setPen(label_pen)
        for d in (1, 5, 10, 15, 20, 25, 31):
            p.drawText(QRect(self.LEFT + (d - 1) * c, 0, c * 2, self.TOP), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, str(d))
        today = date.today()
        for m in range(1, 13):
            p.setPen(label_pen)
            p.drawText(QRect(0, self.TOP + (m - 1) * c, self.LEFT - 4, c), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, month_name(m))
            for d in range(1, 32):
                try:
                    day = date(self.year, m, d)
                except ValueError:
                    continue
                counts = self.counts.get(day)
                emo = dominant(counts) if counts else None
                color = QColor(EMOTION_COLORS[emo]) if emo else (past if day <= today else future)
                p.setPen(Qt.PenStyle.NoPen)
                p.setBrush(color)
                p.drawRoundedRect(self._rect(m, d), 2, 2)
        p.end()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        day = self.day_at(event.position().toPoint())
        counts = self.counts.get(day) if day else None
        if day is None:
            self.setToolTip("")
        elif counts:
            self.setToolTip(f"{day:%Y-%m-%d}: " + ", ".join(f"{EMOTION_ICONS.get(e, '')} {e} {n}" for e, n in counts.most_common()))
        else:
            self.setToolTip(self.tr("{0}: no entry").format(f"{day:%Y-%m-%d}"))

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        day = self.day_at(event.position().toPoint())
        if day is not None:
            self.day_clicked.emit(day)


class YearView(QWidget):
    """Year navigation, the pixels and a colour legend."""

    day_clicked = Signal(object)

    def __init__(self, diary: Diary, tz: tzinfo | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.diary = diary
        self.tz = tz or local_tz()
        self.pixels = YearPixels()
        self.pixels.day_clicked.connect(self.day_clicked)
        self.title = QLabel()
        prev_b, next_b = QPushButton("◀"), QPushButton("▶")
        prev_b.setToolTip(self.tr("Previous year"))
        next_b.setToolTip(self.tr("Next year"))
        prev_b.clicked.connect(lambda: self.show_year(self.pixels.year - 1))
        next_b.clicked.connect(lambda: self.show_year(self.pixels.year + 1))
        top = QHBoxLayout()
        top.addWidget(prev_b)
        top.addWidget(self.title)
        top.addWidget(next_b)
        top.addStretch(1)
        for e in EMOTIONS:
            chip = QLabel(f"<span style='color:{EMOTION_COLORS[e]}'>■</span> {emotion_name(e)}")
            top.addWidget(chip)
        self.empty_label = QLabel()
        self.empty_label.setObjectName("year_empty")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.hide()
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.pixels, 1)
        self.show_year(date.today().year)

    def show_year(self, year: int) -> None:
        self.pixels.year = year
        self.refresh()

    def refresh(self) -> None:
        year = self.pixels.year
        self.pixels.counts = counts_by_month_of_year(self.diary, year, self.tz)
        days = len(self.pixels.counts)
        self.title.setText(singular(self.tr("<b>{0}</b> — %n days with entries", "", days), days).format(year))
        if days:
            self.empty_label.hide()
        else:  # say why the squares are all grey, and what to do
            self.empty_label.setText(
                self.tr("No entries in {0}. Record today's sound on the Record page and its day fills in here.").format(year)
                if self.diary.count() else
                self.tr("Your diary is empty. Record today's sound on the Record page and each day fills in here."))
            self.empty_label.show()
        self.pixels.update()


