"""Connection guard: slow or greedy clients cannot tie up the server's sockets.

uvicorn bounds the idle time *between* requests (``timeout_keep_alive``) but not the time a client
takes to send one: ~1,000 connections that each sent half a request held every file descriptor
and locked everybody out. The HTTP protocols here are uvicorn's own with three bounds added:

- **headers**: a request's headers must arrive within ``header_timeout_s`` of its first byte
  (or of the connection opening); otherwise the connection is closed;
- **body**: while a body is being received, ``body_timeout_s`` of silence closes the connection
  (only when the server is waiting for data: a paused read because the app is busy does not count);
- **per address**: at most ``max_per_address`` open connections from one client address; more
  are closed at once (0 = no bound, for a reverse proxy that already limits per client).

uvicorn's ``limit_concurrency`` (503 past N connections or tasks) and the raised open-file limit
(see ``cli.py``) cover what a single address cannot. Settings travel as class attributes set by
:func:`configure` in every worker (uvicorn builds protocol instances itself).
"""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

from uvicorn.protocols.http.h11_impl import H11Protocol

try:
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
except ImportError:  # httptools not installed
    HttpToolsProtocol = None  # type: ignore[assignment,misc]


class _Limits:
    header_timeout_s: float = 10.0
    body_timeout_s: float = 30.0
    max_per_address: int = 64


_open_per_address: Counter[str] = Counter()


def configure(header_timeout_s: float, body_timeout_s: float, max_per_address: int) -> None:
    _Limits.header_timeout_s = header_timeout_s
    _Limits.body_timeout_s = body_timeout_s
    _Limits.max_per_address = max_per_address


_live: set[_GuardMixin] = set()
_sweeper: asyncio.TimerHandle | None = None
SWEEP_S = 0.5  # deadlines are checked twice a second: a per-request timer cost ~0.1 ms per feed read


def _sweep(loop: asyncio.AbstractEventLoop) -> None:
    """Close every connection whose deadline has passed; runs every ``SWEEP_S`` while any is open."""
    global _sweeper
    now = loop.time()
    for conn in [c for c in _live if c._guard_deadline is not None and c._guard_deadline <= now]:
        conn._guard_expired(now)
    _sweeper = loop.call_later(SWEEP_S, _sweep, loop) if _live else None


class _GuardMixin:
    """Mixed in front of a uvicorn HTTP/1.1 protocol class (it relies on ``cycle``, ``flow``).

    Each connection only records a deadline (a float) as its state changes; one sweeper per
    process closes the overdue ones, so a request costs no timer of its own.
    """

    transport: asyncio.Transport
    loop: asyncio.AbstractEventLoop
    cycle: Any
    flow: Any

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        global _sweeper
        super().connection_made(transport)  # type: ignore[misc]
        peer = transport.get_extra_info("peername")
        self._guard_address = str(peer[0]) if isinstance(peer, tuple) and peer else ""
        self._guard_cycle: Any = None
        self._guard_idle = False
        self._guard_deadline: float | None = None
        _open_per_address[self._guard_address] += 1
        if 0 < _Limits.max_per_address < _open_per_address[self._guard_address]:
            transport.close()
            return
        self._guard_in(_Limits.header_timeout_s)
        _live.add(self)
        if _sweeper is None:
            _sweeper = self.loop.call_later(SWEEP_S, _sweep, self.loop)

    def connection_lost(self, exc: Exception | None) -> None:
        _live.discard(self)
        address = getattr(self, "_guard_address", None)
        if address is not None:
            _open_per_address[address] -= 1
            if _open_per_address[address] <= 0:
                del _open_per_address[address]
        super().connection_lost(exc)  # type: ignore[misc]

    def data_received(self, data: bytes) -> None:
        first_of_request = self._guard_idle
        self._guard_idle = False
        super().data_received(data)  # type: ignore[misc]
        cycle = self.cycle
        if cycle is not None and cycle is not self._guard_cycle:  # a new request's headers are complete
            self._guard_cycle = cycle
        if cycle is not None and cycle is self._guard_cycle and not cycle.response_complete:
            # inside a request: silence bound while its body arrives, none once it is all here
            self._guard_in(_Limits.body_timeout_s if cycle.more_body else 0)
        elif first_of_request:  # the first bytes of the next request on a kept-alive connection
            self._guard_in(_Limits.header_timeout_s)

    def on_response_complete(self) -> None:
        super().on_response_complete()  # type: ignore[misc]
        self._guard_idle = True  # idle now: uvicorn's keep-alive timeout applies until the next byte
        self._guard_deadline = None

    def _guard_in(self, seconds: float) -> None:
        self._guard_deadline = self.loop.time() + seconds if seconds > 0 else None

    def _guard_expired(self, now: float) -> None:
        self._guard_deadline = None
        if self.transport.is_closing():
            return
        cycle = self.cycle
        busy = cycle is not None and cycle is self._guard_cycle and not cycle.response_complete
        if busy and (not cycle.more_body or self.flow.read_paused):
            # the app is working on a complete request, or has not read what it was sent yet
            self._guard_deadline = now + _Limits.body_timeout_s
            return
        self.transport.close()


class GuardedH11Protocol(_GuardMixin, H11Protocol):
    pass


if HttpToolsProtocol is not None:

    class GuardedHttpToolsProtocol(_GuardMixin, HttpToolsProtocol):
        pass

else:  # pragma: no cover
    GuardedHttpToolsProtocol = None  # type: ignore[assignment,misc]


def protocol_class(http: str) -> type[asyncio.Protocol]:
    """The guarded protocol for uvicorn's ``--http`` choice (auto: httptools when installed)."""
    if http == "h11" or GuardedHttpToolsProtocol is None:
        return GuardedH11Protocol
    return GuardedHttpToolsProtocol
