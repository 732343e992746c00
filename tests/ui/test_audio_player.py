"""The AudioPlayer widget (review panel, entry detail) on the sounddevice player, no QtMultimedia.

A real recording, the real player and its GUI-thread polling; only the speaker is fake (a
``FakeOutputStream`` pulling frames through the player's callback), or the real sound card where
this machine has none, to see the error shown.
"""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import Qt  # noqa: E402

from diary_app.audio.loading import load_audio  # noqa: E402
from diary_app.audio.playback import FAKE_SPEAKER_ENV, FakeOutputStream, list_output_devices  # noqa: E402
from diary_app.ui.audio_player import UNKNOWN, AudioPlayer  # noqa: E402

WAIT_MS = 10_000


class Speakers:
    def __init__(self, speed: float) -> None:
        self.speed = speed
        self.streams: list[FakeOutputStream] = []

    def __call__(self, **kw) -> FakeOutputStream:
        stream = FakeOutputStream(speed=self.speed, **kw)
        self.streams.append(stream)
        return stream


def test_player_plays_pauses_seeks_and_comes_back_at_the_end(qtbot, speech_clip):
    speakers = Speakers(speed=2)  # twice real time
    player = AudioPlayer(stream_factory=speakers)
    qtbot.addWidget(player)
    player.load(speech_clip, 2.0)
    assert player.time_label.text() == "00:00 / 00:02" and player.play_button.isEnabled()
    assert player.source_path() is None and player.state == "stopped"  # nothing created before Play

    qtbot.mouseClick(player.play_button, Qt.MouseButton.LeftButton)
    assert player.source_path() == speech_clip
    qtbot.waitUntil(lambda: player.state == "playing", timeout=WAIT_MS)  # decoded off the GUI thread
    qtbot.waitUntil(lambda: player.play_button.text() == "⏸ Pause" and player.slider.value() > 100, timeout=WAIT_MS)
    wave = load_audio(speech_clip, sample_rate=None, min_duration_s=0.0)
    assert player.slider.maximum() == int(wave.size / 16_000 * 1000)  # the exact length once decoded

    qtbot.mouseClick(player.play_button, Qt.MouseButton.LeftButton)  # pause
    assert player.state == "paused" and player.play_button.text() == "▶ Play"
    held = player.slider.value()
    qtbot.wait(200)
    assert player.slider.value() == held and speakers.streams[0].closed  # nothing more delivered

    player.slider.setSliderDown(True)
    player.slider.sliderMoved.emit(1000)  # the user drags to 00:01
    player.slider.setSliderDown(False)
    assert player._playback.position_s == pytest.approx(1.0)
    assert player.time_label.text().startswith("00:01")

    qtbot.mouseClick(player.play_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: player.state == "playing", timeout=WAIT_MS)
    qtbot.waitUntil(lambda: player.state == "stopped", timeout=WAIT_MS)  # played to the end by itself
    assert player.play_button.text() == "▶ Play" and player.slider.value() == 0
    assert player.time_label.text() == "00:00 / 00:02" and not player.message.isVisible()
    second = speakers.streams[1].delivered()
    assert np.array_equal(second[: wave.size - 16_000], wave[16_000:])  # from the seek to the end


def test_loading_another_file_or_none_stops_the_sound(qtbot, speech_clip, siren_clip):
    speakers = Speakers(speed=0.5)
    player = AudioPlayer(stream_factory=speakers)
    qtbot.addWidget(player)
    player.load(speech_clip, 2.0)
    player.toggle()
    qtbot.waitUntil(lambda: player.state == "playing", timeout=WAIT_MS)
    player.load(siren_clip, 4.0)
    assert speakers.streams[0].closed and player.state == "stopped"
    assert player.source_path() == siren_clip and player.time_label.text() == "00:00 / 00:04"
    player.load(None)
    assert player.source_path() is None and not player.play_button.isEnabled()
    assert player.time_label.text() == f"{UNKNOWN} / {UNKNOWN}"


def test_player_without_a_sound_card_shows_why(qtbot, speech_clip, monkeypatch):
    monkeypatch.delenv(FAKE_SPEAKER_ENV, raising=False)
    if list_output_devices():
        pytest.skip("this machine has an audio output device")
    player = AudioPlayer()  # the real sounddevice output
    qtbot.addWidget(player)
    player.resize(600, player.sizeHint().height())
    player.show()
    player.load(speech_clip, 2.0)
    slider_width = player.slider.width()
    with qtbot.waitSignal(player.error, timeout=WAIT_MS) as failed:
        qtbot.mouseClick(player.play_button, Qt.MouseButton.LeftButton)
    assert "no audio output device" in failed.args[0]
    assert player.message.isVisible() and player.message.text().startswith("Could not play: no audio output device")
    qtbot.waitUntil(lambda: player.message.geometry().top() >= player.slider.geometry().bottom(), timeout=WAIT_MS)
    # the reason goes on its own line, not into the slider's room (beside it, it took half the row)
    assert player.slider.width() > 0.6 * player.width() and player.slider.width() >= slider_width - 20
    assert player.state == "error" and player.play_button.text() == "▶ Play" and player.play_button.isEnabled()
    with qtbot.waitSignal(player.error, timeout=WAIT_MS):  # a second click tries again and says so again
        player.toggle()
    player.load(speech_clip, 2.0)
    assert not player.message.isVisible()


def test_player_with_a_damaged_file_shows_why(qtbot, tmp_path):
    bad = tmp_path / "damaged.flac"
    bad.write_bytes(b"fLaC" + bytes(range(256)) * 4)
    player = AudioPlayer(stream_factory=Speakers(speed=0))
    qtbot.addWidget(player)
    player.show()
    player.load(bad, 2.0)
    with qtbot.waitSignal(player.error, timeout=30_000) as failed:
        player.toggle()
    assert "damaged.flac" in failed.args[0] and "cannot be read as audio" in failed.args[0]
    assert player.message.isVisible() and player.state == "error"
