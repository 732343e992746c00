"""The branching analysis of paper §3: speech → emotion model, no speech → scene → table → emotion.

``Analyzer`` loads its models lazily, once, under a lock, and is then reused for every
recording (the GUI preloads it in a worker with ``load()``). It never imports Qt.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from diary_app.analysis.emotion_table import UNCLASSIFIED
from diary_app.analysis.registry import (
    ClassifierBase,
    InstalledModel,
    ModelNotAvailable,
    default_scene_model,
    default_speech_model,
    load_classifier,
)
from diary_app.analysis.result import (
    BRANCH_ENVIRONMENT,
    BRANCH_NONE,
    BRANCH_SPEECH,
    OUTCOME_TOO_QUIET,
    TOO_QUIET_MESSAGE,
    AnalysisResult,
    WindowResult,
)
from diary_app.analysis.scene import SceneDecision, decide_scene
from diary_app.audio.level import LevelCheck, check_level, finite_wave
from diary_app.audio.loading import SAMPLE_RATE, check_waveform, load_audio, resample
from diary_app.emotions import EMOTIONS

if TYPE_CHECKING:
    from diary_app.analysis.emotion_table import EmotionTable
    from diary_app.analysis.speech_detection import SpeechDetectionConfig
    from diary_app.settings import Settings

log = logging.getLogger(__name__)

#: the non-speech part of a speech recording must be at least this long to be worth a scene look
MIN_BACKGROUND_S = 1.0
_UNSET = object()


def _overlap(start: float, end: float, segments: list[tuple[float, float]]) -> float:
    return sum(max(0.0, min(end, b) - max(start, a)) for a, b in segments)


def _nonspeech_samples(wave: np.ndarray, segments: list[tuple[float, float]], sr: int) -> np.ndarray:
    keep = np.ones(wave.size, dtype=bool)
    for a, b in segments:
        keep[int(a * sr):int(np.ceil(b * sr))] = False
    return wave[keep]


def _scene_table(scene: ClassifierBase) -> EmotionTable:
    """The scene model's scene->emotion table; a model without one (a speech model chosen as the scene
    model) cannot tag a recording, so say so instead of failing inside ``decide_scene``."""
    if scene.emotion_table is None:
        raise ModelNotAvailable(f"{scene.name} has no scene->emotion table; it is not a scene model")
    return scene.emotion_table


class Analyzer:
    """One analysis engine per process.

    ``speech_model`` / ``scene_model``: an installed model name, a model folder, a hub id, an
    ``InstalledModel`` or an already loaded classifier; ``None`` means the setting, else the
    best installed model. ``force_branch`` ("speech"/"environment") skips the speech decision.
    """

    def __init__(self, speech_model: Any = None, scene_model: Any = None, settings: Settings | None = None,
                 device: str | None = None, threshold: float | None = None, force_branch: str | None = None,
                 speech_detection_config: SpeechDetectionConfig | None = None) -> None:
        if settings is None:
            from diary_app.settings import Settings

            settings = Settings.load()
        if force_branch not in (None, BRANCH_SPEECH, BRANCH_ENVIRONMENT):
            raise ValueError(f"force_branch must be {BRANCH_SPEECH!r}, {BRANCH_ENVIRONMENT!r} or None")
        self.settings = settings
        self.device = device
        self.threshold = float(threshold if threshold is not None else settings.scene_threshold)
        self.force_branch = force_branch
        self.speech_detection_config = speech_detection_config  # None = the detector's calibrated default
        self._speech_ref = speech_model if speech_model is not None else settings.speech_model
        self._scene_ref = scene_model if scene_model is not None else settings.scene_model
        self._speech: Any = _UNSET
        self._scene: Any = _UNSET
        self._speech_error: str | None = None
        self._scene_error: str | None = None
        self._lock = threading.RLock()

    # -- loading -----------------------------------------------------------------------------

    def _resolve(self, ref: Any, default_fn: Callable[[], InstalledModel | None]) -> tuple[ClassifierBase | None, str | None]:
        if isinstance(ref, ClassifierBase):
            return ref, None
        if ref is None or ref == "":
            installed: InstalledModel | None = default_fn()
            if installed is None:
                return None, "no model of this kind is installed"
            ref = installed
        return load_classifier(ref, device=self.device), None  # explicit choice: errors propagate

    @property
    def speech_classifier(self) -> ClassifierBase | None:
        with self._lock:
            if self._speech is _UNSET:
                self._speech, self._speech_error = self._resolve(self._speech_ref, default_speech_model)
            speech: ClassifierBase | None = self._speech
            return speech

    @property
    def scene_classifier(self) -> ClassifierBase | None:
        with self._lock:
            if self._scene is _UNSET:
                self._scene, self._scene_error = self._resolve(self._scene_ref, default_scene_model)
            scene: ClassifierBase | None = self._scene
            return scene

    def load(self) -> Analyzer:
        """Load both models now (call from a worker thread); raises ``ModelNotAvailable`` only when
        neither branch could run."""
        speech, scene = self.speech_classifier, self.scene_classifier
        if speech is None and scene is None:
            raise ModelNotAvailable(
                "no analysis model is installed (neither a speech-emotion nor a scene model); "
                "copy a model folder into the user models folder or run `diary-app models add ...`"
            )
        return self

    @property
    def loaded(self) -> bool:
        return self._speech is not _UNSET and self._scene is not _UNSET

    # -- analysis ----------------------------------------------------------------------------

    def analyze_file(self, path: str | Path) -> AnalysisResult:
        from diary_app.analysis import long_audio
        from diary_app.audio.loading import audio_duration_s

        length = audio_duration_s(path) if Path(path).is_file() else None
        if length is not None and length > long_audio.LONG_FILE_S:
            return self._analyze_long(path, long_audio.CHUNK_S)
        t0 = time.perf_counter()
        info: dict[str, Any] = {}
        wave = load_audio(path, SAMPLE_RATE, info=info)
        decode_s = time.perf_counter() - t0
        level = check_level(wave, SAMPLE_RATE, info.get("nonfinite_samples", 0), info.get("samples"))
        return self._analyze(wave, str(path), decode_s, t0, level)

    def _analyze_long(self, path: str | Path, chunk_s: float) -> AnalysisResult:
        """Stream a long file chunk by chunk (memory: one chunk), analyse each, join them (``long_audio``)."""
        from diary_app.analysis.long_audio import merge_chunk_results
        from diary_app.audio.loading import iter_audio_chunks

        parts: list[tuple[float, AnalysisResult]] = []
        offset = 0.0
        for chunk, n_bad in iter_audio_chunks(path, chunk_s, SAMPLE_RATE):
            t0 = time.perf_counter()
            if chunk.size < MIN_BACKGROUND_S * SAMPLE_RATE and parts:
                break  # a sub-second tail adds nothing but noise to the average
            level = check_level(chunk, SAMPLE_RATE, n_bad, chunk.size)
            parts.append((offset, self._analyze(chunk, str(path), 0.0, t0, level)))
            offset += chunk.size / SAMPLE_RATE
        return merge_chunk_results(parts, str(path))

    def analyze_waveform(self, wave: np.ndarray, sr: int = SAMPLE_RATE, name: str = "<audio>") -> AnalysisResult:
        t0 = time.perf_counter()
        wave, n_bad = finite_wave(np.asarray(wave, dtype=np.float32).reshape(-1))  # before the resampler
        total = wave.size
        wave = resample(wave, sr, SAMPLE_RATE)
        wave = check_waveform(wave, SAMPLE_RATE, name)
        return self._analyze(wave, name, time.perf_counter() - t0, t0, check_level(wave, SAMPLE_RATE, n_bad, total))

    def _too_quiet(self, wave: np.ndarray, name: str, level: LevelCheck, timings: dict[str, Any], t0: float) -> AnalysisResult:
        """No model runs on silence: a confident tag for a muted microphone would be a lie."""
        timings["total"] = time.perf_counter() - t0
        evidence = {"outcome": OUTCOME_TOO_QUIET, "level": level.to_dict(), "branch_reason": f"not analysed: {level.reason}",
                    "decision": f"{TOO_QUIET_MESSAGE} ({level.reason})", "message": TOO_QUIET_MESSAGE, "source": name}
        return AnalysisResult(branch=BRANCH_NONE, emotion=None, emotion_probabilities={}, confidence=0.0,
                              duration_s=wave.size / SAMPLE_RATE, evidence=evidence, outcome=OUTCOME_TOO_QUIET,
                              models={}, timings_s={k: round(v, 4) for k, v in timings.items()})

    def _analyze(self, wave: np.ndarray, name: str, decode_s: float, t0: float,
                 level: LevelCheck | None = None) -> AnalysisResult:
        from diary_app.analysis.speech_detection import detect_speech

        timings = {"decode": decode_s}
        level = level or check_level(wave, SAMPLE_RATE)
        if level.too_quiet:
            return self._too_quiet(wave, name, level, timings, t0)
        t = time.perf_counter()
        # the detector's own (calibrated) configuration; it is tuned by its owner, not here
        det = detect_speech(wave, SAMPLE_RATE, self.speech_detection_config)
        timings["vad"] = time.perf_counter() - t
        duration = wave.size / SAMPLE_RATE
        evidence: dict[str, Any] = {
            "level": level.to_dict(),
            "speech_detection": {"contains_speech": bool(det.contains_speech), "reason": det.reason,
                                 "model": det.model, "probability": round(float(det.speech_probability), 4),
                                 "cues": {k: float(v) for k, v in det.cues.items()}},
        }
        if self.force_branch:
            branch = self.force_branch
            evidence["branch_reason"] = f"branch forced to {branch}"
        else:
            branch = BRANCH_SPEECH if det.contains_speech else BRANCH_ENVIRONMENT
            evidence["branch_reason"] = ("speech detected: " if det.contains_speech else "no speech: ") + det.reason

        t = time.perf_counter()
        speech = self.speech_classifier if branch == BRANCH_SPEECH else None
        if branch == BRANCH_SPEECH and speech is None:
            evidence["fallback"] = (f"speech found but no speech-emotion model is available ({self._speech_error}); "
                                    "the environment path tagged it instead")
            branch = BRANCH_ENVIRONMENT
        scene = self.scene_classifier if branch == BRANCH_ENVIRONMENT else None
        if branch == BRANCH_ENVIRONMENT and scene is None:
            raise ModelNotAvailable(f"no scene model is available ({self._scene_error}); cannot tag a recording without speech")
        timings["load"] = time.perf_counter() - t

        models = {"speech_detection": det.model or "webrtcvad"}
        t = time.perf_counter()
        common = dict(speech_ratio=float(det.speech_ratio), voiced_s=float(det.voiced_s),
                      speech_segments=[(float(a), float(b)) for a, b in det.segments], duration_s=duration)
        if branch == BRANCH_SPEECH:
            if speech is None:  # the fallback above moved a speech recording without a model to the environment branch
                raise RuntimeError("internal error: the speech branch was chosen without a speech model")
            result = self._speech_branch(wave, speech, det.segments, evidence, common)
            models["speech"] = speech.name
            models["speech_backend"] = speech.backend
            timings["inference"] = time.perf_counter() - t
            self._background_scene(wave, det.segments, evidence, models, timings)
        else:
            if scene is None:  # refused above with ModelNotAvailable
                raise RuntimeError("internal error: the environment branch was chosen without a scene model")
            result = self._environment_branch(wave, scene, evidence, common)
            models["scene"] = scene.name
            timings["inference"] = time.perf_counter() - t
        timings["total"] = time.perf_counter() - t0
        result.models = models
        result.evidence = evidence
        result.timings_s = {k: round(v, 4) for k, v in timings.items()}
        evidence["source"] = name
        return result

    def _speech_branch(self, wave: np.ndarray, speech: ClassifierBase, segments: list[tuple[float, float]],
                       evidence: dict[str, Any], common: dict[str, Any]) -> AnalysisResult:
        raw, features = speech.windows_and_features(wave)
        timeline: list[WindowResult] = []
        for w in raw:
            emo = speech.to_emotions(w.probabilities)
            top = max(emo, key=emo.__getitem__)
            timeline.append(WindowResult(start_s=round(w.start_s, 3), end_s=round(w.end_s, 3), label=top,
                                         confidence=emo[top], probabilities=emo,
                                         weight=round(_overlap(w.start_s, w.end_s, segments), 3)))
        weights = [w.weight for w in timeline]
        if sum(weights) <= 0:
            weights = [1.0] * len(timeline)
        agg = dict.fromkeys(EMOTIONS, 0.0)
        for w, wt in zip(timeline, weights):
            for e in EMOTIONS:
                agg[e] += wt * w.probabilities[e]
        total = sum(agg.values()) or 1.0
        agg = {e: v / total for e, v in agg.items()}
        emotion = max(agg, key=agg.__getitem__)
        evidence["decision"] = (f"{speech.name}: {len(timeline)} window(s) of at most 4 s, weighted by voiced seconds; "
                                f"top {emotion} {agg[emotion]:.2f}")
        evidence["window_top_labels"] = [w.label for w in raw]
        return AnalysisResult(branch=BRANCH_SPEECH, emotion=emotion, emotion_probabilities=agg, confidence=agg[emotion],
                              timeline=timeline, features={"speech": {**features, "weights": weights}} if features else None,
                              **common)

    def _scene_decision(self, wave: np.ndarray, scene: ClassifierBase, background: bool = False) -> tuple[list[WindowResult], SceneDecision]:
        table = _scene_table(scene)
        windows = scene.background_windows(wave) if background else scene.predict_windows(wave)
        return windows, decide_scene(windows, scene.labels, table, self.threshold)

    def _environment_branch(self, wave: np.ndarray, scene: ClassifierBase, evidence: dict[str, Any],
                            common: dict[str, Any]) -> AnalysisResult:
        windows, dec = self._scene_decision(wave, scene)
        table = _scene_table(scene)
        emo = dict.fromkeys(EMOTIONS, 0.0)
        for s, p in dec.probabilities.items():  # scene distribution pushed through the table
            emo[table.emotion_for(s)] += p
        timeline = [WindowResult(start_s=round(w.start_s, 3), end_s=round(w.end_s, 3), label=w.label,
                                 confidence=w.confidence, probabilities=w.probabilities, weight=w.weight) for w in windows]
        evidence["decision"] = dec.reason
        table_name = Path(table.source).name
        evidence["scene"] = {
            "scene": dec.scene, "top_scene": dec.top_scene, "confidence": round(float(dec.confidence), 4),
            "threshold": dec.threshold, "table": table.source, "table_reason": table.reasons.get(dec.scene, ""),
            "table_row": {"scene": dec.scene, "emotion": dec.emotion, "reason": table.reasons.get(dec.scene, ""),
                          "table": table_name},
            # who decided: the scene (above the threshold) or the paper's rule for "unclassified"
            "decided_by": "rule" if dec.scene == UNCLASSIFIED else "scene",
            "rule": (f"scene unclassified below {dec.threshold:.2f} → {dec.emotion}, the paper's table"
                     if dec.scene == UNCLASSIFIED else ""),
            "suggested": dict(sorted(((k, round(float(v), 4)) for k, v in dec.probabilities.items()), key=lambda kv: -kv[1])[:5]),
        }
        return AnalysisResult(branch=BRANCH_ENVIRONMENT, emotion=dec.emotion, emotion_probabilities=emo,
                              confidence=dec.confidence, scene=dec.scene, scene_probabilities=dec.probabilities,
                              timeline=timeline, **common)

    def _background_scene(self, wave: np.ndarray, segments: list[tuple[float, float]], evidence: dict[str, Any],
                          models: dict[str, str], timings: dict[str, float]) -> None:
        """Paper limitation (2): also look at the non-speech part of a speech recording."""
        rest = _nonspeech_samples(wave, segments, SAMPLE_RATE)
        if rest.size < MIN_BACKGROUND_S * SAMPLE_RATE:
            return
        t = time.perf_counter()
        try:
            scene = self.scene_classifier
        except ModelNotAvailable as exc:
            evidence["environment"] = {"skipped": str(exc)}
            return
        if scene is None:
            return
        _, dec = self._scene_decision(rest, scene, background=True)
        evidence["environment"] = {"seconds": round(rest.size / SAMPLE_RATE, 2), "scene": dec.scene, "top_scene": dec.top_scene,
                                   "confidence": round(dec.confidence, 4), "emotion": dec.emotion,
                                   "head": "background" if scene.background is not None else "scene"}
        models["scene"] = scene.name
        timings["background_scene"] = time.perf_counter() - t
