"""YAMNet (optional; Apache-2.0 weights, 4 MB TFLite): the "Speech" score as a speech cue, and its
1024-d patch embeddings as the front end of the default environment model.

WHY: YAMNet was trained on AudioSet's 521 classes, engines, drills, air conditioners, dogs and
sirens among them, so its "Speech" output already knows what speech is *not*, and the embedding
before its output layer separates urban sound events far better than a small CNN trained on our
~800 clips can (0.79 vs 0.59 on held-out recordings, docs/notes/issue-3-scene-yamnet.md). It runs on fixed
0.975 s patches (15,600 samples at 16 kHz, ~1 ms each on one CPU core), so a 10 s recording
costs ~20 ms with half-overlapping patches.

It is optional: the runtime (``ai-edge-litert``) has no wheel for Intel macOS and may be missing
in a stripped install. ``yamnet_available()`` says whether it can run; callers then fall back to
the hand-made cues of ``speech_cues``. Weights: ``resources/speech_detection/yamnet/`` (see the
README there for provenance and licence).
"""

from __future__ import annotations

import os
import threading
import warnings
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from diary_app.paths import resources_dir

MODEL_PATH = resources_dir() / "speech_detection" / "yamnet" / "yamnet.tflite"  # source tree or frozen bundle
PATCH_SAMPLES = 15_600  # fixed input of this export (0.975 s at 16 kHz)
HOP_SAMPLES = 7_800
SPEECH_CLASSES = (0, 1, 2, 3)  # Speech, Child speech, Conversation, Narration/monologue
#: the global-average-pooled MobileNet output (1024 values) that feeds the 521-class layer; this
#: export does not expose it as an output, so the interpreter keeps intermediate tensors
EMBEDDING_TENSOR = "yamnet_frames/global_average_pooling2d/Mean"
EMBEDDING_SIZE = 1024
#: the 10th depthwise-separable block's output (6 x 4 x 512 per patch), averaged over time and frequency: a
#: mid-level description (textures, rhythms) that the 1024-d embedding has already abstracted away; its mean
#: and std over the patches raised recording-grouped CV on UrbanSound8K + ESC-10 from 0.775 to 0.792
LAYER10_TENSOR = "yamnet_frames/layer10/pointwise_conv/relu/Relu"
LAYER10_SIZE = 512
#: statistics a feature-scene card may name, in the order they are concatenated
STATISTICS = ("mean", "max", "std", "layer10_mean", "layer10_std")
_LOCK = threading.Lock()  # a TFLite interpreter is not thread-safe; the GUI may call from workers


class YamnetUnavailable(RuntimeError):
    """The TFLite runtime or the weights are missing; use the fallback cues."""


YAMNET_THREADS = max(1, min(2, os.cpu_count() or 1))


@lru_cache(maxsize=1)
def _interpreter(path: str | None = None) -> tuple[Any, int, int]:
    path = path or str(MODEL_PATH)
    if not Path(path).is_file():
        raise YamnetUnavailable(f"YAMNet weights not found at {path}")
    try:
        from ai_edge_litert.interpreter import Interpreter
    except ImportError:
        try:
            from tflite_runtime.interpreter import Interpreter
        except ImportError:
            raise YamnetUnavailable("no TFLite runtime (pip install ai-edge-litert)") from None
    # preserve_all_tensors keeps the embedding readable after invoke(); it costs ~0.1 ms per patch
    with warnings.catch_warnings():  # "intended for debugging": we need one intermediate tensor, not a debugger
        warnings.simplefilter("ignore", UserWarning)
        # two threads: 2.8 -> 1.7 ms per patch on the 2-core machine (the analysis runs in its own process,
        # one recording at a time; speech detection runs YAMNet on every window, so this is most of its cost)
        interp = Interpreter(model_path=path, num_threads=YAMNET_THREADS, experimental_preserve_all_tensors=True)
    interp.allocate_tensors()
    inp = interp.get_input_details()[0]
    if tuple(inp["shape"]) != (1, PATCH_SAMPLES):
        raise YamnetUnavailable(f"unexpected YAMNet input shape {tuple(inp['shape'])}")
    scores = next(o for o in interp.get_output_details() if tuple(o["shape"]) == (1, 521))
    return interp, inp["index"], scores["index"]


@lru_cache(maxsize=1)
def _embedding_index() -> int:
    interp = _interpreter()[0]
    for t in interp.get_tensor_details():
        if t["name"] == EMBEDDING_TENSOR and tuple(t["shape"]) == (1, EMBEDDING_SIZE):
            return int(t["index"])
    raise YamnetUnavailable(f"this YAMNet export has no {EMBEDDING_TENSOR!r} tensor of {EMBEDDING_SIZE} values")


@lru_cache(maxsize=1)
def _layer10_index() -> int:
    interp = _interpreter()[0]
    for t in interp.get_tensor_details():
        if t["name"].split(";")[0] == LAYER10_TENSOR and tuple(t["shape"])[-1] == LAYER10_SIZE:
            return int(t["index"])
    raise YamnetUnavailable(f"this YAMNet export has no {LAYER10_TENSOR!r} tensor")


def yamnet_available() -> bool:
    try:
        _interpreter()
        return True
    except (YamnetUnavailable, OSError, ValueError, RuntimeError):
        return False


def yamnet_installed() -> bool:
    """The runtime and the weights are there, checked without loading anything (cheap enough for
    the GUI thread, which asks when it lists the active models); ``yamnet_available`` really loads."""
    import importlib.util

    has_runtime = any(importlib.util.find_spec(m) is not None for m in ("ai_edge_litert", "tflite_runtime"))
    return has_runtime and Path(MODEL_PATH).is_file()


def patch_starts(n_samples: int) -> list[int]:
    if n_samples <= PATCH_SAMPLES:
        return [0]
    starts = list(range(0, n_samples - PATCH_SAMPLES + 1, HOP_SAMPLES))
    if starts[-1] + PATCH_SAMPLES < n_samples:  # cover the tail too
        starts.append(n_samples - PATCH_SAMPLES)
    return starts


def run_patches(wave16k: np.ndarray, embeddings: bool = False, layer10: list[Any] | None = None) -> tuple[np.ndarray, np.ndarray | None]:
    """Class scores (n_patches, 521) and, when asked, embeddings (n_patches, 1024) of every
    half-overlapping patch (a clip shorter than a patch is zero-padded to one). ``layer10``, when a
    list, receives each patch's pooled layer-10 output (512 values).

    Raises ``YamnetUnavailable`` when the model cannot run.
    """
    interp, in_idx, out_idx = _interpreter()
    emb_idx = _embedding_index() if embeddings else None
    l10_idx = _layer10_index() if layer10 is not None else None
    wave = np.asarray(wave16k, dtype=np.float32).reshape(-1)
    scores, embs = [], []
    with _LOCK:
        for s in patch_starts(wave.size):
            patch = np.zeros(PATCH_SAMPLES, dtype=np.float32)
            chunk = wave[s:s + PATCH_SAMPLES]
            patch[:chunk.size] = chunk
            interp.set_tensor(in_idx, patch[None])
            interp.invoke()
            scores.append(interp.get_tensor(out_idx)[0].copy())
            if emb_idx is not None:
                embs.append(interp.get_tensor(emb_idx)[0].copy())
            if l10_idx is not None and layer10 is not None:
                a = interp.get_tensor(l10_idx)
                layer10.append(a.reshape(-1, a.shape[-1]).mean(axis=0))
    return np.array(scores), (np.array(embs) if emb_idx is not None else None)


def speech_scores(wave16k: np.ndarray) -> np.ndarray:
    """Per-patch speech score (max over the speech classes), one per half-overlapping patch."""
    scores, _ = run_patches(wave16k)
    speech: np.ndarray = scores[:, list(SPEECH_CLASSES)].max(axis=1).astype(np.float64)
    return speech


def embedding_statistics(wave16k: np.ndarray, statistics: tuple[str, ...] | list[str] = ("mean", "max", "std")) -> np.ndarray:
    """One vector per clip: the named statistics over its patches, concatenated in ``statistics`` order
    (``mean``/``max``/``std`` of the 1024-d embeddings; ``layer10_mean``/``layer10_std`` of the pooled
    512-d layer-10 output).

    WHY these: the mean says what the clip mostly sounds like, the max keeps short events (a horn,
    a bark) that the mean dilutes, and the spread tells steady sounds (an air conditioner, an idling
    engine) from intermittent ones; together they beat the mean alone (0.79 vs 0.75 on held-out
    recordings). The layer-10 statistics add mid-level texture (rain vs. fire crackling vs. sea).
    """
    unknown = [s for s in statistics if s not in STATISTICS]
    if unknown:
        raise ValueError(f"unknown YAMNet statistics {unknown} (known: {', '.join(STATISTICS)})")
    l10: list[Any] | None = [] if any(s.startswith("layer10_") for s in statistics) else None
    _, emb = run_patches(wave16k, embeddings=True, layer10=l10)
    assert emb is not None
    l10a = np.array(l10) if l10 is not None else np.zeros((0, 0), np.float32)  # only read when asked for
    parts = {"mean": lambda: emb.mean(axis=0), "max": lambda: emb.max(axis=0), "std": lambda: emb.std(axis=0),
             "layer10_mean": lambda: l10a.mean(axis=0), "layer10_std": lambda: l10a.std(axis=0)}
    return np.concatenate([parts[s]() for s in statistics]).astype(np.float32)
