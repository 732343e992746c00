"""The "too quiet to analyse" outcome (issue 12): silence, a dead microphone and damaged files give no
emotion and no traceback; the entry keeps its audio; the CLI and the review panel say so."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from conftest import manifest_rows
from helpers_models import build_tiny_cnn, build_tiny_wavlm

from diary_app.analysis.pipeline import Analyzer
from diary_app.analysis.result import BRANCH_NONE, OUTCOME_TAGGED, OUTCOME_TOO_QUIET, AnalysisResult
from diary_app.audio.level import QUIET_FLOOR_DBFS, check_level
from diary_app.audio.loading import load_audio
from diary_app.settings import Settings
from diary_app.store import AnalysisState, Diary

ROOT = Path(__file__).resolve().parents[2]


def _noise(seconds: float, sr: int, dbfs: float, seed: int = 0) -> np.ndarray:
    w = np.random.default_rng(seed).standard_normal(int(seconds * sr)).astype(np.float32)
    return (w * 10 ** (dbfs / 20) / np.sqrt(np.mean(w ** 2))).astype(np.float32)


def _write(path: Path, wave: np.ndarray, sr: int) -> Path:
    sf.write(str(path), wave, sr, subtype="FLOAT")
    return path


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    root = tmp_path_factory.mktemp("quiet_models")
    return build_tiny_wavlm(root / "wavlm"), build_tiny_cnn(root / "scene", confident_label="park")


@pytest.fixture(scope="module")
def analyzer(models):
    speech, scene = models
    return Analyzer(speech_model=str(speech), scene_model=str(scene), settings=Settings())


BAD_INPUTS = {
    "zeros_16k": (lambda sr: np.zeros(5 * sr, np.float32), 16_000),
    "zeros_44k": (lambda sr: np.zeros(5 * sr, np.float32), 44_100),
    "dead_mic_-75dBFS_16k": (lambda sr: _noise(5, sr, -75.0), 16_000),
    "dead_mic_-75dBFS_44k": (lambda sr: _noise(5, sr, -75.0), 44_100),
    "nan_16k": (lambda sr: np.full(5 * sr, np.nan, np.float32), 16_000),
    "nan_44k": (lambda sr: np.full(5 * sr, np.nan, np.float32), 44_100),
    "inf_and_nan_44k": (lambda sr: np.where(np.arange(5 * sr) % 2 == 0, np.inf, np.nan).astype(np.float32), 44_100),
}


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_silence_dead_microphone_and_non_finite_files_give_no_emotion(name, analyzer, tmp_path):
    make, sr = BAD_INPUTS[name]
    path = _write(tmp_path / f"{name}.wav", make(sr), sr)
    result = analyzer.analyze_file(path)
    assert result.outcome == OUTCOME_TOO_QUIET and result.too_quiet
    assert result.emotion is None and result.emotion_probabilities == {} and result.scene is None
    assert result.branch == BRANCH_NONE and result.models == {}  # no model ran
    assert result.evidence["level"]["too_quiet"] and result.evidence["level"]["reason"]
    assert result.duration_s == pytest.approx(5.0, abs=0.01)
    assert AnalysisResult.from_dict(result.to_dict()).too_quiet  # survives the store's JSON


def test_waveform_input_with_nan_at_44k_is_too_quiet_not_a_resampler_error(analyzer):
    result = analyzer.analyze_waveform(np.full(44_100 * 3, np.nan, np.float32), sr=44_100)
    assert result.too_quiet


def test_a_few_nan_samples_in_real_speech_are_zeroed_and_the_rest_is_analysed(analyzer, speech_clip, tmp_path):
    wave = load_audio(speech_clip)
    wave44 = np.repeat(wave, 3)[: int(wave.size * 44_100 / 16_000)].copy()  # any 44.1 kHz signal
    wave44[::5000] = np.nan  # 0.02 %: a damaged sample here and there
    result = analyzer.analyze_file(_write(tmp_path / "speckled.wav", wave44, 44_100))
    assert result.outcome == OUTCOME_TAGGED and result.emotion is not None


def test_the_floor_keeps_every_quiet_real_clip_of_the_corpora():
    """The floor must not call real recordings too quiet: the quietest speech and sound clips pass."""
    quietest = {"ravdess": "audio/Actor_05/03-01-02-02-01-02-05.flac",  # active level -56.5 dBFS
                "emovo": "audio/m1/tri-m1-n5.flac", "esc10": "audio/fire_crackling/3-104632-A.flac"}
    for corpus, rel in quietest.items():
        row = next((r for r in manifest_rows(corpus) if r["path"] == rel), None)
        if row is None:
            pytest.skip(f"{corpus}/{rel} not available")
        lvl = check_level(load_audio(row["abspath"]), 16_000)
        assert not lvl.too_quiet and lvl.active_dbfs > QUIET_FLOOR_DBFS + 5, (corpus, lvl)


def test_diary_keeps_the_entry_and_its_audio_in_the_too_quiet_state(analyzer, tmp_path):
    path = _write(tmp_path / "muted.wav", np.zeros(16_000 * 4, np.float32), 16_000)
    diary = Diary(tmp_path / "diary")
    try:
        entry = diary.create_entry(path, move=False)
        diary.set_analysis(entry.id, analyzer.analyze_file(diary.audio_path(entry)))
        got = diary.get(entry.id)
        assert got.analysis_state == AnalysisState.TOO_QUIET
        assert got.auto_emotion is None and got.emotion == "untagged"
        assert diary.audio_path(got).is_file()
        diary.set_user_emotion(entry.id, "sad")  # the user picks the emotion themselves
        assert diary.get(entry.id).emotion == "sad"
    finally:
        diary.close()


def test_cli_on_five_seconds_of_zeros_exits_0_with_the_outcome(tmp_path):
    path = _write(tmp_path / "zeros.wav", np.zeros(5 * 16_000, np.float32), 16_000)
    out = subprocess.run([sys.executable, "-m", "diary_app", "analyze", str(path)], capture_output=True, text=True,
                         timeout=180, cwd=ROOT, env={**__import__("os").environ, "PYTHONPATH": str(ROOT)})
    assert out.returncode == 0, out.stderr
    assert "too quiet to analyse — pick the emotion yourself or record again" in out.stdout
    assert "Traceback" not in out.stderr and "emotion:" not in out.stdout
