"""Feature kinds: a fixed front end + a small linear/MLP head stored as plain arrays.

``feature-ser`` (default speech model): openSMILE functionals. ``feature-scene`` (default
environment model): YAMNet embedding statistics (``speech_yamnet.embedding_statistics``), whose
AudioSet pre-training carries what ~800 UrbanSound8K clips cannot teach a CNN from scratch.

WHY: with ~700 labelled clips from two corpora, a CNN trained from scratch on log-mels learns the
voices more than the emotions (0.52 accuracy on held-out speakers). The expert-designed eGeMAPS
parameter set (pitch, loudness, jitter/shimmer, formants, spectral slope: 88 utterance
statistics; Eyben et al. 2016) carries the prosody that emotion research found robust across
speakers, so a regularised linear model on it generalises far better from so little data.

The folder holds no pickle: ``model.safetensors`` has plain arrays (standardiser ``mean``/``scale``,
then either ``coef``/``intercept`` of a linear softmax model or ``w0,b0,w1,b1,...`` of an MLP with
ReLU hidden layers); ``card.features`` names the openSMILE feature set(s) and level so inference
computes exactly what training saw (the same front-end object serves both).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from diary_app.analysis.classifier import ClassifierBase, ModelNotAvailable
from diary_app.analysis.classifier import softmax as softmax  # re-exported: the training recipes import it from here
from diary_app.analysis.model_card import ModelCard
from diary_app.analysis.result import WindowResult
from diary_app.audio.loading import SAMPLE_RATE

if TYPE_CHECKING:
    from diary_app.analysis.whisper_encoder import WhisperFrontEnd

WEIGHTS_FILE = "model.safetensors"
DEFAULT_FEATURES: dict[str, Any] = {"frontend": "opensmile", "feature_sets": ["eGeMAPSv02"], "level": "Functionals"}
#: windows shorter than this hold too little voice for stable statistics; they join the previous one
MIN_WINDOW_S = 1.0

_SMILE_LOCK = threading.Lock()  # one openSMILE instance per feature set, shared; guard its native state


FRONTENDS = ("opensmile", "yamnet", "whisper", "fusion")


def feature_parts(features: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The plain front ends a card's ``features`` names: its ``parts`` for a fusion, else itself."""
    features = features or {}
    if features.get("frontend") == "fusion":
        return [p for p in features.get("parts") or [] if isinstance(p, dict)]
    return [features]

def FeatureFrontEnd(features: dict[str, Any] | None = None) -> YamnetFrontEnd | OpenSmileFrontEnd | WhisperFrontEnd | FusedFrontEnd:  # noqa: N802 - a factory that reads like the class it returns
    """The front end a card's ``features`` names: ``opensmile`` (default), ``yamnet``, ``whisper``, or
    ``fusion`` (the concatenation of its ``parts``, each one of the others)."""
    frontend = (features or {}).get("frontend") or "opensmile"
    if frontend == "fusion":
        return FusedFrontEnd(dict(features or {}))
    if frontend == "yamnet":
        return YamnetFrontEnd(dict(features or {}))
    if frontend == "whisper":
        from diary_app.analysis.whisper_encoder import WhisperFrontEnd

        return WhisperFrontEnd(dict(features or {}))
    if frontend != "opensmile":
        raise ModelNotAvailable(f"unknown feature front end {frontend!r} (known: {', '.join(FRONTENDS)})")
    return OpenSmileFrontEnd({**DEFAULT_FEATURES, **(features or {})})


class YamnetFrontEnd:
    """YAMNet patch embeddings -> mean, max and std (3072 values) per window, optionally with the
    layer-10 mean and std (+1024; the everyday-sounds model of issue 12)."""

    STATISTICS = ["mean", "max", "std"]
    SUPPORTED = (["mean", "max", "std"], ["mean", "max", "std", "layer10_mean", "layer10_std"])

    def __init__(self, features: dict[str, Any]) -> None:
        from diary_app.analysis.speech_yamnet import YamnetUnavailable, _embedding_index, _layer10_index

        wanted = list(features.get("statistics", self.STATISTICS))
        if wanted not in [list(s) for s in self.SUPPORTED]:  # a card from a newer version: refuse rather than feed the head wrong numbers
            raise ModelNotAvailable(f"YAMNet statistics {wanted} are not supported (this version computes "
                                    f"{' or '.join(str(s) for s in self.SUPPORTED)})")
        try:
            _embedding_index()
            if any(s.startswith("layer10_") for s in wanted):
                _layer10_index()
        except YamnetUnavailable as exc:
            raise ModelNotAvailable(f"this model needs YAMNet: {exc}") from None
        except (OSError, ValueError, RuntimeError) as exc:
            raise ModelNotAvailable(f"YAMNet could not start: {exc}") from None
        self.config = {"frontend": "yamnet", "statistics": wanted}

    @property
    def names(self) -> list[str]:
        from diary_app.analysis.speech_yamnet import EMBEDDING_SIZE, LAYER10_SIZE

        return [f"yamnet_{stat}_{i}" for stat in self.config["statistics"]
                for i in range(LAYER10_SIZE if stat.startswith("layer10_") else EMBEDDING_SIZE)]

    def __call__(self, wave16k: np.ndarray) -> np.ndarray:
        from diary_app.analysis.speech_yamnet import embedding_statistics

        return embedding_statistics(wave16k, list(self.config["statistics"]))


class FusedFrontEnd:
    """Several front ends on the same window, their vectors side by side (part order = card order).

    WHY (issue 12): YAMNet (AudioSet events) and the Whisper encoder (680k hours of speech recorded
    in every kind of place) hear different things in a sound; one linear head over both was right on
    92 % of the held-out scenes it showed (0.70 rule) against 87 % for YAMNet alone, ESC-10 0.96 vs
    0.90 (docs/notes/issue-12.md, session 5). The card says ``{"frontend": "fusion", "parts": [...]}``.
    """

    def __init__(self, features: dict[str, Any]) -> None:
        parts = features.get("parts")
        if not isinstance(parts, list) or len(parts) < 2:
            raise ModelNotAvailable(f"a fusion front end needs a list of at least two parts, got {parts!r}")
        if any(not isinstance(p, dict) or p.get("frontend") == "fusion" for p in parts):
            raise ModelNotAvailable("each fusion part must be a plain front end (opensmile, yamnet or whisper)")
        self.parts: list[Any] = [FeatureFrontEnd(p) for p in parts]
        self.config: dict[str, Any] = {"frontend": "fusion", "parts": [p.config for p in self.parts]}
        #: the runtime the pipeline reports: the Whisper part's, when there is one
        self.encoder: Any = next((p.encoder for p in self.parts if hasattr(p, "encoder")), None)

    @property
    def names(self) -> list[str]:
        return [n for p in self.parts for n in p.names]

    def __call__(self, wave16k: np.ndarray) -> np.ndarray:
        return np.concatenate([np.asarray(p(wave16k), dtype=np.float32).reshape(-1) for p in self.parts])


class OpenSmileFrontEnd:
    """openSMILE feature sets -> one float32 vector per utterance (NaN/inf replaced by 0)."""

    def __init__(self, cfg: dict[str, Any]) -> None:
        try:
            import opensmile
        except ImportError:
            raise ModelNotAvailable("the feature-ser model needs the 'opensmile' package (pip install opensmile)") from None
        self.config = cfg
        self._smiles = []
        for name in cfg["feature_sets"]:
            try:
                fs = getattr(opensmile.FeatureSet, name)
                level = getattr(opensmile.FeatureLevel, cfg.get("level", "Functionals"))
            except AttributeError:
                raise ModelNotAvailable(f"openSMILE has no feature set {name!r} / level {cfg.get('level')!r}") from None
            self._smiles.append(opensmile.Smile(feature_set=fs, feature_level=level))

    @property
    def names(self) -> list[str]:
        return [n for s in self._smiles for n in s.feature_names]

    def __call__(self, wave16k: np.ndarray) -> np.ndarray:
        wave = np.asarray(wave16k, dtype=np.float32).reshape(-1)
        if wave.size < SAMPLE_RATE // 10:  # openSMILE needs a few frames; pad a blip with silence
            wave = np.pad(wave, (0, SAMPLE_RATE // 10 - wave.size))
        parts = []
        with _SMILE_LOCK:
            for smile in self._smiles:
                parts.append(np.asarray(smile.process_signal(wave, SAMPLE_RATE).values, dtype=np.float64).reshape(-1))
        return np.nan_to_num(np.concatenate(parts), nan=0.0, posinf=0.0, neginf=0.0).astype(np.float32)


def utterance_windows(n_samples: int, window_s: float, sample_rate: int = SAMPLE_RATE) -> list[tuple[int, int]]:
    """(start, end) sample ranges of ``window_s`` without padding; a short tail joins the last window.

    Unlike the CNN's fixed windows, no zero padding: silence would change the functionals
    (e.g. the loudness mean), and training clips are whole 2-3 s utterances.
    """
    win = max(1, int(round(window_s * sample_rate)))
    if n_samples <= win:
        return [(0, max(n_samples, 0))]
    spans = [(s, min(s + win, n_samples)) for s in range(0, n_samples, win)]
    if len(spans) > 1 and spans[-1][1] - spans[-1][0] < MIN_WINDOW_S * sample_rate:
        last = spans.pop()
        spans[-1] = (spans[-1][0], last[1])
    return spans


BLEND_WEIGHTS = "blend_weights"


def blend_arrays(members: list[dict[str, np.ndarray]], weights: list[float]) -> dict[str, np.ndarray]:
    """Several heads over the same features as one set of arrays: ``m{k}:<key>`` per member and
    ``blend_weights``; ``head_logits`` returns the log of their weighted mean probability. The first
    member's standardiser is also kept at the top level (``mean``/``scale``: the personal layer and the
    classifier's shape check read it)."""
    w = np.asarray(weights, dtype=np.float64)
    if len(members) < 2 or w.shape != (len(members),) or (w < 0).any() or w.sum() <= 0:
        raise ValueError(f"a blend needs >= 2 heads and one non-negative weight each, got {len(members)} / {weights}")
    out = {f"m{k}:{key}": v for k, m in enumerate(members) for key, v in m.items()}
    out.update({"mean": members[0]["mean"], "scale": members[0]["scale"], BLEND_WEIGHTS: w / w.sum()})
    return out


def sub_arrays(arrays: dict[str, np.ndarray], prefix: str) -> dict[str, np.ndarray]:
    """The arrays stored under ``prefix`` (a blend member's ``m{k}:``, the background head's ``bg:``),
    with the prefix taken off: a head of its own for ``head_logits``."""
    return {key[len(prefix):]: v for key, v in arrays.items() if key.startswith(prefix)}


def head_logits(x: np.ndarray, arrays: dict[str, np.ndarray]) -> np.ndarray:
    """Standardise, then the linear or MLP head stored in ``arrays`` (or a blend of heads, see
    ``blend_arrays``). ``x``: (N, D) -> (N, C)."""
    if BLEND_WEIGHTS in arrays:
        weights = np.asarray(arrays[BLEND_WEIGHTS], dtype=np.float64).reshape(-1)
        mix = None
        for k, wk in enumerate(weights):
            part = wk * softmax(head_logits(x, sub_arrays(arrays, f"m{k}:")))
            mix = part if mix is None else mix + part
        assert mix is not None
        out: np.ndarray = np.log(np.maximum(mix, 1e-12))
        return out
    z: np.ndarray = (np.asarray(x, dtype=np.float64) - arrays["mean"]) / arrays["scale"]
    if "coef" in arrays:
        linear: np.ndarray = z @ arrays["coef"].T.astype(np.float64) + arrays["intercept"]
        return linear
    i = 0
    while f"w{i}" in arrays:
        z = z @ arrays[f"w{i}"].astype(np.float64) + arrays[f"b{i}"]
        i += 1
        if f"w{i}" in arrays:
            z = np.maximum(z, 0.0)
    return z


#: the arrays of a model's background head in ``model.safetensors`` (card: ``"background": {"parts": [...], "temperature": t}``)
BACKGROUND_PREFIX = "bg:"


@dataclass
class BackgroundHead:
    """A linear head on some parts of a fused front end, for the pauses of speech recordings.

    WHY (issue 11's speed): the fused scene model runs the Whisper encoder; on a speech recording
    the Whisper pass over the pauses cost 0.03 s of the 0.02x budget, for a background scene that
    is shown as a hint. YAMNet alone hears the surroundings nearly as well (held-out 0.79 vs 0.81)."""

    parts: list[Any]
    arrays: dict[str, np.ndarray]
    temperature: float


class FeatureClassifier(ClassifierBase):
    def __init__(self, model_dir: str | Path, device: str | None = None, card: ModelCard | None = None) -> None:
        from safetensors.numpy import load_file

        t0 = time.perf_counter()
        self.path = Path(model_dir)
        self.card = card or ModelCard.load(self.path)
        self.name = self.card.name or self.path.name
        self.labels = list(self.card.labels)
        self.device = "cpu"  # numpy + openSMILE/TFLite; ``device`` is accepted for the common interface
        self.sample_rate = SAMPLE_RATE
        weights = self.path / WEIGHTS_FILE
        if not weights.is_file():
            raise ModelNotAvailable(f"{self.path}: {WEIGHTS_FILE} is missing")
        self.arrays = {k: np.asarray(v) for k, v in load_file(str(weights)).items()}
        for key in ("mean", "scale"):
            if key not in self.arrays:
                raise ModelNotAvailable(f"{self.path}: {WEIGHTS_FILE} has no {key!r} array (standardiser)")
        self.frontend = FeatureFrontEnd(self.card.features)
        #: what runs the front end (the pipeline reports it): the Whisper encoder's runtime, else numpy
        self.backend = str(getattr(getattr(self.frontend, "encoder", None), "backend", "numpy"))
        n_in = self.arrays["mean"].shape[0]
        n_feat = len(self.frontend.names)
        if n_in != n_feat:
            raise ModelNotAvailable(f"{self.path}: the head expects {n_in} features but the front end gives {n_feat}")
        n_out = head_logits(np.zeros((1, n_in)), self.arrays).shape[1] if n_in else 0
        if n_out != len(self.labels):
            raise ModelNotAvailable(f"{self.path}: the head has {n_out} outputs but the card lists {len(self.labels)} labels")
        self.background = self._background_head()
        self.emotion_table = None
        if self.card.is_scene:
            self.emotion_table = self.load_scene_table()
        else:
            self.check_label_map()
        self.load_s = time.perf_counter() - t0

    def _background_head(self) -> BackgroundHead | None:
        """The card's ``background`` head (a fused model's head on some of its parts), checked now."""
        spec = self.card.extra.get("background")
        if not spec:
            return None
        arrays = sub_arrays(self.arrays, BACKGROUND_PREFIX)
        parts = spec.get("parts") if isinstance(spec, dict) else None
        if (not isinstance(self.frontend, FusedFrontEnd) or not isinstance(parts, list) or not parts
                or any(not isinstance(i, int) or not 0 <= i < len(self.frontend.parts) for i in parts)
                or "mean" not in arrays):
            raise ModelNotAvailable(f"{self.path}: the card's background head {spec!r} does not fit its fused front end "
                                    f"or {WEIGHTS_FILE} lacks its {BACKGROUND_PREFIX}* arrays")
        front = [self.frontend.parts[i] for i in parts]
        n_feat = sum(len(p.names) for p in front)
        if arrays["mean"].shape[0] != n_feat or head_logits(np.zeros((1, n_feat)), arrays).shape[1] != len(self.labels):
            raise ModelNotAvailable(f"{self.path}: the background head does not match its parts or labels")
        return BackgroundHead(parts=front, arrays=arrays, temperature=float(spec.get("temperature") or 1.0))

    def background_windows(self, wave16k: np.ndarray) -> list[WindowResult]:
        if self.background is None:
            return self.predict_windows(wave16k)
        wave = np.asarray(wave16k, dtype=np.float32).reshape(-1)
        spans = utterance_windows(wave.size, float(self.card.window_s), self.sample_rate)
        feats = np.stack([np.concatenate([np.asarray(p(wave[s:e]), dtype=np.float32).reshape(-1) for p in self.background.parts])
                          for s, e in spans])
        return self.windows_from_logits(spans, head_logits(feats, self.background.arrays), self.background.temperature)

    def predict_proba(self, features: np.ndarray) -> np.ndarray:
        """(N, D) feature vectors -> (N, labels) probabilities (temperature from the card)."""
        return self.calibrated_probabilities(head_logits(features, self.arrays))

    def predict_windows(self, wave16k: np.ndarray) -> list[WindowResult]:
        return self.windows_and_features(wave16k)[0]

    @property
    def frontend_key(self) -> str:
        """Which front end made a feature vector: vectors with another key are not comparable."""
        import hashlib
        import json

        cfg = json.dumps(self.card.features or {}, sort_keys=True, default=str)
        return f"{(self.card.features or {}).get('frontend') or 'opensmile'}:{hashlib.sha1(cfg.encode()).hexdigest()[:12]}"

    def windows_and_features(self, wave16k: np.ndarray) -> tuple[list[WindowResult], dict[str, Any]]:
        """The windows and the feature vectors the head saw (kept by the diary for the personal layer)."""
        wave = np.asarray(wave16k, dtype=np.float32).reshape(-1)
        spans = utterance_windows(wave.size, float(self.card.window_s), self.sample_rate)
        feats = np.stack([self.frontend(wave[s:e]) for s, e in spans])
        out = self.windows_from_logits(spans, head_logits(feats, self.arrays))
        return out, {"frontend": self.frontend_key, "vectors": feats.astype(np.float32), "model": self.name,
                     "model_path": str(self.path)}
