"""Server settings (pydantic-settings): flags of ``diary-app sync-server``, or the environment.

Every field can be set as ``SOUND_DIARY_SYNC_<NAME>`` (e.g. ``SOUND_DIARY_SYNC_DB_URL``). The CLI
builds the settings from its flags and exports them the same way (``export_to_env``), because
uvicorn starts extra workers from an import string and each worker reads them back from there.
"""

from __future__ import annotations

import os
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

ENV_PREFIX = "SOUND_DIARY_SYNC_"


class ServerSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="ignore")

    db_url: str = ""  # empty: sqlite file ``sync_server.sqlite3`` inside data_dir
    data_dir: str = ""  # empty: ``<user data folder>/sync_server``; audio lives in ``<data_dir>/audio``
    token_lifetime_s: int = 30 * 24 * 3600
    max_upload_bytes: int = 10 * 1024 * 1024
    #: Failed logins allowed before each further one doubles the wait (see security.LoginRateLimiter).
    login_fail_limit_pair: int = 5  # one account from one address
    login_fail_limit_account: int = 5  # one account from addresses it never signed in from
    login_fail_limit_address: int = 20  # one address, over accounts it never signed in to
    login_fail_window_s: int = 900
    login_base_delay_s: float = 1.0
    login_max_delay_s: float = 300.0
    #: A validated token is remembered this long per process, so feed reads skip a DB lookup.
    #: Logout clears it at once in the process that served the logout; other workers may accept a
    #: revoked token for at most this long. 0 disables the cache.
    token_cache_ttl_s: float = 5.0
    #: argon2id cost. The defaults are argon2-cffi's RFC 9106 "low memory" profile; tests lower them.
    argon2_time_cost: int = 3
    argon2_memory_kib: int = 65536
    #: After "no", the same person may not ask again for this long (no request/reject spam).
    friend_request_cooldown_s: float = 7 * 24 * 3600
    #: Slow-client bounds (guard.py): headers within this, body silence at most this, connections
    #: per client address (0: none, e.g. behind a reverse proxy), and uvicorn's own limits.
    header_timeout_s: float = 10.0
    body_timeout_s: float = 30.0
    max_connections_per_address: int = 64
    limit_concurrency: int = 1000
    keep_alive_s: int = 5
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

    def export_to_env(self) -> None:
        """Put every field in this process's environment, for the worker processes to read back."""
        for name, value in self.model_dump().items():
            os.environ[ENV_PREFIX + name.upper()] = str(value)
