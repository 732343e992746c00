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
from collections.abc import Callable
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
    """Slows password guessing down without locking the account's owner out.

    Failed logins are counted in a sliding window (``window_s``) under three keys: the pair
    (account, address), the account, and the address. Past a key's free allowance every further
    failure doubles the wait before the next attempt under that key (``base_delay_s`` x 2^k, at
    most ``max_delay_s``), so a guesser gets ever slower, never a fixed 5-minute wall.

    Whom each key slows:
    - the pair: whoever keeps failing from that address on that account (the owner's own typos
      included, but only a second or two after five of them);
    - the account (someone guessing one account from many addresses) and the address (one
      address spraying many accounts): only addresses that have *not* signed in to that account
      successfully before. The owner, from where they usually sign in, is never held up by
      somebody else's failures; a shared address (an office, a NAT) keeps working for the
      accounts that sign in from it.

    In memory, per process: with N workers each keeps its own counts.
    """

    def __init__(
        self,
        limit_account: int,
        limit_address: int,
        window_s: float,
        *,
        limit_pair: int = 5,
        base_delay_s: float = 1.0,
        max_delay_s: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limits = {"p": limit_pair, "u": limit_account, "a": limit_address}
        self.window_s = window_s
        self.base_delay_s = base_delay_s
        self.max_delay_s = max_delay_s
        self._clock = clock
        self._fails: dict[str, deque[float]] = {}
        self._known: dict[str, float] = {}  # "account\0address" -> last success
        self._lock = threading.Lock()

    @staticmethod
    def _keys(username: str, address: str) -> dict[str, str]:
        return {"p": f"p:{username}\0{address}", "u": "u:" + username, "a": "a:" + address}

    def _wait(self, kind: str, key: str, now: float) -> float:
        q = self._fails.get(key)
        if not q:
            return 0.0
        while q and now - q[0] >= self.window_s:
            q.popleft()
        over = len(q) - self.limits[kind]
        if over < 0:
            return 0.0
        delay = min(self.max_delay_s, self.base_delay_s * 2.0**over)
        return max(0.0, q[-1] + delay - now)

    def wait_s(self, username: str, address: str) -> float:
        """Seconds before this (account, address) may try again; 0 means go ahead."""
        now = self._clock()
        keys = self._keys(username, address)
        with self._lock:
            known = f"{username}\0{address}" in self._known
            kinds = ("p",) if known else ("p", "u", "a")
            return max(self._wait(kind, keys[kind], now) for kind in kinds)

    def retry_after(self, username: str, address: str) -> int:
        """``wait_s`` in whole seconds for the ``Retry-After`` header (0: go ahead)."""
        wait = self.wait_s(username, address)
        return math.ceil(wait) if wait > 0 else 0

    def failed(self, username: str, address: str) -> None:
        now = self._clock()
        keys = self._keys(username, address)
        with self._lock:
            # a known pair's typos slow only that pair; they say nothing about an attack
            known = f"{username}\0{address}" in self._known
            for kind in ("p",) if known else ("p", "u", "a"):
                self._fails.setdefault(keys[kind], deque()).append(now)
            if len(self._fails) > 100_000:  # bounded memory under a spray of random names
                self._fails.clear()

    def succeeded(self, username: str, address: str) -> None:
        with self._lock:
            self._fails.pop(self._keys(username, address)["p"], None)
            if len(self._known) > 100_000:
                self._known.clear()
            self._known[f"{username}\0{address}"] = self._clock()
