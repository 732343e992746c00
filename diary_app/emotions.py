"""The six emotion classes of the paper and how we present them.

One list shared by the analysis, the store and the GUI, so a label can never be spelled two ways.
Source datasets with ``disgust`` merge it into ``fear`` (paper §3.1.1).
"""

from __future__ import annotations

EMOTIONS: tuple[str, ...] = ("neutral", "happy", "sad", "angry", "surprise", "fear")

#: Shown when analysis failed or has not run; never a model output.
UNTAGGED = "untagged"

#: Colours chosen to stay distinguishable for the common colour-vision deficiencies.
EMOTION_COLORS: dict[str, str] = {
    "neutral": "#8c8c8c",
    "happy": "#f2b701",
    "sad": "#3969ac",
    "angry": "#e73f74",
    "surprise": "#11a579",
    "fear": "#7f3c8d",
    UNTAGGED: "#cccccc",
}

EMOTION_ICONS: dict[str, str] = {
    "neutral": "😐",
    "happy": "😊",
    "sad": "😢",
    "angry": "😠",
    "surprise": "😮",
    "fear": "😨",
    UNTAGGED: "❔",
}

#: Common source-dataset spellings mapped onto our classes.
DEFAULT_LABEL_MAP: dict[str, str] = {
    "neutral": "neutral", "neu": "neutral", "calm": "neutral",
    "happy": "happy", "hap": "happy", "happiness": "happy", "joy": "happy",
    "sad": "sad", "sadness": "sad",
    "angry": "angry", "ang": "angry", "anger": "angry",
    "surprise": "surprise", "sur": "surprise", "surprised": "surprise",
    "fear": "fear", "fea": "fear", "fearful": "fear",
    "disgust": "fear", "dis": "fear",
}


def map_label(label: str, label_map: dict[str, str] | None = None) -> str | None:
    """Map a source label onto our six emotions; ``None`` when it has no place (e.g. boredom)."""
    table = DEFAULT_LABEL_MAP if label_map is None else label_map
    key = label.strip().lower()
    mapped = table.get(key)
    if mapped is None and key in EMOTIONS:
        mapped = key
    return mapped if mapped in EMOTIONS else None
