"""Does a recording hold speech? webrtcvad on 30 ms frames, smoothed, checked by a second cue.

WHY two cues: webrtcvad alone calls any loud steady noise speech (engines, air conditioners,
drills, white noise all pass it in every mode; on EmoDB/URDU vs UrbanSound8K it is right only about
half the time). So webrtcvad gives the frames and a gate (enough voiced time), and a tiny logistic
regression decides whether those frames are speech. Its inputs are YAMNet's AudioSet "Speech" score
(``speech_yamnet``; optional) plus cheap voicing / prosody / spectral cues (``speech_cues``).
Both models, with and without YAMNet, are fitted by ``benchmarks/calibrate_speech_detection.py`` on
real speech (EmoDB, URDU) against real urban noise (UrbanSound8K) with speaker/recording-grouped
splits; the numbers live in ``resources/speech_detection/speech_rule.json``, so the rule is data.

Decision rule "contains speech" (per window of at most ``window_s`` = 4 s, the clip length it was
fitted on):

    p = sigmoid(w · standardise(cues) + b)
    window is speech  <=>  webrtcvad-voiced time in the window >= min_voiced_s (0.3 s)   [gate]
                           and  p >= threshold (fitted: 0.75 with YAMNet, 0.5 without)

A recording contains speech when at least one window is speech. ``frame_flags`` / ``segments`` /
``speech_ratio`` / ``voiced_s`` describe only the webrtcvad-voiced frames inside speech windows, so a
consumer that splits a recording into speech and environment parts never gets an engine as "speech";
the raw webrtcvad ratio stays in ``vad_ratio``.

Fallbacks, never failures: without the TFLite runtime (e.g. Intel macOS) the cues-only model
decides (``model == "cues_only"``, weaker: 96.7 % instead of 99.4 % on held-out groups); without a
usable rule file, webrtcvad alone decides (``model == "webrtcvad"``) and ``reason`` says why.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from diary_app.analysis.speech_cues import CUE_NAMES, FRAME_MS, compute_cues
from diary_app.analysis.speech_silero import SILERO_CUE_NAMES  # silero-vad frame-probability summaries
from diary_app.audio.loading import SAMPLE_RATE, resample
from diary_app.paths import resources_dir

RULE_PATH = resources_dir() / "speech_detection" / "speech_rule.json"  # source tree or frozen bundle


@dataclass
class SpeechDetectionConfig:
    aggressiveness: int | None = None  # webrtcvad mode 0..3; None = the calibrated one (rule file), else 2
    smoothing_frames: int | None = None  # majority filter over frame decisions (odd; 1 = off); None = calibrated
    min_speech_ratio: float = 0.2  # used only by the webrtcvad-only fallback rule
    min_voiced_s: float = 0.3
    use_second_cue: bool = True  # False = webrtcvad-only baseline (for comparison / fallback)
    use_yamnet: bool = True  # False = no YAMNet cue (also the automatic fallback without the TFLite runtime)
    use_silero: bool = True  # False = no silero-vad cue (also the automatic fallback without onnxruntime / the wheel)
    threshold: float | None = None  # speech probability threshold; None = the fitted one (and the cascade off)
    cascade: bool = True  # False = YAMNet on every open window even where silero alone is decisive
    window_s: float = 4.0  # long recordings are judged in windows of this length (like training)
    rule_path: Path | None = None  # None = the shipped rule


@dataclass
class SpeechDetection:
    contains_speech: bool
    speech_ratio: float  # speech frames / all frames (frames in speech windows only)
    voiced_s: float
    segments: list[tuple[float, float]]  # (start_s, end_s) of voiced runs
    frame_flags: np.ndarray = field(repr=False, default_factory=lambda: np.zeros(0, dtype=bool))
    cues: dict[str, float] = field(default_factory=dict)  # the numbers behind the decision
    reason: str = ""
    speech_probability: float = 0.0  # highest window probability from the rule (0..1)
    vad_ratio: float = 0.0  # raw smoothed webrtcvad ratio before the second cue
    model: str = ""  # which rule decided: "silero_yamnet", "silero", "with_yamnet", "cues_only" or "webrtcvad"


class SpeechRuleError(ValueError):
    """The rule file is missing fields or has the wrong shape."""


YAMNET_CUE_NAMES: tuple[str, ...] = ("yamnet_speech_mean", "yamnet_speech_max")  # logits of YAMNet's speech score

#: models of the rule file, best first; the detector takes the first whose cues can be computed here
MODEL_ORDER: tuple[str, ...] = ("silero_yamnet", "silero", "with_yamnet", "cues_only")


def pairwise_terms(z: np.ndarray) -> np.ndarray:
    """[1, z_i..., z_i*z_j for i <= j]: the column order of sklearn's PolynomialFeatures(degree=2)."""
    i, j = np.triu_indices(z.shape[-1])
    return np.concatenate([np.ones(z.shape[:-1] + (1,)), z, z[..., i] * z[..., j]], axis=-1)


@dataclass(frozen=True)
class SpeechModel:
    """One fitted logistic regression over named, standardised cues.

    degree 1: plain linear in the standardised cues. degree 2: also their pairwise products
    (standardised again), which lets the cues-only model express "periodic AND steady pitch"-type
    interactions; it cut the cues-only error on held-out groups from ~6 % to ~3 %.
    """

    cue_names: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    threshold: float
    degree: int = 1
    poly_mean: np.ndarray | None = None
    poly_scale: np.ndarray | None = None
    gate: str = "webrtcvad"  # or "webrtcvad_or_silero": voiced time = max(webrtcvad's, silero's)

    def logit(self, x: np.ndarray) -> np.ndarray:
        """Logits for cue vectors x of shape (..., n_cues) in ``cue_names`` order."""
        z = (np.asarray(x, dtype=np.float64) - self.mean) / self.scale
        if self.degree == 2:
            z = (pairwise_terms(z) - self.poly_mean) / self.poly_scale
        logits: np.ndarray = z @ self.coef + self.intercept
        return logits

    @property
    def needs_yamnet(self) -> bool:
        return any(n in YAMNET_CUE_NAMES for n in self.cue_names)

    @property
    def needs_silero(self) -> bool:
        return any(n in SILERO_CUE_NAMES for n in self.cue_names)

    @property
    def needs_hand_cues(self) -> bool:
        """The 13 hand-made cues (everything of ``CUE_NAMES`` but the webrtcvad ratio) cost 5-15 ms per 10 s."""
        return any(n in CUE_NAMES and n != "vad_ratio" for n in self.cue_names)

    def probability(self, cues: dict[str, float]) -> float:
        logit = float(self.logit(np.array([cues[n] for n in self.cue_names], dtype=np.float64)))
        return 1.0 / (1.0 + math.exp(-max(min(logit, 50.0), -50.0)))

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> SpeechModel:
        names = tuple(d["cue_names"])
        unknown = set(names) - set(CUE_NAMES) - set(YAMNET_CUE_NAMES) - set(SILERO_CUE_NAMES)
        if unknown:
            raise SpeechRuleError(f"rule uses cues this code does not compute: {sorted(unknown)}")
        degree = int(d.get("degree", 1))
        if degree not in (1, 2):
            raise SpeechRuleError(f"degree must be 1 or 2, not {degree}")
        mean, scale = (np.asarray(d[k], dtype=np.float64) for k in ("mean", "scale"))
        if mean.shape != (len(names),) or scale.shape != (len(names),):
            raise SpeechRuleError("mean/scale must each have one number per cue")
        n_terms = len(names) if degree == 1 else 1 + len(names) + len(names) * (len(names) + 1) // 2
        coef = np.asarray(d["coef"], dtype=np.float64)
        poly = [np.asarray(d[k], dtype=np.float64) for k in ("poly_mean", "poly_scale")] if degree == 2 else [None, None]
        if coef.shape != (n_terms,) or any(p is not None and p.shape != (n_terms,) for p in poly):
            raise SpeechRuleError(f"coef (and poly_mean/poly_scale) must have {n_terms} numbers for degree {degree}")
        gate = str(d.get("gate", "webrtcvad"))
        if gate not in ("webrtcvad", "webrtcvad_or_silero"):
            raise SpeechRuleError(f"unknown gate {gate!r}")
        return cls(names, mean, scale, coef, float(d["intercept"]), float(d["threshold"]), degree, poly[0], poly[1], gate=gate)


@dataclass(frozen=True)
class Cascade:
    """A cheap first model that decides the windows it is sure about, so the costly one runs only
    on the rest.

    WHY: YAMNet is most of the detector's cost (35-57 ms of ~80 ms per 10 s), and on nearly every
    window silero-vad alone already knows: clear speech, or noise with no voice in it. ``first``
    (webrtcvad ratio + silero cues, no YAMNet) calls a window speech at probability >= ``above``
    and not speech at <= ``below``; between the two, ``then`` (silero + YAMNet) decides. Both
    bounds are chosen by grouped CV in ``benchmarks/calibrate_speech_detection.py`` so that no
    target rate drops against ``then`` alone.
    """

    first: str
    then: str
    below: float
    above: float

    @classmethod
    def from_dict(cls, d: dict[str, Any], models: dict[str, SpeechModel]) -> Cascade:
        first, then = str(d["first"]), str(d["then"])
        if first not in models or then not in models:
            raise SpeechRuleError(f"cascade names a model the rule lacks: {first!r} / {then!r}")
        if models[first].needs_yamnet:
            raise SpeechRuleError(f"the cascade's first model {first!r} must not need YAMNet")
        below, above = float(d["below"]), float(d["above"])
        if not 0.0 <= below < above <= 1.0:
            raise SpeechRuleError(f"cascade bounds must satisfy 0 <= below < above <= 1, not {below}, {above}")
        if not below < models[then].threshold <= above:
            raise SpeechRuleError(f"cascade bounds {below}..{above} must enclose {then}'s threshold {models[then].threshold}")
        return cls(first, then, below, above)

    def decides(self, p_first: float) -> bool:
        """Is the first model sure enough to skip ``then``?"""
        return p_first <= self.below or p_first >= self.above


@dataclass(frozen=True)
class SpeechRule:
    """The shipped rule: fitted models by name (``MODEL_ORDER``), best first; ``cues_only`` must exist
    because it needs nothing beyond numpy. ``cascade``: optional shortcut in front of one model."""

    models: dict[str, SpeechModel]
    aggressiveness: int
    smoothing_frames: int
    meta: dict[str, Any]
    cascade: Cascade | None = None

    @property
    def cues_only(self) -> SpeechModel:
        return self.models["cues_only"]

    @property
    def with_yamnet(self) -> SpeechModel | None:
        return self.models.get("with_yamnet")

    def choose(self, yamnet: bool, silero: bool) -> tuple[str, SpeechModel]:
        """The best model whose cues can be computed (``yamnet`` / ``silero``: those cues are available)."""
        for name in [n for n in MODEL_ORDER if n in self.models] + [n for n in self.models if n not in MODEL_ORDER]:
            m = self.models[name]
            if (yamnet or not m.needs_yamnet) and (silero or not m.needs_silero):
                return name, m
        return "cues_only", self.cues_only

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> SpeechRule:
        try:
            models = {name: SpeechModel.from_dict(m) for name, m in d["models"].items()}
            if "cues_only" not in models:
                raise KeyError("models.cues_only")
            cascade = Cascade.from_dict(d["cascade"], models) if d.get("cascade") else None
            return cls(models, int(d["aggressiveness"]), int(d["smoothing_frames"]),
                       {k: v for k, v in d.items() if k not in ("models", "cascade")}, cascade)
        except KeyError as e:
            raise SpeechRuleError(f"rule file lacks {e}") from None


def yamnet_cues(wave16k: np.ndarray) -> dict[str, float] | None:
    """YAMNet speech-score cues (logits, clipped to +-12), or None when YAMNet cannot run."""
    from diary_app.analysis.speech_yamnet import YamnetUnavailable, speech_scores

    try:
        scores = np.clip(speech_scores(wave16k), 1e-5, 1 - 1e-5)
    except YamnetUnavailable:
        return None
    logits = np.log(scores / (1 - scores))
    return {"yamnet_speech_mean": float(np.clip(logits.mean(), -12, 12)),
            "yamnet_speech_max": float(np.clip(logits.max(), -12, 12))}


@lru_cache(maxsize=4)
def load_rule(path: Path | None = None) -> SpeechRule:
    path = Path(path or RULE_PATH)
    try:
        return SpeechRule.from_dict(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, json.JSONDecodeError) as e:
        raise SpeechRuleError(f"cannot read speech rule {path}: {e}") from None


def vad_flags(wave: np.ndarray, sample_rate: int, aggressiveness: int) -> np.ndarray:
    """Raw webrtcvad decision per 30 ms frame."""
    import webrtcvad

    vad = webrtcvad.Vad(int(aggressiveness))
    frame = sample_rate * FRAME_MS // 1000
    pcm = (np.clip(wave, -1, 1) * 32767).astype("<i2")
    n = pcm.size // frame
    return np.array([vad.is_speech(pcm[i * frame:(i + 1) * frame].tobytes(), sample_rate) for i in range(n)], dtype=bool)


def smooth(flags: np.ndarray, k: int) -> np.ndarray:
    """Majority (median) filter: removes isolated flips shorter than k/2 frames."""
    if k <= 1 or flags.size == 0:
        return flags.astype(bool)
    pad = k // 2
    padded = np.pad(flags.astype(np.int8), pad, mode="edge")
    windows = np.lib.stride_tricks.sliding_window_view(padded, k)
    majority: np.ndarray = windows.sum(axis=1) * 2 > k
    return majority


def _segments(flags: np.ndarray) -> list[tuple[float, float]]:
    segs, start = [], None
    for i, f in enumerate(flags):
        if f and start is None:
            start = i
        elif not f and start is not None:
            segs.append((start * FRAME_MS / 1000, i * FRAME_MS / 1000))
            start = None
    if start is not None:
        segs.append((start * FRAME_MS / 1000, flags.size * FRAME_MS / 1000))
    return segs


def window_bounds(n_frames: int, window_frames: int) -> list[tuple[int, int]]:
    """Frame ranges of consecutive windows; a short tail (< half a window) joins the previous one."""
    if n_frames <= window_frames * 1.5:
        return [(0, n_frames)]
    bounds = [(s, min(s + window_frames, n_frames)) for s in range(0, n_frames, window_frames)]
    if len(bounds) > 1 and bounds[-1][1] - bounds[-1][0] < window_frames // 2:
        bounds[-2] = (bounds[-2][0], bounds[-1][1])
        bounds.pop()
    return bounds


def window_cues(wave: np.ndarray, flags: np.ndarray, sample_rate: int = SAMPLE_RATE) -> dict[str, float]:
    """Cues for one window, given its smoothed VAD flags. Shared by inference and calibration."""
    return compute_cues(wave, sample_rate, float(flags.mean()) if flags.size else 0.0)


def _as_16k(wave: np.ndarray, sample_rate: int) -> np.ndarray:
    wave = np.asarray(wave, dtype=np.float32)
    if wave.ndim == 2:  # (frames, channels) or (channels, frames): mix down instead of interleaving
        wave = wave.mean(axis=1 if wave.shape[0] > wave.shape[1] else 0)
    wave = np.nan_to_num(wave.reshape(-1))
    wave = resample(wave, sample_rate, SAMPLE_RATE)
    clipped: np.ndarray = np.clip(wave, -1.0, 1.0)
    return clipped


def _threshold(model: SpeechModel, cfg: SpeechDetectionConfig) -> float:
    return model.threshold if cfg.threshold is None else float(cfg.threshold)


def detect_speech(wave: np.ndarray, sample_rate: int = SAMPLE_RATE, config: SpeechDetectionConfig | None = None) -> SpeechDetection:
    """Find speech in a mono waveform (any sample rate; judged at 16 kHz). See the module doc."""
    cfg = config or SpeechDetectionConfig()
    wave = _as_16k(wave, sample_rate)
    frame_len = SAMPLE_RATE * FRAME_MS // 1000

    rule, rule_problem = None, ""
    if cfg.use_second_cue:
        try:
            rule = load_rule(cfg.rule_path)
        except SpeechRuleError as e:
            rule_problem = str(e)
    mode = cfg.aggressiveness if cfg.aggressiveness is not None else (rule.aggressiveness if rule else 2)
    smoothing = cfg.smoothing_frames if cfg.smoothing_frames is not None else (rule.smoothing_frames if rule else 5)
    raw_flags = smooth(vad_flags(wave, SAMPLE_RATE, mode), smoothing)
    vad_ratio = float(raw_flags.mean()) if raw_flags.size else 0.0

    if rule is None:  # webrtcvad-only rule (baseline, or fallback when the rule file is unusable)
        voiced = float(raw_flags.sum() * FRAME_MS / 1000)
        contains = vad_ratio >= cfg.min_speech_ratio and voiced >= cfg.min_voiced_s
        flags = raw_flags if contains else np.zeros_like(raw_flags)
        why = f"webrtcvad only: ratio {vad_ratio:.2f} {'>=' if vad_ratio >= cfg.min_speech_ratio else '<'} {cfg.min_speech_ratio}"
        if rule_problem:
            why += f" (second cue unavailable: {rule_problem})"
        return SpeechDetection(
            contains_speech=contains, speech_ratio=vad_ratio if contains else 0.0, voiced_s=voiced if contains else 0.0,
            segments=_segments(flags), frame_flags=flags, cues={"vad_ratio": vad_ratio, "rule": 0.0}, reason=why,
            speech_probability=float(contains), vad_ratio=vad_ratio, model="webrtcvad",
        )

    from diary_app.analysis.speech_silero import (
        SileroUnavailable,
        flags_on_grid,
        frame_probabilities,
        silero_available,
        silero_cues,
        silero_window,
    )
    from diary_app.analysis.speech_yamnet import yamnet_available

    want_yamnet = cfg.use_yamnet and yamnet_available()
    silero_probs = None
    if cfg.use_silero and silero_available():
        try:
            silero_probs = frame_probabilities(wave)
        except (SileroUnavailable, RuntimeError, ValueError):  # onnxruntime failed at run time: next model
            silero_probs = None
    model_name, model = rule.choose(want_yamnet, silero_probs is not None)
    cascade = rule.cascade if (cfg.cascade and cfg.threshold is None and rule.cascade is not None
                               and rule.cascade.then == model_name and silero_probs is not None) else None
    window_frames = max(1, int(round(cfg.window_s * 1000 / FRAME_MS)))
    flags = np.zeros_like(raw_flags)
    best_p, best_cues, n_speech_windows, n_gated, n_first = 0.0, None, 0, 0, 0
    bounds = window_bounds(raw_flags.size, window_frames) if raw_flags.size else []
    silero_grid = (smooth(flags_on_grid(silero_probs, raw_flags.size, FRAME_MS), smoothing)
                   if silero_probs is not None else None)
    for a, b in bounds:
        w_flags = raw_flags[a:b]
        w_wave = wave[a * frame_len:b * frame_len]
        cues = (window_cues(w_wave, w_flags) if model.needs_hand_cues
                else {"vad_ratio": float(w_flags.mean()) if w_flags.size else 0.0})
        if silero_probs is not None:
            cues.update(silero_cues(silero_window(silero_probs, a * FRAME_MS / 1000, b * FRAME_MS / 1000)))
        gate_s = float(w_flags.sum() * FRAME_MS / 1000)
        if model.gate == "webrtcvad_or_silero" and "silero_voiced_s" in cues:
            gate_s = max(gate_s, cues["silero_voiced_s"])
        if gate_s < cfg.min_voiced_s:
            p, is_speech = 0.0, False  # gate closed: too little voice-like sound to be speech; skip the costly model
            n_gated += 1
        elif cascade is not None and cascade.decides(p_first := rule.models[cascade.first].probability(cues)):
            p, is_speech = p_first, p_first >= cascade.above  # silero alone is sure: no YAMNet for this window
            n_first += 1
        else:
            if model.needs_yamnet:
                y = yamnet_cues(w_wave)
                if y is None:  # the runtime failed after all: the best model without YAMNet for the rest of this call
                    model_name, model = rule.choose(False, silero_probs is not None)
                    cascade = None
                    if model.needs_hand_cues and len(cues) <= 1 + len(SILERO_CUE_NAMES):
                        cues.update(window_cues(w_wave, w_flags))
                else:
                    cues.update(y)
            p = model.probability(cues)
            is_speech = p >= _threshold(model, cfg) and p > 0.0
        if best_cues is None or p > best_p:
            best_p, best_cues = p, cues
        if is_speech:
            # speech frames: silero's (they hold up in noise, where webrtcvad flags the whole street), else webrtcvad's
            w_speech = silero_grid[a:b] if silero_grid is not None and silero_grid[a:b].any() else w_flags
            flags[a:b] = w_speech
            n_speech_windows += 1
    threshold = _threshold(model, cfg)
    voiced = float(flags.sum() * FRAME_MS / 1000)
    contains = n_speech_windows > 0
    cues = dict(best_cues or dict.fromkeys(CUE_NAMES, 0.0))
    cues.update({"speech_probability": best_p, "threshold": threshold, "windows": float(len(bounds)),
                 "speech_windows": float(n_speech_windows), "vad_ratio_all": vad_ratio, "rule": 1.0,
                 "windows_decided_by_silero": float(n_first)})
    by = f"{model_name}; {n_first} of {len(bounds)} window(s) decided by silero alone" if cascade is not None else model_name
    if contains:
        reason = (f"speech in {n_speech_windows}/{len(bounds)} window(s): probability {best_p:.2f} >= {threshold:.2f}, "
                  f"{voiced:.1f} s voiced ({by})")
    elif n_gated == len(bounds):
        reason = (f"no speech: webrtcvad found less than {cfg.min_voiced_s} s of voice-like sound per window "
                  f"({vad_ratio:.0%} of frames)")
    else:
        reason = (f"no speech: probability {best_p:.2f} < {threshold:.2f} ({by}; "
                  f"webrtcvad alone said {vad_ratio:.0%} of frames)")
    return SpeechDetection(
        contains_speech=contains, speech_ratio=float(flags.mean()) if flags.size else 0.0, voiced_s=voiced,
        segments=_segments(flags), frame_flags=flags, cues=cues, reason=reason,
        speech_probability=best_p, vad_ratio=vad_ratio, model=model_name,
    )
