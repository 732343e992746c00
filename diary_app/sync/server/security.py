"""Passwords, bearer tokens and the login rate limiter.

- Passwords: argon2id (argon2-cffi). Unknown usernames still pay one hash verification so that
  response time does not reveal which accounts exist.
- Tokens: 256 random bits from ``secrets.token_urlsafe``; the database keeps only their SHA-256,
  which is enough because the token itself has full entropy (no slow hash needed), and lets the
  per-request check be one indexed lookup.
- Rate limiter: a sliding window of *failed* login times per account and per client address,
  in memory per process (with N workers the effective limit is at most N times higher).
"""

from __future__ import annotations

import hashlib
import math
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError


class Passwords:
    """argon2id hashing with at most ``max_parallel`` hashes at a time per process.

    Each hash takes ``memory_kib`` of RAM; without the bound a burst of logins on the thread pool
    (40 threads) could need 40 x 64 MiB at once.
    """

    def __init__(self, time_cost: int = 3, memory_kib: int = 65536, max_parallel: int = 4) -> None:
        self._hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=1)
        self._slots = threading.BoundedSemaphore(max_parallel)
        self._dummy = self._hasher.hash("not a real password, only here to equalise timing")

    def hash(self, password: str) -> str:
        with self._slots:
            return self._hasher.hash(password)

    def verify(self, stored_hash: str | None, password: str) -> bool:
        try:
            with self._slots:
                ok = self._hasher.verify(stored_hash or self._dummy, password)
            return ok and stored_hash is not None
        except (VerificationError, InvalidHashError):
            return False


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True)
class CachedUser:
    id: int
    username: str
    display_name: str
    expires_us: int


class TokenCache:
    """token hash -> user for a few seconds, so hot read paths skip the token lookup."""

    def __init__(self, ttl_s: float) -> None:
        self.ttl_s = ttl_s
        self._items: dict[str, tuple[float, CachedUser]] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> CachedUser | None:
        if self.ttl_s <= 0:
            return None
        item = self._items.get(key)
        if item is None:
            return None
        if time.monotonic() - item[0] > self.ttl_s:
            self._items.pop(key, None)
            return None
        return item[1]

    def put(self, key: str, user: CachedUser) -> None:
        if self.ttl_s <= 0:
            return
        with self._lock:
            if len(self._items) > 50_000:  # bounded: drop everything rather than grow forever
                self._items.clear()
            self._items[key] = (time.monotonic(), user)

    def drop(self, key: str) -> None:
        self._items.pop(key, None)

    def drop_user(self, user_id: int) -> None:
        with self._lock:
            for key in [k for k, (_, u) in self._items.items() if u.id == user_id]:
                self._items.pop(key, None)


class LoginRateLimiter:
    """Counts failed logins per key in a sliding window; ``retry_after`` > 0 means refuse."""

    def __init__(self, limit_account: int, limit_address: int, window_s: float) -> None:
        self.limit_account = limit_account
        self.limit_address = limit_address
        self.window_s = window_s
        self._fails: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _retry_after(self, key: str, limit: int, now: float) -> int:
        q = self._fails.get(key)
        if not q:
            return 0
        while q and now - q[0] >= self.window_s:
            q.popleft()
        if len(q) < limit:
            return 0
        return max(1, math.ceil(self.window_s - (now - q[-limit])))

    def retry_after(self, username: str, address: str) -> int:
        now = time.monotonic()
        with self._lock:
            return max(
                self._retry_after("u:" + username, self.limit_account, now),
                self._retry_after("a:" + address, self.limit_address, now),
            )

    def failed(self, username: str, address: str) -> None:
        now = time.monotonic()
        with self._lock:
            for key in ("u:" + username, "a:" + address):
                self._fails.setdefault(key, deque()).append(now)
            if len(self._fails) > 100_000:
                self._fails.clear()

    def succeeded(self, username: str) -> None:
        with self._lock:
            self._fails.pop("u:" + username, None)
