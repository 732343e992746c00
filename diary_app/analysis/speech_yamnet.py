"""YAMNet's AudioSet "Speech" score as a speech cue (optional; Apache-2.0 weights, 4 MB TFLite).

WHY: YAMNet was trained on AudioSet's 521 classes, engines, drills, air conditioners, dogs and
sirens among them, so its "Speech" output already knows what speech is *not*. It runs on fixed
0.975 s patches (15,600 samples at 16 kHz, ~1 ms each on one CPU core), so a 10 s recording
costs ~20 ms with half-overlapping patches.

It is optional: the runtime (``ai-edge-litert``) has no wheel for Intel macOS and may be missing
in a stripped install. ``yamnet_available()`` says whether it can run; callers then fall back to
the hand-made cues of ``speech_cues``. Weights: ``resources/speech_detection/yamnet/`` (see the
README there for provenance and licence).
"""

from __future__ import annotations

import threading
from functools import lru_cache
from pathlib import Path

import numpy as np

from diary_app.paths import resources_dir

MODEL_PATH = resources_dir() / "speech_detection" / "yamnet" / "yamnet.tflite"  # source tree or frozen bundle
PATCH_SAMPLES = 15_600  # fixed input of this export (0.975 s at 16 kHz)
HOP_SAMPLES = 7_800
SPEECH_CLASSES = (0, 1, 2, 3)  # Speech, Child speech, Conversation, Narration/monologue
_LOCK = threading.Lock()  # a TFLite interpreter is not thread-safe; the GUI may call from workers


class YamnetUnavailable(RuntimeError):
    """The TFLite runtime or the weights are missing; use the fallback cues."""


@lru_cache(maxsize=1)
def _interpreter(path: str = str(MODEL_PATH)):
    if not Path(path).is_file():
        raise YamnetUnavailable(f"YAMNet weights not found at {path}")
    try:
        from ai_edge_litert.interpreter import Interpreter
    except ImportError:
        try:
            from tflite_runtime.interpreter import Interpreter  # type: ignore[no-redef]
        except ImportError:
            raise YamnetUnavailable("no TFLite runtime (pip install ai-edge-litert)") from None
    interp = Interpreter(model_path=path, num_threads=1)
    interp.allocate_tensors()
    inp = interp.get_input_details()[0]
    if tuple(inp["shape"]) != (1, PATCH_SAMPLES):
        raise YamnetUnavailable(f"unexpected YAMNet input shape {tuple(inp['shape'])}")
    scores = next(o for o in interp.get_output_details() if tuple(o["shape"]) == (1, 521))
    return interp, inp["index"], scores["index"]


def yamnet_available() -> bool:
    try:
        _interpreter()
        return True
    except (YamnetUnavailable, OSError, ValueError, RuntimeError):
        return False


def patch_starts(n_samples: int) -> list[int]:
    if n_samples <= PATCH_SAMPLES:
        return [0]
    starts = list(range(0, n_samples - PATCH_SAMPLES + 1, HOP_SAMPLES))
    if starts[-1] + PATCH_SAMPLES < n_samples:  # cover the tail too
        starts.append(n_samples - PATCH_SAMPLES)
    return starts


def speech_scores(wave16k: np.ndarray) -> np.ndarray:
    """Per-patch speech score (max over the speech classes), one per half-overlapping patch.

    Raises ``YamnetUnavailable`` when the model cannot run.
    """
    interp, in_idx, out_idx = _interpreter()
    wave = np.asarray(wave16k, dtype=np.float32).reshape(-1)
    out = []
    with _LOCK:
        for s in patch_starts(wave.size):
            patch = np.zeros(PATCH_SAMPLES, dtype=np.float32)
            chunk = wave[s:s + PATCH_SAMPLES]
            patch[:chunk.size] = chunk
            interp.set_tensor(in_idx, patch[None])
            interp.invoke()
            out.append(float(interp.get_tensor(out_idx)[0, list(SPEECH_CLASSES)].max()))
    return np.array(out)
