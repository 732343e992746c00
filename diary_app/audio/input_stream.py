"""Where recorded audio comes from: the microphone (sounddevice) or a file that pretends to be one.

Both sides share the ``sounddevice.InputStream`` shape (``samplerate, channels, dtype, callback,
device, blocksize, finished_callback`` + ``start/stop/close``), so the recorder, the GUI and the
tests run the very same code path. ``SOUND_DIARY_INPUT_FILE=path`` switches to the file
(``SOUND_DIARY_INPUT_SPEED``: 1 = real time (default), N = N times faster, 0 = as fast as possible).

Device problems become one typed ``MicrophoneUnavailable`` with a message a user can act on.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from diary_app.audio.loading import SAMPLE_RATE
from diary_app.audio.paced_stream import PacedStream, portaudio_devices

INPUT_FILE_ENV = "SOUND_DIARY_INPUT_FILE"
INPUT_SPEED_ENV = "SOUND_DIARY_INPUT_SPEED"

#: ``callback(indata (frames, channels) float32, frames, time_info, status)`` like sounddevice
AudioCallback = Callable[[np.ndarray, int, Any, Any], None]


class MicrophoneUnavailable(RuntimeError):
    """No usable input device: none present, permission denied, busy or unplugged."""

    def __init__(self, message: str, reason: str = "unavailable") -> None:
        self.reason = reason  # "no_device" | "denied" | "unsupported_rate" | "unavailable"
        super().__init__(message)


class InputStream(Protocol):
    samplerate: float
    channels: int

    @property
    def active(self) -> bool: ...

    def start(self) -> None: ...

    def stop(self) -> None: ...

    def close(self) -> None: ...


@dataclass
class InputDevice:
    index: int
    name: str
    default_samplerate: float
    max_input_channels: int


def list_input_devices() -> list[InputDevice]:
    """Input devices PortAudio sees (empty on a machine without sound hardware)."""
    return [
        InputDevice(int(d["index"]), d["name"], float(d["default_samplerate"]), int(d["max_input_channels"]))
        for d in portaudio_devices("max_input_channels")
    ]


class FileInputStream(PacedStream):
    """Plays an audio file into ``callback`` block by block from a thread, like a microphone.

    ``fail_after_s`` raises a device error after that much audio (tests of an unplugged mic).
    At the end of the file the stream finishes by itself (``ended`` is True, ``error`` None) and
    calls ``finished_callback`` as sounddevice does when a stream stops.
    """

    thread_name = "file-input-stream"

    def __init__(
        self,
        path: str | Path,
        samplerate: float = SAMPLE_RATE,
        channels: int = 1,
        dtype: str = "float32",
        callback: AudioCallback | None = None,
        device: Any = None,
        blocksize: int = 0,
        finished_callback: Callable[[], None] | None = None,
        speed: float | None = None,
        fail_after_s: float | None = None,
        **_ignored: Any,
    ) -> None:
        from diary_app.audio.loading import load_audio

        if speed is None:
            speed = float(os.environ.get(INPUT_SPEED_ENV, "1") or 1)
        self._init_stream(samplerate, int(blocksize) or int(float(samplerate) // 50), speed, finished_callback)
        self.path = Path(path)
        self.channels = int(channels)
        self.device = device if device is not None else f"file:{self.path.name}"
        self.callback = callback
        self.fail_after_s = fail_after_s
        self.wave = load_audio(self.path, sample_rate=int(self.samplerate), min_duration_s=0.0)
        self.ended = False
        self._pos = 0

    def start(self) -> None:
        if self._thread is None:  # a file plays once, like a microphone that was unplugged after it
            super().start()

    def _block(self) -> tuple[int, bool]:
        if self.fail_after_s is not None and self._pos >= int(self.fail_after_s * self.samplerate):
            raise MicrophoneUnavailable("the input device was disconnected", reason="unavailable")
        block = self.wave[self._pos : self._pos + self.blocksize]
        self._pos += block.size
        if block.size and self.callback is not None:
            self.callback(np.repeat(block[:, None], self.channels, axis=1).astype(np.float32), block.size, None, None)
        self.ended = self._pos >= self.wave.size
        return block.size, self.ended


def open_input_stream(
    *,
    samplerate: float,
    channels: int,
    callback: AudioCallback,
    device: Any = None,
    blocksize: int = 0,
    finished_callback: Callable[[], None] | None = None,
    dtype: str = "float32",
) -> Any:
    """The default stream factory: the file of ``SOUND_DIARY_INPUT_FILE`` or the microphone.

    When the device refuses ``samplerate`` it is opened at its own rate (the returned stream's
    ``samplerate`` tells which) and the recorder resamples.
    """
    fake = os.environ.get(INPUT_FILE_ENV)
    if fake:
        return FileInputStream(
            fake, samplerate=samplerate, channels=channels, dtype=dtype, callback=callback,
            device=device, blocksize=blocksize, finished_callback=finished_callback,
        )
    try:
        import sounddevice as sd
    except OSError as exc:  # libportaudio missing
        raise MicrophoneUnavailable(f"audio input is not available on this system ({exc})", "no_device") from exc
    if not list_input_devices():
        raise MicrophoneUnavailable("no microphone was found; connect one and try again", "no_device")
    kwargs = dict(channels=channels, dtype=dtype, callback=callback, device=device,
                  blocksize=blocksize, finished_callback=finished_callback)
    try:
        return sd.InputStream(samplerate=samplerate, **kwargs)
    except sd.PortAudioError as first:
        try:  # many devices only offer 44.1/48 kHz: open at the native rate and resample
            native = sd.query_devices(device, "input")["default_samplerate"]
            if int(native) != int(samplerate):
                return sd.InputStream(samplerate=native, **kwargs)
        except Exception:
            pass
        raise MicrophoneUnavailable(_explain(first), _reason(first)) from first
    except ValueError as exc:  # unknown device name from the settings
        raise MicrophoneUnavailable(f"the chosen input device is not available: {exc}", "no_device") from exc


def _reason(exc: Exception) -> str:
    text = str(exc).lower()
    if "permission" in text or "denied" in text:
        return "denied"
    if "sample rate" in text:
        return "unsupported_rate"
    if "device unavailable" in text or "no default" in text or "invalid device" in text:
        return "no_device"
    return "unavailable"


def _explain(exc: Exception) -> str:
    reason = _reason(exc)
    if reason == "denied":
        return "the app may not use the microphone; allow microphone access in the system settings"
    if reason == "no_device":
        return "no microphone is available; connect one or pick another device in Settings"
    return f"the microphone could not be opened ({exc})"
