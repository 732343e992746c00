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


class _GuardMixin:
    """Mixed in front of a uvicorn HTTP/1.1 protocol class (it relies on ``cycle``, ``flow``)."""

    transport: asyncio.Transport
    loop: asyncio.AbstractEventLoop
    cycle: Any
    flow: Any

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)  # type: ignore[misc]
        peer = transport.get_extra_info("peername")
        self._guard_address = str(peer[0]) if isinstance(peer, tuple) and peer else ""
        self._guard_timer: asyncio.TimerHandle | None = None
        self._guard_cycle: Any = None
        self._guard_idle = False
        _open_per_address[self._guard_address] += 1
        if 0 < _Limits.max_per_address < _open_per_address[self._guard_address]:
            transport.close()
            return
        self._guard_arm(_Limits.header_timeout_s)

    def connection_lost(self, exc: Exception | None) -> None:
        self._guard_cancel()
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
            if cycle.more_body:
                self._guard_arm(_Limits.body_timeout_s)  # silence while a body arrives
            else:
                self._guard_cancel()
        elif first_of_request:  # the first bytes of the next request on a kept-alive connection
            self._guard_arm(_Limits.header_timeout_s)

    def on_response_complete(self) -> None:
        super().on_response_complete()  # type: ignore[misc]
        self._guard_idle = True
        self._guard_arm(_Limits.header_timeout_s)

    # -- timers -----------------------------------------------------------------------------
    def _guard_arm(self, seconds: float) -> None:
        self._guard_cancel()
        if seconds > 0 and not self.transport.is_closing():
            self._guard_timer = self.loop.call_later(seconds, self._guard_expired)

    def _guard_cancel(self) -> None:
        timer = getattr(self, "_guard_timer", None)
        if timer is not None:
            timer.cancel()
            self._guard_timer = None

    def _guard_expired(self) -> None:
        self._guard_timer = None
        if self.transport.is_closing():
            return
        cycle = self.cycle
        busy = cycle is not None and cycle is self._guard_cycle and not cycle.response_complete
        if busy and (not cycle.more_body or self.flow.read_paused):
            return  # the app is working on a complete request, or has not read what it has
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
