"""The feature-based speech-emotion model (openSMILE eGeMAPS + logistic regression), kind ``feature-ser``."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import numpy as np
import pytest
from conftest import SHARED_DATA, held_out_clips

pytest.importorskip("opensmile")

LABELS = ["neutral", "happy", "sad", "angry", "fear"]
SHIPPED = Path(__file__).resolve().parents[2] / "models" / "default-ser-features"
SPLITS = Path(__file__).resolve().parents[2] / "resources" / "splits"


def _needs_data():
    if not (SHARED_DATA / "emodb" / "manifest.csv").is_file():
        pytest.skip("shared data not available")


def _clip_label(wave_windows, labels) -> str:
    probs = np.mean([[w.probabilities[l] for l in labels] for w in wave_windows], axis=0)
    return labels[int(np.argmax(probs))]


@pytest.fixture(scope="module")
def small_model(tmp_path_factory):
    """Train on a small real EmoDB subset: 1 clip per label of 8 speakers; 3 per label of 2 other speakers held out."""
    _needs_data()
    from diary_app.training.datasets import LabelMapper, read_manifest
    from diary_app.training.splits import Split
    from diary_app.training.train_features import FeatureTrainConfig, save_feature_model, train_features

    examples = read_manifest(SHARED_DATA / "emodb" / "manifest.csv", LabelMapper(keep=set(LABELS))).examples
    speakers = sorted({e.group for e in examples})
    test_speakers = set(speakers[-2:])
    train, test, seen = [], [], {}
    for e in examples:
        held = e.group in test_speakers
        key = (e.group, e.label)
        if seen.get(key, 0) < (3 if held else 1):
            seen[key] = seen.get(key, 0) + 1
            (test if held else train).append(e)
    out = tmp_path_factory.mktemp("models") / "small-ser-features"
    cfg = FeatureTrainConfig(out=out, labels=LABELS, c_grid=(0.01, 0.1), cv_folds=3, progress=False)
    arrays, report = train_features(Split(train=train, val=[], test=test), cfg)
    save_feature_model(arrays, report, cfg, {"retrain_command": "diary-app train ser-features ...", "training_data": "EmoDB subset"})
    return out, test, report


def test_training_writes_a_folder_that_loads_through_the_registry_and_predicts(small_model):
    from diary_app.analysis.registry import find_model, load_classifier
    from diary_app.audio.loading import load_audio

    out, test, report = small_model
    card = json.loads((out / "model_card.json").read_text())
    assert card["kind"] == "feature-ser" and card["labels"] == LABELS
    assert not list(out.glob("*.pkl")) and (out / "model.safetensors").is_file()
    assert str(report.c) in {"0.01", "0.1"} and 0.05 < card["temperature"] < 20
    clf = load_classifier(find_model(out))
    assert clf.labels == LABELS and clf.card.kind == "feature-ser"
    windows = clf.predict_windows(load_audio(test[0].path))
    assert len(windows) == 1
    assert set(windows[0].probabilities) == set(LABELS)
    assert sum(windows[0].probabilities.values()) == pytest.approx(1.0, abs=1e-6)
    # the report's held-out accuracy is what the app's loader gives on the same clips
    right = sum(_clip_label(clf.predict_windows(load_audio(e.path)), LABELS) == e.label for e in test)
    assert right / len(test) == pytest.approx(report.test_metrics["accuracy"], abs=1e-9)
    # 30 training clips only: measured 0.47 on these 2 unseen speakers (chance 0.2); the full model's floor is below
    assert report.test_metrics["accuracy"] >= 0.35, report.test_metrics


def test_long_recording_gets_windows_without_padding_and_short_tail_merged(small_model):
    from diary_app.analysis.feature_classifier import utterance_windows
    from diary_app.analysis.registry import load_classifier
    from diary_app.audio.loading import load_audio

    assert utterance_windows(16_000 * 8 + 8_000, 4.0) == [(0, 64_000), (64_000, 136_000)]  # a 0.5 s tail joins
    assert utterance_windows(16_000 * 9 + 8_000, 4.0) == [(0, 64_000), (64_000, 128_000), (128_000, 152_000)]
    assert utterance_windows(16_000 * 2, 4.0) == [(0, 32_000)]
    out, test, _ = small_model
    clf = load_classifier(out)
    wave = np.concatenate([load_audio(e.path) for e in test[:4]])
    windows = clf.predict_windows(wave)
    assert windows[0].start_s == 0 and windows[-1].end_s == pytest.approx(wave.size / 16_000)
    assert all(set(w.probabilities) == set(LABELS) for w in windows)


def test_broken_folders_give_a_clear_error(small_model, tmp_path):
    from diary_app.analysis.registry import ModelNotAvailable, load_classifier

    out, _, _ = small_model
    no_weights = tmp_path / "no-weights"
    shutil.copytree(out, no_weights)
    (no_weights / "model.safetensors").unlink()
    with pytest.raises(ModelNotAvailable, match="model.safetensors"):
        load_classifier(no_weights)
    wrong_set = tmp_path / "wrong-set"
    shutil.copytree(out, wrong_set)
    card = json.loads((wrong_set / "model_card.json").read_text())
    card["features"]["feature_sets"] = ["NoSuchSet"]
    (wrong_set / "model_card.json").write_text(json.dumps(card))
    with pytest.raises(ModelNotAvailable, match="NoSuchSet"):
        load_classifier(wrong_set)


@pytest.mark.slow
def test_shipped_default_is_the_default_speech_model_small_fast_and_right_on_held_out_speakers():
    """The shipped model on the CNN's held-out speakers (never seen in training)."""
    _needs_data()
    from diary_app.analysis.registry import default_speech_model, load_classifier
    from diary_app.audio.loading import load_audio

    assert (SHIPPED / "model_card.json").is_file(), "models/default-ser-features must ship"
    from diary_app.analysis import registry

    assert default_speech_model().name == "default-ser-whisper"  # the Whisper model comes first when its weights are there
    real = registry._whisper_installed
    registry._whisper_installed = lambda: False
    try:
        assert default_speech_model().name == "default-ser-features"  # without them: preferred over the CNN
    finally:
        registry._whisper_installed = real
    assert sum(f.stat().st_size for f in SHIPPED.rglob("*") if f.is_file()) < 10 * 1024 * 1024
    load_classifier(SHIPPED)  # warm the imports (opensmile, pandas) so only the model load is timed
    t0 = time.perf_counter()
    clf = load_classifier(SHIPPED)
    assert time.perf_counter() - t0 < 0.5
    card = json.loads((SHIPPED / "model_card.json").read_text())
    test = card["metrics"]["test"]
    assert test["n"] > 150 and (SHIPPED / "MODEL_CARD.md").read_text().count(f"{test['accuracy']:.3f}") >= 1
    assert card["licence"] and "research" in card["licence"] and card["retrain_command"].startswith("diary-app train ser-features")
    clips = held_out_clips("default-ser-cnn", 6)
    right = sum(_clip_label(clf.predict_windows(load_audio(p)), clf.labels) == label for p, label in clips)
    assert right / len(clips) > 0.6, f"{right}/{len(clips)}"  # measured 23/30; chance 0.2


@pytest.mark.slow
def test_evaluate_command_runs_on_the_shipped_model(tmp_path):
    _needs_data()
    from diary_app.training.evaluate import evaluate_model

    report = evaluate_model(SHIPPED, [str(SPLITS / "default-ser-cnn-test.csv")], out_dir=tmp_path, progress=False, limit=10)
    assert report.n == 10 and (tmp_path / "metrics.json").is_file()
