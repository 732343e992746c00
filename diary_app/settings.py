"""User settings as a plain JSON file in the config folder (no Qt, usable from the CLI)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from diary_app.fsutil import atomic_write_text
from diary_app.paths import config_dir


@dataclass
class Settings:
    input_device: str | None = None  # sounddevice name; None = system default
    max_record_s: float = 60.0
    scene_threshold: float = 0.70
    vad_aggressiveness: int = 2
    reminder_enabled: bool = True
    reminder_time: str = "20:00"
    language: str = "en"  # "en" or "ko"
    theme: str = "system"
    speech_model: str | None = None  # model folder name; None = best available
    scene_model: str | None = None
    server_url: str | None = None
    last_server_url: str | None = None  # the address last tried in the sign-in dialog
    first_run_done: bool = False
    mic_consent: bool = False
    location_consent: bool = False
    recent_places: list[dict] = field(default_factory=list)
    # automatic backups (store/backup.py): a dated zip every interval, the newest ``backup_keep`` kept
    backup_enabled: bool = True
    backup_folder: str | None = None  # None = <data folder>/backups (pick another disk in Settings)
    backup_interval_days: int = 7
    backup_keep: int = 2
    # the personal layer (issue 16): learns from this diary's corrections; local only, never synced
    personal_layer: bool = True

    @classmethod
    def path(cls) -> Path:
        return config_dir() / "settings.json"

    @classmethod
    def load(cls) -> Settings:
        try:
            raw = json.loads(cls.path().read_text(encoding="utf-8"))
        except (FileNotFoundError, json.JSONDecodeError):
            return cls()
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in raw.items() if k in names})

    def save(self) -> None:
        path = self.path()
        atomic_write_text(path, json.dumps(asdict(self), indent=2))
