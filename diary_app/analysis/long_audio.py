"""Long recordings are analysed in chunks; this module joins the chunk results into one.

WHY: a 2-hour file decoded whole needs ~2 GB; ``Analyzer.analyze_file`` streams files longer than
``LONG_FILE_S`` in ``CHUNK_S`` chunks (``audio.loading.iter_audio_chunks``) and runs the normal
analysis on each, so memory stays at one chunk. The joined result reads like a short one: the
branch that covers more of the recording decides, its chunks' emotion distributions are averaged
(weighted by voiced seconds for speech, by length for surroundings), the windows keep their times
in the whole file, and the evidence lists every chunk.
"""

from __future__ import annotations

from collections import Counter

from diary_app.analysis.result import BRANCH_SPEECH, AnalysisResult, WindowResult
from diary_app.emotions import EMOTIONS

#: files longer than this are streamed in chunks (a diary recording is at most a few minutes)
LONG_FILE_S = 600.0
#: chunk length: long enough for stable statistics, ~8 MB of 16 kHz float32
CHUNK_S = 120.0


def _shifted(windows: list[WindowResult], offset: float) -> list[WindowResult]:
    return [WindowResult(start_s=round(w.start_s + offset, 3), end_s=round(w.end_s + offset, 3), label=w.label,
                         confidence=w.confidence, probabilities=w.probabilities, weight=w.weight) for w in windows]


def merge_chunk_results(parts: list[tuple[float, AnalysisResult]], name: str) -> AnalysisResult:
    """``parts``: (offset in seconds, result) per chunk, in order. Too-quiet chunks count for length only."""
    if not parts:
        raise ValueError("no chunks to merge")
    duration = sum(r.duration_s for _, r in parts)
    tagged = [(off, r) for off, r in parts if not r.too_quiet]
    chunks = [{"start_s": round(off, 2), "end_s": round(off + r.duration_s, 2), "branch": r.branch, "emotion": r.emotion,
               "confidence": round(r.confidence, 4), "scene": r.scene} for off, r in parts]
    if not tagged:  # every chunk at the floor: the whole recording is too quiet
        first = parts[0][1]
        first.duration_s = duration
        first.evidence["chunks"] = chunks
        return first
    covered: dict[str, float] = {}
    for _, r in tagged:
        covered[r.branch] = covered.get(r.branch, 0) + r.duration_s
    branch = max(covered, key=lambda b: (covered[b], b == BRANCH_SPEECH))
    chosen = [(off, r) for off, r in tagged if r.branch == branch]
    weights = [(r.voiced_s if branch == BRANCH_SPEECH else r.duration_s) or r.duration_s for _, r in chosen]
    total_w = sum(weights) or 1.0
    probs = {e: sum(w * r.emotion_probabilities.get(e, 0.0) for w, (_, r) in zip(weights, chosen)) / total_w for e in EMOTIONS}
    emotion = max(probs, key=lambda k: probs[k])
    scene = scene_probs = None
    if branch != BRANCH_SPEECH:
        scenes: dict[str | None, float] = {}
        scene_acc: dict[str, float] = {}
        for w, (_, r) in zip(weights, chosen):
            scenes[r.scene] = scenes.get(r.scene, 0.0) + w
            for s, p in (r.scene_probabilities or {}).items():
                scene_acc[s] = scene_acc.get(s, 0.0) + w * p / total_w
        scene = max(scenes, key=lambda s: scenes[s])  # the first of equals, as Counter.most_common(1)
        scene_probs = scene_acc or None
    first = chosen[0][1]
    timings: Counter[str] = Counter()
    for _, r in parts:
        timings.update(r.timings_s)
    voiced = sum(r.voiced_s for _, r in tagged)
    evidence = dict(first.evidence)
    evidence.update({
        "source": name,
        "branch_reason": (f"long recording analysed in {len(parts)} chunks: {branch} in {covered[branch]:.0f} s of "
                          f"{duration:.0f} s"),
        "decision": (f"{len(chosen)} {branch} chunk(s) averaged, weighted by "
                     f"{'voiced seconds' if branch == BRANCH_SPEECH else 'length'}; top {emotion} {probs[emotion]:.2f}"),
        "chunks": chunks,
    })
    return AnalysisResult(
        branch=branch, emotion=emotion, emotion_probabilities=probs, confidence=probs[emotion], scene=scene,
        scene_probabilities=scene_probs, speech_ratio=voiced / duration if duration else 0.0, voiced_s=voiced,
        speech_segments=[(round(a + off, 3), round(b + off, 3)) for off, r in tagged for a, b in r.speech_segments],
        duration_s=duration, timeline=[w for off, r in tagged for w in _shifted(r.timeline, off)],
        models=dict(first.models), timings_s={k: round(v, 4) for k, v in timings.items()}, evidence=evidence,
    )
