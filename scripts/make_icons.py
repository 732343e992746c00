"""Draw the app icon with Qt (no downloaded art): resources/icons/sound_diary.{svg,png,ico}.

Run: .venv/bin/python scripts/make_icons.py
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ICONS = Path(__file__).resolve().parents[1] / "resources" / "icons"

#: A rounded square with a book-like diary page and a sound wave; colours from the emotion palette.
SVG = """<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256" viewBox="0 0 256 256">
  <rect x="8" y="8" width="240" height="240" rx="48" fill="#3969ac"/>
  <rect x="48" y="40" width="160" height="176" rx="16" fill="#ffffff"/>
  <rect x="48" y="40" width="24" height="176" rx="8" fill="#f2b701"/>
  <g stroke="#e73f74" stroke-width="12" stroke-linecap="round">
    <line x1="96" y1="118" x2="96" y2="138"/>
    <line x1="120" y1="96" x2="120" y2="160"/>
    <line x1="144" y1="80" x2="144" y2="176"/>
    <line x1="168" y1="104" x2="168" y2="152"/>
    <line x1="190" y1="120" x2="190" y2="136"/>
  </g>
</svg>
"""


def main() -> int:
    from PySide6.QtCore import QByteArray, QRectF, Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication.instance() or QGuiApplication(sys.argv)  # noqa: F841 (needed for painting)
    ICONS.mkdir(parents=True, exist_ok=True)
    (ICONS / "sound_diary.svg").write_text(SVG, encoding="utf-8")
    renderer = QSvgRenderer(QByteArray(SVG.encode()))
    image = QImage(256, 256, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    renderer.render(painter, QRectF(0, 0, 256, 256))
    painter.end()
    image.save(str(ICONS / "sound_diary.png"))
    try:  # .ico for the Windows exe; Pillow writes the multi-size file
        from PIL import Image

        Image.open(ICONS / "sound_diary.png").save(ICONS / "sound_diary.ico", sizes=[(16, 16), (32, 32), (48, 48), (64, 64), (128, 128), (256, 256)])
    except ImportError:
        image.save(str(ICONS / "sound_diary.ico"))
    print(f"wrote icons to {ICONS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
