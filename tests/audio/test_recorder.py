"""The recorder with the file-backed input stream (the same interface as the microphone)."""

from __future__ import annotations

import json
import struct
import uuid
from functools import partial

import numpy as np
import pytest
import soundfile as sf
from pulse_helpers import isolated_pulse

from diary_app.audio import load_audio
from diary_app.audio.input_stream import FileInputStream, MicrophoneUnavailable, list_input_devices, open_input_stream
from diary_app.audio.recorder import END_DEVICE_ERROR, END_LIMIT, END_SOURCE, Recorder, recordings_dir
from diary_app.audio.recovery import discard_recording, find_unfinished_recordings, import_recording, repair_wav
from diary_app.settings import Settings
from diary_app.store import Diary


def _record_until_done(rec: Recorder, timeout_s: float = 20.0):
    import time

    rec.start()
    t0 = time.monotonic()
    while not rec.should_stop:
        assert time.monotonic() - t0 < timeout_s, "the recording never ended by itself"
        time.sleep(0.01)
    return rec.stop()


@pytest.fixture
def fast_input(monkeypatch, speech_clip):
    monkeypatch.setenv("SOUND_DIARY_INPUT_FILE", str(speech_clip))
    monkeypatch.setenv("SOUND_DIARY_INPUT_SPEED", "0")
    return speech_clip


def test_file_input_is_recorded_sample_exact_to_a_wav_with_sidecar(fast_input, tmp_path):
    rec = Recorder(Settings(), folder=tmp_path)
    result = _record_until_done(rec)
    source = load_audio(fast_input, min_duration_s=0)
    written, sr = sf.read(str(result.path), dtype="float32")
    assert sr == 16_000 and result.path.parent == tmp_path / "recordings"
    assert result.end_reason == END_SOURCE and result.error is None
    assert written.size == source.size == result.frames
    assert np.max(np.abs(written - source)) < 2 / 32768  # PCM-16 rounding only
    meta = json.loads(result.sidecar.read_text())
    assert meta["state"] == "finished" and meta["id"] == str(result.id)
    assert abs((rec.started_at - result.started_at).total_seconds()) < 1e-6
    assert rec.level().peak > 0.05 and 0 < rec.level().rms <= rec.level().peak
    wave = rec.waveform(points=200)
    assert wave.shape == (200,) and wave.max() > 0.05


def test_max_length_stops_exactly_at_the_limit(fast_input, tmp_path):
    rec = Recorder(Settings(max_record_s=0.5), folder=tmp_path)
    result = _record_until_done(rec)
    assert result.end_reason == END_LIMIT
    assert sf.info(str(result.path)).frames == 8000


def test_device_error_mid_stream_keeps_what_was_recorded(speech_clip, tmp_path):
    factory = partial(FileInputStream, speech_clip, speed=0, fail_after_s=0.6)
    rec = Recorder(Settings(), stream_factory=lambda **kw: factory(**{k: v for k, v in kw.items() if k != "samplerate"}),
                   folder=tmp_path)
    result = _record_until_done(rec)
    assert result.end_reason == END_DEVICE_ERROR
    assert "disconnected" in result.error
    assert result.duration_s == pytest.approx(0.6, abs=0.03)
    written, _ = sf.read(str(result.path), dtype="float32")
    source = load_audio(speech_clip, min_duration_s=0)
    assert np.max(np.abs(written - source[: written.size])) < 2 / 32768


def test_device_at_48k_is_resampled_to_16k(speech_clip, tmp_path):
    import soxr

    source48 = tmp_path / "clip48k.wav"
    sf.write(str(source48), soxr.resample(load_audio(speech_clip, min_duration_s=0), 16_000, 48_000), 48_000,
             subtype="FLOAT")

    def factory(**kw):
        kw["samplerate"] = 48_000  # the device insists on its own rate
        return FileInputStream(source48, speed=0, **kw)

    result = _record_until_done(Recorder(Settings(), stream_factory=factory, folder=tmp_path))
    info = sf.info(str(result.path))
    source = load_audio(speech_clip, min_duration_s=0)
    assert info.samplerate == 16_000
    assert abs(info.frames - source.size) <= 16
    written, _ = sf.read(str(result.path), dtype="float32")
    n = min(written.size, source.size) - 200
    corr = np.corrcoef(written[200:n], source[200:n])[0, 1]
    assert corr > 0.99


def test_no_microphone_gives_a_typed_error_and_leaves_nothing(monkeypatch, tmp_path):
    monkeypatch.delenv("SOUND_DIARY_INPUT_FILE", raising=False)
    if list_input_devices():
        pytest.skip("this machine has a real input device")
    with pytest.raises(MicrophoneUnavailable) as info:
        open_input_stream(samplerate=16_000, channels=1, callback=lambda *a: None)
    assert info.value.reason == "no_device" and "microphone" in str(info.value)
    rec = Recorder(Settings(), folder=tmp_path)
    with pytest.raises(MicrophoneUnavailable):
        rec.start()
    assert list(recordings_dir(tmp_path).iterdir()) == []
    assert not rec.recording


def test_failing_driver_open_becomes_microphone_unavailable(tmp_path):
    def factory(**kw):
        raise OSError("Error querying device -1")

    with pytest.raises(MicrophoneUnavailable):
        Recorder(Settings(), stream_factory=factory, folder=tmp_path).start()
    assert list(recordings_dir(tmp_path).iterdir()) == []


def _break_header(path, extra: bytes = b"") -> None:
    """What a killed soundfile writer leaves: data size 0 (and maybe half a frame at the end)."""
    with open(path, "r+b") as fh:
        fh.seek(4)
        fh.write(struct.pack("<I", 8))
        fh.seek(40)
        fh.write(struct.pack("<I", 0))
        fh.seek(0, 2)
        fh.write(extra)


def test_repair_wav_restores_every_frame_and_leaves_good_files_alone(tmp_path):
    import wave as stdlib_wave

    path = tmp_path / "x.wav"
    data = (np.sin(np.arange(24_000) / 7) * 0.5).astype(np.float32)
    sf.write(str(path), data, 16_000, subtype="PCM_16")
    good = path.read_bytes()
    assert repair_wav(path) == 24_000 and path.read_bytes() == good
    _break_header(path, extra=b"\x01")  # plus half a sample
    with pytest.raises(stdlib_wave.Error):  # what a strict reader (a media player) makes of it
        stdlib_wave.open(str(path))
    assert repair_wav(path) == 24_000
    with stdlib_wave.open(str(path)) as w:
        assert w.getnframes() == 24_000
    assert path.read_bytes() == good


def test_unfinished_recording_is_found_and_imported_into_the_diary(fast_input, tmp_path):
    rec = Recorder(Settings(), folder=tmp_path)
    result = _record_until_done(rec)
    _break_header(result.path)
    result.sidecar.write_text(json.dumps({**json.loads(result.sidecar.read_text()), "state": "recording",
                                          "pid": 999_999_999}))
    (recordings_dir(tmp_path) / f"{uuid.uuid4()}.json").write_text("{}")  # saved long ago
    found = find_unfinished_recordings(tmp_path)
    assert [f.id for f in found] == [result.id]
    assert found[0].duration_s == pytest.approx(result.duration_s, abs=1e-3)
    assert found[0].started_at == result.started_at and found[0].state == "recording"
    assert len(list(recordings_dir(tmp_path).glob("*.json"))) == 1, "stale sidecars are removed"

    diary = Diary(tmp_path / "diary")
    entry = import_recording(diary, found[0])
    assert entry.id == result.id and entry.created_at == result.started_at
    assert diary.audio_path(entry).exists()
    assert entry.duration_s == pytest.approx(result.duration_s, abs=1e-3)
    assert list(recordings_dir(tmp_path).iterdir()) == []
    assert find_unfinished_recordings(tmp_path) == []
    diary.close()


def test_import_after_a_crash_between_save_and_cleanup_does_not_duplicate(fast_input, tmp_path):
    result = _record_until_done(Recorder(Settings(), folder=tmp_path))
    diary = Diary(tmp_path / "diary")
    diary.create_entry(result.path, entry_id=result.id, created_at=result.started_at, move=False)
    found = find_unfinished_recordings(tmp_path)
    assert len(found) == 1
    entry = import_recording(diary, found[0])
    assert entry.id == result.id and diary.count() == 1
    assert list(recordings_dir(tmp_path).iterdir()) == []
    diary.close()


def test_discard_removes_file_and_sidecar(fast_input, tmp_path):
    result = _record_until_done(Recorder(Settings(), folder=tmp_path))
    discard_recording(result)
    assert list(recordings_dir(tmp_path).iterdir()) == []


def test_a_stream_that_silently_stops_delivering_counts_as_a_lost_device(speech_clip, tmp_path, monkeypatch):
    """Some drivers neither raise nor finish when a USB microphone is pulled: the callback just stops."""
    import diary_app.audio.recorder as recorder_module

    monkeypatch.setattr(recorder_module, "STALL_TIMEOUT_S", 0.3)

    class Hanging(FileInputStream):
        def _run(self):  # deliver 0.5 s, then nothing, and never call finished_callback
            self.wave = self.wave[:8000]
            self.finished_callback = None
            super()._run()
            self._stop.wait()

    result = _record_until_done(Recorder(Settings(), stream_factory=lambda **kw: Hanging(speech_clip, speed=0, **{
        k: v for k, v in kw.items() if k != "samplerate"}), folder=tmp_path), timeout_s=5)
    assert result.end_reason == END_DEVICE_ERROR
    assert "stopped sending audio" in result.error
    assert result.duration_s == pytest.approx(0.5)


def test_unwritable_data_folder_gives_a_typed_error_before_opening_the_microphone(fast_input, tmp_path):
    import os

    from diary_app.audio.recorder import RecorderError

    folder = tmp_path / "not-a-folder"
    folder.write_text("x")  # "recordings" cannot be made inside a file (works as root too)
    opened = []

    def factory(**kw):
        opened.append(FileInputStream(os.environ["SOUND_DIARY_INPUT_FILE"], speed=0,
                                      **{k: v for k, v in kw.items() if k != "samplerate"}))
        return opened[-1]

    rec = Recorder(Settings(), stream_factory=factory, folder=folder)
    with pytest.raises(RecorderError, match="recordings folder"):
        rec.start()
    assert not rec.recording and opened == []


MIC_CHILD = """
import sys, time
from diary_app.audio.recorder import Recorder
from diary_app.settings import Settings
rec = Recorder(Settings(max_record_s=float(sys.argv[2])), folder=sys.argv[1])
rec.start()
print("started", rec._stream.samplerate, flush=True)
said = False
while not rec.should_stop:
    if not said and rec.elapsed_s >= 0.3:
        print("recording", flush=True)
        said = True
    time.sleep(0.02)
r = rec.stop()
print("done", r.path, r.end_reason, r.error, flush=True)
"""


@pytest.fixture
def virtual_microphone(tmp_path):
    """An isolated PulseAudio server with a null sink whose monitor is the default source."""
    yield from isolated_pulse(tmp_path, "s16le", ("paplay",), default_source="vspk.monitor")



@pytest.mark.slow
def test_real_sounddevice_stream_records_what_the_microphone_hears(virtual_microphone, speech_clip, tmp_path):
    """The real PortAudio path (no file stream): a clip played into a virtual microphone is recorded."""
    import subprocess
    import sys
    from pathlib import Path

    env = {k: v for k, v in virtual_microphone.items() if k not in ("SOUND_DIARY_INPUT_FILE",)}
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[2])
    child = subprocess.Popen([sys.executable, "-c", MIC_CHILD, str(tmp_path), "4.0"], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    first = child.stdout.readline()
    assert first.startswith("started"), child.stderr.read()
    source = load_audio(speech_clip, min_duration_s=0)
    clip16 = tmp_path / "clip.wav"
    sf.write(str(clip16), source, 16_000, subtype="PCM_16")
    subprocess.run(["paplay", "--device=vspk", str(clip16)], env=virtual_microphone, check=True, timeout=30)
    out, err = child.communicate(timeout=30)
    assert child.returncode == 0, err
    _, path, reason = next(line for line in out.splitlines() if line.startswith("done")).split()[:3]
    assert reason == "limit"
    recorded, sr = sf.read(path, dtype="float32")
    assert sr == 16_000 and recorded.size == 64_000
    # the middle second of the clip must be in the recording (at whatever latency the server added;
    # the first milliseconds may fall before the stream's first block): normalised cross-correlation
    middle = source[source.size // 4: source.size // 4 + 16_000]
    corr = np.correlate(recorded, middle, mode="valid")
    lag = int(np.argmax(np.abs(corr)))
    segment = recorded[lag: lag + middle.size]
    score = abs(float(np.dot(segment, middle))) / (np.linalg.norm(segment) * np.linalg.norm(middle) + 1e-12)
    assert score > 0.95, f"the recording does not contain the played clip (score {score:.2f}, lag {lag})"


@pytest.mark.slow
def test_real_microphone_removed_mid_recording_keeps_the_audio(virtual_microphone, tmp_path):
    """Unload the virtual microphone while recording: the recorder ends with a device error and
    keeps what it had (the PortAudio path, not the file stream)."""
    import subprocess
    import sys
    from pathlib import Path

    env = {k: v for k, v in virtual_microphone.items() if k != "SOUND_DIARY_INPUT_FILE"}
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[2])
    child = subprocess.Popen([sys.executable, "-c", MIC_CHILD, str(tmp_path), "30"], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert child.stdout.readline().startswith("started"), child.stderr.read()
    assert child.stdout.readline().startswith("recording"), child.stderr.read()
    subprocess.run(["pactl", "unload-module", "module-null-sink"], env=virtual_microphone, check=True)
    out, err = child.communicate(timeout=30)
    assert child.returncode == 0, err
    _, path, reason = next(line for line in out.splitlines() if line.startswith("done")).split()[:3]
    assert reason == "device_error"
    info = sf.info(path)
    assert info.frames >= 0.3 * 16_000 and info.frames < 10 * 16_000
