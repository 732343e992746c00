"""Plain words for a decision: what decided the tag, shared by the CLI and the review panel.

WHY one place: when the scene is ``unclassified`` the emotion comes from a *rule* (paper Table 2:
below the 0.70 threshold → surprise), not from a probability; printing "surprise (0.57)" beside
"surprise 0.00" mixes the scene's confidence with the table-pushed distribution and reads as a
contradiction. Here the rule is named as the decider and the scene distribution is shown as what
the sounds suggested. Works on ``AnalysisResult.to_dict()`` (also what the diary stores), so old
stored results without the newer evidence fields still explain themselves.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from diary_app.analysis.emotion_table import UNCLASSIFIED
from diary_app.analysis.result import OUTCOME_TOO_QUIET, TOO_QUIET_MESSAGE


@dataclass
class Explanation:
    kind: str  # "too_quiet" | "speech" | "scene" | "scene_rule"
    headline: str  # one line: what decided the tag
    detail: str = ""  # e.g. the table's reason, or the level that was measured
    suggested_scenes: list[tuple[str, float]] = field(default_factory=list)  # what the sounds suggested
    suggested_emotions: list[tuple[str, float]] = field(default_factory=list)


def _pretty(label: str) -> str:
    return label.replace("_", " ")


def explain(data: dict[str, Any] | None, n: int = 3) -> Explanation | None:
    """An ``Explanation`` of a stored/printed result dict, or None when there is nothing to explain."""
    if not data:
        return None
    ev = data.get("evidence") or {}
    if data.get("outcome") == OUTCOME_TOO_QUIET:
        level = ev.get("level") or {}
        return Explanation("too_quiet", TOO_QUIET_MESSAGE, detail=str(level.get("reason", "")))
    emotion = data.get("emotion")
    if data.get("branch") == "speech":
        det = ev.get("speech_detection") or {}
        return Explanation("speech", f"{emotion} from the voice (speech emotion)", detail=str(det.get("reason", "")))
    scene = data.get("scene")
    sc = ev.get("scene") or {}
    ranked = sorted((data.get("scene_probabilities") or {}).items(), key=lambda kv: -kv[1])[:n]
    emotions = sorted((data.get("emotion_probabilities") or {}).items(), key=lambda kv: -kv[1])
    emotions = [(e, p) for e, p in emotions if p > 0][:n]
    threshold = float(sc.get("threshold", 0.70))
    if scene == UNCLASSIFIED:
        rule = sc.get("rule") or f"scene unclassified below {threshold:.2f} → {emotion}, the paper's table"
        top = sc.get("top_scene") or (ranked[0][0] if ranked else "")
        conf = float(sc.get("confidence", ranked[0][1] if ranked else 0.0))
        detail = (f"no scene reached {threshold:.2f} (closest: {_pretty(top)} {conf:.2f})" if top else "")
        return Explanation("scene_rule", rule, detail=detail, suggested_scenes=ranked, suggested_emotions=emotions)
    reason = sc.get("table_reason", "")
    conf = float(data.get("confidence") or 0.0)
    return Explanation("scene", f"scene {_pretty(scene or '')} ({conf:.2f} ≥ {threshold:.2f}) → {emotion}, the scene table",
                       detail=reason, suggested_scenes=ranked, suggested_emotions=emotions)
