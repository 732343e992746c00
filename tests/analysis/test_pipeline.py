"""The whole analysis pipeline on real EmoDB and UrbanSound8K audio with tiny real models."""

from __future__ import annotations

import json
import threading

import numpy as np
import pytest
from conftest import manifest_rows
from helpers_models import build_tiny_cnn, build_tiny_wavlm

from diary_app.analysis import registry
from diary_app.analysis.model_card import KIND_LOGMEL_SER
from diary_app.analysis.pipeline import Analyzer
from diary_app.analysis.registry import ModelNotAvailable, load_classifier
from diary_app.analysis.result import BRANCH_ENVIRONMENT, BRANCH_SPEECH, AnalysisResult
from diary_app.analysis.speech_detection import detect_speech
from diary_app.audio.loading import AudioLoadError, load_audio
from diary_app.emotions import EMOTIONS
from diary_app.paths import user_models_dir
from diary_app.settings import Settings


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    root = tmp_path_factory.mktemp("models")
    return {
        "wavlm": build_tiny_wavlm(root / "wavlm"),
        "park": build_tiny_cnn(root / "scene_park", confident_label="park"),
        "uniform": build_tiny_cnn(root / "scene_uniform"),
        "ser_cnn": build_tiny_cnn(root / "ser_cnn", kind=KIND_LOGMEL_SER),
    }


@pytest.fixture
def no_shipped(tmp_path, monkeypatch):
    folder = tmp_path / "shipped"
    folder.mkdir()
    monkeypatch.setattr(registry, "shipped_models_dir", lambda: folder)
    return folder


def _speech_wave(seconds: float) -> np.ndarray:
    rows = sorted((r for r in manifest_rows("emodb") if r["label"] != "unmapped"), key=lambda r: r["path"])
    parts, total = [], 0
    for r in rows:
        w = load_audio(r["abspath"])
        parts.append(w)
        total += w.size
        if total >= seconds * 16_000:
            break
    return np.concatenate(parts)[: int(seconds * 16_000)]


def _check_probabilities(probs: dict[str, float], keys) -> None:
    assert set(probs) == set(keys)
    assert sum(probs.values()) == pytest.approx(1.0, abs=1e-6)
    assert all(0.0 <= p <= 1.0 for p in probs.values())


def test_speech_clip_takes_speech_branch_with_voiced_weights(models, speech_clip):
    analyzer = Analyzer(speech_model=str(models["wavlm"]), scene_model=str(models["park"]), settings=Settings())
    result = analyzer.analyze_file(speech_clip)
    det = detect_speech(load_audio(speech_clip))
    assert det.contains_speech, "EmoDB speech must be detected as speech"
    assert result.branch == BRANCH_SPEECH
    assert result.emotion in EMOTIONS and result.scene is None
    _check_probabilities(result.emotion_probabilities, EMOTIONS)
    assert result.confidence == pytest.approx(max(result.emotion_probabilities.values()))
    assert result.emotion == max(result.emotion_probabilities, key=result.emotion_probabilities.get)
    assert result.models["speech"] == "wavlm"
    assert result.speech_ratio == pytest.approx(det.speech_ratio)
    for w in result.timeline:
        assert w.end_s - w.start_s <= 4.0 + 1e-6
        _check_probabilities(w.probabilities, EMOTIONS)
        assert 0 < w.weight <= w.end_s - w.start_s + 1e-6  # voiced seconds in the window
    assert {"decode", "vad", "load", "inference", "total"} <= set(result.timings_s)
    assert result.evidence["speech_detection"]["contains_speech"] is True


def test_result_survives_a_json_round_trip(models, speech_clip):
    result = Analyzer(speech_model=str(models["wavlm"]), scene_model=str(models["park"]), settings=Settings()).analyze_file(speech_clip)
    text = result.to_json()
    again = AnalysisResult.from_dict(json.loads(text))
    assert again == AnalysisResult.from_dict(result.to_dict())
    assert again.to_json() == text


@pytest.mark.slow
def test_long_recording_is_split_into_windows_and_batching_changes_nothing(models):
    wave = _speech_wave(10.0)
    clf = load_classifier(models["wavlm"])
    windows = clf.predict_windows(wave)
    assert len(windows) == 3 and all(w.end_s - w.start_s <= 4.0 for w in windows)
    assert windows[0].start_s == 0.0 and windows[-1].end_s == pytest.approx(10.0)
    clf.batch_size = 1
    one_by_one = clf.predict_windows(wave)
    for a, b in zip(windows, one_by_one):
        for label in clf.labels:
            assert a.probabilities[label] == pytest.approx(b.probabilities[label], abs=1e-5)
    result = Analyzer(speech_model=clf, scene_model=str(models["park"]), settings=Settings(), force_branch="speech").analyze_waveform(wave)
    # aggregation is the voiced-seconds-weighted mean of the window probabilities
    weights = np.array([w.weight for w in result.timeline])
    expected = {e: float(np.dot(weights, [w.probabilities[e] for w in result.timeline]) / weights.sum()) for e in EMOTIONS}
    for e in EMOTIONS:
        assert result.emotion_probabilities[e] == pytest.approx(expected[e], abs=1e-9)


def test_environment_branch_maps_scene_through_the_table(models, siren_clip):
    analyzer = Analyzer(speech_model=str(models["wavlm"]), scene_model=str(models["park"]), settings=Settings(),
                        force_branch=BRANCH_ENVIRONMENT)
    result = analyzer.analyze_file(siren_clip)
    assert result.branch == BRANCH_ENVIRONMENT
    assert result.scene == "park" and result.emotion == "happy"  # paper Table 2
    assert result.confidence > 0.7
    _check_probabilities(result.scene_probabilities, load_classifier(models["park"]).labels)
    _check_probabilities(result.emotion_probabilities, EMOTIONS)
    assert len(result.timeline) == 2  # a 4 s clip: one 3 s window + the padded rest
    assert result.models["scene"] == "scene_park" and "speech" not in result.models


def test_low_confidence_scene_is_unclassified_unless_threshold_lowered(models, engine_clip):
    uniform = Analyzer(scene_model=str(models["uniform"]), settings=Settings(), force_branch=BRANCH_ENVIRONMENT)
    result = uniform.analyze_file(engine_clip)
    assert result.confidence < 0.7
    assert result.scene == "unclassified" and result.emotion == "surprise"
    assert result.evidence["scene"]["top_scene"] in result.scene_probabilities
    low = Analyzer(scene_model=str(models["uniform"]), settings=Settings(scene_threshold=0.0), force_branch=BRANCH_ENVIRONMENT)
    result = low.analyze_file(engine_clip)
    assert result.scene == result.evidence["scene"]["top_scene"] != "unclassified"
    table = load_classifier(models["uniform"]).emotion_table
    assert result.emotion == table.emotion_for(result.scene)
    assert Analyzer(scene_model=str(models["uniform"]), settings=Settings(), threshold=0.0).threshold == 0.0


def test_branch_follows_speech_detection_on_urban_sound(models, engine_clip):
    result = Analyzer(speech_model=str(models["wavlm"]), scene_model=str(models["park"]), settings=Settings()).analyze_file(engine_clip)
    det = detect_speech(load_audio(engine_clip))
    assert result.branch == (BRANCH_SPEECH if det.contains_speech else BRANCH_ENVIRONMENT)
    assert result.evidence["branch_reason"]


def test_speech_without_speech_model_falls_back_to_environment(models, speech_clip, no_shipped):
    result = Analyzer(scene_model=str(models["park"]), settings=Settings()).analyze_file(speech_clip)
    assert result.branch == BRANCH_ENVIRONMENT and result.scene == "park"
    assert "no speech-emotion model" in result.evidence["fallback"]


def test_no_models_at_all_is_a_clear_error(no_shipped, speech_clip):
    analyzer = Analyzer(settings=Settings())
    with pytest.raises(ModelNotAvailable, match="no analysis model is installed"):
        analyzer.load()
    with pytest.raises(ModelNotAvailable, match="no scene model"):
        analyzer.analyze_file(speech_clip)


@pytest.mark.slow
def test_default_models_come_from_user_folder_and_load_once(models, no_shipped, speech_clip):
    import shutil

    shutil.copytree(models["wavlm"], user_models_dir() / "wavlm")
    shutil.copytree(models["park"], user_models_dir() / "scene")
    build_tiny_cnn(no_shipped / "scene")  # shipped uniform model of the same name is overridden
    analyzer = Analyzer(settings=Settings())
    seen = []
    threads = [threading.Thread(target=lambda: seen.append(analyzer.scene_classifier)) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({id(s) for s in seen}) == 1  # loaded once, under the lock
    assert analyzer.load() is analyzer and analyzer.loaded
    first = analyzer.analyze_file(speech_clip)
    second = analyzer.analyze_file(speech_clip)
    assert first.models["speech"] == "wavlm"
    assert second.timings_s["load"] < 0.05  # reused, not reloaded
    assert first.emotion_probabilities == second.emotion_probabilities  # deterministic
    env = Analyzer(settings=Settings(), force_branch=BRANCH_ENVIRONMENT).analyze_file(speech_clip)
    assert env.scene == "park"  # the user's confident model, not the shipped uniform one


def test_settings_choose_the_models(models, no_shipped, speech_clip):
    import shutil

    shutil.copytree(models["wavlm"], user_models_dir() / "wavlm")
    shutil.copytree(models["ser_cnn"], user_models_dir() / "ser_cnn")
    shutil.copytree(models["park"], user_models_dir() / "scene")
    result = Analyzer(settings=Settings(speech_model="ser_cnn")).analyze_file(speech_clip)
    assert result.models["speech"] == "ser_cnn" and result.branch == BRANCH_SPEECH
    _check_probabilities(result.emotion_probabilities, EMOTIONS)
    with pytest.raises(ModelNotAvailable):
        Analyzer(settings=Settings(speech_model="gone")).analyze_file(speech_clip)


def test_background_of_a_speech_recording_is_described(models, speech_clip):
    speech = load_audio(speech_clip)
    quiet = np.zeros(3 * 16_000, dtype=np.float32)  # 3 s without speech (the detector is not under test)
    wave = np.concatenate([speech, quiet])
    result = Analyzer(speech_model=str(models["wavlm"]), scene_model=str(models["park"]), settings=Settings()).analyze_waveform(wave)
    assert result.branch == BRANCH_SPEECH
    env = result.evidence["environment"]
    assert env["seconds"] >= 2.5 and env["scene"] == "park" and env["emotion"] == "happy"


def test_waveform_input_is_resampled_and_validated(models, speech_clip):
    import librosa

    analyzer = Analyzer(speech_model=str(models["wavlm"]), scene_model=str(models["park"]), settings=Settings())
    wave16 = load_audio(speech_clip)
    wave44 = librosa.resample(wave16, orig_sr=16_000, target_sr=44_100)
    result = analyzer.analyze_waveform(wave44, sr=44_100, name="mic")
    assert result.duration_s == pytest.approx(wave16.size / 16_000, abs=0.01)
    assert result.evidence["source"] == "mic"
    with pytest.raises(AudioLoadError, match="too_short|at least"):
        analyzer.analyze_waveform(np.zeros(1000, dtype=np.float32))
    with pytest.raises(AudioLoadError):
        analyzer.analyze_waveform(np.zeros(0, dtype=np.float32))


def test_bad_files_raise_typed_errors(models, tmp_path):
    analyzer = Analyzer(speech_model=str(models["wavlm"]), scene_model=str(models["park"]), settings=Settings())
    (tmp_path / "empty.wav").write_bytes(b"")
    (tmp_path / "text.wav").write_text("this is not audio")
    for name, reason in (("empty.wav", "empty"), ("text.wav", "unreadable"), ("missing.flac", "missing")):
        with pytest.raises(AudioLoadError) as info:
            analyzer.analyze_file(tmp_path / name)
        assert info.value.reason == reason


def test_invalid_branch_is_rejected():
    with pytest.raises(ValueError):
        Analyzer(settings=Settings(), force_branch="music")


@pytest.mark.slow
def test_exported_onnx_graph_is_used_and_agrees_with_pytorch(tmp_path, monkeypatch):
    pytest.importorskip("onnxruntime")
    from diary_app.analysis.onnx_export import export_onnx

    folder = build_tiny_wavlm(tmp_path / "wavlm")
    wave = _speech_wave(6.0)
    reference = load_classifier(folder).predict_windows(wave)
    export_onnx(folder)
    clf = load_classifier(folder)
    assert clf.backend == "onnxruntime" and clf.model is None  # PyTorch weights not even loaded
    got = clf.predict_windows(wave)
    assert len(got) == len(reference) == 2
    for a, b in zip(got, reference):
        assert (a.start_s, a.end_s, a.label) == (b.start_s, b.end_s, b.label)
        for label in clf.labels:
            assert a.probabilities[label] == pytest.approx(b.probabilities[label], abs=1e-4)
    monkeypatch.setenv("SOUND_DIARY_NO_ONNX", "1")
    assert load_classifier(folder).backend == "torch"


@pytest.mark.slow
def test_int8_export_with_static_convs_runs_in_the_pipeline(tmp_path, speech_clip):
    pytest.importorskip("onnxruntime")
    from diary_app.analysis.onnx_export import export_onnx

    folder = build_tiny_wavlm(tmp_path / "wavlm")
    wave = load_audio(speech_clip)
    reference = load_classifier(folder).predict_windows(wave)
    calibration = [r["abspath"] for r in manifest_rows("emodb")[5:8]]
    path = export_onnx(folder, quantize=True, calibration_audio=calibration)
    assert path.name == "model.onnx" and sorted(p.name for p in folder.glob("*.onnx")) == ["model.onnx"]
    clf = load_classifier(folder)
    assert clf.backend == "onnxruntime"
    got = clf.predict_windows(wave)
    for a, b in zip(got, reference):
        assert sum(a.probabilities.values()) == pytest.approx(1.0)
        assert max(abs(a.probabilities[l] - b.probabilities[l]) for l in clf.labels) < 0.05
