"""Is there anything to analyse? The "too quiet" check of issue 12.

WHY: a muted or permission-denied microphone gives digital zeros or a faint hiss, and every model
still answers something confident (five seconds of zeros were tagged ``siren`` → ``fear`` 1.00).
So before any model runs, the recording's *active level* is measured: the 95th percentile of the
30 ms frame levels, i.e. how loud the loud part of the clip is (whole-clip RMS would punish long
pauses: a quiet RAVDESS actor with silence around the sentence has −59.8 dBFS RMS but −56.5 dBFS
active level).

The floor, −65 dBFS, comes from the corpora in ``../shared/data`` (5,158 real clips, measured by
``benchmarks/level_floor.py``): the quietest real speech has an active level of −56.5 dBFS
(RAVDESS), the quietest everyday sound −53.5 dBFS at the 1st percentile; only two slices of one
fading UrbanSound8K siren recording (−65.7 and −70.8 dBFS, inaudible) fall below it. A dead
microphone's hiss at −75 dBFS and digital silence are far below it.

Non-finite samples (NaN/inf, e.g. a broken float WAV) are replaced by zeros before anything else,
so they never reach the resampler (librosa refuses them) or a model; when more than
``MAX_NONFINITE_SHARE`` of the samples were non-finite the recording is treated as unusable too.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

QUIET_FLOOR_DBFS = -65.0
MAX_NONFINITE_SHARE = 0.01
FRAME_S = 0.03
SILENCE_DBFS = -200.0  # the level reported for exact digital silence


@dataclass
class LevelCheck:
    active_dbfs: float  # 95th percentile of 30 ms frame levels
    rms_dbfs: float  # whole-clip RMS
    peak_dbfs: float
    nonfinite_share: float  # share of samples that were NaN/inf in the file
    floor_dbfs: float
    too_quiet: bool
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {k: (round(v, 2) if isinstance(v, float) else v) for k, v in asdict(self).items()}


def _db(power: float) -> float:
    return float(10 * np.log10(power)) if power > 0 else SILENCE_DBFS


def finite_wave(wave: np.ndarray) -> tuple[np.ndarray, int]:
    """(wave with NaN/inf replaced by 0 as float32, number of samples that were non-finite)."""
    wave = np.asarray(wave, dtype=np.float32)
    bad = ~np.isfinite(wave)
    n_bad = int(bad.sum())
    if n_bad:
        wave = np.where(bad, np.float32(0.0), wave)
    return wave, n_bad


def check_level(wave: np.ndarray, sample_rate: int, nonfinite_samples: int = 0, total_samples: int | None = None,
                floor_dbfs: float = QUIET_FLOOR_DBFS) -> LevelCheck:
    """Measure ``wave`` (finite, mono) and decide whether it is too quiet to analyse."""
    wave, extra_bad = finite_wave(np.asarray(wave).reshape(-1))
    nonfinite_samples += extra_bad
    total = total_samples if total_samples is not None else wave.size
    share = nonfinite_samples / total if total else 0.0
    x = wave.astype(np.float64)
    frame = max(1, int(sample_rate * FRAME_S))
    n = x.size // frame
    if n:
        levels = (x[: n * frame].reshape(n, frame) ** 2).mean(axis=1)
        active = _db(float(np.percentile(levels, 95)))
    else:
        active = _db(float((x ** 2).mean()) if x.size else 0.0)
    rms = _db(float((x ** 2).mean()) if x.size else 0.0)
    peak = float(20 * np.log10(np.abs(x).max())) if x.size and np.abs(x).max() > 0 else SILENCE_DBFS
    if share > MAX_NONFINITE_SHARE:
        reason = (f"{share:.0%} of the samples are not numbers (NaN/inf): the file is damaged, "
                  "so there is no usable sound")
        quiet = True
    elif peak <= SILENCE_DBFS:
        reason = "digital silence: every sample is zero (a muted or blocked microphone)"
        quiet = True
    elif active < floor_dbfs:
        reason = (f"level {active:.0f} dBFS is below the {floor_dbfs:.0f} dBFS floor "
                  "(a muted or dead microphone, or nothing audible)")
        quiet = True
    else:
        reason = f"level {active:.0f} dBFS (floor {floor_dbfs:.0f} dBFS)"
        quiet = False
    return LevelCheck(active_dbfs=active, rms_dbfs=rms, peak_dbfs=peak, nonfinite_share=float(share),
                      floor_dbfs=floor_dbfs, too_quiet=quiet, reason=reason)


def live_level_dbfs(rms: float) -> float:
    """The record page's meter value in dBFS for a block RMS (same scale as ``active_dbfs``)."""
    return float(20 * np.log10(rms)) if rms > 0 else SILENCE_DBFS
