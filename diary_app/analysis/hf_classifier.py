"""Speech emotion with any Hugging Face audio-classification checkpoint (WavLM, wav2vec2, HuBERT).

``AutoFeatureExtractor`` + ``AutoModelForAudioClassification`` load the paper's
``WavLMForSequenceClassification`` and its cousins alike. The recording is cut into windows of
equal length of at most 4 s (the paper's input length), so the windows need no padding and run
as one batch. When the model folder holds an exported ``model.onnx`` (see ``onnx_export``), ONNX
Runtime runs it instead of PyTorch on CPU because it is faster there.
"""

from __future__ import annotations

import logging
import math
import os
import time
from pathlib import Path
from typing import Any

import numpy as np

from diary_app.analysis.classifier import ClassifierBase, ModelNotAvailable, not_available_message, pick_device
from diary_app.analysis.model_card import KIND_HF_SER, ModelCard
from diary_app.analysis.result import WindowResult
from diary_app.audio.loading import SAMPLE_RATE

log = logging.getLogger(__name__)

MAX_WINDOW_S = 4.0
ONNX_FILE = "model.onnx"
#: set to 1 to ignore an exported model.onnx (for comparisons)
NO_ONNX_ENV = "SOUND_DIARY_NO_ONNX"


def _offline() -> bool:
    return any(os.environ.get(v, "").strip().lower() in ("1", "true", "yes", "on") for v in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"))


def equal_windows(n_samples: int, sample_rate: int, max_window_s: float = MAX_WINDOW_S) -> list[tuple[int, int]]:
    """(start, end) sample spans of equal length (±1 sample), each at most ``max_window_s``.

    Equal lengths mean a batch needs no padding, so the result does not depend on how windows are
    batched, and no window is a mostly-empty tail.
    """
    max_len = max(1, int(round(max_window_s * sample_rate)))
    n = max(1, math.ceil(n_samples / max_len))
    bounds = np.linspace(0, n_samples, n + 1).round().astype(int)
    return [(int(bounds[i]), int(bounds[i + 1])) for i in range(n)]


class HFAudioClassifier(ClassifierBase):
    def __init__(self, model_dir_or_id: str | Path, device: str | None = None, card: ModelCard | None = None,
                 batch_size: int = 8, use_onnx: bool | None = None) -> None:
        self.ref = str(model_dir_or_id)
        self.path = Path(self.ref) if Path(self.ref).is_dir() else None
        self.device = pick_device(device)
        self.batch_size = batch_size
        t0 = time.perf_counter()
        if use_onnx is None:
            use_onnx = os.environ.get(NO_ONNX_ENV, "") in ("", "0")
        self.onnx_session = None
        if use_onnx and self.device == "cpu" and self.path is not None and (self.path / ONNX_FILE).is_file():
            self.onnx_session = _onnx_session(self.path / ONNX_FILE)
        # with an ONNX graph the PyTorch weights are not needed (saves ~380 MB for base size)
        self.feature_extractor, self.model, config = self._load_pretrained(weights=self.onnx_session is None)
        id2label = {int(k): v for k, v in config.id2label.items()}
        self.labels = [id2label[i] for i in range(len(id2label))]
        self.sample_rate = int(getattr(self.feature_extractor, "sampling_rate", SAMPLE_RATE) or SAMPLE_RATE)
        self.card = card or ModelCard(
            name=self.path.name if self.path else self.ref, kind=KIND_HF_SER, labels=list(self.labels),
            sample_rate=self.sample_rate, window_s=MAX_WINDOW_S,
            description=f"{config.model_type} checkpoint loaded without a Sound Diary model card",
        )
        self.name = self.card.name or self.ref
        if self.card.labels and list(self.card.labels) != self.labels:
            log.warning("%s: card labels %s differ from config.id2label %s; using the config", self.name, self.card.labels, self.labels)
        self.window_s = min(float(self.card.window_s or MAX_WINDOW_S), MAX_WINDOW_S)
        self.check_label_map()
        if self.model is not None:
            self.model.to(self.device)
        self.backend = "onnxruntime" if self.onnx_session is not None else "torch"
        self.load_s = time.perf_counter() - t0

    def _load_pretrained(self, weights: bool = True) -> tuple[Any, Any, Any]:
        # (feature extractor, model or None, config): transformers objects, untyped here
        from transformers import AutoConfig, AutoFeatureExtractor, AutoModelForAudioClassification
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]  # transformers leaves it unannotated; no "Loading weights" bars in the CLI or the app log

        def load(local_only: bool) -> tuple[Any, Any, Any]:
            # AutoFeatureExtractor.from_pretrained is unannotated in transformers
            fe = AutoFeatureExtractor.from_pretrained(self.ref, local_files_only=local_only)  # type: ignore[no-untyped-call]
            if not weights:
                return fe, None, AutoConfig.from_pretrained(self.ref, local_files_only=local_only)
            model = AutoModelForAudioClassification.from_pretrained(self.ref, local_files_only=local_only)
            return fe, model.eval(), model.config

        try:
            return load(True)
        except (OSError, ValueError) as exc:
            if self.path is not None:
                raise ModelNotAvailable(f"{self.path} is not a usable audio-classification model folder: {exc}") from None
            if _offline():
                raise ModelNotAvailable(not_available_message(self.ref)) from None
        try:  # online: let transformers download into its cache
            return load(False)
        except Exception:  # noqa: BLE001 - any network/hub failure means "not available"
            raise ModelNotAvailable(not_available_message(self.ref)) from None

    # -- inference ---------------------------------------------------------------------------

    def _logits(self, batch: list[np.ndarray]) -> np.ndarray:
        inputs = dict(self.feature_extractor(batch, sampling_rate=self.sample_rate, return_tensors="np", padding=True))
        mask = inputs.get("attention_mask")
        if mask is not None and np.all(mask):  # equal-length windows: the mask is all ones and only costs time
            del inputs["attention_mask"]
        if self.onnx_session is not None:
            names = {i.name for i in self.onnx_session.get_inputs()}
            feed = {k: np.asarray(v) for k, v in inputs.items() if k in names}
            if "attention_mask" in names and "attention_mask" not in feed:
                feed["attention_mask"] = np.ones(feed["input_values"].shape, dtype=np.int64)
            feed = {k: (v.astype(np.int64) if k == "attention_mask" else v.astype(np.float32)) for k, v in feed.items()}
            out: np.ndarray = self.onnx_session.run(["logits"], feed)[0]
            return out
        import torch

        with torch.inference_mode():
            tensors = {k: torch.as_tensor(np.asarray(v)).to(self.device) for k, v in inputs.items()}
            logits: np.ndarray = self.model(**tensors).logits.float().cpu().numpy()
            return logits

    def predict_windows(self, wave16k: np.ndarray) -> list[WindowResult]:
        wave = np.asarray(wave16k, dtype=np.float32).reshape(-1)
        spans = equal_windows(wave.size, self.sample_rate, self.window_s)
        chunks = [wave[s:e] for s, e in spans]
        longest = max(c.size for c in chunks)
        chunks = [np.pad(c, (0, longest - c.size)) if c.size < longest else c for c in chunks]  # ±1 sample
        logits = [self._logits(chunks[i:i + self.batch_size]) for i in range(0, len(chunks), self.batch_size)]
        return self.windows_from_logits(spans, np.concatenate(logits))


def _onnx_session(path: Path) -> Any:
    # an onnxruntime.InferenceSession (onnxruntime is optional and untyped here) or None
    try:
        import onnxruntime as ort
    except ImportError:
        return None
    opts = ort.SessionOptions()
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    # No busy-waiting between ops: on a shared, busy CPU spinning threads halved the speed
    # (int8 WavLM, 2 threads, load ~7: 17.6 s -> 8.3 s wall); SOUND_DIARY_ORT_SPIN=1 turns it back on.
    opts.add_session_config_entry("session.intra_op.allow_spinning", os.environ.get("SOUND_DIARY_ORT_SPIN", "0"))
    threads = int(os.environ.get("SOUND_DIARY_ORT_THREADS", "0") or 0)
    if threads:
        opts.intra_op_num_threads = threads
    try:
        return ort.InferenceSession(str(path), sess_options=opts, providers=["CPUExecutionProvider"])
    except Exception as exc:  # noqa: BLE001 - a broken export must not stop the torch path
        log.warning("cannot load %s (%s); using PyTorch", path, exc)
        return None
