"""Where the sign-in token lives between runs (paper §4.4: stored locally, reused at next start).

The OS keyring is preferred (Keychain, Windows Credential Locker, Secret Service). Headless Linux
and minimal desktops often have no keyring backend at all; then the token goes to a JSON file in
the config folder that only the user can read (mode 0600), so signing in still survives a restart.
Tokens are kept per server address so switching servers never sends one server's token to another.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Protocol

log = logging.getLogger(__name__)

SERVICE = "SoundDiary sync"
FILE_NAME = "sync_token.json"


class KeyringBackend(Protocol):
    """What the store uses of a ``keyring`` backend (the OS keyring, or a test's in-memory one)."""

    def set_password(self, service: str, username: str, password: str) -> None: ...
    def get_password(self, service: str, username: str) -> str | None: ...
    def delete_password(self, service: str, username: str) -> None: ...


@dataclass(frozen=True)
class StoredToken:
    server_url: str
    access_token: str
    username: str = ""
    expires_at: str | None = None  # ISO text as the server sent it


class TokenStore:
    """``save``/``load``/``delete`` one token per server; ``backend_name`` says where it went."""

    def __init__(self, keyring_backend: KeyringBackend | None = None, file_path: Path | None = None, use_keyring: bool = True) -> None:
        if file_path is None:
            from diary_app.paths import config_dir

            file_path = config_dir() / FILE_NAME
        self.file_path = Path(file_path)
        self._keyring = keyring_backend if keyring_backend is not None else (_system_keyring() if use_keyring else None)

    @property
    def backend_name(self) -> str:
        return type(self._keyring).__module__ + "." + type(self._keyring).__name__ if self._keyring is not None else f"file:{self.file_path}"

    @staticmethod
    def _key(server_url: str) -> str:
        return server_url.rstrip("/")

    # -- public API ----------------------------------------------------------------------------
    def save(self, token: StoredToken) -> None:
        payload = json.dumps(asdict(token))
        if self._keyring is not None:
            try:
                self._keyring.set_password(SERVICE, self._key(token.server_url), payload)
                self._file_delete(token.server_url)  # never leave an older copy in the file
                return
            except Exception as exc:  # keyring.errors.KeyringError and backend-specific failures
                log.warning("keyring refused the token (%s); using the private file instead", exc)
        self._file_save(token)

    def load(self, server_url: str) -> StoredToken | None:
        if self._keyring is not None:
            try:
                raw = self._keyring.get_password(SERVICE, self._key(server_url))
            except Exception as exc:
                log.warning("keyring could not be read (%s); trying the private file", exc)
                raw = None
            if raw:
                return _parse(raw)
        return self._file_load(server_url)

    def delete(self, server_url: str) -> None:
        if self._keyring is not None:
            try:
                self._keyring.delete_password(SERVICE, self._key(server_url))
            except Exception:
                pass  # not there (PasswordDeleteError) or keyring gone: the file is checked anyway
        self._file_delete(server_url)

    # -- file fallback ------------------------------------------------------------------------
    def _file_read_all(self) -> dict[str, Any]:
        try:
            data = json.loads(self.file_path.read_text(encoding="utf-8"))
        except (FileNotFoundError, json.JSONDecodeError):
            return {}
        return data if isinstance(data, dict) else {}

    def _file_write_all(self, data: dict[str, Any]) -> None:
        self.file_path.parent.mkdir(parents=True, exist_ok=True)
        if not data:
            self.file_path.unlink(missing_ok=True)
            return
        tmp = self.file_path.with_suffix(".tmp")
        tmp.unlink(missing_ok=True)
        # created 0600 from the start, so the token is never readable by others, not even briefly
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh)
        os.chmod(tmp, 0o600)
        os.replace(tmp, self.file_path)

    def _file_save(self, token: StoredToken) -> None:
        data = self._file_read_all()
        data[self._key(token.server_url)] = asdict(token)
        self._file_write_all(data)

    def _file_load(self, server_url: str) -> StoredToken | None:
        raw = self._file_read_all().get(self._key(server_url))
        return _parse(json.dumps(raw)) if raw else None

    def _file_delete(self, server_url: str) -> None:
        data = self._file_read_all()
        if data.pop(self._key(server_url), None) is not None:
            self._file_write_all(data)


def _parse(raw: str) -> StoredToken | None:
    try:
        data = json.loads(raw)
        return StoredToken(**{k: data[k] for k in ("server_url", "access_token", "username", "expires_at") if k in data})
    except (ValueError, TypeError, KeyError):
        return None


def _system_keyring() -> KeyringBackend | None:
    """The OS keyring, or None when keyring only has its 'fail'/'null' stand-ins (headless Linux)."""
    try:
        import keyring
        from keyring.backends import fail, null

        backend = keyring.get_keyring()
    except Exception as exc:  # a broken keyring config must not stop the app
        log.info("no keyring available: %s", exc)
        return None
    if isinstance(backend, (fail.Keyring, null.Keyring)):
        return None
    if getattr(backend, "priority", 1) <= 0:
        return None
    # chainer.ChainerBackend with no real members also ends up here with priority 0 or raises on use
    return backend
