"""The Qt-free player (diary_app.audio.playback) with real recordings and a fake speaker.

The speaker is the one fake (the hardware edge, like the microphone's FileInputStream): it pulls
frames through the player's real callback on a plain thread and keeps them, so the tests can
compare what "came out" with what the loader decoded.
"""

from __future__ import annotations

import time
from functools import partial

import numpy as np
import pytest
from pulse_helpers import isolated_pulse

from diary_app.audio.loading import load_audio, resample
from diary_app.audio.playback import (
    FAKE_SPEAKER_ENV,
    FakeOutputStream,
    Playback,
    PlaybackUnavailable,
    list_output_devices,
    open_output_stream,
)


class Speakers:
    """A stream factory that hands out fake speakers and remembers each one."""

    def __init__(self, speed: float = 0.0, **kwargs) -> None:
        self.speed = speed
        self.kwargs = kwargs
        self.streams: list[FakeOutputStream] = []

    def __call__(self, **kw) -> FakeOutputStream:
        stream = FakeOutputStream(speed=self.speed, **{**kw, **self.kwargs})
        self.streams.append(stream)
        return stream

    def delivered(self) -> np.ndarray:
        return np.concatenate([s.delivered() for s in self.streams])


def wait_for(predicate, timeout_s: float = 10.0) -> None:
    t0 = time.monotonic()
    while not predicate():
        assert time.monotonic() - t0 < timeout_s, "timed out"
        time.sleep(0.005)


def decoded(path) -> tuple[np.ndarray, int]:
    info: dict = {}
    wave = load_audio(path, sample_rate=None, min_duration_s=0.0, info=info)
    return wave, info["file_sample_rate"]


def test_a_real_clip_plays_to_the_end_and_the_speaker_gets_exactly_the_decoded_samples(speech_clip):
    wave, rate = decoded(speech_clip)
    speakers = Speakers(speed=0)
    player = Playback(speech_clip, stream_factory=speakers)
    assert player.state == "stopped" and player.duration_s is None  # nothing decoded at creation
    player.play()
    wait_for(lambda: player.state != "playing")
    assert player.state == "finished" and player.error is None
    assert player.sample_rate == rate and player.duration_s == pytest.approx(wave.size / rate)
    assert player.position_s == pytest.approx(player.duration_s)
    out = speakers.delivered()
    assert np.array_equal(out[: wave.size], wave)  # sample for sample, nothing lost or repeated
    assert not out[wave.size :].any()  # only silence pads the last block
    assert speakers.streams[0].channels == 1 and speakers.streams[0].samplerate == rate
    player.play()  # after the end: again from the start, on a new stream
    wait_for(lambda: player.state != "playing")
    assert len(speakers.streams) == 2 and speakers.streams[0].closed
    assert np.array_equal(speakers.streams[1].delivered()[: wave.size], wave)


def test_a_file_plays_at_its_own_rate_or_the_devices(siren_clip, tmp_path):
    import soundfile as sf

    # the corpora are 16 kHz mono: the same siren as a 44.1 kHz stereo WAV, as a phone would save it
    mono, _ = decoded(siren_clip)
    cd = resample(mono, 16_000, 44_100)
    clip = tmp_path / "siren_44k_stereo.wav"
    sf.write(clip, np.stack([cd, 0.5 * cd], axis=1), 44_100, subtype="FLOAT")
    wave, rate = decoded(clip)
    assert rate == 44_100  # the loader's analysis rate (16 kHz) is not forced onto playback
    speakers = Speakers(speed=0)
    player = Playback(clip, stream_factory=speakers)
    player.play()
    wait_for(lambda: player.state != "playing")
    assert speakers.streams[0].samplerate == rate
    assert np.array_equal(speakers.delivered()[: wave.size], wave)

    # a device that only takes 48 kHz: opened at its rate, the player resamples with the app's resampler
    device_rate = 48_000 if rate != 48_000 else 44_100
    fixed = Speakers(speed=0, samplerate=device_rate)
    player = Playback(clip, stream_factory=fixed)
    player.play()
    wait_for(lambda: player.state != "playing")
    expected = np.clip(resample(wave, rate, device_rate), -1, 1)
    assert player.state == "finished" and player.sample_rate == device_rate
    assert np.allclose(fixed.delivered()[: expected.size], expected, atol=1e-6)
    assert player.duration_s == pytest.approx(wave.size / rate, abs=1e-3)


def test_pause_stops_delivery_and_play_goes_on_where_it_was(speech_clip):
    wave, rate = decoded(speech_clip)
    speakers = Speakers(speed=4)  # 4x real time: a 2 s clip takes 0.5 s
    player = Playback(speech_clip, stream_factory=speakers)
    player.play()
    wait_for(lambda: player.position_s > 0.3)
    player.pause()
    assert player.state == "paused" and speakers.streams[0].closed and not speakers.streams[0].active
    where, got = player.position_s, len(speakers.streams[0].frames)
    time.sleep(0.15)
    assert player.position_s == where and len(speakers.streams[0].frames) == got  # nothing more delivered
    assert 0.3 < where < player.duration_s

    player.play()
    wait_for(lambda: player.state != "playing")
    assert player.state == "finished"
    first = speakers.streams[0].frames
    while first and not first[-1].any():  # a block pulled after the pause is silence, not sound
        first.pop()
    out = speakers.delivered()
    assert np.array_equal(out[: wave.size], wave)  # paused and resumed without a lost or repeated sample


def test_seek_moves_the_position_and_stop_goes_back_to_the_start(speech_clip):
    wave, rate = decoded(speech_clip)
    speakers = Speakers(speed=0)
    player = Playback(speech_clip, stream_factory=speakers)
    player.seek(1.0)  # before decoding: remembered
    assert player.position_s == pytest.approx(1.0)
    assert player.decode() and player.position_s == pytest.approx(1.0)
    player.play()
    wait_for(lambda: player.state != "playing")
    assert np.array_equal(speakers.streams[0].delivered()[: wave.size - rate], wave[rate:])

    player.seek(0.5)  # a finished sound becomes paused at the new place
    assert player.state == "paused" and player.position_s == pytest.approx(0.5)
    player.seek(1e6)
    assert player.position_s == pytest.approx(player.duration_s)

    slow = Speakers(speed=2)
    player = Playback(speech_clip, stream_factory=slow)
    player.play()
    wait_for(lambda: player.position_s > 0.2)
    player.stop()
    assert player.state == "stopped" and player.position_s == 0.0 and slow.streams[0].closed
    player.seek(0.25)
    player.play()  # from the seek, on a fresh stream
    wait_for(lambda: player.position_s > 0.5)
    player.stop()
    start = int(0.25 * rate)
    second = slow.streams[1].delivered()
    assert np.array_equal(second[:rate // 10], wave[start : start + rate // 10])


def test_a_corrupt_or_missing_file_is_an_error_state_with_the_reason(tmp_path):
    bad = tmp_path / "broken.flac"
    bad.write_bytes(b"fLaC" + bytes(range(256)) * 8)
    speakers = Speakers()
    player = Playback(bad, stream_factory=speakers)
    player.play()  # no exception
    assert player.state == "error" and "broken.flac" in player.error and "cannot be read as audio" in player.error
    assert str(tmp_path) not in player.error  # the file's name, not the whole path
    player.play()  # a file that cannot be decoded stays an error; no stream was ever opened
    assert player.state == "error" and speakers.streams == []

    gone = Playback(tmp_path / "gone.flac", stream_factory=speakers)
    assert gone.decode() is False
    assert gone.state == "error" and "file not found" in gone.error


def test_no_device_or_a_failing_device_is_an_error_state_and_play_tries_again(speech_clip):
    class PortAudioError(Exception):  # what sounddevice raises; the player does not import it
        pass

    calls = []

    def flaky(**kw):
        calls.append(kw)
        if len(calls) == 1:
            raise PlaybackUnavailable("no audio output device was found; connect speakers or headphones", "no_device")
        if len(calls) == 2:
            raise PortAudioError("Error opening OutputStream: Device unavailable [PaErrorCode -9985]")
        return FakeOutputStream(speed=0, **kw)

    player = Playback(speech_clip, stream_factory=flaky)
    player.play()
    assert player.state == "error" and player.error.startswith("no audio output device")
    player.play()
    assert player.state == "error" and "could not be opened" in player.error and "Device unavailable" in player.error
    player.play()  # the headphones are in now
    wait_for(lambda: player.state != "playing")
    assert player.state == "finished" and player.error is None


def test_a_device_lost_while_playing_is_an_error_not_a_hang(speech_clip):
    speakers = Speakers(speed=0, fail_after_s=0.5)
    player = Playback(speech_clip, stream_factory=speakers)
    player.play()
    wait_for(lambda: player.state != "playing")
    assert player.state == "error" and "stopped unexpectedly" in player.error
    assert player.position_s == pytest.approx(0.5, abs=0.05)


def test_the_real_sound_card_on_a_machine_without_one_gives_the_clean_error(speech_clip, monkeypatch):
    monkeypatch.delenv(FAKE_SPEAKER_ENV, raising=False)
    if list_output_devices():
        pytest.skip("this machine has an audio output device")
    with pytest.raises(PlaybackUnavailable, match="no audio output device") as info:
        open_output_stream(samplerate=16_000, channels=1, callback=lambda *a: None)
    assert info.value.reason == "no_device"
    player = Playback(speech_clip)  # the default factory: sounddevice
    player.play()
    assert player.state == "error" and "no audio output device" in player.error
    player.stop()
    assert player.state == "error"  # stays shown until another file is loaded


def test_the_fake_speaker_switch_replaces_the_sound_card(speech_clip, monkeypatch):
    monkeypatch.setenv(FAKE_SPEAKER_ENV, "0")
    stream = open_output_stream(samplerate=16_000, channels=1, callback=lambda *a: None)
    assert isinstance(stream, FakeOutputStream) and stream.speed == 0 and not stream.keep
    player = Playback(speech_clip)
    player.play()
    wait_for(lambda: player.state != "playing")
    assert player.state == "finished"


def test_decoding_on_another_thread_while_the_gui_polls(speech_clip):
    """The UI decodes with BackgroundCall; polling from the GUI thread meanwhile is safe."""
    import threading

    player = Playback(speech_clip, stream_factory=partial(FakeOutputStream, speed=0))
    worker = threading.Thread(target=player.decode)
    worker.start()
    while worker.is_alive():
        assert player.state == "stopped" and player.position_s == 0.0
    worker.join()
    assert player.decoded and player.duration_s > 1.0


# -- the real sounddevice path, on a virtual speaker (an isolated PulseAudio null sink) ----------------

SPEAKER_CHILD = r"""
import sys, time
from diary_app.audio.playback import Playback, list_output_devices
assert list_output_devices(), "no output device seen"
player = Playback(sys.argv[1])
player.play()
print("started", player.state, player.error, flush=True)
unplug_at = float(sys.argv[2]) if len(sys.argv) > 2 else None
t0 = time.monotonic()
while player.state == "playing" and time.monotonic() - t0 < 20:
    if unplug_at is not None and player.position_s >= unplug_at:
        print("unplug", flush=True)
        sys.stdin.readline()  # the test unloads the sink, then answers
        unplug_at = None
    time.sleep(0.01)
print("done", player.state, round(player.position_s, 3), player.error, flush=True)
player.close()
"""


@pytest.fixture
def virtual_speaker(tmp_path):
    """An isolated PulseAudio server whose default sink is a null sink (float32, 16 kHz mono);
    its monitor source is what "came out"."""
    yield from isolated_pulse(tmp_path, "float32le", ("parec",), drop_env=(FAKE_SPEAKER_ENV,))


def _speaker_child(env, *args):
    import subprocess
    import sys
    from pathlib import Path

    env = {**env, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    return subprocess.Popen([sys.executable, "-c", SPEAKER_CHILD, *map(str, args)], env=env, text=True,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


@pytest.mark.slow
def test_the_real_sounddevice_output_plays_the_clip_sample_exact(virtual_speaker, speech_clip, tmp_path):
    import subprocess

    from scipy.signal import correlate

    raw = tmp_path / "heard.raw"
    with open(raw, "wb") as fh:
        rec = subprocess.Popen(["parec", "--device=vspk.monitor", "--format=float32le", "--rate=16000",
                                "--channels=1", "--raw"], env=virtual_speaker, stdout=fh)
        try:
            time.sleep(1.0)  # the monitor records from now on
            child = _speaker_child(virtual_speaker, speech_clip)
            out, err = child.communicate(timeout=60)
            time.sleep(0.5)
        finally:
            rec.terminate()
            rec.wait(timeout=10)
    assert child.returncode == 0, err
    assert out.splitlines()[0] == "started playing None", out + err
    wave, rate = decoded(speech_clip)
    done = out.splitlines()[-1].split()
    assert done[:2] == ["done", "finished"] and float(done[2]) == pytest.approx(wave.size / rate), out
    heard = np.fromfile(raw, dtype=np.float32)
    # where the clip starts in the recording (negative: the monitor of a sink that was idle starts
    # recording a few ms late, so the clip's very first samples may be missing from the recording)
    lag = int(np.argmax(correlate(heard, wave, mode="full", method="fft"))) - (wave.size - 1)
    first, last = max(0, -lag), min(wave.size, heard.size - lag)
    assert last - first >= 0.9 * wave.size, (lag, heard.size)
    # float32 end to end at the file's rate: what came out of the sink is the decoded clip
    assert np.allclose(heard[lag + first : lag + last], wave[first:last], atol=1e-4)


@pytest.mark.slow
def test_the_real_output_removed_while_playing_is_an_error_state(virtual_speaker, speech_clip):
    import subprocess

    child = _speaker_child(virtual_speaker, speech_clip, 0.3)
    assert child.stdout.readline().startswith("started playing"), child.stderr.read()
    assert child.stdout.readline().strip() == "unplug"
    subprocess.run(["pactl", "unload-module", "module-null-sink"], env=virtual_speaker, check=True)
    out, err = child.communicate("go\n", timeout=30)
    assert child.returncode == 0, err
    done = out.splitlines()[-1]
    assert done.startswith("done error") and "stopped unexpectedly" in done, out + err
    assert 0.3 <= float(done.split()[2]) < 1.5
