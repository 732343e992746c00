"""Where the app keeps its files.

User data lives in the platform's data folder (platformdirs) so that the app bundle stays
read-only; ``SOUND_DIARY_DATA_DIR`` moves it (tests, portable installs).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from platformdirs import user_cache_dir, user_config_dir, user_data_dir

from diary_app import APP_AUTHOR, APP_NAME


def project_root() -> Path:
    """The folder holding ``models/`` and ``resources/`` (the source tree or the frozen bundle)."""
    if getattr(sys, "frozen", False):
        return Path(getattr(sys, "_MEIPASS", Path(sys.executable).parent))
    return Path(__file__).resolve().parent.parent


def resources_dir() -> Path:
    return project_root() / "resources"


def shipped_models_dir() -> Path:
    return project_root() / "models"


def data_dir() -> Path:
    override = os.environ.get("SOUND_DIARY_DATA_DIR")
    path = Path(override) if override else Path(user_data_dir(APP_NAME, APP_AUTHOR))
    path.mkdir(parents=True, exist_ok=True)
    return path


def cache_dir() -> Path:
    """Derived files that can be rebuilt (the converted Whisper encoder): ``SOUND_DIARY_CACHE_DIR``,
    else the platform's cache folder. Not in backups; deleting it costs one conversion."""
    override = os.environ.get("SOUND_DIARY_CACHE_DIR")
    path = Path(override) if override else Path(user_cache_dir(APP_NAME, APP_AUTHOR))
    path.mkdir(parents=True, exist_ok=True)
    return path


def config_dir() -> Path:
    override = os.environ.get("SOUND_DIARY_CONFIG_DIR")
    if override:
        path = Path(override)
    elif os.environ.get("SOUND_DIARY_DATA_DIR"):
        path = Path(os.environ["SOUND_DIARY_DATA_DIR"]) / "config"
    else:
        path = Path(user_config_dir(APP_NAME, APP_AUTHOR))
    path.mkdir(parents=True, exist_ok=True)
    return path


def user_models_dir() -> Path:
    """User-installed models; a folder here overrides a shipped one of the same name."""
    path = data_dir() / "models"
    path.mkdir(parents=True, exist_ok=True)
    return path


def audio_dir() -> Path:
    path = data_dir() / "audio"
    path.mkdir(parents=True, exist_ok=True)
    return path


def shared_data_dir() -> Path | None:
    """``../shared/data`` beside the project (training, tests, benchmarks); never shipped."""
    override = os.environ.get("SOUND_DIARY_SHARED_DATA")
    path = Path(override) if override else project_root().parent / "shared" / "data"
    return path if path.is_dir() else None
