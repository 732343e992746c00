"""Load any common audio file as 16 kHz mono float32.

Every failure becomes one typed ``AudioLoadError`` with a message a user can act on, so callers
(the CLI, the GUI's analysis worker) can show it instead of a traceback.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

#: the one sample rate of the app: recordings, analysis, models and training all run at 16 kHz
SAMPLE_RATE = 16_000
MIN_DURATION_S = 0.5


def resample(wave: np.ndarray, orig_sr: int, target_sr: int = SAMPLE_RATE) -> np.ndarray:
    """Mono float32 ``wave`` from ``orig_sr`` to ``target_sr``: the app's one resampler.

    soxr's HQ band-limited filter, ``ceil(n * target / orig)`` samples out (what
    ``librosa.resample(res_type="soxr_hq")`` gave, bit for bit, without importing librosa, which
    costs seconds). Non-finite input must be zeroed first (``level.finite_wave``).
    """
    wave = np.asarray(wave, dtype=np.float32).reshape(-1)
    if int(orig_sr) == int(target_sr) or wave.size == 0:
        return wave
    import soxr

    out = np.asarray(soxr.resample(wave, int(orig_sr), int(target_sr), quality="soxr_hq"), dtype=np.float32)
    n = int(np.ceil(wave.size * float(target_sr) / int(orig_sr)))
    return out[:n] if out.size >= n else np.pad(out, (0, n - out.size))


def resample_stream(orig_sr: int, target_sr: int = SAMPLE_RATE) -> Any:  # a soxr.ResampleStream
    """A stateful resampler with ``resample`` 's filter for audio that arrives in blocks (the
    recorder, long files): ``stream.resample_chunk(block, last=...)``, no seams between blocks."""
    import soxr

    return soxr.ResampleStream(int(orig_sr), int(target_sr), 1, dtype="float32", quality="HQ")


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
    path: str | Path, sample_rate: int | None = SAMPLE_RATE, min_duration_s: float = MIN_DURATION_S,
    info: dict[str, Any] | None = None,
) -> np.ndarray:
    """Return the file as mono float32 at ``sample_rate``, or raise ``AudioLoadError``.

    Non-finite samples (NaN/inf in a damaged float WAV) become zeros *before* resampling, at any
    sample rate (librosa's resampler refuses them); ``info``, when given, receives
    ``nonfinite_samples`` and ``samples`` (counted in the file) so the caller can judge the damage,
    and ``file_sample_rate``. ``sample_rate=None`` keeps the file's own rate (playback: the listener
    hears what the file holds, no resampling); ``info["file_sample_rate"]`` then says which it is.
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
    rate = sr if sample_rate is None else int(sample_rate)
    wave = resample(wave, sr, rate)
    duration = wave.size / rate
    if duration < min_duration_s:
        raise AudioLoadError(
            path,
            "too_short",
            f"only {duration:.2f} s of audio; at least {min_duration_s:.1f} s is needed",
        )
    clipped: np.ndarray = np.clip(wave, -1.0, 1.0)
    return clipped


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
    clipped: np.ndarray = np.clip(np.nan_to_num(wave), -1.0, 1.0)
    return clipped


def audio_duration_s(path: str | Path) -> float | None:
    """The file's length from its header (no decoding); ``None`` when soundfile cannot tell."""
    import soundfile as sf

    try:
        info = sf.info(str(path))
    except Exception:  # noqa: BLE001 - a format only librosa reads: the caller loads it whole
        return None
    return float(info.frames) / float(info.samplerate) if info.samplerate else None


def iter_audio_chunks(path: str | Path, chunk_s: float, sample_rate: int = SAMPLE_RATE) -> Iterator[tuple[np.ndarray, int]]:
    """Yield the file as mono float32 chunks of ``chunk_s`` seconds at ``sample_rate`` (the last may be shorter).

    WHY: a 2-hour recording decoded whole needs ~2 GB (float64 decode, resampler copies); streaming
    blocks through a stateful soxr resampler keeps memory at one chunk whatever the length, and the
    output equals a whole-file resample up to the filter's edge (no seams between chunks).
    Non-finite samples are zeroed as in ``load_audio``; ``(chunk, n_nonfinite)`` pairs are yielded.
    """
    import soundfile as sf

    from diary_app.audio.level import finite_wave

    target = max(1, int(round(chunk_s * sample_rate)))
    try:
        fh = sf.SoundFile(str(path))
    except Exception as exc:  # noqa: BLE001 - same message as load_audio
        raise AudioLoadError(path, "unreadable", f"cannot be read as audio. The decoder said: {exc}") from None
    with fh:
        stream = None if fh.samplerate == sample_rate else resample_stream(fh.samplerate, sample_rate)
        pending: list[np.ndarray] = []
        have = 0
        bad = 0
        block = max(4096, int(fh.samplerate * min(chunk_s, 10.0)))
        while True:
            data = fh.read(block, dtype="float32", always_2d=True)
            last = data.shape[0] < block
            mono, n_bad = finite_wave(data.mean(axis=1))
            bad += n_bad
            out = mono if stream is None else stream.resample_chunk(mono, last=last)
            if out.size:
                pending.append(np.asarray(out, dtype=np.float32))
                have += out.size
            while have >= target:
                joined = np.concatenate(pending)
                yield np.clip(joined[:target], -1.0, 1.0), bad
                bad = 0
                rest = joined[target:]
                pending, have = ([rest] if rest.size else []), rest.size
            if last:
                break
        if have:
            yield np.clip(np.concatenate(pending), -1.0, 1.0), bad
