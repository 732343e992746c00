"""Server settings as one plain dataclass (no settings framework).

The CLI fills it from flags; worker processes started by uvicorn receive it as JSON in an
environment variable, because uvicorn can only start extra workers from an import string.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, fields
from pathlib import Path

CONFIG_ENV = "SOUND_DIARY_SYNC_CONFIG"


@dataclass
class ServerConfig:
    db_url: str = ""  # empty: sqlite file ``sync_server.sqlite3`` inside data_dir
    data_dir: str = ""  # empty: ``<user data folder>/sync_server``; audio lives in ``<data_dir>/audio``
    token_lifetime_s: int = 30 * 24 * 3600
    max_upload_bytes: int = 10 * 1024 * 1024
    login_fail_limit_account: int = 5
    login_fail_limit_address: int = 20
    login_fail_window_s: int = 300
    #: A validated token is remembered this long per process, so feed reads skip a DB lookup.
    #: Logout clears it at once in the process that served the logout; other workers may accept a
    #: revoked token for at most this long. 0 disables the cache.
    token_cache_ttl_s: float = 5.0
    #: argon2id cost. The defaults are argon2-cffi's RFC 9106 "low memory" profile; tests lower them.
    argon2_time_cost: int = 3
    argon2_memory_kib: int = 65536
    feed_max_limit: int = 100
    db_pool_size: int = 8

    def resolved_data_dir(self) -> Path:
        if self.data_dir:
            path = Path(self.data_dir)
        else:
            from diary_app.paths import data_dir

            path = data_dir() / "sync_server"
        path.mkdir(parents=True, exist_ok=True)
        return path

    def resolved_db_url(self) -> str:
        if self.db_url:
            return self.db_url
        return f"sqlite:///{self.resolved_data_dir() / 'sync_server.sqlite3'}"

    def audio_dir(self) -> Path:
        path = self.resolved_data_dir() / "audio"
        path.mkdir(parents=True, exist_ok=True)
        return path

    def to_env(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_env(cls) -> "ServerConfig":
        raw = os.environ.get(CONFIG_ENV)
        if not raw:
            return cls()
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in json.loads(raw).items() if k in names})
