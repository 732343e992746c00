"""The default models in models/: small, fast to load, honest cards, right on held-out clips."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from conftest import held_out_clips

from diary_app.paths import shipped_models_dir

DEFAULTS = {
    "default-ser-cnn": ("logmel-cnn-ser", ["neutral", "happy", "sad", "angry", "fear"]),
    "default-scene-urbansound": ("logmel-cnn-scene", None),
    "default-scene-everyday": ("feature-scene", None),
}


#: models scored on another model's committed held-out split (same recordings, comparable numbers)
SPLIT_OF = {"default-ser-features": "default-ser-cnn"}


def _folder(name: str) -> Path:
    folder = shipped_models_dir() / name
    if not (folder / "model_card.json").is_file():
        pytest.fail(f"{folder} is missing: the default model must ship in models/")
    return folder


@pytest.mark.parametrize("name", sorted(DEFAULTS))
def test_default_model_is_small_loads_fast_and_has_an_honest_card(name):
    from diary_app.analysis.registry import load_classifier

    folder = _folder(name)
    size = sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())
    assert size < 10 * 1024 * 1024
    assert not (folder / ".checkpoint").exists()
    load_classifier(folder)  # warm imports (torch, librosa) so only the model load is timed
    t0 = time.perf_counter()
    clf = load_classifier(folder)
    assert time.perf_counter() - t0 < 0.5
    kind, labels = DEFAULTS[name]
    card = json.loads((folder / "model_card.json").read_text())
    assert card["kind"] == kind == clf.card.kind
    if labels:
        assert clf.labels == labels
    assert card["retrain_command"].startswith("diary-app train ")
    assert card["licence"] and card["training_data"]
    assert 0.05 < card["temperature"] < 20
    test = card["metrics"]["test"]
    assert test["n"] > 50 and 0 < test["accuracy"] <= 1
    assert (folder / "MODEL_CARD.md").read_text().count(f"{test['accuracy']:.3f}") >= 1


def _held_out_accuracy(model: str, per_label: int) -> tuple[int, int]:
    """Clips of the model's held-out split whose averaged window prediction is the right label."""
    import numpy as np

    from diary_app.analysis.registry import load_classifier
    from diary_app.audio.loading import load_audio

    clf = load_classifier(_folder(model))
    clips = held_out_clips(SPLIT_OF.get(model, model), per_label)
    right = 0
    for path, label in clips:
        windows = clf.predict_windows(load_audio(path))
        probs = np.mean([[w.probabilities[l] for l in clf.labels] for w in windows], axis=0)
        right += clf.labels[int(np.argmax(probs))] == label
    return right, len(clips)


@pytest.mark.parametrize("model, floor", [
    # chance is 0.10 (0.05 for 19 classes); on all held-out clips the paper's CNN reaches 0.59, the everyday model ~0.8
    ("default-scene-urbansound", 0.35),
    ("default-scene-everyday", 0.6),
])
@pytest.mark.slow
def test_scene_models_recognise_held_out_recordings(model, floor):
    """On recordings they never saw, clearly more clips than chance get the right event class."""
    right, n = _held_out_accuracy(model, 3)
    assert right / n > floor, f"{right}/{n}"


@pytest.mark.slow
def test_ser_default_recognises_held_out_speakers():
    right, n = _held_out_accuracy("default-ser-cnn", 6)
    # chance is 0.20; the CNN fallback reaches ~0.52 on held-out speakers (target 0.80, see below)
    assert right / n > 0.35, f"{right}/{n}"


@pytest.mark.xfail(strict=True, reason="issue 3 target not met by the speech fallbacks: default-ser-features (eGeMAPS, used when the Whisper weights are missing) "
                   "reaches 0.734 acc / 0.731 wF1 on held-out speakers (target 0.80; the CNN fallback 0.52); "
                   "remove this marker when a re-trained model meets it")
@pytest.mark.parametrize("model", ["default-ser-features", "default-ser-cnn"])
def test_default_ser_model_meets_the_issue_target(model):
    ser = json.loads((_folder(model) / "model_card.json").read_text())["metrics"]["test"]
    assert ser["accuracy"] >= 0.80 and ser["weighted_f1"] >= 0.80


def test_the_environment_model_the_app_uses_is_the_everyday_model():
    """The model ``default_scene_model()`` picks (what every recording without speech goes through)."""
    from diary_app.analysis.registry import default_scene_model

    chosen = default_scene_model()
    assert chosen is not None and chosen.name == "default-scene-everyday", chosen
    assert {"rain", "sea_waves", "baby_cry", "engine_idling", "dog_bark"} <= set(chosen.card.labels)
    scene = chosen.card.metrics["test"]
    assert scene["accuracy"] >= 0.75 and scene["n"] >= 200
    assert scene["per_source"]["esc10"]["accuracy"] >= 0.85  # issue 12's target, met
    # UrbanSound8K alone: 0.73 with 19 classes (the retired 10-class model had 0.78); a floor against regressions
    assert scene["per_source"]["urbansound8k"]["accuracy"] >= 0.70
    # the cross-validation over every recording agrees with the single split
    assert chosen.card.metrics["grouped_cv_all_speakers"]["accuracy"] >= 0.75


@pytest.mark.xfail(strict=True, reason="issue 12 target not met: the everyday model's held-out UrbanSound8K accuracy "
                   "is below 0.85 (see models/default-scene-everyday/MODEL_CARD.md and docs/notes/issue-12.md)")
def test_the_environment_model_meets_issue_12s_target_on_every_corpus():
    from diary_app.analysis.registry import default_scene_model

    scene = default_scene_model().card.metrics["test"]
    assert all(scene["per_source"][c]["accuracy"] >= 0.85 for c in ("urbansound8k", "esc10"))


def test_the_environment_models_shown_scenes_meet_issue_12s_target():
    """Issue 12: scenes shown (at or above 0.70) on held-out recordings are right >= 90 % with coverage >= 70 %."""
    from diary_app.analysis.registry import default_scene_model

    thr = default_scene_model().card.metrics["test_threshold_0.70"]
    assert 1.0 - thr["fires_rate"] >= 0.70 and thr["kept_accuracy"] >= 0.90


@pytest.mark.xfail(strict=True, reason="the paper's 2-layer CNN (now the fallback when YAMNet cannot run) reaches 0.593 "
                   "on the same 42 held-out recordings; a quick distillation from the YAMNet model (20 epochs) selected 0.54 by validation loss (docs/notes/issue-3-scene-yamnet.md)")
def test_paper_cnn_fallback_meets_the_issue_target():
    scene = json.loads((_folder("default-scene-urbansound") / "model_card.json").read_text())["metrics"]["test"]
    assert scene["accuracy"] >= 0.75


@pytest.mark.parametrize("model", ["default-scene-urbansound", "default-scene-everyday"])
def test_scene_model_confident_calls_are_usable(model):
    """The 0.70 'unclassified' threshold must let calibrated calls through, and those must be mostly right."""
    thr = json.loads((_folder(model) / "model_card.json").read_text())["metrics"]["test_threshold_0.70"]
    assert thr["fires_rate"] < 0.9 and thr["kept_accuracy"] is not None and thr["kept_accuracy"] > 0.5
    assert thr["kept_accuracy"] > thr["rejected_accuracy"]  # confidence means something


def _whisper_card() -> dict:
    return json.loads((_folder("default-ser-whisper") / "model_card.json").read_text())


def test_the_speech_model_the_app_uses_is_the_whisper_model():
    """``default_speech_model()`` picks the Whisper model (what every recording with speech goes through),
    six emotions including surprise, and it is small enough to ship."""
    from diary_app.analysis.registry import default_speech_model

    chosen = default_speech_model()
    assert chosen is not None and chosen.name == "default-ser-whisper", chosen
    assert chosen.card.kind == "whisper-ser"
    assert chosen.card.labels == ["neutral", "happy", "sad", "angry", "surprise", "fear"]
    folder = _folder("default-ser-whisper")
    assert all(f.stat().st_size < 20 * 1024 * 1024 for f in folder.rglob("*") if f.is_file())
    assert chosen.card.retrain_command.startswith("diary-app train ser-whisper")


def test_whisper_model_card_holds_the_grouped_cv_noise_and_leave_one_corpus_out_figures():
    """The card's figures: speaker-grouped CV per corpus (six corpora), the same clips under unseen street
    noise at 10 dB (issue 11: at most 10 points lower), and leave-one-corpus-out."""
    m = _whisper_card()["metrics"]
    cv, noisy, loco = m["grouped_cv"], m["grouped_cv_noisy"], m["leave_one_corpus_out"]
    corpora = {"emodb", "urdu", "ravdess", "emovo", "turev", "selvas"}
    assert set(cv["per_source"]) == set(noisy["per_source"]) == set(loco["per_source"]) == corpora
    assert cv["n"] > 3000 and noisy["snr_db"] == 10
    # chance is 1/6 (1/4 for the corpora with four emotions); measured 0.664 macro, every corpus >= 0.49
    assert cv["macro_accuracy_over_corpora"] >= 0.6
    assert min(r["accuracy"] for r in cv["per_source"].values()) >= 0.45
    assert cv["macro_accuracy_over_corpora"] - noisy["macro_accuracy_over_corpora"] <= 0.10  # met: 3.3 points
    assert loco["macro_accuracy_over_corpora"] > 0.3  # a corpus no training speaker came from: 0.44
    text = (_folder("default-ser-whisper") / "MODEL_CARD.md").read_text()
    assert f"{cv['macro_accuracy_over_corpora']:.3f}" in text and "Leave one corpus out" in text


@pytest.mark.xfail(strict=True, reason="issue 11 target not met: speaker-grouped CV over the corpora reaches a macro "
                   "accuracy of 0.685 (six corpora; 0.642 over the five the issue names), EMOVO 0.52, TurEV 0.53 and URDU "
                   "0.58 below 0.60 (target: macro >= 0.75, no corpus below 0.60); see docs/notes/issue-11.md")
def test_whisper_model_meets_issue_11s_target():
    cv = _whisper_card()["metrics"]["grouped_cv"]
    assert cv["macro_accuracy_over_corpora"] >= 0.75 and cv["macro_weighted_f1_over_corpora"] >= 0.75
    assert min(r["accuracy"] for r in cv["per_source"].values()) >= 0.60
