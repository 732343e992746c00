"""The emotion list: one painted row per entry (colour bar, icon, time, place, length, note)."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPalette
from PySide6.QtWidgets import QLabel, QListView, QStyle, QStyledItemDelegate, QStyleOptionViewItem, QVBoxLayout, QWidget

from diary_app.emotions import EMOTION_COLORS, EMOTION_ICONS
from diary_app.ui.browse.entry_list_model import EntryIdRole, EntryListModel, EntryRole, format_duration
from diary_app.ui.browse.filters import BrowseFilter, drawable
from diary_app.ui.emotion_widgets import emotion_name
from diary_app.ui.i18n import locale_datetime
from diary_app.ui.plurals import singular

ROW_HEIGHT = 50


class EntryDelegate(QStyledItemDelegate):
    """Paints a row directly (no widgets per row), so 100,000 rows scroll smoothly."""

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:  # noqa: N802
        return QSize(1, ROW_HEIGHT)  # the view stretches rows to its width; no sideways scrolling

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        entry = index.data(EntryRole)
        painter.save()
        r = option.rect
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        pal = option.palette
        painter.fillRect(r, pal.color(QPalette.ColorRole.Highlight) if selected else pal.color(QPalette.ColorRole.Base))
        if entry is None:
            painter.restore()
            return
        tz = index.model().tz if isinstance(index.model(), EntryListModel) else None
        color = QColor(EMOTION_COLORS.get(entry.emotion, "#cccccc"))
        painter.fillRect(QRect(r.left(), r.top() + 2, 6, r.height() - 4), color)
        text_color = pal.color(QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text)
        icon_font = QFont(option.font)
        icon_font.setPointSizeF(option.font.pointSizeF() * 1.6)
        painter.setFont(icon_font)
        painter.setPen(text_color)
        painter.drawText(QRect(r.left() + 12, r.top(), 34, r.height()), Qt.AlignmentFlag.AlignCenter,
                         drawable(EMOTION_ICONS.get(entry.emotion, "?"), icon_font))
        bold = QFont(option.font)
        bold.setBold(True)
        painter.setFont(bold)
        local = entry.created_at.astimezone(tz) if tz else entry.created_at.astimezone()
        head = f"{emotion_name(entry.emotion)}   {locale_datetime(local)}   {format_duration(entry.duration_s)}"
        x = r.left() + 52
        painter.drawText(QRect(x, r.top() + 4, r.width() - x - 8, 20), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, head)
        painter.setFont(option.font)
        right = []
        if entry.user_emotion is not None and entry.user_emotion != entry.auto_emotion:
            right.append("✎ " + (self.tr("auto: {0}").format(emotion_name(entry.auto_emotion)) if entry.auto_emotion
                                 else self.tr("tagged by hand")))
        if entry.place_name or entry.has_location:
            right.append("◎ " + (entry.place_name or f"{entry.latitude:.3f}, {entry.longitude:.3f}"))
        if entry.is_public:
            likes = getattr(index.model(), "likes", {}).get(str(entry.id), 0)
            right.append(self.tr("public") + (f"  ♥ {likes}" if likes else ""))
        painter.drawText(QRect(x, r.top() + 4, r.width() - x - 10, 20), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                         "   ".join(right))
        muted = QColor(text_color)
        muted.setAlpha(170)
        painter.setPen(muted)
        note = entry.note.replace("\n", " ") if entry.note else "—"
        metrics = painter.fontMetrics()
        note = metrics.elidedText(note, Qt.TextElideMode.ElideRight, r.width() - x - 10)
        painter.drawText(QRect(x, r.top() + 25, r.width() - x - 10, 20), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, note)
        painter.setPen(QColor(0, 0, 0, 30))
        painter.drawLine(r.left(), r.bottom(), r.right(), r.bottom())
        painter.restore()


class EntryListView(QWidget):
    """A count line and the lazy list; double-click or Enter opens an entry."""

    open_entry = Signal(str)

    def __init__(self, model: EntryListModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.summary = QLabel()
        self.view = QListView()
        self.view.setObjectName("entry_list")
        self.view.setModel(model)
        self.view.setItemDelegate(EntryDelegate(self.view))
        self.view.setUniformItemSizes(True)  # no per-row size queries: constant-time layout
        self.view.setVerticalScrollMode(QListView.ScrollMode.ScrollPerPixel)
        self.view.setSelectionMode(QListView.SelectionMode.SingleSelection)
        self.view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.view.activated.connect(self._activated)
        self.view.doubleClicked.connect(self._activated)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.summary)
        layout.addWidget(self.view, 1)
        model.total_changed.connect(self._update_summary)
        model.modelReset.connect(lambda: self._update_summary(model.rowCount()))
        self._update_summary(model.rowCount())

    def set_filter(self, f: BrowseFilter) -> None:
        self.model.set_filter(f)

    def _update_summary(self, total: int) -> None:
        if self.model.filter.active:
            self.summary.setText(singular(self.tr("%n entries match the filter", "", total), total))
        else:
            self.summary.setText(singular(self.tr("%n entries, newest first", "", total), total))

    def _activated(self, index: QModelIndex) -> None:
        entry_id = index.data(EntryIdRole)
        if entry_id:
            self.open_entry.emit(entry_id)
