"""Statistics: emotions over time, the share of each emotion, and emotion by hour and by weekday.

The four aggregations run on a worker thread (on 100,000 entries they take ~0.1 s each), and the
page recomputes them — debounced — whenever the diary changes while it is visible.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, tzinfo

import numpy as np
from PySide6.QtCore import QT_TRANSLATE_NOOP, QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QComboBox, QGridLayout, QHBoxLayout, QLabel, QStackedWidget, QVBoxLayout, QWidget

from diary_app.emotions import EMOTION_COLORS, EMOTIONS, UNTAGGED
from diary_app.store import Diary, stats
from diary_app.store.stats import local_tz
from diary_app.ui.emotion_widgets import emotion_name
from diary_app.ui.i18n import weekday_name
from diary_app.ui.plurals import singular
from diary_app.ui.theme import style_plot
from diary_app.ui.worker import run_in_background

ORDER = (*EMOTIONS, UNTAGGED)
#: "on Mondays" in a sentence (a plural the locale's day names lack), marked for lupdate
WEEKDAY_NAMES = (
    QT_TRANSLATE_NOOP("StatisticsView", "Mondays"), QT_TRANSLATE_NOOP("StatisticsView", "Tuesdays"),
    QT_TRANSLATE_NOOP("StatisticsView", "Wednesdays"), QT_TRANSLATE_NOOP("StatisticsView", "Thursdays"),
    QT_TRANSLATE_NOOP("StatisticsView", "Fridays"), QT_TRANSLATE_NOOP("StatisticsView", "Saturdays"),
    QT_TRANSLATE_NOOP("StatisticsView", "Sundays"),
)


@dataclass
class StatsResult:
    period: str
    over_time: list[tuple[date, Counter]] = field(default_factory=list)
    share: Counter = field(default_factory=Counter)
    by_hour: dict[int, Counter] = field(default_factory=dict)
    by_weekday: dict[int, Counter] = field(default_factory=dict)


def compute(diary: Diary, period: str, tz: tzinfo) -> StatsResult:
    return StatsResult(
        period=period,
        over_time=stats.counts_by_period(diary, period, tz=tz),
        share=stats.emotion_share(diary),
        by_hour=stats.counts_by_hour(diary, tz=tz),
        by_weekday=stats.counts_by_weekday(diary, tz=tz),
    )


def _stats_or_error(serial: int, diary: Diary, period: str, tz: tzinfo) -> tuple[int, object]:
    """Pool thread: the statistics, or the exception (a locked or damaged diary: said on the page)."""
    try:
        return serial, compute(diary, period, tz)
    except Exception as exc:  # noqa: BLE001
        return serial, exc.with_traceback(None)


def _stacked_bars(plot, xs: np.ndarray, series: dict[str, np.ndarray], width: float) -> None:
    import pyqtgraph as pg

    plot.clear()
    bottom = np.zeros(len(xs))
    for emotion in ORDER:
        ys = series.get(emotion)
        if ys is None or not ys.any():
            continue
        item = pg.BarGraphItem(x=xs, y0=bottom, height=ys, width=width, brush=EMOTION_COLORS[emotion], pen=None, name=emotion)
        plot.addItem(item)
        bottom = bottom + ys


class StatisticsView(QWidget):
    """Four pyqtgraph charts; ``updated`` fires after each redraw (tests wait on it)."""

    updated = Signal()

    def __init__(self, diary: Diary, tz: tzinfo | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        import pyqtgraph as pg

        pg.setConfigOptions(antialias=True)  # colours come from the palette (style_plot), never fixed
        self.diary = diary
        self.tz = tz or local_tz()
        self.result: StatsResult | None = None
        self._serial = 0
        self._dirty = True
        self.period = QComboBox()
        self.period.addItem(self.tr("per month"), "month")
        self.period.addItem(self.tr("per week"), "week")
        self.period.currentIndexChanged.connect(lambda _i: self.reload())
        self.summary = QLabel()
        self.summary.setObjectName("stats_summary")
        header = QHBoxLayout()
        header.addWidget(QLabel(self.tr("Emotions over time")))
        header.addWidget(self.period)
        header.addStretch(1)
        header.addWidget(self.summary)
        legend = QHBoxLayout()  # a row of its own: the window stays usable at 900 px
        for e in ORDER:
            legend.addWidget(QLabel(f"<span style='color:{EMOTION_COLORS[e]}; font-size:16px'>■</span> {emotion_name(e)}"))
        legend.addStretch(1)

        def make(title: str):
            w = pg.PlotWidget(title=title)
            w.setMenuEnabled(False)
            w.setMouseEnabled(x=False, y=False)
            w.hideButtons()
            w.showGrid(y=True, alpha=0.2)
            return w

        self.time_plot = make(self.tr("Entries per period"))
        date_axis = pg.DateAxisItem(orientation="bottom")
        self.time_plot.setAxisItems({"bottom": date_axis})
        self.share_plot = make(self.tr("Share of each emotion (%)"))
        self.hour_plot = make(self.tr("By hour of the day"))
        self.weekday_plot = make(self.tr("By weekday"))
        self.weekday_plot.getAxis("bottom").setTicks([[(i, weekday_name(i)) for i in range(7)]])
        self.share_plot.getAxis("bottom").setTicks([[(i, emotion_name(e)) for i, e in enumerate(ORDER)]])
        grid = QGridLayout()
        grid.addWidget(self.time_plot, 0, 0, 1, 2)
        grid.addWidget(self.share_plot, 1, 0)
        grid.addWidget(self.hour_plot, 1, 1)
        grid.addWidget(self.weekday_plot, 2, 0)
        grid.setRowStretch(0, 3)
        grid.setRowStretch(1, 2)
        grid.setRowStretch(2, 2)
        grid.addWidget(self._weekday_note(), 2, 1)
        charts = QWidget()
        charts_layout = QVBoxLayout(charts)
        charts_layout.setContentsMargins(0, 0, 0, 0)
        charts_layout.addLayout(legend)
        charts_layout.addLayout(grid, 1)
        # an empty diary gets a sentence, not four empty charts with made-up axes
        self.empty_label = QLabel(self.tr("No entries yet. Statistics appear here after your first recordings."))
        self.empty_label.setObjectName("stats_empty")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.pages = QStackedWidget()
        self.pages.addWidget(charts)
        self.pages.addWidget(self.empty_label)
        self.pages.setCurrentWidget(self.empty_label)
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self.pages, 1)
        self._restyle()
        self._debounce = QTimer(self, singleShot=True, interval=400)
        self._debounce.timeout.connect(self.reload)

    def _plots(self) -> tuple:
        return (self.time_plot, self.share_plot, self.hour_plot, self.weekday_plot)

    def _restyle(self) -> None:
        for plot in self._plots():
            style_plot(plot, self.palette())
        if self.result is not None:
            self._draw(self.result)  # the percentage labels carry the text colour

    def changeEvent(self, event) -> None:  # noqa: N802
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._restyle()

    @property
    def is_empty(self) -> bool:
        return self.pages.currentWidget() is self.empty_label

    def _weekday_note(self) -> QLabel:
        self.highlights = QLabel()
        self.highlights.setWordWrap(True)
        self.highlights.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.highlights.setObjectName("stats_highlights")
        return self.highlights

    # -- data ------------------------------------------------------------------------------------
    def schedule_reload(self) -> None:
        """Diary changed: recompute soon if visible, else when next shown."""
        self._dirty = True
        if self.isVisible():
            self._debounce.start()

    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        if self._dirty:
            self.reload()

    def reload(self) -> None:
        self._dirty = False
        self._serial += 1
        serial, diary, period, tz = self._serial, self.diary, self.period.currentData(), self.tz
        run_in_background(lambda: _stats_or_error(serial, diary, period, tz), self._done)

    def _done(self, answer: tuple[int, object]) -> None:
        serial, result = answer
        if serial != self._serial:
            return  # a newer request is on its way
        if isinstance(result, Exception):
            self.summary.setText(self.tr("Statistics unavailable: {0}").format(result))
            return
        self.result = result  # type: ignore[assignment]
        self._draw(result)  # type: ignore[arg-type]
        self.updated.emit()

    # -- drawing ---------------------------------------------------------------------------------
    def _draw(self, r: StatsResult) -> None:
        from datetime import datetime, time

        total = sum(r.share.values())
        self.summary.setText(singular(self.tr("%n entries", "", total), total) if total else "")
        self.pages.setCurrentIndex(0 if total else 1)
        if not total:
            for plot in self._plots():
                plot.clear()
            self.highlights.clear()
            return
        if r.over_time:
            xs = np.array([datetime.combine(d, time(12), tzinfo=UTC).timestamp() for d, _ in r.over_time])
            series = {e: np.array([c.get(e, 0) for _, c in r.over_time], dtype=float) for e in ORDER}
            width = (7 if r.period == "week" else 28) * 86400 * 0.8
            _stacked_bars(self.time_plot, xs, series, width)
        else:
            self.time_plot.clear()
        self.share_plot.clear()
        if total:
            import pyqtgraph as pg

            for i, e in enumerate(ORDER):
                pct = 100.0 * r.share.get(e, 0) / total
                self.share_plot.addItem(pg.BarGraphItem(x=[i], height=[pct], width=0.7, brush=EMOTION_COLORS[e], pen=None))
                label = pg.TextItem(f"{pct:.0f}%", anchor=(0.5, 1.0), color=self.palette().color(QPalette.ColorRole.Text))
                label.setPos(i, pct)
                self.share_plot.addItem(label)
            top = max(100.0 * n / total for n in r.share.values())
            self.share_plot.setYRange(0, top * 1.18, padding=0)
        hours = np.arange(24)
        _stacked_bars(self.hour_plot, hours, {e: np.array([r.by_hour.get(h, Counter()).get(e, 0) for h in hours], dtype=float) for e in ORDER}, 0.8)
        days = np.arange(7)
        _stacked_bars(self.weekday_plot, days, {e: np.array([r.by_weekday.get(d, Counter()).get(e, 0) for d in days], dtype=float) for e in ORDER}, 0.7)
        self.highlights.setText(self._highlights(r))

    def _highlights(self, r: StatsResult) -> str:
        """A few plain-language findings, e.g. the hour and weekday each emotion peaks at."""
        lines = []
        hour_totals = [sum(r.by_hour.get(h, Counter()).values()) for h in range(24)]
        busy = max(hour_totals or [0]) / 4  # ignore quiet night hours: three entries are no pattern
        for e in EMOTIONS:
            per_hour = [r.by_hour.get(h, Counter()).get(e, 0) / hour_totals[h] if hour_totals[h] >= busy and hour_totals[h] else 0.0
                        for h in range(24)]
            per_day = [r.by_weekday.get(d, Counter()).get(e, 0) / max(1, sum(r.by_weekday.get(d, Counter()).values())) for d in range(7)]
            if not any(per_day):
                continue
            h = int(np.argmax(per_hour))
            d = int(np.argmax(per_day))
            lines.append(self.tr("<b style='color:{0}'>{1}</b>: most likely around {2}:00 and on {3}").format(
                EMOTION_COLORS[e], emotion_name(e), h, self.tr(WEEKDAY_NAMES[d])))
        return "<br>".join(lines)
