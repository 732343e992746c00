"""Counted text that reads right in English too: "1 entry", not "1 entries".

Qt's ``tr(source, "", n)`` chooses the plural form from the loaded translation; English is the
source language and has no translation file, so without help Qt only replaces ``%n`` and every
count reads plural. ``tr_n`` keeps Qt's way for translations (Korean has one form) and supplies
the English singular of each counted source text here, in one place.
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


def tr_n(obj, source: str, n: int) -> str:
    """``obj.tr(source, "", n)``, with the English singular when no translation supplied one."""
    text = obj.tr(source, "", n)
    if n == 1 and text == source.replace("%n", "1") and source in ENGLISH_ONE:
        return ENGLISH_ONE[source].replace("%n", "1")
    return text
