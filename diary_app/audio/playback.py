"""Play a recording through the speaker: a Qt-free player on a ``sounddevice.OutputStream``.

WHY not QtMultimedia: its FFmpeg backend runs its own thread that tears Python-wrapped objects
down while it wants the GIL, and the GUI thread holds the GIL inside a Qt call waiting for that
thread: a deadlock that hung one full test run of four (issue 14 note). Here nothing but a numpy
copy runs off the GUI thread, and PortAudio is called through cffi, which releases the GIL during
every C call, so the GUI thread never waits on a thread that waits for the GIL.

Threads, and what each may touch:

- the *caller* (the GUI thread) calls ``play/pause/stop/seek/close`` and polls ``state`` and
  ``position_s`` (the UI does it from a ``QTimer``; no callbacks into Qt from here);
- ``decode()`` is blocking and thread-safe: the UI runs it with ``diary_app.ui.worker.BackgroundCall``
  so a long file never freezes the window; ``play()`` on a file not decoded yet decodes inline
  (scripts, tests);
- the *audio callback* (PortAudio's thread, or the fake speaker's plain thread) copies frames from
  one numpy array into ``outdata`` and advances an integer position under a lock: no I/O, no
  allocation beyond the slice, no Qt.

The speaker is the hardware edge and is injectable exactly like the microphone
(``diary_app.audio.input_stream``): ``stream_factory`` has the ``sounddevice.OutputStream`` shape;
``open_output_stream`` (the default) opens the real device, or ``FakeOutputStream`` when
``SOUND_DIARY_FAKE_SPEAKER`` is set. Every problem (no output device, ``PortAudioError``, a file
that cannot be decoded, a device lost mid-sound) becomes ``state == "error"`` with ``error`` set;
no exception leaves this class towards the GUI.

Memory: the file is decoded whole, mono float32 at its own rate (one minute at 16 kHz: 3.8 MB;
diary recordings are 16 kHz and at most minutes long).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal, Protocol

import numpy as np

from diary_app.audio.loading import AudioLoadError, load_audio, resample
from diary_app.audio.paced_stream import PacedStream, portaudio_devices

FAKE_SPEAKER_ENV = "SOUND_DIARY_FAKE_SPEAKER"
"""Set to a speed (1 = real time, N = N times faster, 0 = as fast as possible): every player uses a
``FakeOutputStream`` instead of the sound card (screenshots and tests on machines without one)."""

PlaybackState = Literal["stopped", "playing", "paused", "finished", "error"]

#: ``callback(outdata (frames, channels) float32, frames, time_info, status)`` like sounddevice
OutputCallback = Callable[[np.ndarray, int, Any, Any], None]


class PlaybackUnavailable(RuntimeError):
    """No usable output device: none present, busy, refused the format, or PortAudio missing."""

    def __init__(self, message: str, reason: str = "unavailable") -> None:
        self.reason = reason  # "no_device" | "unavailable"
        super().__init__(message)


class CallbackStop(Exception):
    """Raised by an output callback after its last frames (they still play), like
    ``sounddevice.CallbackStop``; ``open_output_stream`` maps it onto sounddevice's own, so the
    player's callback needs no sounddevice import (the fake speaker works without PortAudio)."""


class OutputStream(Protocol):
    """What the player needs of a stream: the ``sounddevice.OutputStream`` subset."""

    @property
    def samplerate(self) -> float: ...

    @property
    def active(self) -> bool: ...

    def start(self) -> None: ...

    def close(self) -> None: ...


#: ``factory(samplerate=, channels=, callback=, finished_callback=, device=, blocksize=, dtype=)``
OutputStreamFactory = Callable[..., OutputStream]


def list_output_devices() -> list[dict[str, Any]]:
    """Output devices PortAudio sees (empty on a machine without sound hardware)."""
    return portaudio_devices("max_output_channels")


class FakeOutputStream(PacedStream):
    """A speaker that pulls frames through the callback on a plain thread and keeps them.

    The tests' and screenshots' stand-in for the sound card (like ``FileInputStream`` for the
    microphone; both are a ``PacedStream``): the same callback contract as sounddevice (``outdata`` to
    fill, ``CallbackStop`` ends the stream after that block, ``finished_callback`` when it becomes
    inactive). ``frames`` holds every block delivered, ``delivered()`` joins channel 0. ``fail_after_s``
    makes the "device" vanish after that much sound (a pulled headphone plug).
    """

    thread_name = "fake-speaker"

    def __init__(
        self,
        samplerate: float,
        channels: int = 1,
        dtype: str = "float32",
        callback: OutputCallback | None = None,
        device: Any = None,
        blocksize: int = 0,
        finished_callback: Callable[[], None] | None = None,
        speed: float = 1.0,
        keep: bool = True,
        fail_after_s: float | None = None,
        **_ignored: Any,
    ) -> None:
        self._init_stream(samplerate, blocksize, speed, finished_callback)
        self.channels = int(channels)
        self.device = device if device is not None else "fake-speaker"
        self.callback = callback
        self.keep = keep
        self.fail_after_s = fail_after_s
        self.frames: list[np.ndarray] = []
        self._sent = 0  # over every start: the "plug" is pulled after fail_after_s of sound in all

    def _block(self) -> tuple[int, bool]:
        if self.fail_after_s is not None and self._sent >= int(self.fail_after_s * self.samplerate):
            raise PlaybackUnavailable("the audio output device was disconnected")
        out = np.zeros((self.blocksize, self.channels), dtype=np.float32)
        last = False
        if self.callback is not None:
            try:
                self.callback(out, self.blocksize, None, None)
            except CallbackStop:
                last = True
        if self.keep:
            self.frames.append(out)
        self._sent += self.blocksize
        return self.blocksize, last

    def delivered(self) -> np.ndarray:
        """Every sample the speaker received (channel 0), in order."""
        if not self.frames:
            return np.zeros(0, dtype=np.float32)
        return np.concatenate([f[:, 0] for f in self.frames])


def open_output_stream(
    *,
    samplerate: float,
    channels: int,
    callback: OutputCallback,
    finished_callback: Callable[[], None] | None = None,
    device: Any = None,
    blocksize: int = 0,
    dtype: str = "float32",
) -> Any:
    """The default stream factory: the sound card, or the fake speaker of ``SOUND_DIARY_FAKE_SPEAKER``.

    When the device refuses ``samplerate`` it is opened at its own rate (the returned stream's
    ``samplerate`` says which) and the player resamples. Raises ``PlaybackUnavailable``.
    """
    fake = os.environ.get(FAKE_SPEAKER_ENV)
    if fake is not None and fake != "":
        return FakeOutputStream(samplerate, channels, dtype, callback, device, blocksize, finished_callback,
                                speed=float(fake), keep=False)
    try:
        import sounddevice as sd
    except OSError as exc:  # libportaudio missing
        raise PlaybackUnavailable(f"audio output is not available on this system ({exc})", "no_device") from exc
    if not list_output_devices():
        raise PlaybackUnavailable("no audio output device was found; connect speakers or headphones and try again",
                                  "no_device")

    def pa_callback(outdata: np.ndarray, frames: int, time_info: Any, status: Any) -> None:
        try:
            callback(outdata, frames, time_info, status)
        except CallbackStop:
            raise sd.CallbackStop from None

    kwargs = dict(dtype=dtype, callback=pa_callback, device=device, blocksize=blocksize,
                  finished_callback=finished_callback)
    try:
        return sd.OutputStream(samplerate=samplerate, channels=channels, **kwargs)
    except sd.PortAudioError as first:
        # a device that only offers 44.1/48 kHz or only stereo (ALSA hardware): open it as it is;
        # the player resamples, the callback copies the mono sound to every channel
        try:
            info = sd.query_devices(device, "output")
            native, most = float(info["default_samplerate"]), int(info["max_output_channels"])
        except Exception:  # noqa: BLE001 - the first error is the one to explain
            native, most = float(samplerate), int(channels)
        tried = {(int(samplerate), int(channels))}
        for rate, ch in ((native, channels), (samplerate, min(2, most)), (native, min(2, most))):
            if (int(rate), int(ch)) in tried or ch < 1:
                continue
            tried.add((int(rate), int(ch)))
            try:
                return sd.OutputStream(samplerate=rate, channels=ch, **kwargs)
            except sd.PortAudioError:
                continue
        raise PlaybackUnavailable(f"the audio output could not be opened ({first})") from first
    except ValueError as exc:  # an unknown device name
        raise PlaybackUnavailable(f"the chosen audio output is not available: {exc}", "no_device") from exc


class Playback:
    """One file on the speaker: ``play/pause/stop/seek``, ``position_s``, ``duration_s``, ``state``.

    Cheap to create (no I/O until ``decode()`` or ``play()``). A stream exists only while the
    sound plays: pause and stop close it, play opens a new one; a sound that ended by itself leaves
    its stopped stream to the next call (or ``close()``). After a device error ``play()`` tries the
    device again (headphones plugged in meanwhile); after a decoding error it stays in "error".
    """

    CHANNELS = 1  # the loader gives mono; the callback copies it to every channel the stream has

    def __init__(self, path: str | Path, *, stream_factory: OutputStreamFactory | None = None,
                 device: Any = None, blocksize: int = 0) -> None:
        self.path = Path(path)
        self._factory = stream_factory
        self._device = device
        self._blocksize = int(blocksize)
        self._lock = threading.Lock()  # guards the fields the callback reads and writes
        self._decode_lock = threading.Lock()
        self._wave: np.ndarray | None = None
        self._rate = 0
        self._pos = 0
        self._start_s = 0.0  # a seek before the file was decoded
        self._state: PlaybackState = "stopped"
        self._error: str | None = None
        self._decode_failed = False
        self._stream: OutputStream | None = None
        self._generation = 0  # which stream is current: a late "finished" from an older one is ignored

    # -- what the GUI polls ------------------------------------------------------------------------
    @property
    def state(self) -> PlaybackState:
        with self._lock:
            return self._state

    @property
    def error(self) -> str | None:
        """Why the state is "error" (a sentence for the user), else ``None``."""
        with self._lock:
            return self._error

    @property
    def decoded(self) -> bool:
        with self._lock:
            return self._wave is not None

    @property
    def position_s(self) -> float:
        with self._lock:
            return self._pos / self._rate if self._rate else self._start_s

    @property
    def duration_s(self) -> float | None:
        """The exact length once decoded; ``None`` before."""
        with self._lock:
            return self._wave.size / self._rate if self._wave is not None and self._rate else None

    @property
    def sample_rate(self) -> int:
        """The rate the frames go out at (the file's own, or the device's after resampling); 0 before decoding."""
        with self._lock:
            return self._rate

    # -- decoding ------------------------------------------------------------------------------------
    def decode(self) -> bool:
        """Decode the file (blocking, thread-safe, once); ``False`` (and state "error") when it cannot."""
        with self._decode_lock:
            with self._lock:
                if self._wave is not None:
                    return True
                if self._decode_failed:
                    return False
            info: dict[str, Any] = {}
            try:
                wave = load_audio(self.path, sample_rate=None, min_duration_s=0.0, info=info)
            except AudioLoadError as exc:
                self._fail(f"the recording cannot be played: {str(exc).replace(exc.path, self.path.name)}",
                           decoding=True)
                return False
            except MemoryError:
                self._fail(f"the recording cannot be played: {self.path.name} is too long to hold in memory",
                           decoding=True)
                return False
            except Exception as exc:  # noqa: BLE001 - a decoder bug must not reach the GUI thread
                self._fail(f"the recording cannot be played: {self.path.name}: {exc}", decoding=True)
                return False
            with self._lock:
                self._wave = np.ascontiguousarray(wave, dtype=np.float32)
                self._rate = int(info["file_sample_rate"])
                self._pos = min(int(round(self._start_s * self._rate)), self._wave.size)
            return True

    # -- controls ------------------------------------------------------------------------------------
    def play(self) -> None:
        """Start or resume; after the end it starts again from the beginning."""
        with self._lock:
            if self._state == "playing" or self._decode_failed:
                return
        if not self.decode():
            return
        self._close_stream()  # one that ended by itself
        with self._lock:
            assert self._wave is not None
            if self._pos >= self._wave.size:
                self._pos = 0
            rate = self._rate
            self._error = None
            self._generation += 1
            generation = self._generation
        factory = self._factory or open_output_stream
        try:
            stream = factory(samplerate=rate, channels=self.CHANNELS, callback=self._callback,
                             finished_callback=lambda: self._stream_finished(generation), device=self._device,
                             blocksize=self._blocksize, dtype="float32")
        except PlaybackUnavailable as exc:
            self._fail(str(exc))
            return
        except Exception as exc:  # noqa: BLE001 - PortAudioError & co. from any factory
            self._fail(f"the audio output could not be opened ({exc})")
            return
        try:
            opened = int(stream.samplerate)
            if opened != rate:
                self._to_rate(opened)
            with self._lock:
                self._state = "playing"
            self._stream = stream
            stream.start()
        except Exception as exc:  # noqa: BLE001
            self._fail(f"the audio output could not be started ({exc})")
            self._close_stream()

    def pause(self) -> None:
        """Hold the position; ``play()`` goes on from there."""
        with self._lock:
            if self._state != "playing":
                return
            self._state = "paused"  # the callback delivers silence from now on
        self._close_stream()

    def stop(self) -> None:
        """Silence and back to the start (an error stays shown)."""
        with self._lock:
            if self._state != "error":
                self._state = "stopped"
            self._pos = 0
            self._start_s = 0.0
        self._close_stream()

    def seek(self, seconds: float) -> None:
        """Move to ``seconds`` (clamped to the sound); a finished sound becomes paused there."""
        seconds = max(0.0, float(seconds))
        with self._lock:
            if self._wave is None or not self._rate:
                self._start_s = seconds
                return
            self._pos = min(int(round(seconds * self._rate)), self._wave.size)
            if self._state == "finished":
                self._state = "paused"

    def close(self) -> None:
        """Stop and let go of the stream and the decoded sound."""
        self.stop()
        with self._lock:
            self._wave = None
            self._rate = 0

    # -- internals -----------------------------------------------------------------------------------
    def _callback(self, outdata: np.ndarray, frames: int, time_info: Any, status: Any) -> None:
        """The audio thread: copy the next frames, advance the position; nothing else."""
        with self._lock:
            wave = self._wave
            if self._state != "playing" or wave is None:
                outdata.fill(0)
                return
            pos = self._pos
            n = max(0, min(frames, wave.size - pos))
            outdata[:n] = wave[pos : pos + n, None]
            outdata[n:] = 0
            self._pos = pos + n
            done = self._pos >= wave.size
            if done:
                self._state = "finished"
        if done:
            raise CallbackStop

    def _stream_finished(self, generation: int) -> None:
        """The stream became inactive (audio thread): an error unless we paused, stopped or reached the end."""
        with self._lock:
            if self._state == "playing" and generation == self._generation:
                self._state = "error"
                self._error = "the audio output stopped unexpectedly (was the device unplugged?)"

    def _to_rate(self, rate: int) -> None:
        """The device would not take the file's rate: resample with the app's one resampler."""
        with self._lock:
            wave, old = self._wave, self._rate
            pos = self._pos
        assert wave is not None
        out = np.clip(resample(wave, old, rate), -1.0, 1.0).astype(np.float32)
        with self._lock:
            self._wave, self._rate = out, rate
            self._pos = min(int(round(pos * rate / old)), out.size)

    def _close_stream(self) -> None:
        stream, self._stream = self._stream, None
        if stream is not None:
            try:
                stream.close()  # PortAudio discards what is still queued (as Pa_AbortStream)
            except Exception:  # noqa: BLE001 - a device that vanished cannot be closed twice
                pass

    def _fail(self, message: str, decoding: bool = False) -> None:
        with self._lock:
            self._state = "error"
            self._error = message
            self._decode_failed = self._decode_failed or decoding
        if not decoding:  # decode() may run on a worker thread: the stream belongs to the caller's thread
            self._close_stream()
