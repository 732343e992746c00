"""Counted text that reads right in English too: "1 entry", not "1 entries".

Qt's ``tr(source, "", n)`` chooses the plural form from the loaded translation; English is the
source language and has no translation file, so without help Qt only replaces ``%n`` and every
count reads plural. ``singular`` keeps Qt's way for translations (Korean has one form) and
supplies the English singular of each counted source text here, in one place.

Call sites write ``singular(self.tr("%n entries", "", n), n)``: the ``self.tr`` call must stay
visible to ``pyside6-lupdate`` (``scripts/update_translations.sh``), which cannot see a source
text passed through a helper, and would drop it (and its Korean) from the translation.
"""

from __future__ import annotations

#: source text (plural, as passed to ``tr``) -> the English text for n == 1
ENGLISH_ONE: dict[str, str] = {
    "%n entries match the filter": "%n entry matches the filter",
    "%n entries, newest first": "%n entry",
    "%n entries": "%n entry",
    "♥ %n likes from friends": "♥ %n like from a friend",
    "%n entries on the map": "%n entry on the map",
    "%n entries have no place": "%n entry has no place",
    "{0}: %n entries": "{0}: %n entry",
    "<b>{0}</b> — %n days with entries": "<b>{0}</b> — %n day with entries",
    "%n recordings interrupted by a crash were recovered.": "%n recording interrupted by a crash was recovered.",
    "Sound Diary was closed while recording. %n unfinished recordings with {0} s of audio were found. "
    "Keep them in your diary?": "Sound Diary was closed while recording. %n unfinished recording with {0} s of audio "
    "was found. Keep it in your diary?",
}


#: the English text for n == 1 as ``tr`` returns it ("1 entries") -> what it should read ("1 entry")
_ONE: dict[str, str] = {source.replace("%n", "1"): one.replace("%n", "1") for source, one in ENGLISH_ONE.items()}


def singular(text: str, n: int) -> str:
    """``text`` as returned by ``tr(source, "", n)``, with the English singular when n == 1 and no
    translation supplied one (a translated text never matches an English key)."""
    return _ONE.get(text, text) if n == 1 else text


def tr_n(obj, source: str, n: int) -> str:
    """``obj.tr(source, "", n)`` with the English singular; only for a ``source`` that lupdate finds
    elsewhere (a literal ``self.tr`` call), since it cannot see through this helper."""
    return singular(obj.tr(source, "", n), n)
