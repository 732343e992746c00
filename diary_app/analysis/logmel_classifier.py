"""The log-mel CNN kinds (scene classifier of paper §3.2 and the CNN speech-emotion fallback).

Weights come from ``model.safetensors`` and the network from ``card.architecture`` +
``card.arch_config`` (no pickled code is ever loaded). Features follow ``card.features`` so
inference sees exactly what training saw; windows are ``card.window_s`` long (3 s for scenes).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import numpy as np

from diary_app.analysis.classifier import ClassifierBase, ModelNotAvailable, pick_device
from diary_app.analysis.features import LogMelConfig, fixed_windows, log_mel
from diary_app.analysis.model_card import ModelCard
from diary_app.analysis.result import WindowResult

WEIGHTS_FILE = "model.safetensors"


class LogMelClassifier(ClassifierBase):
    def __init__(self, model_dir: str | Path, device: str | None = None, card: ModelCard | None = None, batch_size: int = 32) -> None:
        import torch
        from safetensors.torch import load_file

        from diary_app.analysis.architectures import build

        t0 = time.perf_counter()
        self.path = Path(model_dir)
        self.card = card or ModelCard.load(self.path)
        self.name = self.card.name or self.path.name
        self.labels = list(self.card.labels)
        self.device = pick_device(device)
        self.batch_size = batch_size
        self.features = LogMelConfig.from_dict(self.card.features)
        self.sample_rate = self.features.sample_rate
        weights = self.path / WEIGHTS_FILE
        if not self.card.architecture:
            raise ModelNotAvailable(f"{self.path}: the model card names no 'architecture'")
        if not weights.is_file():
            raise ModelNotAvailable(f"{self.path}: {WEIGHTS_FILE} is missing")
        try:
            net = build(self.card.architecture, **self.card.arch_config)
            net.load_state_dict(load_file(str(weights)))
        except (ValueError, RuntimeError, TypeError) as exc:
            raise ModelNotAvailable(f"{self.path}: weights do not fit the card's architecture: {exc}") from None
        head: Any = getattr(net, "classifier", None)
        n_out = head[-1].out_features if head is not None else None
        if n_out is not None and n_out != len(self.labels):
            raise ModelNotAvailable(f"{self.path}: the network has {n_out} outputs but the card lists {len(self.labels)} labels")
        self.net = net.eval().to(self.device)
        self._torch = torch
        self.backend = "torch"
        self.emotion_table = None
        if self.card.is_scene:
            self.emotion_table = self.load_scene_table()
        else:
            self.check_label_map()
        self.load_s = time.perf_counter() - t0

    def predict_windows(self, wave16k: np.ndarray) -> list[WindowResult]:
        torch = self._torch
        wave = np.asarray(wave16k, dtype=np.float32).reshape(-1)
        win = max(1, int(round(float(self.card.window_s) * self.sample_rate)))
        windows = fixed_windows(wave, win)
        feats = np.stack([log_mel(w, self.features) for _, w in windows])[:, None]  # (B,1,M,T)
        logits = []
        with torch.inference_mode():
            for i in range(0, len(feats), self.batch_size):
                x = torch.from_numpy(feats[i:i + self.batch_size]).to(self.device)
                logits.append(self.net(x).float().cpu().numpy())
        spans = [(start, min(start + win, wave.size)) for start, _ in windows]
        return self.windows_from_logits(spans, np.concatenate(logits))
