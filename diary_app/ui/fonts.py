"""Fonts the app ships: a Hangul font, so Korean never draws as boxes on a machine without one.

A fresh Linux install often has no CJK font at all. ``resources/fonts/NanumGothic.ttf`` (Naver's
Nanum Gothic, SIL OFL 1.1, unmodified from Debian's ``fonts-nanum``; see resources/fonts/README.md)
is registered with ``QFontDatabase.addApplicationFont`` before any widget exists. Qt then uses it
as a fallback for every glyph the normal UI font lacks, so Hangul in labels, notes and place names
renders in any language setting; the UI font itself is not changed.

``korean_rendering()`` is what ``--selftest`` asks: does the font cover Korean, and does the font
in use really *draw* Hangul (pixels differ from the "missing glyph" box)?
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

#: a few syllables from the UI ("소리 일기", "자동", "기쁨", "슬픔", "설정")
HANGUL_SAMPLE = "소리일기자동기쁨슬픔설정"
_MISSING_GLYPH = "\U0010fffd"  # private use, plane 16: no font has it, so it draws the box

_loaded: dict[str, list[str]] = {}


def fonts_dir() -> Path:
    from diary_app.paths import resources_dir

    return resources_dir() / "fonts"


def load_app_fonts() -> list[str]:
    """Register every shipped font once (needs a QGuiApplication); returns their family names."""
    from PySide6.QtGui import QFontDatabase

    families: list[str] = []
    for path in sorted(fonts_dir().glob("*.[ot]tf")):
        key = str(path)
        if key not in _loaded:
            font_id = QFontDatabase.addApplicationFont(key)
            _loaded[key] = list(QFontDatabase.applicationFontFamilies(font_id)) if font_id >= 0 else []
        families += [f for f in _loaded[key] if f not in families]
    return families


def korean_families(families: list[str]) -> list[str]:
    from PySide6.QtGui import QFontDatabase

    return [f for f in families if QFontDatabase.WritingSystem.Korean in QFontDatabase.writingSystems(f)]


def _render(text: str, font) -> bytes:
    from PySide6.QtGui import QColor, QImage, QPainter

    image = QImage(24 * max(1, len(text)), 40, QImage.Format.Format_Grayscale8)
    image.fill(255)
    painter = QPainter(image)
    painter.setFont(font)
    painter.setPen(QColor(0, 0, 0))
    painter.drawText(4, 30, text)
    painter.end()
    return bytes(image.constBits())


@dataclass
class KoreanCheck:
    shipped_families: list[str]
    korean_families: list[str]
    ui_family: str
    missing_in_font: str = ""  # sample syllables the shipped font lacks
    boxes: list[str] = field(default_factory=list)  # syllables the UI font draws as the missing-glyph box

    @property
    def ok(self) -> bool:
        return bool(self.korean_families) and not self.missing_in_font and not self.boxes

    def describe(self) -> str:
        if not self.shipped_families:
            return f"no font loaded from {fonts_dir()}"
        if not self.korean_families:
            return f"shipped font(s) {', '.join(self.shipped_families)} do not cover Korean"
        if self.missing_in_font:
            return f"{self.korean_families[0]} lacks {self.missing_in_font!r}"
        if self.boxes:
            return f"the UI font {self.ui_family!r} draws {''.join(self.boxes)!r} as boxes"
        return (f"{self.korean_families[0]} covers Korean; {len(HANGUL_SAMPLE)} sample syllables render "
                f"in the UI font {self.ui_family!r} (with fallback)")


def korean_rendering(font=None) -> KoreanCheck:
    """Load the shipped fonts and check that Hangul really renders (needs a QGuiApplication)."""
    from PySide6.QtGui import QFont, QFontMetrics, QGuiApplication

    shipped = load_app_fonts()
    korean = korean_families(shipped)
    font = font or QGuiApplication.font()
    check = KoreanCheck(shipped, korean, font.family())
    if korean:
        metrics = QFontMetrics(QFont(korean[0]))
        check.missing_in_font = "".join(ch for ch in HANGUL_SAMPLE if not metrics.inFontUcs4(ord(ch)))
    box = _render(_MISSING_GLYPH, font)
    blank = _render(" ", font)
    check.boxes = [ch for ch in HANGUL_SAMPLE if _render(ch, font) in (box, blank)]
    return check
