"""Model registry, card-driven loading, label maps and scene→emotion tables."""

from __future__ import annotations

import json
import shutil

import pytest
from helpers_models import TAU2022_LABELS, build_tiny_cnn, build_tiny_wavlm, shipped  # noqa: F401 - the fixture

from diary_app.analysis import registry
from diary_app.analysis.emotion_table import EmotionTableError, load_emotion_table
from diary_app.analysis.model_card import KIND_LOGMEL_SER, ModelCard
from diary_app.analysis.registry import ModelNotAvailable
from diary_app.paths import user_models_dir
from diary_app.settings import Settings


def test_empty_registry_has_no_defaults(shipped):
    assert registry.list_models() == []
    assert registry.default_speech_model() is None
    assert registry.default_scene_model() is None
    assert registry.find_model("anything") is None


def test_user_folder_overrides_shipped_folder_of_same_name(shipped):
    build_tiny_cnn(shipped / "scene", name="shipped scene")
    build_tiny_cnn(shipped / "other", name="other scene")
    build_tiny_cnn(user_models_dir() / "scene", name="user scene", confident_label="park")
    models = {m.name: m for m in registry.list_models()}
    assert set(models) == {"scene", "other"}
    assert models["scene"].source == "user" and models["scene"].card.name == "user scene"
    assert models["scene"].path.parent == user_models_dir()
    assert models["other"].source == "shipped"
    assert registry.find_model("scene").source == "user"
    assert registry.find_model("other scene").name == "other"  # card name works too
    assert registry.default_scene_model().name == "scene"  # user model wins


def test_default_speech_prefers_hf_model_and_honours_settings(shipped, tmp_path):
    build_tiny_cnn(shipped / "ser_cnn", kind=KIND_LOGMEL_SER)
    build_tiny_cnn(shipped / "scene")
    assert registry.default_speech_model().name == "ser_cnn"  # the CNN fallback when no HF model
    build_tiny_wavlm(shipped / "wavlm")
    assert registry.default_speech_model().name == "wavlm"
    assert registry.default_speech_model(Settings(speech_model="ser_cnn")).name == "ser_cnn"
    assert registry.default_scene_model().name == "scene"  # never a speech model
    with pytest.raises(ModelNotAvailable, match="no_such_model"):
        registry.default_speech_model(Settings(speech_model="no_such_model"))


def test_broken_model_folder_is_skipped_not_fatal(shipped):
    build_tiny_cnn(shipped / "good")
    (shipped / "broken").mkdir()
    (shipped / "broken" / "model_card.json").write_text("{not json")
    (shipped / "weird").mkdir()
    (shipped / "weird" / "model_card.json").write_text(json.dumps({"name": "w", "kind": "mystery", "labels": []}))
    assert [m.name for m in registry.list_models()] == ["good"]


def test_offline_hub_id_says_what_to_download(shipped, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(shipped.parent / "empty_hf_home"))
    with pytest.raises(ModelNotAvailable) as info:
        registry.load_classifier("microsoft/wavlm-base-plus")
    msg = str(info.value)
    assert "microsoft/wavlm-base-plus" in msg
    assert "diary-app models add microsoft/wavlm-base-plus" in msg
    assert str(user_models_dir()) in msg
    assert "Traceback" not in msg


def test_unknown_model_name_lists_what_is_installed(shipped):
    build_tiny_cnn(shipped / "scene")
    with pytest.raises(ModelNotAvailable, match="installed: scene"):
        registry.load_classifier("nope")


def test_hf_model_without_emotion_labels_is_refused_at_load(tmp_path):
    folder = build_tiny_wavlm(tmp_path / "base", labels=["LABEL_0", "LABEL_1"])
    with pytest.raises(ModelNotAvailable, match="label_map"):
        registry.load_classifier(folder)
    card = ModelCard.load(folder)
    card.label_map = {"LABEL_0": "happy", "LABEL_1": "sad"}
    card.save(folder)
    clf = registry.load_classifier(folder)
    assert clf.label_map == {"LABEL_0": "happy", "LABEL_1": "sad"}


def test_plain_save_pretrained_folder_loads_without_card(tmp_path):
    folder = build_tiny_wavlm(tmp_path / "plain", with_card=False)
    clf = registry.load_classifier(folder)
    assert clf.labels[:4] == ["neutral", "happy", "sad", "angry"]
    assert clf.card.kind == "hf-audio-classification"


def test_label_map_merges_disgust_into_fear_and_drops_boredom(tmp_path):
    clf = registry.load_classifier(build_tiny_wavlm(tmp_path / "w"))
    assert clf.label_map["disgust"] == "fear" and "boredom" not in clf.label_map
    emo = clf.to_emotions({"fear": 0.2, "disgust": 0.3, "boredom": 0.5})
    assert emo["fear"] == pytest.approx(1.0)
    emo = clf.to_emotions({"happy": 0.25, "sad": 0.25, "boredom": 0.5})
    assert emo["happy"] == pytest.approx(0.5) and emo["sad"] == pytest.approx(0.5)
    assert sum(emo.values()) == pytest.approx(1.0)


def test_tau_table_is_the_papers_table_2():
    table = load_emotion_table("scene_emotion_tau2022.csv")
    expected = {"airport": "happy", "bus": "neutral", "bus_stop": "sad", "tram": "angry", "metro": "fear",
                "metro_station": "fear", "park": "happy", "public_square": "neutral", "shopping_mall": "happy",
                "street_pedestrian": "angry", "street_traffic": "angry", "unclassified": "surprise"}
    for scene, emotion in expected.items():
        assert table.emotion_for(scene) == emotion
    table.check_covers(TAU2022_LABELS)


def test_scene_model_with_labels_missing_from_table_fails_at_load(tmp_path):
    folder = build_tiny_cnn(tmp_path / "scene", labels=["park", "beach"])
    with pytest.raises(EmotionTableError, match="beach"):
        registry.load_classifier(folder)
    # the model brings its own table: looked up in the model folder first
    (folder / "my_table.csv").write_text("scene,emotion,reason\npark,happy,x\nbeach,happy,y\nunclassified,neutral,z\n")
    card = ModelCard.load(folder)
    card.emotion_table = "my_table.csv"
    card.save(folder)
    clf = registry.load_classifier(folder)
    assert clf.emotion_table.emotion_for("unclassified") == "neutral"


def test_table_with_unknown_emotion_is_rejected(tmp_path):
    (tmp_path / "t.csv").write_text("scene,emotion,reason\npark,joyful,x\n")
    with pytest.raises(EmotionTableError, match="joyful"):
        load_emotion_table("t.csv", tmp_path)
    with pytest.raises(EmotionTableError, match="not found"):
        load_emotion_table("missing.csv", tmp_path)


def test_cnn_weights_that_do_not_fit_the_card_are_a_clear_error(tmp_path):
    folder = build_tiny_cnn(tmp_path / "scene")
    card = ModelCard.load(folder)
    card.arch_config = {**card.arch_config, "channels": [8, 8]}
    card.save(folder)
    with pytest.raises(ModelNotAvailable, match="do not fit"):
        registry.load_classifier(folder)
    shutil.rmtree(folder)
    folder = build_tiny_cnn(tmp_path / "scene2")
    (folder / "model.safetensors").unlink()
    with pytest.raises(ModelNotAvailable, match="model.safetensors"):
        registry.load_classifier(folder)


def test_leftovers_of_a_crash_are_swept_and_models_and_young_installs_kept(shipped):
    """A removal whose delete never ran leaves ``.trash-<name>``; an install that died leaves a hidden
    staging folder. Neither is in the catalog, so only the sweep frees their space."""
    import os
    import time

    build_tiny_cnn(user_models_dir() / "kept", name="kept", confident_label="park")
    trash = user_models_dir() / ".trash-old"
    (trash / "weights").mkdir(parents=True)
    (trash / "weights" / "big.bin").write_bytes(b"x" * 1000)
    dead = user_models_dir() / ".download-x-abc123"
    (dead / "x").mkdir(parents=True)
    old = time.time() - 2 * registry.STALE_STAGING_S
    os.utime(dead, (old, old))
    young = user_models_dir() / ".unzip-def456"  # may be an install running in the CLI right now
    young.mkdir()
    gone = registry.sweep_leftovers()
    assert sorted(p.name for p in gone) == [".download-x-abc123", ".trash-old"]
    assert not trash.exists() and not dead.exists() and young.is_dir()
    assert "kept" in [m.name for m in registry.list_models()]
    assert registry.sweep_leftovers() == []
