"""What the fake microphone and the fake speaker share: a plain thread that handles one block after
another, paced to real time, with sounddevice's stream lifecycle.

WHY one place: ``input_stream.FileInputStream`` (a file played into the recorder's callback) and
``playback.FakeOutputStream`` (frames pulled from the player's callback) stand in for PortAudio at the
hardware edge; both must start, stop, pace and finish exactly as a real stream does, or the tests
test something the sound card never does.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any


def portaudio_devices(channel_key: str) -> list[dict[str, Any]]:
    """The devices PortAudio sees with at least one channel of ``channel_key``
    (``max_input_channels`` / ``max_output_channels``), each with its PortAudio ``index``; empty when PortAudio is missing or broken,
    which for the app is the same as "no such device"."""
    try:
        import sounddevice as sd

        devices = sd.query_devices()
    except Exception:  # noqa: BLE001 - PortAudio missing or broken
        return []
    return [{**dict(d), "index": i} for i, d in enumerate(devices) if int(d.get(channel_key, 0)) > 0]


class PacedStream:
    """A stream whose "device" is a thread: ``_block()`` handles one block and says how many frames it
    handled and whether that was the last; blocks are paced to ``speed`` × real time (0: as fast as
    possible). An exception in ``_block`` ends the stream and is kept in ``error``; ``finished_callback``
    runs when the stream ends, as sounddevice's does."""

    thread_name = "paced-stream"

    def _init_stream(self, samplerate: float, blocksize: int, speed: float,
                     finished_callback: Callable[[], None] | None) -> None:
        self.samplerate = float(samplerate)
        self.blocksize = int(blocksize) or max(1, int(self.samplerate // 50))  # 20 ms like a typical device
        self.speed = max(0.0, float(speed))
        self.finished_callback = finished_callback
        self.error: BaseException | None = None
        self.closed = False
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _block(self) -> tuple[int, bool]:
        raise NotImplementedError

    @property
    def active(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        if self.closed:
            raise RuntimeError("the stream is closed")
        if self.active:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name=self.thread_name, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        t0 = time.monotonic()
        done = 0
        try:
            while not self._stop.is_set():
                frames, last = self._block()
                done += frames
                if last:
                    break
                if self.speed > 0:
                    delay = t0 + done / self.samplerate / self.speed - time.monotonic()
                    if delay > 0:
                        self._stop.wait(delay)
        except BaseException as exc:  # noqa: BLE001 - kept for the owner (recorder, player): never lost
            self.error = exc
        finally:
            if self.finished_callback is not None:
                self.finished_callback()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=5)

    def abort(self) -> None:
        self.stop()

    def close(self) -> None:
        self.stop()
        self.closed = True
