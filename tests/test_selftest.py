"""``diary-app --selftest`` from source: runs headless, names every step, exit code tells the truth."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
STEPS = ("environment", "models", "analyse speech", "analyse noise", "diary", "map", "gui", "korean font")
SCENES = ["park", "bus", "metro"]


def _run_selftest(env_extra: dict[str, str], timeout: float = 240) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env.pop("DISPLAY", None)
    env.pop("QT_QPA_PLATFORM", None)  # the selftest must choose offscreen by itself
    env.update(env_extra)
    return subprocess.run([sys.executable, "-m", "diary_app", "--selftest"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture()
def tiny_scene_model(tmp_path) -> Path:
    """A real (random-weight) scene CNN installed in the user models folder of this test."""
    torch = pytest.importorskip("torch")
    from safetensors.torch import save_file

    from diary_app.analysis.model_card import KIND_SCENE_CNN, ModelCard
    from diary_app.analysis.scene_cnn import SceneCNN
    from diary_app.paths import user_models_dir

    torch.manual_seed(0)
    net = SceneCNN(n_classes=len(SCENES), channels=(4, 8))
    folder = user_models_dir() / "selftest-tiny-scene"
    ModelCard(name="selftest-tiny-scene", kind=KIND_SCENE_CNN, labels=SCENES, task="scene", window_s=3.0,
              architecture="scene_cnn", arch_config=net.config, emotion_table="scene_emotion_tau2022.csv").save(folder)
    save_file(net.state_dict(), str(folder / "model.safetensors"))
    return folder


@pytest.mark.slow
def test_selftest_passes_and_names_each_step(tiny_scene_model):
    proc = _run_selftest({"SOUND_DIARY_DATA_DIR": os.environ["SOUND_DIARY_DATA_DIR"],
                          "SOUND_DIARY_CONFIG_DIR": os.environ["SOUND_DIARY_CONFIG_DIR"]})
    out = proc.stdout
    assert proc.returncode == 0, out + proc.stderr
    for step in STEPS:
        assert any(line.split("  ")[1:2] and step in line for line in out.splitlines() if line[:4] in ("PASS", "SKIP")), \
            f"step {step!r} missing from the report:\n{out}"
    lines = {line[6:22].strip(): line for line in out.splitlines() if line[:4] in ("PASS", "FAIL", "SKIP")}
    assert lines["diary"].startswith("PASS")
    assert lines["analyse noise"].startswith("PASS") and "branch environment" in lines["analyse noise"], out
    assert lines["analyse speech"].startswith("PASS"), out
    assert "selftest-tiny-scene" in lines["models"] or "selftest-tiny-scene" in out
    # QtWebEngine is installed in this venv, so the map must really render, not skip
    assert lines["map"].startswith("PASS") and "Leaflet loaded" in lines["map"], out
    assert lines["gui"].startswith("PASS") and "settings" in lines["gui"], out
    assert lines["korean font"].startswith("PASS") and "NanumGothic covers Korean" in lines["korean font"], out
    assert out.strip().splitlines()[-1].startswith("selftest: PASS")


@pytest.mark.slow
def test_selftest_fails_with_reason_when_the_chosen_model_is_missing(tmp_path):
    from diary_app.settings import Settings

    s = Settings.load()
    s.speech_model = "no-such-model"
    s.save()
    proc = _run_selftest({"SOUND_DIARY_DATA_DIR": os.environ["SOUND_DIARY_DATA_DIR"],
                          "SOUND_DIARY_CONFIG_DIR": os.environ["SOUND_DIARY_CONFIG_DIR"]})
    assert proc.returncode == 1, proc.stdout
    last = proc.stdout.strip().splitlines()[-1]
    assert last.startswith("selftest: FAIL") and "models" in last and "no-such-model" in last
