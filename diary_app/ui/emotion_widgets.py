"""Emotion presentation shared by every page: a chip (icon + name on the emotion's colour) and a picker.

Colours and icons come from ``diary_app.emotions`` so the record page, the diary list, the
calendar and the map can never disagree about what "sad" looks like.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QLabel, QSizePolicy, QToolButton, QWidget

from diary_app.emotions import EMOTION_COLORS, EMOTION_ICONS, EMOTIONS, UNTAGGED

#: marked for lupdate; translated at run time in the "emotions" context
_NAMES = {
    "neutral": QT_TRANSLATE_NOOP("emotions", "Neutral"),
    "happy": QT_TRANSLATE_NOOP("emotions", "Happy"),
    "sad": QT_TRANSLATE_NOOP("emotions", "Sad"),
    "angry": QT_TRANSLATE_NOOP("emotions", "Angry"),
    "surprise": QT_TRANSLATE_NOOP("emotions", "Surprise"),
    "fear": QT_TRANSLATE_NOOP("emotions", "Fear"),
    UNTAGGED: QT_TRANSLATE_NOOP("emotions", "Untagged"),
}


def emotion_name(emotion: str | None) -> str:
    """The translated display name ("Happy"); unknown labels are shown as they are."""
    key = emotion or UNTAGGED
    return QCoreApplication.translate("emotions", _NAMES.get(key, key))


def emotion_color(emotion: str | None) -> QColor:
    return QColor(EMOTION_COLORS.get(emotion or UNTAGGED, EMOTION_COLORS[UNTAGGED]))


def emotion_icon(emotion: str | None) -> str:
    return EMOTION_ICONS.get(emotion or UNTAGGED, EMOTION_ICONS[UNTAGGED])


EMOJI_PX = 28


def emoji_icon(text: str, px: int = EMOJI_PX) -> QIcon:
    """``text`` (an emoji) drawn at ``px`` pixels as an icon; readable whatever the button font is."""
    from PySide6.QtGui import QGuiApplication

    ratio = QGuiApplication.primaryScreen().devicePixelRatio() if QGuiApplication.primaryScreen() else 1.0
    pixmap = QPixmap(int(px * ratio), int(px * ratio))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    font = QFont()
    font.setPixelSize(int(px * 0.82))
    painter.setFont(font)
    painter.drawText(QRect(0, 0, px, px), Qt.AlignmentFlag.AlignCenter, text)
    painter.end()
    return QIcon(pixmap)


def text_color_for(background: QColor) -> str:
    """Black or white, whichever reads better on ``background`` (WCAG relative luminance)."""

    def channel(c: float) -> float:
        c /= 255.0
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    lum = 0.2126 * channel(background.red()) + 0.7152 * channel(background.green()) + 0.0722 * channel(background.blue())
    return "#000000" if lum > 0.179 else "#ffffff"


def chip_style(emotion: str | None, radius: int = 12, padding: str = "4px 10px") -> str:
    bg = emotion_color(emotion)
    return (f"background-color: {bg.name()}; color: {text_color_for(bg)}; border-radius: {radius}px; "
            f"padding: {padding};")


class EmotionChip(QLabel):
    """``😊 Happy`` on the emotion's colour; optional confidence ("Happy · 72 %")."""

    def __init__(self, emotion: str | None = None, parent: QWidget | None = None, large: bool = False) -> None:
        super().__init__(parent)
        self._large = large
        self.emotion: str = UNTAGGED
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        self.set_emotion(emotion)

    def set_emotion(self, emotion: str | None, confidence: float | None = None) -> None:
        self.emotion = emotion or UNTAGGED
        text = f"{emotion_icon(self.emotion)}  {emotion_name(self.emotion)}"
        if confidence is not None:
            text += f" · {confidence * 100:.0f} %"
        self.setText(text)
        size = "font-size: 20pt; font-weight: 600;" if self._large else ""
        self.setStyleSheet(f"QLabel {{ {chip_style(self.emotion, 16 if self._large else 10, '6px 16px' if self._large else '2px 8px')} {size} }}")
        self.setAccessibleName(emotion_name(self.emotion))


class EmotionPicker(QWidget):
    """Six toggle buttons, at most one checked; ``emotion_picked`` fires on a user choice."""

    emotion_picked = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        self.buttons: dict[str, QToolButton] = {}
        for emotion in EMOTIONS:
            button = QToolButton(self)
            button.setCheckable(True)
            # the emoji as a 28 px icon above the name: in the text it was as small as the label
            button.setText(emotion_name(emotion))
            button.setIcon(emoji_icon(emotion_icon(emotion), EMOJI_PX))
            button.setIconSize(QSize(EMOJI_PX, EMOJI_PX))
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextUnderIcon)
            button.setMinimumSize(64, 60)
            button.setObjectName(f"pick_{emotion}")
            button.setAccessibleName(emotion_name(emotion))
            bg = emotion_color(emotion)
            button.setStyleSheet(
                "QToolButton { border: 2px solid palette(mid); border-radius: 8px; padding: 4px; }"
                f"QToolButton:checked {{ background-color: {bg.name()}; color: {text_color_for(bg)};"
                f" border-color: {bg.darker(130).name()}; }}"
            )
            self.group.addButton(button)
            self.buttons[emotion] = button
            layout.addWidget(button)
            button.clicked.connect(lambda _=False, e=emotion: self.emotion_picked.emit(e))
        layout.addStretch(1)

    def set_emotion(self, emotion: str | None) -> None:
        """Show ``emotion`` as chosen (``None``/untagged clears the choice) without emitting."""
        button = self.buttons.get(emotion or "")
        if button is None:
            self.group.setExclusive(False)
            for b in self.buttons.values():
                b.setChecked(False)
            self.group.setExclusive(True)
        else:
            button.setChecked(True)

    def emotion(self) -> str | None:
        for emotion, button in self.buttons.items():
            if button.isChecked():
                return emotion
        return None
