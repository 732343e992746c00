"""Installing a model into the user models folder: from a folder, a zip, or the Hugging Face Hub.

Every install is validated before anything lands in the catalog's folder: the card must load
(known kind, a format this app reads, labels), and a plain Hugging Face audio-classification
checkpoint gets a card written for it that maps its labels onto our six emotions, so the pipeline
never has to guess what an output means. Files are staged in a hidden folder (which the catalog
skips) and moved into place with one rename, so a failed copy never leaves a half model.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from diary_app.analysis.model_card import CARD_FILE, KIND_HF_SER, TASK_SPEECH, ModelCard
from diary_app.analysis.registry import SOURCE_USER, CatalogError, InstalledModel
from diary_app.audio.loading import SAMPLE_RATE
from diary_app.emotions import EMOTIONS, map_label
from diary_app.paths import user_models_dir

#: Files a Hugging Face audio-classification checkpoint needs; anything else in the repo is skipped.
HUB_PATTERNS = ["config.json", "preprocessor_config.json", "*.safetensors", "pytorch_model.bin", "README.md", "LICENSE*"]
WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin")
#: a model zip larger than this once unpacked is refused (a zip bomb, or not a model)
MAX_UNPACKED_BYTES = 8 * 1024**3

Progress = Callable[[int, int], None]


class InvalidModelFolder(CatalogError):
    pass


class LabelMapNeeded(CatalogError):
    """The checkpoint's labels do not all map onto our emotions; ``unmapped`` lists them."""

    def __init__(self, unmapped: list[str], labels: list[str]) -> None:
        self.unmapped = unmapped
        self.labels = labels
        example = ",".join(f"{u}=neutral" for u in unmapped[:2])
        super().__init__(
            f"these labels do not map onto the emotions ({', '.join(EMOTIONS)}): {', '.join(unmapped)}. "
            f"Give a label map, e.g. --label-map {example}"
        )


class HubOffline(CatalogError):
    """The Hugging Face Hub cannot be reached (offline mode or no network)."""


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
            raise CatalogError(f"label map entry {part!r} is not source=emotion")
        src, dst = (s.strip() for s in part.split("=", 1))
        if dst.lower() not in EMOTIONS:
            raise CatalogError(f"label map target {dst!r} is not one of {', '.join(EMOTIONS)}")
        out[src.lower()] = dst.lower()
    return out


def safe_name(text: str) -> str:
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", text.strip()).strip("-.")
    if not name:
        raise CatalogError(f"cannot make a folder name from {text!r}; pass --name")
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
    sample_rate = SAMPLE_RATE
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


def _card_for(folder: Path, name: str, label_map: dict[str, str] | None, source: str) -> ModelCard:
    if not (folder / CARD_FILE).is_file():
        return card_for_hf_checkpoint(folder, name, label_map, source=source)
    try:
        card = ModelCard.load(folder)
    except (ValueError, TypeError) as exc:
        raise InvalidModelFolder(f"{folder}: broken {CARD_FILE}: {exc}") from None
    if not card.labels:
        raise InvalidModelFolder(f"{folder}: its {CARD_FILE} names no labels; the outputs would mean nothing")
    if label_map and card.kind == KIND_HF_SER:
        card.label_map.update(label_map)
    return card


def add_local(folder: str | Path, name: str | None = None, label_map: dict[str, str] | None = None,
              *, move: bool = False, source: str = "", overwrite: bool = False) -> InstalledModel:
    """Install a model folder into the user models folder (validated; a card is written if missing)."""
    folder = Path(folder).expanduser()
    if not folder.is_dir():
        raise InvalidModelFolder(f"{folder} is not a folder")
    name = safe_name(name or folder.name)
    card = _card_for(folder, name, label_map, source)
    card.name = name
    dest = user_models_dir() / name
    if dest.exists() and folder.resolve() != dest.resolve():
        if not overwrite:
            raise CatalogError(f"a user model named {name!r} already exists; remove it first or pass another --name")
        shutil.rmtree(dest)
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
    return InstalledModel(name=name, path=dest, source=SOURCE_USER, card=ModelCard.load(dest))


def _model_root(unpacked: Path) -> Path:
    """The folder inside an unpacked zip that holds the model: the zip's root, or its one folder."""
    for marker in (CARD_FILE, "config.json"):
        if (unpacked / marker).is_file():
            return unpacked
    subs = [p for p in unpacked.iterdir() if p.is_dir() and not p.name.startswith(("__MACOSX", "."))]
    if len(subs) == 1 and any((subs[0] / m).is_file() for m in (CARD_FILE, "config.json")):
        return subs[0]
    raise InvalidModelFolder(f"the zip holds no model: neither it nor its one top folder has {CARD_FILE} or config.json")


def add_zip(archive: str | Path, name: str | None = None, label_map: dict[str, str] | None = None) -> InstalledModel:
    """Install a zipped model folder (what a user gets by zipping a folder from ``models/``).

    Members that would land outside the unpack folder (absolute paths, ``..``) or a total size above
    ``MAX_UNPACKED_BYTES`` refuse the whole zip; nothing is unpacked into the catalog's folder.
    """
    archive = Path(archive).expanduser()
    try:
        zf = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError) as exc:
        raise InvalidModelFolder(f"{archive} is not a readable zip file: {exc}") from None
    tmp = Path(tempfile.mkdtemp(prefix=".unzip-", dir=user_models_dir()))
    try:
        with zf:
            total = 0
            for info in zf.infolist():
                target = (tmp / info.filename).resolve()
                if not target.is_relative_to(tmp.resolve()):
                    raise InvalidModelFolder(f"{archive}: member {info.filename!r} points outside the folder; refused")
                total += info.file_size
            if total > MAX_UNPACKED_BYTES:
                raise InvalidModelFolder(f"{archive} unpacks to {total / 1e9:.1f} GB; that is not a model this app uses")
            zf.extractall(tmp / "x")
        root = _model_root(tmp / "x")
        default = root.name if root != tmp / "x" else archive.stem
        return add_local(root, name=name or default, label_map=label_map, move=True, source=str(archive.resolve()))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _offline_mode() -> bool:
    return os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in {"1", "true", "yes", "on"}


def _progress_tqdm(progress: Progress) -> Any:
    """A tqdm class that forwards (done, total) to ``progress`` (GUI progress bars)."""
    from tqdm.auto import tqdm

    class _Forward(tqdm):  # type: ignore[misc]  # tqdm ships no stubs
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs["disable"] = True
            super().__init__(*args, **kwargs)
            progress(0, int(self.total or 0))

        def update(self, n: float | None = 1) -> bool | None:
            out: bool | None = super().update(n)
            progress(int(self.n), int(self.total or 0))
            return out

    return _Forward


def add_from_hub(model_id: str, name: str | None = None, label_map: dict[str, str] | None = None, *,
                 revision: str | None = None, progress: Progress | None = None) -> InstalledModel:
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
            raise CatalogError(f"{model_id} was not found on the Hugging Face Hub or needs a login: {exc}") from None
        except RevisionNotFoundError:
            raise CatalogError(f"{model_id} has no revision {revision!r}") from None
        except OSError as exc:  # connection errors surface as OSError subclasses
            raise HubOffline(f"cannot download {model_id}: {exc}") from None
        except Exception as exc:  # httpx.ConnectError and friends, without importing httpx here
            if "connect" in type(exc).__name__.lower() or "timeout" in type(exc).__name__.lower():
                raise HubOffline(f"cannot download {model_id}: no connection to the Hugging Face Hub ({exc})") from None
            raise
        shutil.rmtree(tmp / name / ".cache", ignore_errors=True)
        return add_local(tmp / name, name=name, label_map=label_map, move=True, source=f"hf://{model_id}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def looks_like_hub_id(source: str) -> bool:
    """``owner/name`` that is not an existing path."""
    return not Path(source).expanduser().exists() and bool(re.fullmatch(r"[\w.-]+/[\w.-]+", source))


def add(source: str, name: str | None = None, label_map: dict[str, str] | None = None,
        progress: Progress | None = None) -> InstalledModel:
    """A local folder, a ``.zip`` of one, or a hub id."""
    path = Path(source).expanduser()
    if path.is_dir():
        return add_local(path, name=name, label_map=label_map, source=str(path.resolve()))
    if path.is_file() and path.suffix.lower() == ".zip":
        return add_zip(path, name=name, label_map=label_map)
    if looks_like_hub_id(source):
        return add_from_hub(source, name=name, label_map=label_map, progress=progress)
    raise InvalidModelFolder(f"{source} is neither a folder, a .zip of a model folder nor a Hugging Face model id (owner/name)")
