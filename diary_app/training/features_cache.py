"""Decoded-audio cache for training runs.

Decoding FLAC and resampling to 16 kHz dominates the first epoch; repeated training runs (and the
tests) reuse the decoded waveform from a cache folder outside the repository (default
``$TMPDIR/sound_diary_cache``). Log-mels are *not* cached for training windows because the
augmentation changes the waveform every epoch.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

import numpy as np

from diary_app.analysis.features import LogMelConfig, fixed_windows, log_mel
from diary_app.audio.loading import SAMPLE_RATE, load_audio
from diary_app.fsutil import atomic_write


def default_cache_dir() -> Path:
    return Path(os.environ.get("SOUND_DIARY_TRAIN_CACHE", Path(tempfile.gettempdir()) / "sound_diary_cache"))


def _key(path: Path, sample_rate: int) -> str:
    st = path.stat()
    raw = f"{path.resolve()}|{st.st_size}|{st.st_mtime_ns}|{sample_rate}"
    return hashlib.sha1(raw.encode()).hexdigest()


def load_wave_cached(path: Path, sample_rate: int = SAMPLE_RATE, cache_dir: Path | None = None) -> np.ndarray:
    cache_dir = cache_dir or default_cache_dir()
    f = cache_dir / "waves" / f"{_key(path, sample_rate)}.npy"
    if f.is_file():
        try:
            return np.load(f)
        except Exception:
            pass  # a half-written cache file: decode again
    wave = load_audio(path, sample_rate=sample_rate, min_duration_s=0.0)
    f.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(f, lambda fh: np.save(fh, wave), fsync=False)  # a cache: a lost entry is decoded again
    return wave


def clip_window_features(wave: np.ndarray, cfg: LogMelConfig, window_s: float) -> np.ndarray:
    """(n_windows, n_mels, frames): exactly what the inference loader feeds the network."""
    win = int(round(window_s * cfg.sample_rate))
    return np.stack([log_mel(chunk, cfg) for _, chunk in fixed_windows(wave, win)])
