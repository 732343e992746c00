"""Sign-in state: restore the stored token at start, check it with /me, drop it when refused.

Paper §4.4: the token is reused at the next start, validated with a "who am I" request and deleted
when invalid. "Invalid" means the server said 401; a network failure says nothing about the token,
so it is kept and the app works offline until the server is back.
"""

from __future__ import annotations

import threading
from enum import Enum
from typing import Any

import httpx

from diary_app.sync.client.api import ApiClient, AuthError, NotFoundError, OfflineError
from diary_app.sync.client.token_store import StoredToken, TokenStore
from diary_app.sync.contract import User


class SessionState(str, Enum):
    SIGNED_OUT = "signed_out"
    SIGNED_IN = "signed_in"  # token checked with /me
    OFFLINE = "offline"  # token kept but unchecked: the server could not be reached


class ClientSession:
    """One server address, its token and the signed-in user."""

    def __init__(
        self,
        server_url: str,
        token_store: TokenStore | None = None,
        *,
        transport: httpx.BaseTransport | None = None,
        event_hooks: dict[str, Any] | None = None,
        timeout: float = 15.0,
    ) -> None:
        self.server_url = server_url.rstrip("/")
        self.tokens = token_store or TokenStore()
        self.api = ApiClient(self.server_url, transport=transport, event_hooks=event_hooks, timeout=timeout)
        self.state = SessionState.SIGNED_OUT
        self.user: User | None = None
        self._lock = threading.Lock()

    @property
    def signed_in(self) -> bool:
        return self.state in (SessionState.SIGNED_IN, SessionState.OFFLINE)

    def restore(self) -> SessionState:
        """Load the stored token and validate it. Never raises for a network problem."""
        stored = self.tokens.load(self.server_url)
        if stored is None:
            self._set(SessionState.SIGNED_OUT, None, None)
            return self.state
        self.api.token = stored.access_token
        try:
            user = self.api.me()
        except AuthError:
            self.tokens.delete(self.server_url)  # expired, revoked or forged: useless from now on
            self._set(SessionState.SIGNED_OUT, None, None)
        except OfflineError:
            placeholder = User(id=0, username=stored.username, display_name=stored.username) if stored.username else None  # id 0: not known offline
            self._set(SessionState.OFFLINE, placeholder, stored.access_token)
        else:
            self._set(SessionState.SIGNED_IN, user, stored.access_token)
        return self.state

    def signup(self, username: str, display_name: str, password: str) -> User:
        """Create the account and sign straight in (what every user expects after signing up)."""
        try:
            self.api.signup(username, display_name, password)
        except NotFoundError:
            self.api.check_compatible()  # no /v1 there: say "the server is older" instead of "404"
            raise
        return self.login(username, password)

    def login(self, username: str, password: str) -> User:
        try:
            result = self.api.login(username, password)
        except NotFoundError:
            self.api.check_compatible()
            raise
        self.tokens.save(
            StoredToken(
                server_url=self.server_url,
                access_token=result.access_token,
                username=result.user.username,
                expires_at=result.expires_at.isoformat() if result.expires_at else None,
            )
        )
        self._set(SessionState.SIGNED_IN, result.user, result.access_token)
        return result.user

    def logout(self) -> None:
        """Revoke on the server when reachable; the local token goes in every case."""
        try:
            if self.api.token:
                self.api.logout()
        except (OfflineError, AuthError):
            pass
        finally:
            self.tokens.delete(self.server_url)
            self._set(SessionState.SIGNED_OUT, None, None)

    def handle_auth_error(self) -> None:
        """Any call answered 401: the token is no longer valid, forget it."""
        self.tokens.delete(self.server_url)
        self._set(SessionState.SIGNED_OUT, None, None)

    def close(self) -> None:
        self.api.close()

    def _set(self, state: SessionState, user: User | None, token: str | None) -> None:
        with self._lock:
            self.state, self.user = state, user
            self.api.token = token
