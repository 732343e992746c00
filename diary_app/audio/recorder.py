"""Record from the input stream straight to disk, so a crash loses at most about a second.

The audio callback runs on PortAudio's thread and must never block: it only copies the block
into a queue, updates the level and a short ring buffer for the waveform. A writer thread
drains the queue into ``recordings/<uuid>.wav`` (16 kHz mono PCM-16, resampled when the device
insists on its own rate) and flushes + fsyncs at least once per second. A small sidecar
``<uuid>.json`` says when and from which device the recording started, so that
``diary_app.audio.recovery`` can offer an unfinished recording after a crash.

No Qt here: the GUI polls ``level()``, ``elapsed_s``, ``waveform()`` and ``should_stop`` from a timer.
"""

from __future__ import annotations

import json
import os
import queue
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from diary_app.audio.input_stream import MicrophoneUnavailable, open_input_stream
from diary_app.audio.loading import SAMPLE_RATE, resample_stream

FLUSH_INTERVAL_S = 0.5  # well inside the "lose at most about a second" promise
STALL_TIMEOUT_S = 2.5  # no audio for this long while recording = the device went away
WAVEFORM_SECONDS = 5.0

# why a recording ended
END_USER = "user"
END_LIMIT = "limit"
END_SOURCE = "source_ended"  # the input file ran out (SOUND_DIARY_INPUT_FILE)
END_DEVICE_ERROR = "device_error"

StreamFactory = Callable[..., Any]


class RecorderError(RuntimeError):
    pass


def recordings_dir(root: str | Path | None = None) -> Path:
    """``<data folder>/recordings``: recordings in progress and unfinished ones after a crash."""
    if root is None:
        from diary_app.paths import data_dir

        root = data_dir()
    path = Path(root) / "recordings"
    path.mkdir(parents=True, exist_ok=True)
    return path


@dataclass
class RecordingResult:
    id: uuid.UUID
    path: Path
    sidecar: Path
    started_at: datetime
    duration_s: float
    device: str | None
    end_reason: str
    error: str | None = None
    disk_full: bool = False  # the disk filled up: what was recorded until then is kept

    @property
    def frames(self) -> int:
        return int(round(self.duration_s * SAMPLE_RATE))


@dataclass
class Level:
    rms: float
    peak: float


class Recorder:
    """One recording at a time. ``start()`` → poll → ``stop()`` → ``RecordingResult``."""

    def __init__(
        self,
        settings: Any = None,
        stream_factory: StreamFactory | None = None,
        folder: str | Path | None = None,
        max_seconds: float | None = None,
    ) -> None:
        self.settings = settings
        self.stream_factory = stream_factory or open_input_stream
        self.folder = Path(folder) if folder is not None else None
        if max_seconds is None:
            max_seconds = float(getattr(settings, "max_record_s", 60.0) or 60.0)
        self.max_seconds = float(max_seconds)
        self.device = getattr(settings, "input_device", None)
        self._reset()

    def _reset(self) -> None:
        self._stream: Any = None
        self._file: Any = None
        self._fsync_fd: int | None = None
        self._queue: queue.Queue[Any] = queue.Queue()
        self._writer: threading.Thread | None = None
        self._lock = threading.Lock()
        self._recording = False
        self._stopping = False
        self._source_done = threading.Event()
        self._in_rate = SAMPLE_RATE
        self._in_frames = 0  # frames accepted from the stream, at its own rate
        self._max_in_frames = 0
        self._limit_hit = False
        self._last_callback = 0.0
        self._started_mono = 0.0
        self._rms = 0.0
        self._peak = 0.0
        self._acc_n = 0
        self._acc_sumsq = 0.0
        self._acc_peak = 0.0
        self._ring = np.zeros(int(WAVEFORM_SECONDS * SAMPLE_RATE), dtype=np.float32)
        self._ring_pos = 0
        self.frames_written = 0  # at 16 kHz, in the file (maybe not yet flushed)
        self.flushed_frames = 0  # at 16 kHz, on disk
        self.writer_error: BaseException | None = None
        self.id: uuid.UUID | None = None
        self.path: Path | None = None
        self.sidecar: Path | None = None
        self.started_at: datetime | None = None

    # -- state the GUI polls -------------------------------------------------------------------
    @property
    def recording(self) -> bool:
        return self._recording

    @property
    def elapsed_s(self) -> float:
        return self._in_frames / float(self._in_rate) if self._in_rate else 0.0

    def level(self) -> Level:
        """RMS and peak of everything since the previous call (a meter polled at 30 Hz sees every peak)."""
        with self._lock:
            if self._acc_n:
                self._rms = float(np.sqrt(self._acc_sumsq / self._acc_n))
                self._peak = self._acc_peak
                self._acc_n, self._acc_sumsq, self._acc_peak = 0, 0.0, 0.0
            return Level(self._rms, self._peak)

    def waveform(self, points: int = 400) -> np.ndarray:
        """Peak envelope of the last few seconds, oldest first, ``points`` values in [0, 1]."""
        with self._lock:
            ring = np.roll(self._ring, -self._ring_pos)
        usable = ring.size - ring.size % points
        envelope: np.ndarray = np.abs(ring[ring.size - usable:]).reshape(points, -1).max(axis=1)
        return envelope

    @property
    def end_reason(self) -> str | None:
        if self._limit_hit:
            return END_LIMIT
        if self.writer_error is not None:
            return END_DEVICE_ERROR
        if self._source_done.is_set() and not self._stopping:
            err = getattr(self._stream, "error", None)
            if err is None and getattr(self._stream, "ended", False):
                return END_SOURCE
            return END_DEVICE_ERROR
        if self._recording and self._stalled():
            return END_DEVICE_ERROR
        return None

    @property
    def should_stop(self) -> bool:
        """True when the recording must end without the user: limit, end of input, device lost."""
        return self._recording and self.end_reason is not None

    def _stalled(self) -> bool:
        if self._last_callback:
            return time.monotonic() - self._last_callback > STALL_TIMEOUT_S
        # some systems deliver the first block only ~2 s after opening: give them longer
        return time.monotonic() - self._started_mono > 2 * STALL_TIMEOUT_S

    def error_message(self) -> str | None:
        if self.writer_error is not None:
            from diary_app.store.errors import is_disk_full

            if is_disk_full(self.writer_error, self.path.parent if self.path else None):
                return "the disk is full"
            return f"the recording could not be written to disk ({self.writer_error})"
        err = getattr(self._stream, "error", None)
        if err is not None:
            return str(err)
        if self.end_reason == END_DEVICE_ERROR:
            return "the microphone stopped sending audio (was it unplugged?)"
        return None

    # -- start / stop --------------------------------------------------------------------------
    def start(self) -> Path:
        """Open the input and the file; raises ``MicrophoneUnavailable`` and leaves nothing behind."""
        import soundfile as sf

        if self._recording:
            raise RecorderError("already recording")
        self._reset()
        try:
            folder = recordings_dir(self.folder)
        except OSError as exc:
            raise RecorderError(f"cannot create the recordings folder ({_reason(exc)})") from exc
        self.id = uuid.uuid4()
        self.path = folder / f"{self.id}.wav"
        self.sidecar = folder / f"{self.id}.json"
        try:
            self._stream = self.stream_factory(
                samplerate=SAMPLE_RATE, channels=1, dtype="float32", callback=self._callback,
                device=self.device, blocksize=0, finished_callback=self._source_done.set,
            )
        except MicrophoneUnavailable:
            raise
        except Exception as exc:  # any other driver failure is the same thing for the user
            raise MicrophoneUnavailable(f"the microphone could not be opened ({exc})") from exc
        self._in_rate = int(round(float(getattr(self._stream, "samplerate", SAMPLE_RATE))))
        self._max_in_frames = int(self.max_seconds * self._in_rate)
        self.started_at = datetime.now(UTC)
        device_name = str(getattr(self._stream, "device", self.device) if self.device is None else self.device)
        try:
            self._write_sidecar({"state": "recording", "device": device_name})
            self._file = sf.SoundFile(str(self.path), mode="w", samplerate=SAMPLE_RATE, channels=1,
                                      format="WAV", subtype="PCM_16")
            self._fsync_fd = os.open(self.path, os.O_RDONLY)
        except Exception as exc:  # disk full, read-only folder: say so, leave nothing half-made
            self._abort()
            raise RecorderError(f"cannot write the recording to {folder} ({_reason(exc)})") from exc
        self._writer = threading.Thread(target=self._write_loop, name="recorder-writer", daemon=True)
        self._writer.start()
        self._recording = True
        self._started_mono = time.monotonic()
        try:
            self._stream.start()
        except Exception as exc:
            self._abort()
            raise MicrophoneUnavailable(f"the microphone could not be started ({exc})") from exc
        return self.path

    def stop(self) -> RecordingResult:
        """Finish the file (whatever was recorded is kept, also after a device error or a full
        disk: the frames already in the file are its audio, and the status file is only a hint)."""
        from diary_app.store.errors import is_disk_full

        if not self._recording:
            raise RecorderError("not recording")
        reason = self.end_reason or END_USER  # before _stopping: it tells "input ended" from "stopped"
        error = self.error_message() if reason == END_DEVICE_ERROR else None
        self._stopping = True
        self._close_stream()
        self._queue.put(None)
        if self._writer is not None:
            self._writer.join()
        failures: list[BaseException] = [self.writer_error] if self.writer_error is not None else []
        try:
            self._close_file()
        except Exception as exc:  # libsndfile writes the header at close: fails on a full disk
            failures.append(exc)
            self._file = None
        self._recording = False
        duration = self.frames_written / SAMPLE_RATE
        try:
            self._write_sidecar({"state": "finished", "duration_s": duration, "end_reason": reason})
        except OSError as exc:  # the old sidecar stays: the recording is offered again at the next start
            failures.append(exc)
        assert self.id and self.path and self.sidecar and self.started_at
        disk_full = any(is_disk_full(f, self.path.parent) for f in failures)
        if failures:  # whatever else happened, the disk is why the audio ends here
            reason = END_DEVICE_ERROR
        if disk_full:
            error = "the disk is full"
        elif failures and error is None:
            error = _reason(failures[0])
        if failures:  # the header is final only after a clean close: make it match the disk
            from diary_app.audio.wav_repair import repair_wav

            try:  # make the header agree with what is on disk, so the audio can be read
                duration = repair_wav(self.path) / SAMPLE_RATE  # the audio that did reach the disk
            except OSError:
                pass
        return RecordingResult(self.id, self.path, self.sidecar, self.started_at, duration,
                               self.device, reason, error, disk_full)

    def _abort(self) -> None:
        """Undo a start that failed before any audio arrived."""
        self._stopping = True
        self._close_stream()
        if self._writer is not None:
            self._queue.put(None)
            self._writer.join()
        self._close_file()
        self._recording = False
        for p in (self.path, self.sidecar):
            if p is not None:
                try:
                    p.unlink(missing_ok=True)
                except OSError:  # a read-only folder: there is nothing of ours to remove
                    pass

    def _close_stream(self) -> None:
        stream = self._stream  # kept afterwards: ``end_reason`` reads its ``error`` / ``ended``
        if stream is None:
            return
        for action in (stream.stop, stream.close):
            try:
                action()
            except Exception:  # an unplugged device may fail to stop; the audio is already ours
                pass

    def _close_file(self) -> None:
        try:
            if self._file is not None:
                file, self._file = self._file, None
                file.close()
        finally:
            if self._fsync_fd is not None:
                fd, self._fsync_fd = self._fsync_fd, None
                try:
                    os.fsync(fd)
                finally:
                    os.close(fd)

    def _write_sidecar(self, extra: dict[str, Any]) -> None:
        assert self.sidecar is not None and self.started_at is not None
        data = {"id": str(self.id), "started_at": self.started_at.isoformat(), "samplerate": SAMPLE_RATE,
                "input_rate": self._in_rate, "max_seconds": self.max_seconds, "pid": os.getpid(), **extra}
        if "device" not in extra and self.sidecar.exists():
            try:
                data["device"] = json.loads(self.sidecar.read_text(encoding="utf-8")).get("device")
            except (OSError, json.JSONDecodeError):
                pass
        # the pid in the name: another instance's clean-up leaves this file alone
        tmp = self.sidecar.with_name(f"{self.sidecar.name}.{os.getpid()}.tmp")
        try:
            tmp.write_text(json.dumps(data), encoding="utf-8")
            os.replace(tmp, self.sidecar)
        except OSError:
            try:
                tmp.unlink(missing_ok=True)
            except OSError:
                pass
            raise

    # -- threads -------------------------------------------------------------------------------
    def _callback(self, indata: np.ndarray, frames: int, time_info: Any, status: Any) -> None:
        """PortAudio thread: copy, measure, hand over. Never blocks, never raises."""
        self._last_callback = time.monotonic()
        if self._stopping or self._limit_hit:
            return
        block = np.asarray(indata, dtype=np.float32)
        block = block.mean(axis=1) if block.ndim == 2 else block.reshape(-1)
        room = self._max_in_frames - self._in_frames
        if block.size >= room:
            block = block[:max(room, 0)]
            self._limit_hit = True
        if block.size == 0:
            return
        block = block.copy()
        self._queue.put(block)
        self._in_frames += block.size
        with self._lock:
            self._acc_n += block.size
            self._acc_sumsq += float(np.dot(block, block))
            self._acc_peak = max(self._acc_peak, float(np.max(np.abs(block))))
            n = min(block.size, self._ring.size)
            tail = block[-n:]
            end = self._ring_pos + n
            if end <= self._ring.size:
                self._ring[self._ring_pos:end] = tail
            else:
                first = self._ring.size - self._ring_pos
                self._ring[self._ring_pos:] = tail[:first]
                self._ring[: n - first] = tail[first:]
            self._ring_pos = end % self._ring.size

    def _write_loop(self) -> None:
        resampler = None
        if self._in_rate != SAMPLE_RATE:
            resampler = resample_stream(self._in_rate, SAMPLE_RATE)
        last_flush = time.monotonic()
        done = False
        while not done:
            try:
                block = self._queue.get(timeout=0.2)
            except queue.Empty:
                block = np.zeros(0, dtype=np.float32)
            if block is None:
                done = True
                block = np.zeros(0, dtype=np.float32)
            try:
                if resampler is not None:
                    block = resampler.resample_chunk(block, last=done)
                if block.size and self._file is not None:
                    self._file.write(np.clip(block, -1.0, 1.0))
                    self.frames_written += block.size
                if self._file is not None and (done or time.monotonic() - last_flush >= FLUSH_INTERVAL_S):
                    self._file.flush()
                    if self._fsync_fd is not None:
                        os.fsync(self._fsync_fd)
                    self.flushed_frames = self.frames_written
                    last_flush = time.monotonic()
            except Exception as exc:  # disk full, folder removed: stop cleanly, keep what is on disk
                self.writer_error = exc
                done = True


def _reason(exc: BaseException) -> str:
    """A short reason for a user: "the disk is full", "the folder is read-only", or the error."""
    from diary_app.store.errors import is_disk_full, is_read_only

    if is_disk_full(exc):
        return "the disk is full"
    if is_read_only(exc):
        return "the folder is read-only"
    return str(exc)
