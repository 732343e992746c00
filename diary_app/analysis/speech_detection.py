"""Does a recording hold speech? webrtcvad on 30 ms frames, smoothed.

First version: webrtcvad only (known to call loud steady noise speech; a second cue follows).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

FRAME_MS = 30


@dataclass
class SpeechDetectionConfig:
    aggressiveness: int = 2  # webrtcvad mode 0..3
    smoothing_frames: int = 5  # median filter length over frame decisions
    min_speech_ratio: float = 0.2
    min_voiced_s: float = 0.3


@dataclass
class SpeechDetection:
    contains_speech: bool
    speech_ratio: float  # voiced frames / all frames after smoothing
    voiced_s: float
    segments: list[tuple[float, float]]  # (start_s, end_s) of voiced runs
    frame_flags: np.ndarray = field(repr=False, default_factory=lambda: np.zeros(0, dtype=bool))
    cues: dict[str, float] = field(default_factory=dict)  # the numbers behind the decision
    reason: str = ""


def _vad_flags(wave: np.ndarray, sample_rate: int, aggressiveness: int) -> np.ndarray:
    import webrtcvad

    vad = webrtcvad.Vad(aggressiveness)
    frame = sample_rate * FRAME_MS // 1000
    pcm = (np.clip(wave, -1, 1) * 32767).astype("<i2")
    n = pcm.size // frame
    return np.array([vad.is_speech(pcm[i * frame:(i + 1) * frame].tobytes(), sample_rate) for i in range(n)], dtype=bool)


def _smooth(flags: np.ndarray, k: int) -> np.ndarray:
    if k <= 1 or flags.size == 0:
        return flags
    pad = k // 2
    padded = np.pad(flags.astype(np.int8), pad, mode="edge")
    windows = np.lib.stride_tricks.sliding_window_view(padded, k)
    return windows.sum(axis=1) * 2 > k


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


def detect_speech(wave: np.ndarray, sample_rate: int = 16_000, config: SpeechDetectionConfig | None = None) -> SpeechDetection:
    cfg = config or SpeechDetectionConfig()
    flags = _smooth(_vad_flags(wave, sample_rate, cfg.aggressiveness), cfg.smoothing_frames)
    ratio = float(flags.mean()) if flags.size else 0.0
    voiced = float(flags.sum() * FRAME_MS / 1000)
    contains = ratio >= cfg.min_speech_ratio and voiced >= cfg.min_voiced_s
    return SpeechDetection(
        contains_speech=contains, speech_ratio=ratio, voiced_s=voiced, segments=_segments(flags),
        frame_flags=flags, cues={"vad_ratio": ratio},
        reason=f"webrtcvad ratio {ratio:.2f} {'>=' if contains else '<'} {cfg.min_speech_ratio}",
    )
