"""Augmentation for small audio datasets.

Waveform-level changes (crop/shift, speed) happen before the log-mel so the model still sees
exactly the inference front end; SpecAugment and mixup act on the batch of log-mels. With a few
hundred clips per corpus these are what keep a CNN from memorising the speakers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class AugmentConfig:
    shift: bool = True  # place a short clip at a random offset inside the window
    speed: float = 0.0  # max relative speed change, e.g. 0.1 = 0.9x..1.1x (pitch moves with it)
    freq_masks: int = 0
    freq_mask_width: int = 8
    time_masks: int = 0
    time_mask_width: int = 20
    mixup_alpha: float = 0.0
    noise_snr_db: tuple[float, float] | None = None  # add white noise at a random SNR in this range

    @classmethod
    def none(cls) -> AugmentConfig:
        return cls(shift=False)


def speed_change(wave: np.ndarray, factor: float) -> np.ndarray:
    """Resample by linear interpolation: cheap enough to run per clip per epoch on CPU."""
    if abs(factor - 1.0) < 1e-3:
        return wave
    n_out = max(1, int(round(wave.size / factor)))
    x_new = np.linspace(0, wave.size - 1, n_out, dtype=np.float64)
    return np.interp(x_new, np.arange(wave.size), wave).astype(np.float32)


def training_window(wave: np.ndarray, window_samples: int, rng: np.random.Generator, aug: AugmentConfig) -> np.ndarray:
    """One training window: random crop of a long clip, (shifted) zero padding of a short one."""
    if aug.speed > 0:
        wave = speed_change(wave, float(rng.uniform(1 - aug.speed, 1 + aug.speed)))
    if wave.size > window_samples:
        start = int(rng.integers(0, wave.size - window_samples + 1))
        out = wave[start : start + window_samples].copy()
    else:
        out = np.zeros(window_samples, dtype=np.float32)
        room = window_samples - wave.size
        # inference pads at the end; shifting only in half the cases keeps that layout common
        offset = int(rng.integers(0, room + 1)) if (aug.shift and room > 0 and rng.random() < 0.5) else 0
        out[offset : offset + wave.size] = wave
    if aug.noise_snr_db is not None:
        power = float(np.mean(out**2)) + 1e-10
        snr = rng.uniform(*aug.noise_snr_db)
        out = out + rng.standard_normal(out.size).astype(np.float32) * np.sqrt(power / 10 ** (snr / 10))
    return out.astype(np.float32)


def spec_augment(batch, aug: AugmentConfig, rng: np.random.Generator):
    """Zero (= the per-clip mean after normalisation) random mel bands and time spans in place."""
    n_mels, frames = batch.shape[-2], batch.shape[-1]
    for i in range(batch.shape[0]):
        for _ in range(aug.freq_masks):
            w = int(rng.integers(0, aug.freq_mask_width + 1))
            f0 = int(rng.integers(0, max(1, n_mels - w)))
            batch[i, ..., f0 : f0 + w, :] = 0.0
        for _ in range(aug.time_masks):
            w = int(rng.integers(0, aug.time_mask_width + 1))
            t0 = int(rng.integers(0, max(1, frames - w)))
            batch[i, ..., :, t0 : t0 + w] = 0.0
    return batch
