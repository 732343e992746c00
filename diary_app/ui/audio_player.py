"""Play a diary recording: play/pause, a position slider and the time (QtMultimedia)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSlider, QWidget


UNKNOWN = "—:—"  # a length not known yet (shown instead of a made-up 00:00)


def _mmss(ms: int) -> str:
    s = max(0, int(ms)) // 1000
    return f"{s // 60:02d}:{s % 60:02d}"


def _total(ms: int) -> str:
    return _mmss(ms) if ms > 0 else UNKNOWN


class AudioPlayer(QWidget):
    """A compact player; the media backend is created lazily so pages stay cheap to build."""

    error = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._player = None
        self._output = None
        self._path: Path | None = None
        self.play_button = QPushButton(self.tr("▶ Play"))
        self.play_button.setObjectName("play_button")
        self.play_button.setEnabled(False)
        self.play_button.clicked.connect(self.toggle)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setEnabled(False)
        self.slider.sliderMoved.connect(self._seek)
        self.time_label = QLabel(f"{UNKNOWN} / {UNKNOWN}")
        self.time_label.setObjectName("time_label")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.play_button)
        layout.addWidget(self.slider, 1)
        layout.addWidget(self.time_label)

    def _ensure_player(self):
        if self._player is None:
            from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer

            self._player = QMediaPlayer(self)
            self._output = QAudioOutput(self)
            self._player.setAudioOutput(self._output)
            self._player.positionChanged.connect(self._on_position)
            self._player.durationChanged.connect(self._on_duration)
            self._player.playbackStateChanged.connect(self._on_state)
            self._player.errorOccurred.connect(lambda _e, msg: self.error.emit(msg))
        return self._player

    def load(self, path: str | Path | None, duration_s: float | None = None) -> None:
        """Show ``path`` (``None`` empties the player).

        The media backend is created on the first Play, not here: starting it costs ~0.4 s on the
        GUI thread (measured), which must not land right after every recording.
        """
        if self._player is not None:
            self._player.stop()
        self._path = Path(path) if path else None
        enabled = self._path is not None and self._path.exists()
        self.play_button.setEnabled(enabled)
        self.slider.setEnabled(enabled)
        self.slider.setValue(0)
        total = int((duration_s or 0) * 1000)
        self.slider.setRange(0, total)
        self.time_label.setText(f"00:00 / {_total(total)}" if enabled else f"{UNKNOWN} / {UNKNOWN}")
        if self._player is not None:
            self._player.setSource(QUrl.fromLocalFile(str(self._path)) if enabled else QUrl())

    def source_path(self) -> Path | None:
        """The file the media player holds (``None`` before the first Play or when empty)."""
        if self._player is None:
            return None
        local = self._player.source().toLocalFile()
        return Path(local) if local else None

    def toggle(self) -> None:
        if self._path is None:
            return
        if self._player is None:
            self._ensure_player().setSource(QUrl.fromLocalFile(str(self._path)))
        player = self._player
        from PySide6.QtMultimedia import QMediaPlayer

        if player.playbackState() == QMediaPlayer.PlaybackState.PlayingState:
            player.pause()
        else:
            player.play()

    def stop(self) -> None:
        if self._player is not None:
            self._player.stop()

    def _seek(self, value: int) -> None:
        if self._player is not None:
            self._player.setPosition(value)

    def _on_position(self, ms: int) -> None:
        if not self.slider.isSliderDown():
            self.slider.setValue(ms)
        self.time_label.setText(f"{_mmss(ms)} / {_total(self.slider.maximum())}")

    def _on_duration(self, ms: int) -> None:
        if ms <= 0:
            return  # the backend does not know yet: keep the stored length
        self.slider.setRange(0, ms)
        self.time_label.setText(f"{_mmss(self.slider.value())} / {_mmss(ms)}")

    def _on_state(self, state) -> None:
        from PySide6.QtMultimedia import QMediaPlayer

        playing = state == QMediaPlayer.PlaybackState.PlayingState
        self.play_button.setText(self.tr("⏸ Pause") if playing else self.tr("▶ Play"))
