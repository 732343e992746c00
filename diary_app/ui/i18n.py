"""Language and theme of the GUI.

Translations are Qt ``.qm`` files in ``resources/i18n`` (``sounddiary_<lang>.qm``, built by
``scripts/update_translations.sh``) plus Qt's own ``qtbase_<lang>.qm`` for standard buttons.
The theme (``diary_app.ui.theme``) follows the system by default; "light" / "dark" set the
Fusion style with the app's own palette, so widgets must draw from the palette, never fixed colours.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

#: code -> name shown in its own language (never translated: a user must find their language)
LANGUAGES: dict[str, str] = {"en": "English", "ko": "한국어"}
THEMES: tuple[str, ...] = ("system", "light", "dark")

_installed: list[QTranslator] = []


def translations_dir() -> Path:
    from diary_app.paths import resources_dir

    return resources_dir() / "i18n"


def qm_path(language: str) -> Path:
    return translations_dir() / f"sounddiary_{language}.qm"


def install_translator(language: str, app: QCoreApplication | None = None) -> bool:
    """Install the app's and Qt's translators for ``language`` (replacing earlier ones).

    Returns True when the app's own translation was loaded. English is the source language and
    needs no file. Widgets created afterwards show the translated text; existing ones keep theirs
    (the Settings page says that a language change applies after a restart).
    """
    app = app or QCoreApplication.instance()
    if app is None:
        raise RuntimeError("create the QApplication before installing a translator")
    for old in _installed:
        app.removeTranslator(old)
    _installed.clear()
    QLocale.setDefault(QLocale(language))
    if language == "en" or language not in LANGUAGES:
        return False
    loaded = False
    own = QTranslator(app)
    if own.load(str(qm_path(language))):
        app.installTranslator(own)
        _installed.append(own)
        loaded = True
    qt = QTranslator(app)
    if qt.load(f"qtbase_{language}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt)
        _installed.append(qt)
    return loaded


def apply_theme(theme: str, app=None) -> None:
    """Kept for callers of earlier releases: the theme lives in ``diary_app.ui.theme``."""
    from diary_app.ui.theme import apply_theme as _apply

    _apply(theme, app)
