"""Log-mel front end shared by training and inference, so both see identical features."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from diary_app.audio.loading import SAMPLE_RATE


@dataclass(frozen=True)
class LogMelConfig:
    sample_rate: int = SAMPLE_RATE
    n_fft: int = 1024
    hop_length: int = 320  # 20 ms
    n_mels: int = 64
    fmin: float = 20.0
    fmax: float = 8000.0
    # "clip": zero mean / unit variance per window (paper §3.2, the default of older cards);
    # "none": plain log-mel, for a network that normalises each mel band itself with statistics
    # learnt on the training set (keeps loudness and spectral tilt, which per-clip scaling erases).
    normalize: str = "clip"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any] | None) -> LogMelConfig:
        d = d or {}
        return cls(**{k: v for k, v in d.items() if k in cls.__dataclass_fields__})

    def frames(self, n_samples: int) -> int:
        return 1 + n_samples // self.hop_length


def log_mel(wave: np.ndarray, cfg: LogMelConfig = LogMelConfig()) -> np.ndarray:
    """(n_mels, frames) log-mel, normalised per clip to zero mean / unit variance (paper §3.2) unless ``cfg.normalize == "none"``."""
    import librosa

    mel = librosa.feature.melspectrogram(
        y=np.asarray(wave, dtype=np.float32), sr=cfg.sample_rate, n_fft=cfg.n_fft,
        hop_length=cfg.hop_length, n_mels=cfg.n_mels, fmin=cfg.fmin, fmax=cfg.fmax, power=2.0,
    )
    logmel = np.log(mel + 1e-6)
    if cfg.normalize == "none":
        return logmel.astype(np.float32)
    out: np.ndarray = ((logmel - logmel.mean()) / (logmel.std() + 1e-5)).astype(np.float32)
    return out


def fixed_windows(wave: np.ndarray, window_samples: int, hop_samples: int | None = None) -> list[tuple[int, np.ndarray]]:
    """Split into windows of exactly ``window_samples`` (the last one zero-padded).

    Returns (start_sample, window) pairs. A clip shorter than one window gives one padded window.
    """
    hop = hop_samples or window_samples
    wave = np.asarray(wave, dtype=np.float32)
    out: list[tuple[int, np.ndarray]] = []
    start = 0
    while True:
        chunk = wave[start : start + window_samples]
        if chunk.size < window_samples:
            if out and chunk.size < window_samples // 4:
                break  # a sliver at the end adds noise, not evidence
            chunk = np.pad(chunk, (0, window_samples - chunk.size))
        out.append((start, chunk))
        start += hop
        if start >= wave.size:
            break
    return out
