"""Model manager CLI: list / add (local folder, hub id offline) / remove / use, on real folders."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from diary_app.analysis.model_card import CARD_FILE, KIND_SCENE_CNN, ModelCard
from diary_app.app.cli import main
from diary_app.settings import Settings

EMODB_LABELS = ["anger", "boredom", "disgust", "fear", "happiness", "neutral", "sadness"]


@pytest.fixture(scope="module")
def tiny_checkpoint(tmp_path_factory) -> Path:
    """A real (random-weight) WavLMForSequenceClassification saved with save_pretrained."""
    transformers = pytest.importorskip("transformers")
    folder = tmp_path_factory.mktemp("ckpt") / "tiny-wavlm-emodb"
    config = transformers.WavLMConfig(
        hidden_size=16, num_hidden_layers=1, num_attention_heads=2, intermediate_size=32,
        conv_dim=(8,) * 7, num_conv_pos_embeddings=8, num_conv_pos_embedding_groups=2,
        num_buckets=16, max_bucket_distance=32, classifier_proj_size=8,
        id2label=dict(enumerate(EMODB_LABELS)), label2id={l: i for i, l in enumerate(EMODB_LABELS)},
    )
    transformers.WavLMForSequenceClassification(config).save_pretrained(folder)
    transformers.Wav2Vec2FeatureExtractor(sampling_rate=16000).save_pretrained(folder)
    return folder


def _list_json(capsys) -> list[dict]:
    capsys.readouterr()
    assert main(["models", "list", "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_add_checkpoint_needs_label_map_for_unmapped_labels(tiny_checkpoint, capsys):
    assert main(["models", "add", str(tiny_checkpoint)]) == 1
    err = capsys.readouterr().err
    assert "boredom" in err and "--label-map" in err
    assert not any(m["name"] == "tiny-wavlm-emodb" for m in _list_json(capsys)), "a failed add must install nothing"


def test_add_list_use_remove_roundtrip(tiny_checkpoint, capsys):
    assert main(["models", "add", str(tiny_checkpoint), "--label-map", "boredom=neutral"]) == 0
    models = {m["name"]: m for m in _list_json(capsys)}
    m = models["tiny-wavlm-emodb"]
    assert m["source"] == "user" and m["kind"] == "hf-audio-classification" and m["task"] == "speech-emotion"
    assert m["labels"] == EMODB_LABELS
    assert m["label_map"] == {"anger": "angry", "boredom": "neutral", "disgust": "fear", "fear": "fear",
                              "happiness": "happy", "neutral": "neutral", "sadness": "sad"}
    card = ModelCard.load(Path(m["path"]))  # the written card loads with the shared loader
    assert card.kind == "hf-audio-classification" and (Path(m["path"]) / "config.json").is_file()
    # the source folder is untouched (copied, not moved)
    assert (tiny_checkpoint / "config.json").is_file() and not (tiny_checkpoint / CARD_FILE).exists()

    assert main(["models", "use", "tiny-wavlm-emodb"]) == 0
    assert Settings.load().speech_model == "tiny-wavlm-emodb"
    assert {m["name"]: m for m in _list_json(capsys)}["tiny-wavlm-emodb"]["active"] is True

    # adding again under the same name is refused, nothing is overwritten
    assert main(["models", "add", str(tiny_checkpoint), "--label-map", "boredom=neutral"]) == 1
    assert "already exists" in capsys.readouterr().err

    assert main(["models", "remove", "tiny-wavlm-emodb"]) == 0
    assert "tiny-wavlm-emodb" not in {m["name"] for m in _list_json(capsys)}
    assert Settings.load().speech_model is None, "removing the active model falls back to the default"


def test_add_card_folder_scene_model_and_use_sets_scene(tmp_path, capsys):
    folder = tmp_path / "my-scenes"
    ModelCard(name="x", kind=KIND_SCENE_CNN, labels=["park", "bus"], task="scene",
              architecture="scene_cnn", arch_config={"n_classes": 2}).save(folder)
    assert main(["models", "add", str(folder), "--use"]) == 0
    s = Settings.load()
    assert s.scene_model == "my-scenes" and s.speech_model is None
    info = {m["name"]: m for m in _list_json(capsys)}["my-scenes"]
    assert info["task"] == "scene" and info["active"] is True


def test_add_rejects_folders_that_are_not_models(tmp_path, capsys):
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "readme.txt").write_text("hi")
    assert main(["models", "add", str(tmp_path / "notes")]) == 1
    assert "neither a Sound Diary model" in capsys.readouterr().err
    bad = tmp_path / "text-model"
    bad.mkdir()
    (bad / "config.json").write_text(json.dumps({"architectures": ["BertForMaskedLM"]}))
    assert main(["models", "add", str(bad)]) == 1
    assert "not an audio-classification checkpoint" in capsys.readouterr().err


def test_hub_id_offline_gives_clear_message_and_exit_2(monkeypatch, capsys):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    assert main(["models", "add", "microsoft/wavlm-base-plus"]) == 2
    err = capsys.readouterr().err
    assert "offline" in err and "microsoft/wavlm-base-plus" in err
    assert "Traceback" not in err


def test_remove_refuses_unknown_and_bad_label_map(capsys, tiny_checkpoint):
    assert main(["models", "remove", "does-not-exist"]) == 1
    assert "no user model" in capsys.readouterr().err
    assert main(["models", "add", str(tiny_checkpoint), "--label-map", "boredom=bored"]) == 1
    assert "not one of" in capsys.readouterr().err
    assert main(["models", "use", "does-not-exist"]) == 1


def test_shipped_models_are_listed_and_cannot_be_removed(capsys):
    shipped = [m for m in _list_json(capsys) if m["source"] == "shipped"]
    if not shipped:
        pytest.skip("no shipped model in models/ yet")
    name = shipped[0]["name"]
    assert main(["models", "remove", name]) == 1
    assert "shipped" in capsys.readouterr().err
    assert name in {m["name"] for m in _list_json(capsys)}
    assert sum(1 for m in _list_json(capsys) if m["active"] and m["task"] == "speech-emotion") <= 1
