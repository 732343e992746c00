"""Install, list, remove and choose analysis models (Qt-free; shared by the CLI and Settings page).

A model is a folder with a ``model_card.json``. Shipped models live in the bundle (read-only);
user models live in the user data folder, where a folder of the same name overrides a shipped
one. Adding a plain Hugging Face audio-classification checkpoint writes a card for it, mapping
its labels onto our six emotions, so the pipeline never has to guess what an output means.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from diary_app.analysis.model_card import CARD_FILE, KIND_FEATURE_SCENE, KIND_HF_SER, KIND_SCENE_CNN, ModelCard
from diary_app.emotions import EMOTIONS, map_label
from diary_app.paths import shipped_models_dir, user_models_dir

SOURCE_SHIPPED = "shipped"
SOURCE_USER = "user"
TASK_SPEECH = "speech-emotion"
TASK_SCENE = "scene"

#: Files a Hugging Face audio-classification checkpoint needs; anything else in the repo is skipped.
HUB_PATTERNS = ["config.json", "preprocessor_config.json", "*.safetensors", "pytorch_model.bin", "README.md", "LICENSE*"]
WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin")


class ModelManagerError(Exception):
    """A model operation failed for a reason the user can act on (the message says how)."""


class ModelNotFound(ModelManagerError):
    pass


class InvalidModelFolder(ModelManagerError):
    pass


class LabelMapNeeded(ModelManagerError):
    """The checkpoint's labels do not all map onto our emotions; ``unmapped`` lists them."""

    def __init__(self, unmapped: list[str], labels: list[str]) -> None:
        self.unmapped = unmapped
        self.labels = labels
        example = ",".join(f"{u}=neutral" for u in unmapped[:2])
        super().__init__(
            f"these labels do not map onto the emotions ({', '.join(EMOTIONS)}): {', '.join(unmapped)}. "
            f"Give a label map, e.g. --label-map {example}"
        )


class HubOffline(ModelManagerError):
    """The Hugging Face Hub cannot be reached (offline mode or no network)."""


@dataclass
class ModelInfo:
    name: str
    path: Path
    source: str  # SOURCE_SHIPPED or SOURCE_USER
    card: ModelCard | None = None
    error: str | None = None  # why the card could not be read
    active: bool = False
    overrides_shipped: bool = False

    @property
    def task(self) -> str:
        return task_of(self.card) if self.card else "?"

    @property
    def kind(self) -> str:
        return self.card.kind if self.card else "?"

    @property
    def labels(self) -> list[str]:
        return list(self.card.labels) if self.card else []

    def summary(self) -> dict:
        card = self.card
        return {
            "name": self.name, "kind": self.kind, "task": self.task, "labels": self.labels,
            "source": self.source, "active": self.active, "path": str(self.path), "error": self.error,
            "label_map": dict(card.label_map) if card else {}, "metrics": dict(card.metrics) if card else {},
            "training_data": card.training_data if card else "", "licence": card.licence if card else "",
            "description": card.description if card else "",
        }


def task_of(card: ModelCard) -> str:
    if card.kind in (KIND_SCENE_CNN, KIND_FEATURE_SCENE) or card.task == TASK_SCENE:
        return TASK_SCENE
    return TASK_SPEECH


def _scan(folder: Path, source: str) -> dict[str, ModelInfo]:
    out: dict[str, ModelInfo] = {}
    if not folder.is_dir():
        return out
    for sub in sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")):
        if not (sub / CARD_FILE).is_file():
            continue  # not a model (e.g. a partial download)
        try:
            card = ModelCard.load(sub)
            out[sub.name] = ModelInfo(name=sub.name, path=sub, source=source, card=card)
        except (ValueError, TypeError, OSError) as exc:
            out[sub.name] = ModelInfo(name=sub.name, path=sub, source=source, error=str(exc))
    return out


def list_models(settings=None) -> list[ModelInfo]:
    """All installed models, user ones overriding shipped ones of the same name; ``active`` marked."""
    shipped = _scan(shipped_models_dir(), SOURCE_SHIPPED)
    user = _scan(user_models_dir(), SOURCE_USER)
    merged = dict(shipped)
    for name, info in user.items():
        info.overrides_shipped = name in shipped
        merged[name] = info
    models = [merged[k] for k in sorted(merged)]
    active = active_model_names(models, settings)
    for m in models:
        m.active = m.name in active.values()
    return models


def active_model_names(models: list[ModelInfo] | None = None, settings=None) -> dict[str, str | None]:
    """Which model each task uses: the one chosen in Settings if installed, else the best shipped.

    The analysis registry decides when it is present (it knows which kinds it can load); this
    fallback keeps the manager usable on its own.
    """
    from diary_app.settings import Settings

    settings = settings or Settings.load()
    models = models if models is not None else list_models(settings)
    usable = {m.name: m for m in models if m.card is not None}
    chosen = {TASK_SPEECH: settings.speech_model, TASK_SCENE: settings.scene_model}
    out: dict[str, str | None] = {}
    for task, pick in chosen.items():
        if pick in usable and usable[pick].task == task:
            out[task] = pick
            continue
        registry_pick = _registry_default(task)
        if registry_pick in usable:
            out[task] = registry_pick
            continue
        candidates = [m for m in usable.values() if m.task == task]
        # prefer a transformer speech model (the paper's WavLM) over the CNN baseline
        candidates.sort(key=lambda m: (m.kind != KIND_HF_SER, m.source != SOURCE_USER, m.name))
        out[task] = candidates[0].name if candidates else None
    return out


def _registry_default(task: str) -> str | None:
    """Name of the registry's default model for ``task`` (None when the registry is absent)."""
    try:
        from diary_app.analysis import registry
    except ImportError:
        return None
    fn = getattr(registry, "default_speech_model" if task == TASK_SPEECH else "default_scene_model", None)
    if fn is None:
        return None
    try:
        pick = fn()
    except Exception:  # noqa: BLE001 - no usable model is a normal state here
        return None
    if pick is None:
        return None
    for attr in ("name",):
        if hasattr(pick, attr) and isinstance(getattr(pick, attr), str):
            name = getattr(pick, attr)
            path = getattr(pick, "path", None) or getattr(pick, "folder", None)
            return Path(path).name if path else name
    return Path(str(pick)).name


def find(name: str, settings=None) -> ModelInfo:
    for m in list_models(settings):
        if m.name == name:
            return m
    known = ", ".join(m.name for m in list_models(settings)) or "none installed"
    raise ModelNotFound(f"no model named {name!r} (installed: {known})")


# -- adding ------------------------------------------------------------------------------------
def parse_label_map(text: str | None) -> dict[str, str]:
    """``"boredom=neutral,disgust=fear"`` -> dict; raises on a target that is not an emotion."""
    out: dict[str, str] = {}
    if not text:
        return out
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        if "=" not in part:
            raise ModelManagerError(f"label map entry {part!r} is not source=emotion")
        src, dst = (s.strip() for s in part.split("=", 1))
        if dst.lower() not in EMOTIONS:
            raise ModelManagerError(f"label map target {dst!r} is not one of {', '.join(EMOTIONS)}")
        out[src.lower()] = dst.lower()
    return out


def safe_name(text: str) -> str:
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", text.strip()).strip("-.")
    if not name:
        raise ModelManagerError(f"cannot make a folder name from {text!r}; pass --name")
    return name


def card_for_hf_checkpoint(folder: Path, name: str, label_map: dict[str, str] | None = None, source: str = "") -> ModelCard:
    """Write-ready card for a plain HF audio-classification checkpoint (validates the folder)."""
    config_path = folder / "config.json"
    if not config_path.is_file():
        raise InvalidModelFolder(
            f"{folder} is neither a Sound Diary model (no {CARD_FILE}) nor a Hugging Face checkpoint (no config.json)"
        )
    try:
        config = json.loads(config_path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise InvalidModelFolder(f"{config_path} is not valid JSON: {exc}") from None
    archs = config.get("architectures") or []
    if not any(a.endswith(("ForSequenceClassification", "ForAudioClassification")) for a in archs):
        raise InvalidModelFolder(
            f"{folder} is not an audio-classification checkpoint (architectures: {archs or 'none'}); "
            "it needs e.g. WavLMForSequenceClassification"
        )
    if not any((folder / w).is_file() for w in WEIGHT_FILES):
        raise InvalidModelFolder(f"{folder} has no weights ({' or '.join(WEIGHT_FILES)})")
    id2label = config.get("id2label") or {}
    if not id2label:
        raise InvalidModelFolder(f"{config_path} has no id2label; cannot know what the outputs mean")
    labels = [id2label[k] for k in sorted(id2label, key=lambda k: int(k))]
    user_map = {k.lower(): v for k, v in (label_map or {}).items()}
    mapping: dict[str, str] = {}
    unmapped: list[str] = []
    for label in labels:
        target = user_map.get(label.lower()) or map_label(label)
        if target is None:
            unmapped.append(label)
        else:
            mapping[label] = target
    if unmapped:
        raise LabelMapNeeded(unmapped, labels)
    sample_rate = 16_000
    pre = folder / "preprocessor_config.json"
    if pre.is_file():
        try:
            sample_rate = int(json.loads(pre.read_text(encoding="utf-8")).get("sampling_rate", sample_rate))
        except (json.JSONDecodeError, TypeError, ValueError):
            pass
    return ModelCard(
        name=name, kind=KIND_HF_SER, labels=labels, task=TASK_SPEECH, sample_rate=sample_rate, window_s=4.0,
        label_map=mapping, description=f"{archs[0]} added with the model manager" + (f" from {source}" if source else ""),
        extra={"added_from": source or str(folder)},
    )


def add_local(folder: str | Path, name: str | None = None, label_map: dict[str, str] | None = None,
              *, move: bool = False, source: str = "", overwrite: bool = False) -> ModelInfo:
    """Install a model folder into the user models folder (validated; a card is written if missing)."""
    folder = Path(folder).expanduser()
    if not folder.is_dir():
        raise InvalidModelFolder(f"{folder} is not a folder")
    name = safe_name(name or folder.name)
    if (folder / CARD_FILE).is_file():
        try:
            card = ModelCard.load(folder)
        except (ValueError, TypeError) as exc:
            raise InvalidModelFolder(f"{folder}: broken {CARD_FILE}: {exc}") from None
        if label_map and card.kind == KIND_HF_SER:
            card.label_map.update(label_map)
    else:
        card = card_for_hf_checkpoint(folder, name, label_map, source=source)
    card.name = name
    dest = user_models_dir() / name
    if dest.exists() and folder.resolve() != dest.resolve():
        if not overwrite:
            raise ModelManagerError(f"a user model named {name!r} already exists; remove it first or pass another --name")
        shutil.rmtree(dest)
    # copy into a hidden temporary folder first so that a failed copy never leaves a half model
    tmp = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=user_models_dir()))
    try:
        staged = tmp / name
        if move:
            shutil.move(str(folder), staged)
        else:
            shutil.copytree(folder, staged)
        card.save(staged)  # also keeps the folder name and the card name in step
        os.replace(staged, dest)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return ModelInfo(name=name, path=dest, source=SOURCE_USER, card=ModelCard.load(dest))


def _offline_mode() -> bool:
    return os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in {"1", "true", "yes", "on"}


def _progress_tqdm(progress: Callable[[int, int], None]):
    """A tqdm class that forwards (done, total) to ``progress`` (GUI progress bars)."""
    from tqdm.auto import tqdm

    class _Forward(tqdm):
        def __init__(self, *args, **kwargs):
            kwargs["disable"] = True
            super().__init__(*args, **kwargs)
            progress(0, int(self.total or 0))

        def update(self, n=1):
            out = super().update(n)
            progress(int(self.n), int(self.total or 0))
            return out

    return _Forward


def add_from_hub(model_id: str, name: str | None = None, label_map: dict[str, str] | None = None, *,
                 revision: str | None = None, progress: Callable[[int, int], None] | None = None) -> ModelInfo:
    """Download a hub checkpoint (config, preprocessor, weights) and install it like a local folder."""
    if _offline_mode():
        raise HubOffline(
            f"cannot download {model_id}: offline mode is on (HF_HUB_OFFLINE=1). Connect to the internet and "
            "unset HF_HUB_OFFLINE, or download the model elsewhere and add its folder."
        )
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import (
        GatedRepoError,
        LocalEntryNotFoundError,
        OfflineModeIsEnabled,
        RepositoryNotFoundError,
        RevisionNotFoundError,
    )

    name = safe_name(name or model_id.split("/")[-1])
    tmp = Path(tempfile.mkdtemp(prefix=f".download-{name}-", dir=user_models_dir()))
    try:
        kwargs = {"tqdm_class": _progress_tqdm(progress)} if progress else {}
        try:
            snapshot_download(model_id, revision=revision, local_dir=tmp / name, allow_patterns=HUB_PATTERNS, **kwargs)
        except (OfflineModeIsEnabled, LocalEntryNotFoundError) as exc:
            raise HubOffline(f"cannot download {model_id}: the Hugging Face Hub is not reachable ({exc.__class__.__name__}). "
                             "Check the internet connection, or download the model elsewhere and add its folder.") from None
        except (RepositoryNotFoundError, GatedRepoError) as exc:
            raise ModelManagerError(f"{model_id} was not found on the Hugging Face Hub or needs a login: {exc}") from None
        except RevisionNotFoundError:
            raise ModelManagerError(f"{model_id} has no revision {revision!r}") from None
        except OSError as exc:  # connection errors surface as OSError subclasses
            raise HubOffline(f"cannot download {model_id}: {exc}") from None
        except Exception as exc:  # httpx.ConnectError and friends, without importing httpx here
            if "connect" in type(exc).__name__.lower() or "timeout" in type(exc).__name__.lower():
                raise HubOffline(f"cannot download {model_id}: no connection to the Hugging Face Hub ({exc})") from None
            raise
        cache = tmp / name / ".cache"
        shutil.rmtree(cache, ignore_errors=True)
        return add_local(tmp / name, name=name, label_map=label_map, move=True, source=f"hf://{model_id}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def looks_like_hub_id(source: str) -> bool:
    """``owner/name`` that is not an existing path."""
    return not Path(source).expanduser().exists() and bool(re.fullmatch(r"[\w.-]+/[\w.-]+", source))


def add(source: str, name: str | None = None, label_map: dict[str, str] | None = None,
        progress: Callable[[int, int], None] | None = None) -> ModelInfo:
    """A local folder or a hub id."""
    if Path(source).expanduser().is_dir():
        return add_local(source, name=name, label_map=label_map, source=str(Path(source).expanduser().resolve()))
    if looks_like_hub_id(source):
        return add_from_hub(source, name=name, label_map=label_map, progress=progress)
    raise InvalidModelFolder(f"{source} is neither a folder nor a Hugging Face model id (owner/name)")


# -- removing / choosing ---------------------------------------------------------------------------
def remove(name: str, settings=None) -> ModelInfo:
    """Delete a user model; shipped models are part of the app and cannot be removed."""
    from diary_app.settings import Settings

    settings = settings or Settings.load()
    user = _scan(user_models_dir(), SOURCE_USER)
    if name not in user:
        shipped = _scan(shipped_models_dir(), SOURCE_SHIPPED)
        if name in shipped:
            raise ModelManagerError(f"{name} is shipped with the app and cannot be removed (choose another with 'use')")
        raise ModelNotFound(f"no user model named {name!r}")
    info = user[name]
    trash = info.path.with_name(f".trash-{name}")
    shutil.rmtree(trash, ignore_errors=True)
    os.replace(info.path, trash)
    shutil.rmtree(trash, ignore_errors=True)
    changed = False
    if settings.speech_model == name:
        settings.speech_model, changed = None, True
    if settings.scene_model == name:
        settings.scene_model, changed = None, True
    if changed:
        settings.save()
    return info


def use(name: str, settings=None) -> ModelInfo:
    """Make ``name`` the model of its task (a speech model becomes the speech model)."""
    from diary_app.settings import Settings

    settings = settings or Settings.load()
    info = find(name, settings)
    if info.card is None:
        raise InvalidModelFolder(f"{name} cannot be used: {info.error}")
    if info.task == TASK_SCENE:
        settings.scene_model = name
    else:
        settings.speech_model = name
    settings.save()
    info.active = True
    return info


@dataclass
class ModelsSnapshot:
    """What the first-run dialog and the selftest show: the active model per task."""

    speech: str | None
    scene: str | None
    installed: list[str] = field(default_factory=list)


def snapshot(settings=None) -> ModelsSnapshot:
    models = list_models(settings)
    active = active_model_names(models, settings)
    return ModelsSnapshot(speech=active.get(TASK_SPEECH), scene=active.get(TASK_SCENE), installed=[m.name for m in models])
