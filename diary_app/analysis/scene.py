"""Scene decision of paper §3.2: average the window softmax, top probability = confidence,
below the threshold the scene is ``unclassified``, and the scene's emotion comes from the table."""

from __future__ import annotations

from dataclasses import dataclass

from diary_app.analysis.emotion_table import UNCLASSIFIED, EmotionTable
from diary_app.analysis.result import WindowResult

DEFAULT_THRESHOLD = 0.70


@dataclass
class SceneDecision:
    scene: str  # top scene, or "unclassified"
    top_scene: str  # top scene even when below the threshold (evidence for the user)
    confidence: float  # top averaged probability
    probabilities: dict[str, float]
    emotion: str
    threshold: float
    reason: str


def average_probabilities(windows: list[WindowResult], labels: list[str]) -> dict[str, float]:
    if not windows:
        raise ValueError("no windows to average")
    weights = [max(float(w.weight), 0.0) for w in windows]
    if sum(weights) <= 0:
        weights = [1.0] * len(windows)
    avg = dict.fromkeys(labels, 0.0)
    for w, weight in zip(windows, weights):
        for lab in labels:
            avg[lab] += weight * w.probabilities.get(lab, 0.0)
    s = sum(avg.values()) or 1.0
    return {k: v / s for k, v in avg.items()}


def decide_scene(windows: list[WindowResult], labels: list[str], table: EmotionTable, threshold: float = DEFAULT_THRESHOLD) -> SceneDecision:
    probs = average_probabilities(windows, labels)
    top = max(probs, key=lambda k: probs[k])
    conf = probs[top]
    if conf >= threshold:
        scene, reason = top, f"{top} at {conf:.2f} >= threshold {threshold:.2f}"
    else:
        scene, reason = UNCLASSIFIED, f"top scene {top} at {conf:.2f} < threshold {threshold:.2f}"
    emotion = table.emotion_for(scene)
    return SceneDecision(scene=scene, top_scene=top, confidence=conf, probabilities=probs, emotion=emotion,
                         threshold=threshold, reason=f"{reason}; {scene} -> {emotion} ({table.source.rsplit('/', 1)[-1]})")
