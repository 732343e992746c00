"""``diary-app analyze``: JSON and text output, several files, bad files, missing models."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers_models import build_tiny_cnn, build_tiny_wavlm

from diary_app.analysis import registry
from diary_app.analysis.result import AnalysisResult
from diary_app.app.cli import main

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    root = tmp_path_factory.mktemp("cli_models")
    return {"speech": str(build_tiny_wavlm(root / "wavlm")), "scene": str(build_tiny_cnn(root / "scene", confident_label="tram"))}


def _args(models):
    return ["--speech-model", models["speech"], "--scene-model", models["scene"]]


@pytest.mark.slow
def test_json_for_one_speech_file(models, speech_clip, capsys):
    assert main(["analyze", str(speech_clip), "--json", *_args(models)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert isinstance(data, dict) and data["branch"] == "speech"
    assert data["path"] == str(speech_clip)  # the input path, as given
    result = AnalysisResult.from_dict({k: v for k, v in data.items() if k != "path"})
    assert sum(result.emotion_probabilities.values()) == pytest.approx(1.0)
    assert result.models["speech"] == "wavlm"


@pytest.mark.slow
def test_environment_branch_and_threshold_from_the_command_line(models, siren_clip, capsys):
    assert main(["analyze", str(siren_clip), "--json", "--branch", "environment", *_args(models)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["branch"] == "environment" and data["scene"] == "tram" and data["emotion"] == "angry"
    assert data["confidence"] > 0.7
    assert main(["analyze", str(siren_clip), "--json", "--branch", "environment", "--threshold", "1", *_args(models)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["scene"] == "unclassified" and data["emotion"] == "surprise"


@pytest.mark.slow
def test_bad_file_is_reported_and_the_others_still_run(models, speech_clip, siren_clip, tmp_path, capsys):
    bad = tmp_path / "broken.wav"
    bad.write_text("not audio at all")
    empty = tmp_path / "empty.flac"
    empty.write_bytes(b"")
    rc = main(["analyze", str(speech_clip), str(bad), str(empty), str(siren_clip), "--json", *_args(models)])
    captured = capsys.readouterr()
    assert rc == 1
    data = json.loads(captured.out)
    assert isinstance(data, list) and len(data) == 4  # one object per input, in input order
    assert [d["path"] for d in data] == [str(speech_clip), str(bad), str(empty), str(siren_clip)]
    assert data[0]["evidence"]["source"] == str(speech_clip) and data[3]["evidence"]["source"] == str(siren_clip)
    assert "error" not in data[0] and "error" not in data[3] and "emotion" in data[3]
    assert set(data[1]) == {"path", "error"} and "broken.wav" in data[1]["error"]["message"]
    assert data[2]["error"]["kind"] == "empty" and "emotion" not in data[2]
    errors = [l for l in captured.err.splitlines() if l.startswith("error:")]
    assert len(errors) == 2 and "broken.wav" in errors[0] and "empty.flac" in errors[1]
    assert "Traceback" not in captured.err
    assert "2 of 4 file(s) failed" in captured.err


def test_human_readable_summary(models, speech_clip, capsys):
    assert main(["analyze", str(speech_clip), *_args(models)]) == 0
    out = capsys.readouterr().out
    assert str(speech_clip) in out and "branch: speech" in out and "emotions:" in out


def test_missing_models_give_one_clear_line(tmp_path, monkeypatch, speech_clip, capsys):
    monkeypatch.setattr(registry, "shipped_models_dir", lambda: tmp_path)
    rc = main(["analyze", str(speech_clip), "--speech-model", "microsoft/wavlm-base-plus"])
    err = capsys.readouterr().err
    assert rc == 1
    assert "diary-app models add microsoft/wavlm-base-plus" in err and "Traceback" not in err


@pytest.mark.slow
def test_real_entry_point_in_a_subprocess(models, engine_clip, tmp_path):
    env = dict(os.environ, HF_HUB_OFFLINE="1", SOUND_DIARY_DATA_DIR=str(tmp_path / "data"))
    proc = subprocess.run(
        [sys.executable, "-m", "diary_app", "analyze", str(engine_clip), str(tmp_path / "missing.wav"), "--json", *_args(models)],
        capture_output=True, text=True, cwd=ROOT, env=env, timeout=300,
    )
    assert proc.returncode == 1
    data = json.loads(proc.stdout)
    assert len(data) == 2 and data[0]["branch"] in ("speech", "environment")
    assert data[0]["path"] == str(engine_clip)
    assert data[1]["path"] == str(tmp_path / "missing.wav") and data[1]["error"]["kind"] == "missing"
    assert "missing.wav" in proc.stderr and "file not found" in proc.stderr


def test_three_inputs_with_one_failure_give_three_objects(models, speech_clip, siren_clip, tmp_path, capsys):
    missing = tmp_path / "gone.flac"
    rc = main(["analyze", str(speech_clip), str(missing), str(siren_clip), "--json", *_args(models)])
    data = json.loads(capsys.readouterr().out)
    assert rc == 1 and len(data) == 3
    assert [("error" in d, d["path"]) for d in data] == [(False, str(speech_clip)), (True, str(missing)), (False, str(siren_clip))]


def test_a_single_failing_file_still_prints_its_error_object(tmp_path, models, capsys):
    rc = main(["analyze", str(tmp_path / "nope.wav"), "--json", *_args(models)])
    data = json.loads(capsys.readouterr().out)
    assert rc == 1 and data["path"] == str(tmp_path / "nope.wav") and data["error"]["message"]


@pytest.mark.parametrize("value", ["1.5", "-0.1", "nan", "abc"])
def test_threshold_outside_zero_to_one_is_refused(value, speech_clip, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["analyze", str(speech_clip), "--threshold", value])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "--threshold" in err and "0 to 1" in err


def test_help_says_no_command_opens_the_app_and_no_command_does(monkeypatch, capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "with no command to open the app window" in out and "never open it" in out
    assert "export" in out and "import" in out
    opened = []
    import diary_app.app.gui as app_module

    monkeypatch.setattr(app_module, "run_gui", lambda: opened.append(True) or 0)
    assert main([]) == 0 and opened == [True]
