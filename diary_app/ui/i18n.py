"""Language and theme of the GUI.

Translations are Qt ``.qm`` files in ``resources/i18n`` (``sounddiary_<lang>.qm``, built by
``scripts/update_translations.sh``) plus Qt's own ``qtbase_<lang>.qm`` for standard buttons.
The theme (``diary_app.ui.theme``) follows the system by default; "light" / "dark" set the
Fusion style with the app's own palette, so widgets must draw from the palette, never fixed colours.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QLibraryInfo, QLocale, QTranslator

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


# -- locale-aware text (weekday and month names, dates, scene names) ------------------------------
# Python's strftime names days and months in English whatever the UI language; QLocale uses the
# language that ``install_translator`` made the default, so "Mon" becomes "월" and "Jan" "1월".

def _qdatetime(value):
    from PySide6.QtCore import QDate, QDateTime, QTime

    # naive local wall time: the caller already converted to the zone it shows
    return QDateTime(QDate(value.year, value.month, value.day),
                     QTime(getattr(value, "hour", 0), getattr(value, "minute", 0), getattr(value, "second", 0)))


def locale_datetime(value, fmt: str = "ddd yyyy-MM-dd HH:mm") -> str:
    """A date or local datetime in the UI language (Qt format: ddd = short weekday, dddd = long)."""
    return QLocale().toString(_qdatetime(value), fmt)


def weekday_name(index: int, short: bool = True) -> str:
    """``index`` 0 = Monday ... 6 = Sunday (Python's ``weekday()``)."""
    kind = QLocale.FormatType.ShortFormat if short else QLocale.FormatType.LongFormat
    return QLocale().dayName(index + 1, kind)


def month_name(month: int, short: bool = True) -> str:
    """``month`` 1 = January ... 12 = December."""
    kind = QLocale.FormatType.ShortFormat if short else QLocale.FormatType.LongFormat
    return QLocale().standaloneMonthName(month, kind)


#: scene labels of the shipped models (TAU Urban Acoustic Scenes, UrbanSound8K), marked for lupdate
_SCENES = {
    "airport": QT_TRANSLATE_NOOP("scenes", "airport"),
    "bus": QT_TRANSLATE_NOOP("scenes", "bus"),
    "bus_stop": QT_TRANSLATE_NOOP("scenes", "bus stop"),
    "tram": QT_TRANSLATE_NOOP("scenes", "tram"),
    "metro": QT_TRANSLATE_NOOP("scenes", "metro"),
    "metro_station": QT_TRANSLATE_NOOP("scenes", "metro station"),
    "park": QT_TRANSLATE_NOOP("scenes", "park"),
    "public_square": QT_TRANSLATE_NOOP("scenes", "public square"),
    "shopping_mall": QT_TRANSLATE_NOOP("scenes", "shopping mall"),
    "street_pedestrian": QT_TRANSLATE_NOOP("scenes", "pedestrian street"),
    "street_traffic": QT_TRANSLATE_NOOP("scenes", "street traffic"),
    "street": QT_TRANSLATE_NOOP("scenes", "street"),
    "air_conditioner": QT_TRANSLATE_NOOP("scenes", "air conditioner"),
    "car_horn": QT_TRANSLATE_NOOP("scenes", "car horn"),
    "children_playing": QT_TRANSLATE_NOOP("scenes", "children playing"),
    "dog_bark": QT_TRANSLATE_NOOP("scenes", "dog barking"),
    "drilling": QT_TRANSLATE_NOOP("scenes", "drilling"),
    "engine_idling": QT_TRANSLATE_NOOP("scenes", "engine idling"),
    "gun_shot": QT_TRANSLATE_NOOP("scenes", "gunshot"),
    "jackhammer": QT_TRANSLATE_NOOP("scenes", "jackhammer"),
    "siren": QT_TRANSLATE_NOOP("scenes", "siren"),
    "street_music": QT_TRANSLATE_NOOP("scenes", "street music"),
    "unclassified": QT_TRANSLATE_NOOP("scenes", "unclassified"),
}


def scene_name(scene: str | None) -> str:
    """The translated name of a scene label; a label of a user's own model is shown as it is."""
    if not scene:
        return ""
    source = _SCENES.get(scene)
    return QCoreApplication.translate("scenes", source) if source else scene.replace("_", " ")

