"""Korean that a user can read (issue 13, item 2): a shipped Hangul font that really renders, and
no English left in emotion names, filter chips, legends, the detail, weekday/month names, the calendar."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

pytest.importorskip("pytestqt")

from browse_helpers import add_known
from PySide6.QtCore import QLocale
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import QLabel, QStyleOptionViewItem, QToolButton

from diary_app.store import Diary
from diary_app.ui.i18n import install_translator, locale_datetime, month_name, scene_name, weekday_name

ROOT = Path(__file__).resolve().parents[2]
# 2026-11-30 is a Monday
WHEN = datetime(2026, 11, 30, 9, 15, tzinfo=UTC)
ENGLISH_EMOTIONS = ("neutral", "happy", "sad", "angry", "surprise", "fear", "untagged")

FONT_CHECK = """
import sys
from pathlib import Path
from PySide6.QtWidgets import QApplication
app = QApplication([])
from diary_app.ui import fonts
if sys.argv[1] == "empty":
    fonts.fonts_dir = lambda: Path(sys.argv[2])
check = fonts.korean_rendering()
print("OK" if check.ok else "NOT OK", check.describe(), "boxes=" + "".join(check.boxes))
"""


def _font_check(*args: str) -> str:
    proc = subprocess.run([sys.executable, "-c", FONT_CHECK, *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=60, check=False, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


def test_shipped_font_covers_korean_and_hangul_renders_not_as_boxes(tmp_path):
    out = _font_check("shipped")
    assert out.startswith("OK") and "NanumGothic covers Korean" in out and out.endswith("boxes=")
    # without the shipped font the check must fail (on this machine, with no CJK font, as boxes)
    out = _font_check("empty", str(tmp_path))
    assert out.startswith("NOT OK") and "no font loaded" in out
    has_cjk = subprocess.run(["fc-list", ":lang=ko"], capture_output=True, text=True, check=False).stdout.strip()
    if not has_cjk:
        assert "boxes=소리일기" in out


def test_font_file_is_the_licensed_one_and_small_enough():
    fonts = ROOT / "resources" / "fonts"
    assert (fonts / "NanumGothic.ttf").stat().st_size < 8_000_000
    assert "SIL OPEN FONT LICENSE" in (fonts / "OFL.txt").read_text(encoding="utf-8")


@pytest.fixture()
def korean(qapp):
    assert install_translator("ko", qapp) is True
    yield
    install_translator("en", qapp)


@pytest.fixture()
def diary(tmp_path):
    d = Diary(tmp_path / "d")
    e = add_known(d, tmp_path / "audio", WHEN, "surprise", note="비 오는 날")
    d.set_user_emotion(e.id, "happy")  # corrected: the detail says what the machine said
    env = add_known(d, tmp_path / "audio", WHEN.replace(hour=12), "neutral")
    d.set_analysis(env.id, {"emotion": "neutral", "confidence": 0.8, "branch": "environment", "scene": "park",
                            "emotion_probabilities": {"neutral": 0.8}})
    yield d
    d.close()


def test_locale_names_follow_the_language(korean):
    assert weekday_name(0) == "월" and weekday_name(6, short=False) == "일요일"
    assert month_name(1) == "1월" and month_name(12) == "12월"
    assert locale_datetime(datetime(2026, 11, 30, 9, 5), "dddd yyyy-MM-dd HH:mm") == "월요일 2026-11-30 09:05"
    assert scene_name("street_traffic") == "도로 교통" and scene_name("my_own_label") == "my own label"


def test_english_keeps_english_names(qapp):
    install_translator("en", qapp)
    assert weekday_name(0) == "Mon" and month_name(1) == "Jan" and scene_name("bus_stop") == "bus stop"


class RecordingPainter(QPainter):
    """A real painter on an image that also keeps every text it was asked to draw."""

    def __init__(self, image: QImage) -> None:
        super().__init__(image)
        self.texts: list[str] = []

    def drawText(self, *args):
        self.texts.append(next(a for a in args if isinstance(a, str)))
        return super().drawText(*args)


def test_list_rows_and_filter_chips_are_korean(korean, qtbot, diary):
    from diary_app.ui.browse.entry_list_model import EntryListModel
    from diary_app.ui.browse.filters import FilterBar
    from diary_app.ui.browse.list_view import EntryListView

    bar = FilterBar()
    qtbot.addWidget(bar)
    chips = {e: b.text() for e, b in bar.emotion_buttons.items()}
    assert chips["happy"].endswith("기쁨") and chips["untagged"].endswith("태그 없음")
    assert not any(name in text.lower() for text in chips.values() for name in ENGLISH_EMOTIONS)

    model = EntryListModel(diary, tz=UTC)
    view = EntryListView(model)
    qtbot.addWidget(view)
    qtbot.waitUntil(lambda: model.rowCount() == 2)
    corrected = next(i for i in range(2) if model.entry_at(i).user_emotion == "happy")
    index = model.index(corrected)
    assert "기쁨" in index.data()
    image = QImage(900, 60, QImage.Format.Format_RGB32)
    painter = RecordingPainter(image)
    option = QStyleOptionViewItem()
    option.rect = image.rect()
    option.font = view.font()
    view.view.itemDelegate().paint(painter, option, index)
    painter.end()
    drawn = " ".join(painter.texts)
    assert "기쁨" in drawn and "월 2026-11-30 09:15" in drawn and "자동: 놀람" in drawn
    assert not any(word in drawn for word in ("happy", "surprise", "auto:", "Mon"))


def test_detail_legends_year_and_calendar_are_korean(korean, qtbot, diary):
    from diary_app.ui.browse.calendar_view import CalendarView
    from diary_app.ui.browse.entry_detail import EntryDetail
    from diary_app.ui.browse.statistics_view import StatisticsView
    from diary_app.ui.browse.year_view import YearView

    corrected = next(e for e in diary.query().items if e.user_emotion == "happy")
    scene = next(e for e in diary.query().items if e.scene == "park")
    detail = EntryDetail(diary, tz=UTC)
    qtbot.addWidget(detail)
    detail.show_entry(str(corrected.id))
    assert "자동: 😮 놀람" in detail.auto_label.text() and "표시: 기쁨" in detail.auto_label.text()
    assert "월요일 2026-11-30 09:15" in detail.title.text()
    assert "surprise" not in detail.auto_label.text() and "happy" not in detail.auto_label.text()
    detail.show_entry(str(scene.id))
    assert "주변 소리: 공원" in detail.auto_label.text()

    stats = StatisticsView(diary, tz=UTC)
    qtbot.addWidget(stats)
    legend = [label.text() for label in stats.findChildren(QLabel)]
    assert any(t.endswith("기쁨") for t in legend) and not any(t.endswith(" happy") for t in legend)
    ticks = stats.weekday_plot.getAxis("bottom")._tickLevels[0]
    assert [t for _, t in ticks] == ["월", "화", "수", "목", "금", "토", "일"]

    year = YearView(diary, tz=UTC)
    qtbot.addWidget(year)
    assert any(label.text().endswith("놀람") for label in year.findChildren(QLabel))
    assert month_name(3) == "3월"  # the year grid draws its rows with month_name

    cal = CalendarView(diary, tz=UTC)
    qtbot.addWidget(cal)
    cal.select_day(WHEN.date())
    assert cal.day_label.text().startswith("월요일 2026-11-30")
    assert cal.calendar.locale().language() == QLocale.Language.Korean
    month_button = cal.calendar.findChild(QToolButton, "qt_calendar_monthbutton")
    assert month_button is not None and month_button.text() == "11월"
