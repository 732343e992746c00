"""Load any common audio file as 16 kHz mono float32.

Every failure becomes one typed ``AudioLoadError`` with a message a user can act on, so callers
(the CLI, the GUI's analysis worker) can show it instead of a traceback.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np

SAMPLE_RATE = 16_000
MIN_DURATION_S = 0.5


class AudioLoadError(ValueError):
    """The file cannot be used as audio. ``reason`` is a short machine-readable code."""

    def __init__(self, path: str | Path, reason: str, message: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{path}: {message}")


def _decode(path: Path) -> tuple[np.ndarray, int]:
    import soundfile as sf

    try:
        data, sr = sf.read(str(path), dtype="float32", always_2d=True)
        return data.mean(axis=1), int(sr)
    except Exception as sf_error:  # soundfile cannot read mp3 on old libsndfile, m4a, ...
        try:
            import librosa

            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                data, sr = librosa.load(str(path), sr=None, mono=True)
            return np.asarray(data, dtype=np.float32), int(sr)
        except Exception:
            raise AudioLoadError(
                path,
                "unreadable",
                "cannot be read as audio (supported: wav, flac, ogg, mp3). "
                f"The decoder said: {sf_error}",
            ) from None


def load_audio(
    path: str | Path, sample_rate: int = SAMPLE_RATE, min_duration_s: float = MIN_DURATION_S,
    info: dict | None = None,
) -> np.ndarray:
    """Return the file as mono float32 at ``sample_rate``, or raise ``AudioLoadError``.

    Non-finite samples (NaN/inf in a damaged float WAV) become zeros *before* resampling, at any
    sample rate (librosa's resampler refuses them); ``info``, when given, receives
    ``nonfinite_samples`` and ``samples`` (counted in the file) so the caller can judge the damage.
    """
    path = Path(path)
    if not path.exists():
        raise AudioLoadError(path, "missing", "file not found")
    if path.is_dir():
        raise AudioLoadError(path, "unreadable", "is a folder, not an audio file")
    if path.stat().st_size == 0:
        raise AudioLoadError(path, "empty", "the file is empty (0 bytes); record again")
    wave, sr = _decode(path)
    if wave.size == 0:
        raise AudioLoadError(path, "empty", "the file holds no audio samples; record again")
    from diary_app.audio.level import finite_wave

    wave, n_bad = finite_wave(wave)
    if info is not None:
        info.update(nonfinite_samples=n_bad, samples=int(wave.size), file_sample_rate=int(sr))
    if sr != sample_rate:
        import librosa

        wave = librosa.resample(wave, orig_sr=sr, target_sr=sample_rate, res_type="soxr_hq")
    wave = np.asarray(wave, dtype=np.float32)
    duration = wave.size / sample_rate
    if duration < min_duration_s:
        raise AudioLoadError(
            path,
            "too_short",
            f"only {duration:.2f} s of audio; at least {min_duration_s:.1f} s is needed",
        )
    return np.clip(wave, -1.0, 1.0)


def check_waveform(wave: np.ndarray, sample_rate: int = SAMPLE_RATE, name: str = "<audio>") -> np.ndarray:
    """Validate an in-memory waveform with the same rules as ``load_audio``."""
    wave = np.asarray(wave, dtype=np.float32).reshape(-1)
    if wave.size == 0:
        raise AudioLoadError(name, "empty", "no audio samples")
    if wave.size / sample_rate < MIN_DURATION_S:
        raise AudioLoadError(
            name, "too_short",
            f"only {wave.size / sample_rate:.2f} s of audio; at least {MIN_DURATION_S:.1f} s is needed",
        )
    return np.clip(np.nan_to_num(wave), -1.0, 1.0)
