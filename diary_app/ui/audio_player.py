"""Play a diary recording: play/pause, a position slider and the time.

The sound goes through ``diary_app.audio.playback`` (a sounddevice stream), not QtMultimedia:
QtMultimedia's FFmpeg thread could deadlock with the GUI thread (one full test run of four hung).
Nothing here is called from an audio thread: a GUI-thread ``QTimer`` polls the player's position
and state, and the file is decoded on the first Play with ``BackgroundCall`` so a long recording
never freezes the window.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSlider, QVBoxLayout, QWidget

from diary_app.audio.playback import OutputStreamFactory, Playback
from diary_app.ui.worker import BackgroundCall

UNKNOWN = "—:—"  # a length not known yet (shown instead of a made-up 00:00)
POLL_MS = 100  # slider and time refresh while it plays (a 10 Hz tick looks smooth at mm:ss)


def _mmss(ms: int) -> str:
    s = max(0, int(ms)) // 1000
    return f"{s // 60:02d}:{s % 60:02d}"


def _total(ms: int) -> str:
    return _mmss(ms) if ms > 0 else UNKNOWN


class AudioPlayer(QWidget):
    """A compact player; the player object is created on the first Play so pages stay cheap to build.

    ``stream_factory`` is the speaker (``None``: the sound card, or the fake speaker of
    ``SOUND_DIARY_FAKE_SPEAKER``); tests pass a ``FakeOutputStream`` factory. ``error`` carries the
    reason when a sound cannot be played; the widget also shows it ("Could not play: …").
    """

    error = Signal(str)

    def __init__(self, parent: QWidget | None = None, stream_factory: OutputStreamFactory | None = None) -> None:
        super().__init__(parent)
        self.stream_factory = stream_factory
        self._playback: Playback | None = None
        self._path: Path | None = None
        self._decoding: dict[BackgroundCall, Playback] = {}  # kept alive until their signal arrives
        self._play_when_decoded = False
        self._shown_error: str | None = None
        self.play_button = QPushButton(self.tr("▶ Play"))
        self.play_button.setObjectName("play_button")
        self.play_button.setEnabled(False)
        self.play_button.clicked.connect(self.toggle)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setEnabled(False)
        self.slider.sliderMoved.connect(self._seek)
        self.time_label = QLabel(f"{UNKNOWN} / {UNKNOWN}")
        self.time_label.setObjectName("time_label")
        self.message = QLabel()
        self.message.setObjectName("player_message")
        self.message.setWordWrap(True)
        self.message.hide()
        self._poll = QTimer(self)
        self._poll.setInterval(POLL_MS)
        self._poll.timeout.connect(self._refresh)
        controls = QHBoxLayout()
        controls.setContentsMargins(0, 0, 0, 0)
        controls.addWidget(self.play_button)
        controls.addWidget(self.slider, 1)
        controls.addWidget(self.time_label)
        layout = QVBoxLayout(self)  # the reason, when there is one, on its own line: the slider keeps its width
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(controls)
        layout.addWidget(self.message)

    def load(self, path: str | Path | None, duration_s: float | None = None) -> None:
        """Show ``path`` (``None`` empties the player and lets go of the file).

        Nothing is opened or decoded here: that waits for Play, so showing an entry right after a
        recording costs nothing on the GUI thread.
        """
        had_player = self._playback is not None
        self._release()
        self._path = Path(path) if path else None
        enabled = self._path is not None and self._path.exists()
        self.play_button.setEnabled(enabled)
        self.play_button.setText(self.tr("▶ Play"))
        self.slider.setEnabled(enabled)
        self.slider.setValue(0)
        total = int((duration_s or 0) * 1000)
        self.slider.setRange(0, total)
        self.time_label.setText(f"00:00 / {_total(total)}" if enabled else f"{UNKNOWN} / {UNKNOWN}")
        if had_player and enabled and self._path is not None:
            self._playback = self._make_playback(self._path)

    def source_path(self) -> Path | None:
        """The file the player holds (``None`` before the first Play or when empty)."""
        return self._playback.path if self._playback is not None else None

    @property
    def state(self) -> str:
        """The player's state ("stopped" before the first Play), for the pages and tests."""
        return self._playback.state if self._playback is not None else "stopped"

    def toggle(self) -> None:
        """Play / pause. The first Play decodes the file off the GUI thread, then plays."""
        if self._path is None:
            return
        if self._playback is None:
            self._playback = self._make_playback(self._path)
        playback = self._playback
        if playback.state == "playing":
            playback.pause()
        elif self._decoding_now(playback):
            self._play_when_decoded = not self._play_when_decoded  # a second click while loading cancels
        elif not playback.decoded and playback.state != "error":
            self._play_when_decoded = True
            self._decode(playback)
        else:
            self._shown_error = None  # a click after an error tries again and says so again
            playback.play()
        self._refresh()

    def stop(self) -> None:
        self._play_when_decoded = False
        if self._playback is not None:
            self._playback.stop()
        self._refresh()

    # -- internals -------------------------------------------------------------------------------------
    def _make_playback(self, path: Path) -> Playback:
        return Playback(path, stream_factory=self.stream_factory)

    def _release(self) -> None:
        self._play_when_decoded = False
        self._poll.stop()
        self._shown_error = None
        self.message.hide()
        if self._playback is not None:
            self._playback.close()
            self._playback = None

    def _decoding_now(self, playback: Playback) -> bool:
        return any(p is playback for p in self._decoding.values())

    def _decode(self, playback: Playback) -> None:
        call = BackgroundCall(lambda _progress: playback.decode())
        self._decoding[call] = playback
        call.signals.done.connect(lambda _ok: self._decoded(call))
        call.signals.failed.connect(lambda exc: self._decoded(call, exc))
        call.start()

    def _decoded(self, call: BackgroundCall, exc: Exception | None = None) -> None:
        playback = self._decoding.pop(call, None)
        if playback is None or playback is not self._playback:
            return  # another file was loaded meanwhile
        if exc is not None:
            self._show_error(str(exc))
        elif self._play_when_decoded:
            playback.play()
        self._play_when_decoded = False
        self._refresh()

    def _seek(self, value: int) -> None:
        if self._playback is not None:
            self._playback.seek(value / 1000.0)
            self._refresh()

    def _refresh(self) -> None:
        """Read the player (GUI thread, from the timer or after a click) and show what it says."""
        playback = self._playback
        if playback is None:
            self._poll.stop()
            return
        state = playback.state
        duration = playback.duration_s
        if duration:
            self.slider.setRange(0, int(duration * 1000))
        if state == "finished":
            playback.stop()  # the end: back to the start, the stream let go
        position = 0 if state == "finished" else int(playback.position_s * 1000)
        if not self.slider.isSliderDown():
            self.slider.setValue(position)
        self.time_label.setText(f"{_mmss(position)} / {_total(self.slider.maximum())}")
        if state == "playing":
            self.play_button.setText(self.tr("⏸ Pause"))
        elif self._play_when_decoded:
            self.play_button.setText(self.tr("Loading…"))
        else:
            self.play_button.setText(self.tr("▶ Play"))
        if state == "error":
            self._show_error(playback.error or "")
        elif state == "playing":
            self._shown_error = None
            self.message.hide()
        if state == "playing":
            if not self._poll.isActive():
                self._poll.start()
        else:
            self._poll.stop()

    def _show_error(self, reason: str) -> None:
        if reason == self._shown_error:
            return
        self._shown_error = reason
        self.message.setText(self.tr("Could not play: {0}").format(reason))
        self.message.show()
        self.error.emit(reason)
