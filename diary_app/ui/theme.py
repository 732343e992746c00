"""Light and dark look for every platform, and palette helpers for the widgets that paint themselves.

Why the app sets the palette itself: on Linux without a desktop theme (and on many with one) Qt
ignores a "dark" colour-scheme hint, so Theme = Dark did nothing. "dark" therefore switches to the
Fusion style with a dark ``QPalette``; "light" uses Fusion's light palette; "system" gives the
platform back its own style and palette. Widgets that paint (calendar, year, charts, waveform)
read colours from the palette each time they draw and restyle on ``PaletteChange``, so a change
in Settings applies at once.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette

THEMES: tuple[str, ...] = ("system", "light", "dark")

_system: dict = {}  # the platform's own style name and palette, saved before the first override


def dark_palette() -> QPalette:
    """A dark palette with enough contrast for text, disabled text and links (WCAG AA on Base)."""
    p = QPalette()
    window, base, alt, text = QColor("#2b2d31"), QColor("#1f2023"), QColor("#34363b"), QColor("#e8e8ea")
    button, highlight = QColor("#3a3c42"), QColor("#4a7fd1")
    groups = (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive)
    for g in groups:
        p.setColor(g, QPalette.ColorRole.Window, window)
        p.setColor(g, QPalette.ColorRole.WindowText, text)
        p.setColor(g, QPalette.ColorRole.Base, base)
        p.setColor(g, QPalette.ColorRole.AlternateBase, alt)
        p.setColor(g, QPalette.ColorRole.ToolTipBase, QColor("#3f4147"))
        p.setColor(g, QPalette.ColorRole.ToolTipText, text)
        p.setColor(g, QPalette.ColorRole.PlaceholderText, QColor("#9a9ca3"))
        p.setColor(g, QPalette.ColorRole.Text, text)
        p.setColor(g, QPalette.ColorRole.Button, button)
        p.setColor(g, QPalette.ColorRole.ButtonText, text)
        p.setColor(g, QPalette.ColorRole.BrightText, QColor("#ff6b6b"))
        p.setColor(g, QPalette.ColorRole.Highlight, highlight)
        p.setColor(g, QPalette.ColorRole.HighlightedText, QColor("#ffffff"))
        p.setColor(g, QPalette.ColorRole.Link, QColor("#7fb2ff"))
        p.setColor(g, QPalette.ColorRole.LinkVisited, QColor("#c39bff"))
        p.setColor(g, QPalette.ColorRole.Light, QColor("#4a4c52"))
        p.setColor(g, QPalette.ColorRole.Midlight, QColor("#404248"))
        p.setColor(g, QPalette.ColorRole.Mid, QColor("#5a5c63"))
        p.setColor(g, QPalette.ColorRole.Dark, QColor("#18191b"))
        p.setColor(g, QPalette.ColorRole.Shadow, QColor("#000000"))
    dis = QPalette.ColorGroup.Disabled
    for role, color in ((QPalette.ColorRole.Window, window), (QPalette.ColorRole.Base, QColor("#26272a")),
                        (QPalette.ColorRole.Button, QColor("#303237")), (QPalette.ColorRole.Highlight, QColor("#3d4450"))):
        p.setColor(dis, role, color)
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText,
                 QPalette.ColorRole.HighlightedText, QPalette.ColorRole.PlaceholderText):
        p.setColor(dis, role, QColor("#7c7e85"))
    return p


def _contrast_style():
    """Fusion with check boxes and radio buttons that can be seen on a dark palette.

    Fusion draws an indicator's frame in ``Window.darker(140)`` and fills it with ``Base``; with a
    dark palette both are near-black, so an unchecked box (Settings → Privacy, the welcome dialog)
    was a barely visible square. For those two primitives, on a dark palette only, the frame colour
    is lifted to the palette's ``Mid``; everything else is Fusion as it is.
    """
    from PySide6.QtWidgets import QProxyStyle, QStyle, QStyleFactory

    class ContrastFusion(QProxyStyle):
        INDICATORS = (QStyle.PrimitiveElement.PE_IndicatorCheckBox, QStyle.PrimitiveElement.PE_IndicatorRadioButton)

        def drawPrimitive(self, element, option, painter, widget=None) -> None:  # noqa: N802 - Qt API
            if element in self.INDICATORS and is_dark(option.palette):
                option = type(option)(option)
                pal = QPalette(option.palette)
                # Fusion's outline is Window.darker(140): choose Window so that the outline is Mid
                pal.setColor(QPalette.ColorRole.Window, pal.color(QPalette.ColorRole.Mid).lighter(150))
                option.palette = pal
            super().drawPrimitive(element, option, painter, widget)

    return ContrastFusion(QStyleFactory.create("Fusion"))


def style_name(style) -> str:
    """The style's factory name, also through the app's proxy ("fusion" for the light/dark look)."""
    name = style.name()
    base = getattr(style, "baseStyle", None)
    return (name or (base().name() if base else "")).lower()


def apply_theme(theme: str, app=None) -> None:
    """Apply "system", "light" or "dark" to ``app`` now (at start and when Settings changes it)."""
    from PySide6.QtWidgets import QApplication, QStyleFactory

    app = app or QGuiApplication.instance()
    if app is None:
        return
    if not _system and isinstance(app, QApplication):
        _system["style"] = app.style().name()
        _system["palette"] = QPalette(app.palette())
    hints = app.styleHints()
    if hasattr(hints, "setColorScheme"):  # Qt >= 6.8: tell the platform (native dialogs) too
        scheme = {"light": Qt.ColorScheme.Light, "dark": Qt.ColorScheme.Dark}.get(theme, Qt.ColorScheme.Unknown)
        hints.setColorScheme(scheme)
    if not isinstance(app, QApplication):
        return
    if theme in ("light", "dark"):
        if not app.style().name() and style_name(app.style()) == "fusion":
            pass  # already the app's Fusion proxy
        else:
            app.setStyle(_contrast_style())
        app.setPalette(dark_palette() if theme == "dark" else app.style().standardPalette())
    elif _system:
        if app.style().name().lower() != str(_system["style"]).lower():
            app.setStyle(QStyleFactory.create(_system["style"]))
        app.setPalette(_system["palette"])
    else:
        return
    # widgets with a style sheet keep the palette they were polished with: polish them again
    for widget in app.allWidgets():
        sheet = widget.styleSheet()
        if sheet:
            widget.setStyleSheet(sheet + " ")
            widget.setStyleSheet(sheet)


def is_dark(palette: QPalette | None = None) -> bool:
    """True when the window background is darker than its text."""
    if palette is None:
        palette = QGuiApplication.palette()
    return palette.color(QPalette.ColorRole.Window).lightness() < palette.color(QPalette.ColorRole.WindowText).lightness()


def color(role: QPalette.ColorRole, palette: QPalette | None = None, alpha: int | None = None) -> QColor:
    c = QColor((palette or QGuiApplication.palette()).color(role))
    if alpha is not None:
        c.setAlpha(alpha)
    return c


def muted_text(palette: QPalette | None = None) -> QColor:
    """Secondary text: between text and background (readable on both themes)."""
    p = palette or QGuiApplication.palette()
    return mix(p.color(QPalette.ColorRole.WindowText), p.color(QPalette.ColorRole.Window), 0.35)


def empty_cell(palette: QPalette | None = None, strength: float = 0.10) -> QColor:
    """An empty day square: the base colour nudged towards the text colour."""
    p = palette or QGuiApplication.palette()
    return mix(p.color(QPalette.ColorRole.Base), p.color(QPalette.ColorRole.Text), strength)


def mix(a: QColor, b: QColor, t: float) -> QColor:
    """``a`` moved a fraction ``t`` of the way to ``b``."""
    return QColor(round(a.red() + (b.red() - a.red()) * t), round(a.green() + (b.green() - a.green()) * t),
                  round(a.blue() + (b.blue() - a.blue()) * t))


def error_css(palette: QPalette | None = None) -> str:
    """Colour for an error message that reads on light and dark backgrounds."""
    return "color: #ff7b7b;" if is_dark(palette) else "color: #b00020;"


def style_plot(plot, palette: QPalette | None = None) -> None:
    """A pyqtgraph ``PlotWidget`` in the palette's colours (background, axes, tick labels)."""
    import pyqtgraph as pg

    p = palette or QGuiApplication.palette()
    plot.setBackground(p.color(QPalette.ColorRole.Base))
    fg = p.color(QPalette.ColorRole.Text)
    for name in ("left", "bottom", "right", "top"):
        axis = plot.getPlotItem().getAxis(name)
        if axis is None:
            continue
        axis.setPen(pg.mkPen(mix(fg, p.color(QPalette.ColorRole.Base), 0.4)))
        axis.setTextPen(pg.mkPen(fg))  # also the axis label's colour
    title = plot.getPlotItem().titleLabel
    if title is not None and title.text:
        title.setText(title.text, color=fg.name())
