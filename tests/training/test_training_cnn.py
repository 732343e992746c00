"""The log-mel CNN trainer, the CLI around it and ``evaluate``, on tiny models and real clips."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from conftest import manifest_rows

from diary_app.app.cli import main
from diary_app.training.datasets import LabelMapper, read_manifest
from diary_app.training.splits import Split


def _tiny_manifest(tmp_path: Path, corpus: str, labels: list[str], per_label: int, name: str = "tiny.csv") -> Path:
    rows = manifest_rows(corpus)
    out = ["path,label,speaker"]
    for label in labels:
        chosen = [r for r in rows if r["label"] == label][:per_label]
        out += [f"{r['abspath']},{r['label']},{r['speaker']}" for r in chosen]
    path = tmp_path / name
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path


@pytest.mark.trains
def test_scene_trainer_loss_falls_and_model_loads_in_the_app(tmp_path):
    import torch

    from diary_app.analysis.registry import load_classifier
    from diary_app.training.train_cnn import CnnTrainConfig, save_model, train_cnn

    torch.set_num_threads(1)
    labels = ["siren", "engine_idling", "dog_bark"]
    man = _tiny_manifest(tmp_path, "urbansound8k", labels, per_label=6)
    ex = read_manifest(man, LabelMapper(identity=True)).examples
    split = Split(train=ex, val=ex[::3], test=[])
    cfg = CnnTrainConfig(task="scene", out=tmp_path / "scene", architecture="scene_cnn",
                         arch_config={"channels": (8, 8), "pooled": (2, 2), "dropout": 0.0}, window_s=1.0,
                         epochs=6, batch_size=9, lr=1e-2, progress=False, select_best=False)
    model, report = train_cnn(split, cfg, labels)
    first, last = np.mean(report.step_losses[:3]), np.mean(report.step_losses[-3:])
    assert last < 0.7 * first, report.step_losses
    assert report.temperature > 0
    save_model(model, report, cfg, {"emotion_table": "scene_emotion_urbansound8k.csv", "retrain_command": "diary-app train scene ..."})
    assert not (tmp_path / "scene" / ".checkpoint").exists()
    clf = load_classifier(tmp_path / "scene")
    assert clf.labels == labels and clf.card.kind == "logmel-cnn-scene"
    windows = clf.predict_windows(np.asarray(__import__("soundfile").read(str(ex[0].path))[0], dtype=np.float32))
    assert len(windows) >= 3  # a 4 s clip in 1 s windows
    assert abs(sum(windows[0].probabilities.values()) - 1.0) < 1e-5
    # training-set clips the model has fitted are mostly right through the app's loader
    from diary_app.training.evaluate import evaluate_model

    rep = evaluate_model(tmp_path / "scene", [str(man)], progress=False)
    assert rep.accuracy > 0.6


@pytest.mark.trains
def test_train_ser_cnn_cli_resume_and_evaluate_cli(tmp_path, capsys):
    man = _tiny_manifest(tmp_path, "emodb", ["angry", "sad", "neutral"], per_label=20)
    out = tmp_path / "ser"
    base = ["train", "ser-cnn", "--data", str(man), "--out", str(out), "--channels", "4,8", "--window-s", "1.0",
            "--epochs", "2", "--batch-size", "16", "--threads", "1", "--no-progress", "--val-fraction", "0.25",
            "--test-fraction", "0.25", "--labels", "angry,sad,neutral", "--splits-dir", str(tmp_path / "splits")]
    # first run stops after 2 steps and keeps its checkpoint for the resume
    import diary_app.training.train_cnn as tc

    assert main(base + ["--max-steps", "2"]) == 0
    card = json.loads((out / "model_card.json").read_text())
    assert card["kind"] == "logmel-cnn-ser" and card["labels"] == ["angry", "sad", "neutral"]
    assert card["architecture"] == "ser_cnn" and card["window_s"] == 1.0
    assert "train ser-cnn" in card["retrain_command"] or card["retrain_command"].startswith("diary-app")
    for part in ("train", "val", "test"):
        assert (tmp_path / "splits" / f"ser-{part}.csv").is_file()
    # resume: a checkpoint left by an interrupted run is picked up
    ckpt_dir = out / tc.CHECKPOINT_DIR
    ckpt_dir.mkdir(exist_ok=True)
    capsys.readouterr()
    cfg_args = base + ["--max-steps", "3", "--resume"]
    # write a checkpoint by running with keep_checkpoint via the API, then resume through the CLI
    from diary_app.training.augment import AugmentConfig
    from diary_app.training.splits import grouped_split
    from diary_app.training.train_cnn import CnnTrainConfig, train_cnn

    ex = read_manifest(man, LabelMapper()).examples
    split = grouped_split(ex, 0.25, 0.25, seed=0)
    cfg = CnnTrainConfig(task="speech-emotion", out=out, architecture="ser_cnn", arch_config={"channels": (4, 8), "dropout": 0.3},
                         window_s=1.0, epochs=2, batch_size=16, lr=2e-3, class_weights=True, cosine=True,
                         augment=AugmentConfig(shift=True, speed=0.1, freq_masks=2, time_masks=2, mixup_alpha=0.2),
                         max_steps=2, progress=False, keep_checkpoint=True)
    train_cnn(split, cfg, ["angry", "sad", "neutral"])
    assert (ckpt_dir / "checkpoint.pt").is_file()
    assert main(cfg_args) == 0
    assert "resumed from" in capsys.readouterr().out

    evald = tmp_path / "eval"
    assert main(["evaluate", str(out), "--data", str(tmp_path / "splits" / "ser-test.csv"), "--out", str(evald), "--no-progress"]) == 0
    printed = capsys.readouterr().out
    for needle in ("accuracy:", "weighted F1:", "confusion matrix", "precision"):
        assert needle in printed
    metrics = json.loads((evald / "metrics.json").read_text())
    assert set(metrics["per_class"]) == {"angry", "sad", "neutral"}
    assert sum(map(sum, metrics["confusion"])) == metrics["n"] > 0
    assert (evald / "confusion.png").stat().st_size > 1000


def test_evaluate_reports_bad_input_clearly(tmp_path, capsys):
    assert main(["evaluate", str(tmp_path / "nope"), "--data", str(tmp_path / "x.csv"), "--no-progress"]) == 2
    assert "error:" in capsys.readouterr().err


def test_train_rejects_missing_data(tmp_path, capsys):
    assert main(["train", "scene", "--data", str(tmp_path / "missing.csv"), "--out", str(tmp_path / "o")]) == 2
    assert "not found" in capsys.readouterr().err


def test_band_normalised_scene_model_normalises_inside_the_network(siren_clip):
    """features.normalize 'none' keeps plain log-mel; SceneCNN(input_norm) carries the training-set band
    statistics in its weights, so the app's loader normalises exactly like training did."""
    import torch

    from diary_app.analysis.features import LogMelConfig, log_mel
    from diary_app.analysis.scene_cnn import SceneCNN
    from diary_app.audio.loading import load_audio

    wave = load_audio(siren_clip)[:16_000]
    clip_norm = log_mel(wave, LogMelConfig())
    plain = log_mel(wave, LogMelConfig.from_dict({**LogMelConfig().to_dict(), "normalize": "none"}))
    assert abs(float(clip_norm.mean())) < 1e-3 and abs(float(plain.mean())) > 0.5
    assert LogMelConfig.from_dict({"n_mels": 64}).normalize == "clip"  # older cards keep the paper's scaling
    net = SceneCNN(3, (4, 4), (2, 2), 0.0, input_norm=True, n_mels=64)
    assert "input_norm.running_mean" in net.state_dict() and net.config["input_norm"] is True
    x = torch.from_numpy(np.stack([plain, plain + 3.0]))[:, None]
    net.train()
    net(x)  # one training step's statistics move the running mean towards the data
    assert float(net.input_norm.running_mean.mean()) < -0.1 or float(net.input_norm.running_mean.mean()) > 0.1
    net.eval()
    assert net(x).shape == (2, 3)
