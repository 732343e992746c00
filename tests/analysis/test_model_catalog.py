"""The one model catalog (issue 14): card format and held-out metrics, zip installs, the active rule
shared by CLI / Settings / selftest, and the frozen CLI's explicit source-only commands."""

from __future__ import annotations

import json
import sys
import zipfile

import pytest
from helpers_models import build_tiny_cnn, shipped  # noqa: F401 - the fixture

from diary_app.analysis import model_install, registry
from diary_app.analysis.model_card import (
    CARD_FILE,
    CARD_FORMAT_VERSION,
    KIND_FEATURE_SCENE,
    KIND_LOGMEL_SER,
    KIND_SCENE_CNN,
    TASK_SCENE,
    TASK_SPEECH,
    ModelCard,
)
from diary_app.app.cli import build_parser, main
from diary_app.paths import user_models_dir
from diary_app.settings import Settings


def _scene_card(folder, name="zip-scenes"):
    ModelCard(name=name, kind=KIND_SCENE_CNN, labels=["park", "bus"], task="scene", architecture="scene_cnn",
              arch_config={"n_classes": 2}, metrics={"test": {"n": 40, "accuracy": 0.75, "weighted_f1": 0.7}}).save(folder)
    (folder / "model.safetensors").write_bytes(b"not really weights")
    return folder


def test_is_scene_is_one_predicate_over_task_and_kind():
    assert ModelCard(name="a", kind=KIND_SCENE_CNN, labels=["x"]).is_scene  # kind alone says scene
    assert ModelCard(name="b", kind=KIND_FEATURE_SCENE, labels=["x"], task=TASK_SCENE).task_name == TASK_SCENE
    assert not ModelCard(name="c", kind=KIND_LOGMEL_SER, labels=["x"]).is_scene
    assert ModelCard(name="c", kind=KIND_LOGMEL_SER, labels=["x"]).task_name == TASK_SPEECH


def test_held_out_metrics_are_typed_and_prefer_the_test_split():
    card = ModelCard(name="m", kind=KIND_LOGMEL_SER, labels=["happy"], metrics={
        "train_clips": 10, "grouped_cv": {"n": 300, "accuracy": 0.6, "macro_f1": 0.55},
        "test": {"n": 50, "accuracy": 0.8, "weighted_f1": 0.79}, "validation": {"accuracy": 0.99}})
    held = card.held_out
    assert [h.split for h in held] == ["test", "grouped_cv"]  # validation is not held out from model selection
    assert card.primary_held_out.accuracy == 0.8 and card.primary_held_out.n == 50
    assert held[1].weighted_f1 is None and held[1].macro_f1 == 0.55
    assert ModelCard(name="m", kind=KIND_LOGMEL_SER, labels=["x"]).primary_held_out is None


def test_card_format_version_round_trips_and_a_newer_card_is_refused(tmp_path, shipped):
    folder = build_tiny_cnn(shipped / "newer")
    assert json.loads((folder / CARD_FILE).read_text())["format_version"] == CARD_FORMAT_VERSION
    raw = json.loads((folder / CARD_FILE).read_text())
    raw.pop("format_version")  # cards written before the field: version 1
    (folder / CARD_FILE).write_text(json.dumps(raw))
    assert ModelCard.load(folder).format_version == 1
    raw["format_version"] = CARD_FORMAT_VERSION + 1
    (folder / CARD_FILE).write_text(json.dumps(raw))
    with pytest.raises(ValueError, match="newer than this app"):
        ModelCard.load(folder)
    assert registry.list_models() == []
    [broken] = registry.list_broken()  # listed with the reason, never used
    assert broken.name == "newer" and "update Sound Diary" in broken.error
    with pytest.raises(registry.ModelNotFound, match="newer than this app"):
        registry.get_model("newer")


def test_zip_install_validates_and_lands_in_the_catalog(tmp_path, shipped):
    src = _scene_card(tmp_path / "zip-scenes")
    archive = tmp_path / "zip-scenes.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for f in src.iterdir():
            zf.write(f, f"zip-scenes/{f.name}")
    info = model_install.add(str(archive))
    assert info.name == "zip-scenes" and info.source == "user" and info.is_scene
    assert (user_models_dir() / "zip-scenes" / "model.safetensors").is_file()
    assert [m.name for m in registry.list_models()] == ["zip-scenes"]
    assert not [p for p in user_models_dir().iterdir() if p.name.startswith(".")], "no staging folder left behind"
    # the active rule is the pipeline's: a user scene model is the scene model
    active = registry.active_models(Settings())
    assert active.scene_name == "zip-scenes" and active.speech is None and active.is_active(info)


def test_zip_that_escapes_its_folder_or_holds_no_model_is_refused(tmp_path, shipped):
    evil = tmp_path / "evil.zip"
    with zipfile.ZipFile(evil, "w") as zf:
        zf.writestr(CARD_FILE, json.dumps({"name": "e", "kind": KIND_SCENE_CNN, "labels": ["park"]}))
        zf.writestr("../../outside.txt", "boom")
    with pytest.raises(model_install.InvalidModelFolder, match="outside"):
        model_install.add(str(evil))
    notes = tmp_path / "notes.zip"
    with zipfile.ZipFile(notes, "w") as zf:
        zf.writestr("readme.txt", "hi")
    with pytest.raises(model_install.InvalidModelFolder, match="holds no model"):
        model_install.add(str(notes))
    (tmp_path / "broken.zip").write_bytes(b"PK not a zip")
    with pytest.raises(model_install.InvalidModelFolder, match="not a readable zip"):
        model_install.add(str(tmp_path / "broken.zip"))
    assert registry.list_models() == [] and not (tmp_path.parent / "outside.txt").exists()
    assert not list(user_models_dir().iterdir()), "a refused zip installs nothing"


def test_card_without_labels_is_refused(tmp_path, shipped):
    folder = tmp_path / "empty"
    ModelCard(name="empty", kind=KIND_SCENE_CNN, labels=[], task="scene").save(folder)
    with pytest.raises(model_install.InvalidModelFolder, match="no labels"):
        model_install.add(str(folder))


def test_a_missing_chosen_model_is_a_problem_for_display_and_an_error_for_analysis(shipped):
    build_tiny_cnn(shipped / "scene")
    settings = Settings(scene_model="gone")
    active = registry.active_models(settings)
    assert active.scene is None and "gone" in active.problems[TASK_SCENE]
    with pytest.raises(registry.ModelNotAvailable, match="gone"):
        registry.default_scene_model(settings)
    # a speech setting naming a scene model is refused, not silently used for speech
    with pytest.raises(registry.ModelNotAvailable, match="scene model"):
        registry.default_speech_model(Settings(speech_model="scene"))


def test_cli_lists_broken_folders_with_the_reason(shipped, capsys):
    build_tiny_cnn(shipped / "good")
    (shipped / "broken").mkdir()
    (shipped / "broken" / CARD_FILE).write_text("{not json")
    capsys.readouterr()
    assert main(["models", "list", "--json"]) == 0
    rows = {r["name"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows["good"]["error"] is None and rows["good"]["active"] is True
    assert rows["broken"]["error"] and rows["broken"]["active"] is False
    assert main(["models", "use", "broken"]) == 1
    assert "cannot be used" in capsys.readouterr().err


def test_frozen_cli_leaves_out_exactly_the_source_only_commands(monkeypatch):
    def commands() -> set[str]:
        sub = next(a for a in build_parser()._actions if a.dest == "command")
        return set(sub.choices)

    assert {"train", "evaluate", "sync-server", "models", "analyze"} <= commands()
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    frozen = commands()
    assert "models" in frozen and "analyze" in frozen and "export" in frozen
    assert not {"train", "evaluate", "sync-server"} & frozen
