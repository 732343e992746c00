"""silero-vad (MIT; the ``silero-vad`` wheel ships its ONNX weights) as a speech cue that holds up in noise.

WHY: webrtcvad is a GMM on band energies, so it calls any loud steady noise speech and cannot tell a
voice *inside* street noise from the street; YAMNet's "Speech" score is a clip-level tag that drops
when noise dominates. silero-vad is a small network trained for exactly this (voice in noise, per
32 ms frame): on held-out speech mixed over held-out UrbanSound8K noise it finds nearly every
mixture down to 5 dB SNR (docs/notes/issue-12.md).

Cost: the wheel's *sequence* export (``silero_vad_16k_sequence.onnx``) runs a whole recording in
one ONNX call per 16 s block and gives bit-exact the same per-frame probabilities as the
streaming ``silero_vad.onnx`` (checked here: max |difference| 0.0), at a quarter of the CPU time
(~25 ms instead of ~100 ms per 10 s on one core), because the streaming model needs one Python call
per 32 ms frame. No torch: the file is found through ``importlib`` without importing the package
(whose ``__init__`` imports torch).

Optional like YAMNet: without onnxruntime or the wheel ``silero_available()`` is False and the
detector falls back to the models fitted without this cue.
"""

from __future__ import annotations

import importlib.util
import threading
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from diary_app.audio.loading import SAMPLE_RATE

FRAME_SAMPLES = 512  # 32 ms at 16 kHz
CONTEXT_SAMPLES = 64  # the streaming model's carried context, prepended to every frame
FRAME_S = FRAME_SAMPLES / SAMPLE_RATE
MAX_FRAMES = 512  # frames per ONNX call (~16 s); bounds the transient memory of one call
SEQUENCE_MODEL = "silero_vad_16k_sequence.onnx"
STREAMING_MODEL = "silero_vad.onnx"
SPEECH_PROB = 0.5  # silero's own default threshold for a speech frame
_LOCK = threading.Lock()

#: the clip-level cues this module adds to the rule's inputs (see ``silero_cues``)
SILERO_CUE_NAMES: tuple[str, ...] = ("silero_voiced_s", "silero_ratio", "silero_mean_logit", "silero_p90_logit",
                                     "silero_max_logit")


class SileroUnavailable(RuntimeError):
    """onnxruntime or the silero-vad weights are missing."""


def model_dir() -> Path | None:
    """The wheel's ``silero_vad/data`` folder, found without importing the package (it imports torch);
    in the frozen app, the copy ``build.spec`` puts at ``<bundle>/silero_vad/data``."""
    import sys

    if getattr(sys, "frozen", False):
        from diary_app.paths import project_root

        return project_root() / "silero_vad" / "data"
    try:
        spec = importlib.util.find_spec("silero_vad")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0]) / "data"


@lru_cache(maxsize=1)
def _session() -> Any:
    folder = model_dir()
    path = folder / SEQUENCE_MODEL if folder else None
    if path is None or not path.is_file():
        raise SileroUnavailable(f"silero-vad weights not found (pip install silero-vad; looked for {path})")
    try:
        import onnxruntime as ort
    except ImportError:
        raise SileroUnavailable("onnxruntime is not installed") from None
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1  # one recording at a time; the GUI has other work for the second core
    opts.inter_op_num_threads = 1
    return ort.InferenceSession(str(path), sess_options=opts, providers=["CPUExecutionProvider"])


def silero_available() -> bool:
    try:
        _session()
        return True
    except (SileroUnavailable, OSError, RuntimeError, ValueError):
        return False


def frame_probabilities(wave16k: np.ndarray) -> np.ndarray:
    """Speech probability of every 32 ms frame (the tail is zero-padded to a frame)."""
    sess = _session()
    wave = np.ascontiguousarray(wave16k, dtype=np.float32).reshape(-1)
    n = (wave.size + FRAME_SAMPLES - 1) // FRAME_SAMPLES
    if n == 0:
        return np.zeros(0, dtype=np.float32)
    h = np.zeros((1, 1, 128), np.float32)
    c = np.zeros((1, 1, 128), np.float32)
    prev = np.zeros(CONTEXT_SAMPLES, np.float32)
    out = []
    with _LOCK:
        for first in range(0, n, MAX_FRAMES):
            k = min(MAX_FRAMES, n - first)
            frames = np.zeros((k, FRAME_SAMPLES), np.float32)
            chunk = wave[first * FRAME_SAMPLES:(first + k) * FRAME_SAMPLES]
            frames.reshape(-1)[:chunk.size] = chunk
            ctx = np.empty((k, CONTEXT_SAMPLES), np.float32)
            ctx[0] = prev
            ctx[1:] = frames[:-1, -CONTEXT_SAMPLES:]
            prev = frames[-1, -CONTEXT_SAMPLES:].copy()
            p, h, c = sess.run(["speech_probs", "hn", "cn"], {"input": np.concatenate([ctx, frames], 1), "h": h, "c": c})
            out.append(np.asarray(p, np.float32).reshape(-1))
    return np.concatenate(out)


def _logit(p: float) -> float:
    p = min(max(float(p), 1e-4), 1 - 1e-4)
    return float(np.log(p / (1 - p)))


def silero_cues(probs: np.ndarray) -> dict[str, float]:
    """Clip-level summaries of the frame probabilities (logits clipped to +-9.2)."""
    if probs.size == 0:
        return {"silero_voiced_s": 0.0, "silero_ratio": 0.0, "silero_mean_logit": _logit(0),
                "silero_p90_logit": _logit(0), "silero_max_logit": _logit(0)}
    speech = probs >= SPEECH_PROB
    return {"silero_voiced_s": float(speech.sum() * FRAME_S), "silero_ratio": float(speech.mean()),
            "silero_mean_logit": _logit(probs.mean()), "silero_p90_logit": _logit(np.percentile(probs, 90)),
            "silero_max_logit": _logit(probs.max())}


def flags_on_grid(probs: np.ndarray, n_frames: int, frame_ms: int) -> np.ndarray:
    """silero's 32 ms speech frames resampled onto another frame grid (webrtcvad's 30 ms)."""
    if n_frames == 0 or probs.size == 0:
        return np.zeros(n_frames, dtype=bool)
    centres = (np.arange(n_frames) + 0.5) * frame_ms / 1000.0
    idx = np.minimum((centres / FRAME_S).astype(int), probs.size - 1)
    flags: np.ndarray = probs[idx] >= SPEECH_PROB
    return flags


def silero_window(probs: np.ndarray, start_s: float, end_s: float) -> np.ndarray:
    """The frame probabilities of one analysis window (seconds)."""
    return probs[int(start_s / FRAME_S):max(int(start_s / FRAME_S) + 1, int(np.ceil(end_s / FRAME_S)))]
