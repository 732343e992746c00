"""Audio input and output: loading files and recording from the microphone (no Qt)."""

from diary_app.audio.loading import MIN_DURATION_S, SAMPLE_RATE, AudioLoadError, load_audio

__all__ = ["SAMPLE_RATE", "MIN_DURATION_S", "AudioLoadError", "load_audio"]
