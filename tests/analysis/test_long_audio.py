"""Long files are streamed in chunks (issue 15 item 6): memory stays at one chunk, the result covers the file."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf
from conftest import first_clip, manifest_rows


def _speech_then_noise(path, speech_s: float, noise_s: float, sr: int = 16_000):
    from diary_app.audio.loading import load_audio

    speech = np.concatenate([load_audio(r["abspath"]) for r in manifest_rows("emodb")[:20]])[: int(speech_s * 16_000)]
    noise = np.tile(load_audio(first_clip("urbansound8k", "engine_idling")), 20)[: int(noise_s * 16_000)]
    wave = np.concatenate([speech, noise]).astype(np.float32)
    if sr != 16_000:
        import librosa

        wave = librosa.resample(wave, orig_sr=16_000, target_sr=sr)
    sf.write(path, wave, sr)
    return wave


def test_streamed_chunks_equal_the_whole_file_resampled(tmp_path):
    """44.1 kHz in, 16 kHz chunks out: joined they are the whole-file resample (no seams), NaNs zeroed and counted."""
    from diary_app.audio.loading import iter_audio_chunks, load_audio

    path = tmp_path / "long.wav"
    wave = _speech_then_noise(path, 12, 8, sr=44_100)
    wave[1000:1010] = np.nan
    sf.write(path, wave, 44_100, subtype="FLOAT")
    chunks = list(iter_audio_chunks(path, 3.0))
    assert [c.size for c, _ in chunks[:-1]] == [48_000] * (len(chunks) - 1)
    assert sum(bad for _, bad in chunks) == 10
    joined = np.concatenate([c for c, _ in chunks])
    whole = load_audio(path)
    assert abs(joined.size - whole.size) <= 16
    n = min(joined.size, whole.size) - 200
    assert np.max(np.abs(joined[200:n] - whole[200:n])) < 2e-3


@pytest.mark.slow
def test_a_long_file_is_analysed_in_chunks_without_loading_it_whole(tmp_path, monkeypatch):
    from diary_app.analysis import long_audio, pipeline
    from diary_app.analysis.pipeline import Analyzer
    from diary_app.settings import Settings

    path = tmp_path / "long.flac"
    _speech_then_noise(path, 26, 19)
    monkeypatch.setattr(long_audio, "LONG_FILE_S", 20.0)
    monkeypatch.setattr(long_audio, "CHUNK_S", 10.0)

    def whole_load(*a, **k):
        raise AssertionError("a long file must not be decoded whole")

    monkeypatch.setattr(pipeline, "load_audio", whole_load)
    res = Analyzer(settings=Settings()).analyze_file(path)
    chunks = res.evidence["chunks"]
    assert len(chunks) == 5 and chunks[0]["start_s"] == 0.0 and chunks[-1]["end_s"] == pytest.approx(45.0, abs=0.1)
    assert res.duration_s == pytest.approx(45.0, abs=0.1)
    assert chunks[0]["branch"] == "speech" and chunks[-1]["branch"] == "environment"
    assert res.branch == "speech" and res.emotion in res.emotion_probabilities
    assert "long recording analysed in 5 chunks" in res.evidence["branch_reason"]
    assert max(w.end_s for w in res.timeline) > 40  # windows keep their times in the whole file
    assert all(a < 27 for a, _ in res.speech_segments)  # speech found where it is, not in the engine part
    assert abs(sum(res.emotion_probabilities.values()) - 1.0) < 1e-6
