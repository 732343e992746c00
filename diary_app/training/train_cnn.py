"""Log-mel CNN trainer for the scene model (paper Table 3) and the compact speech-emotion default.

One trainer serves both because both are "log-mel windows -> small CNN -> softmax": the recipes
differ only in architecture, window length, augmentation and class weighting, which are options.
The output folder is a model folder the inference side loads by its card: ``model.safetensors``
(state dict of ``architectures.build(architecture, **arch_config)``), ``model_card.json`` with the
log-mel parameters, window length and calibrated temperature, plus a human ``MODEL_CARD.md``.
"""

from __future__ import annotations

import math
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from diary_app.analysis.features import LogMelConfig, log_mel
from diary_app.training.augment import AugmentConfig, spec_augment, training_window
from diary_app.training.common import (
    SplitSpec,
    card_texts,
    checked_emotion_table,
    clip_probabilities,
    fit_temperature,
    render_markdown_card,
    resolve_split,
    threshold_stats,
)
from diary_app.training.datasets import Example
from diary_app.training.splits import Split

CHECKPOINT_DIR = ".checkpoint"


@dataclass
class CnnTrainConfig:
    task: str  # "speech-emotion" or "scene"
    out: Path
    architecture: str
    arch_config: dict = field(default_factory=dict)
    window_s: float = 3.0
    epochs: int = 5
    batch_size: int = 16
    lr: float = 1e-3
    weight_decay: float = 1e-2
    class_weights: bool = False
    cosine: bool = False  # cosine learning-rate decay over all steps
    label_smoothing: float = 0.0
    seed: int = 0
    augment: AugmentConfig = field(default_factory=AugmentConfig.none)
    features: LogMelConfig = field(default_factory=LogMelConfig)
    calibrate: bool = True
    select_best: bool = True  # keep the epoch with the lowest validation loss (clip-level NLL)
    patience: int | None = None  # stop after this many epochs without a lower validation loss
    max_steps: int | None = None  # stop early (tests, smoke runs)
    threads: int | None = None
    resume: bool = False
    keep_checkpoint: bool = False
    progress: bool = True


@dataclass
class TrainReport:
    labels: list[str]
    step_losses: list[float]
    epochs_run: int
    best_epoch: int
    val_metrics: dict
    test_metrics: dict
    temperature: float
    threshold_stats: dict
    seconds: float


# ----------------------------------------------------------------------------- helpers

def _torch():
    import torch

    return torch


def predict_window_logits(model, feats: np.ndarray, batch: int = 64) -> np.ndarray:
    """(n_windows, n_mels, frames) -> (n_windows, n_classes) logits, in eval mode."""
    torch = _torch()
    model.eval()
    outs = []
    with torch.inference_mode():
        for i in range(0, len(feats), batch):
            x = torch.from_numpy(np.ascontiguousarray(feats[i : i + batch]))[:, None]
            outs.append(model(x).float().numpy())
    return np.concatenate(outs)


def _class_weights(y: np.ndarray, n: int) -> np.ndarray:
    counts = np.bincount(y, minlength=n).astype(np.float64)
    w = np.where(counts > 0, counts.sum() / (n * np.maximum(counts, 1)), 0.0)
    return w.astype(np.float32)


# ----------------------------------------------------------------------------- training

class _ClipSet:
    """Decoded clips of one split part plus their eval features (computed once)."""

    def __init__(self, examples: list[Example], label_index: dict[str, int], cfg: CnnTrainConfig, progress_desc: str) -> None:
        from tqdm import tqdm

        from diary_app.training.features_cache import load_wave_cached

        self.examples = examples
        self.y = np.array([label_index[e.label] for e in examples], dtype=np.int64)
        self.waves = [
            load_wave_cached(e.path, cfg.features.sample_rate)
            for e in tqdm(examples, desc=f"loading {progress_desc}", disable=not cfg.progress or not examples, leave=False)
        ]
        self._eval_feats: list[np.ndarray] | None = None
        self.cfg = cfg

    def eval_features(self) -> list[np.ndarray]:
        from diary_app.training.features_cache import clip_window_features

        if self._eval_feats is None:
            self._eval_feats = [clip_window_features(w, self.cfg.features, self.cfg.window_s) for w in self.waves]
        return self._eval_feats


def _evaluate_set(model, clips: _ClipSet, labels: list[str], temperature: float = 1.0) -> tuple[dict, np.ndarray, list[np.ndarray]]:
    from diary_app.training.evaluate import compute_metrics

    if not clips.examples:
        return {}, np.zeros((0, len(labels))), []
    logits = [predict_window_logits(model, f) for f in clips.eval_features()]
    probs = clip_probabilities(logits, temperature)
    report = compute_metrics(clips.y, probs.argmax(axis=1), labels).to_dict()
    report["nll"] = float(-np.mean(np.log(probs[np.arange(len(clips.y)), clips.y] + 1e-12)))
    return report, probs, logits


def _uses_waveform_augmentation(aug: AugmentConfig) -> bool:
    return aug.shift or aug.speed > 0 or aug.noise_snr_db is not None


def train_cnn(split: Split, cfg: CnnTrainConfig, labels: list[str] | None = None) -> tuple[object, TrainReport]:
    """Train, select, calibrate; returns (model, report). Writing the folder is ``save_model``."""
    torch = _torch()
    from tqdm import tqdm

    from diary_app.analysis import architectures

    t_start = time.perf_counter()
    if cfg.threads:
        torch.set_num_threads(cfg.threads)
    torch.manual_seed(cfg.seed)
    rng = np.random.default_rng(cfg.seed)
    labels = labels or sorted({e.label for e in split.train})
    index = {l: i for i, l in enumerate(labels)}
    train = _ClipSet([e for e in split.train if e.label in index], index, cfg, "train")
    val = _ClipSet([e for e in split.val if e.label in index], index, cfg, "validation")
    test = _ClipSet([e for e in split.test if e.label in index], index, cfg, "test")
    if not train.examples:
        raise ValueError("no training examples with a known label")

    arch_config = dict(cfg.arch_config)
    arch_config["n_classes"] = len(labels)
    model = architectures.build(cfg.architecture, **arch_config)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
    # Without waveform augmentation the training windows are exactly the inference windows
    # (``fixed_windows``: a 4 s clip gives a 3 s window and a zero-padded 1 s tail), computed once.
    # Training on random 3 s crops only (the old path) never showed the model a padded tail window,
    # yet half of every 4 s clip's evaluation windows were such tails: their garbage predictions
    # were averaged into every clip's probabilities.
    cached = not _uses_waveform_augmentation(cfg.augment)
    if cached:
        feats_per_clip = train.eval_features()
        train_x = np.concatenate(feats_per_clip)
        train_wy = np.concatenate([np.full(len(f), y) for f, y in zip(feats_per_clip, train.y)])
        n_items = len(train_x)
    else:
        n_items = len(train.examples)
    steps_per_epoch = math.ceil(n_items / cfg.batch_size)
    total_steps = steps_per_epoch * cfg.epochs
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, (lambda s: 0.5 * (1 + math.cos(math.pi * min(s, total_steps) / total_steps))) if cfg.cosine else (lambda s: 1.0)
    )
    weight = torch.from_numpy(_class_weights(train.y, len(labels))) if cfg.class_weights else None
    loss_fn = torch.nn.CrossEntropyLoss(weight=weight, label_smoothing=cfg.label_smoothing)
    win = int(round(cfg.window_s * cfg.features.sample_rate))

    ckpt_path = Path(cfg.out) / CHECKPOINT_DIR / "checkpoint.pt"
    start_epoch, step, losses = 0, 0, []
    best: tuple[float, int, dict[str, Any] | None] = (math.inf, -1, None)  # (validation loss, epoch, state dict)
    if cfg.resume and ckpt_path.is_file():
        ck = torch.load(ckpt_path, map_location="cpu", weights_only=False)
        if ck["labels"] != labels or ck["architecture"] != cfg.architecture:
            raise ValueError(f"{ckpt_path} belongs to another run (labels or architecture differ); remove it or drop --resume")
        model.load_state_dict(ck["model"])
        opt.load_state_dict(ck["optimizer"])
        sched.load_state_dict(ck["scheduler"])
        start_epoch, step, losses = ck["epoch"], ck["step"], ck["losses"]
        best = (ck.get("best_val_loss", math.inf), ck["best_epoch"], ck["best_state"])
        rng = np.random.default_rng(ck["rng_seed"])
        print(f"resumed from {ckpt_path} at epoch {start_epoch}, step {step}")

    epoch = start_epoch
    for epoch in range(start_epoch, cfg.epochs):
        model.train()
        order = rng.permutation(n_items)
        bar = tqdm(range(steps_per_epoch), desc=f"epoch {epoch + 1}/{cfg.epochs}", disable=not cfg.progress, leave=False)
        for b in bar:
            if cfg.max_steps is not None and step >= cfg.max_steps:
                break
            idx = order[b * cfg.batch_size : (b + 1) * cfg.batch_size]
            if cached:
                feats, y_np = train_x[idx].copy(), train_wy[idx]
            else:
                feats = np.stack([log_mel(training_window(train.waves[i], win, rng, cfg.augment), cfg.features) for i in idx])
                y_np = train.y[idx]
            feats = spec_augment(feats, cfg.augment, rng)
            x = torch.from_numpy(feats)[:, None]
            y = torch.from_numpy(y_np)
            if cfg.augment.mixup_alpha > 0 and len(idx) > 1:
                lam = float(rng.beta(cfg.augment.mixup_alpha, cfg.augment.mixup_alpha))
                perm = torch.from_numpy(rng.permutation(len(idx)))
                x = lam * x + (1 - lam) * x[perm]
                out = model(x)
                loss = lam * loss_fn(out, y) + (1 - lam) * loss_fn(out, y[perm])
            else:
                loss = loss_fn(model(x), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            step += 1
            losses.append(loss.item())
            bar.set_postfix(loss=f"{np.mean(losses[-steps_per_epoch:]):.3f}")
        val_metrics, _, _ = _evaluate_set(model, val, labels)
        # Select on validation loss, not weighted F1: with ~45 validation recordings F1 jumps by
        # chance from epoch to epoch and picked epoch 2 of 30 in the first shipped run.
        val_loss = val_metrics.get("nll", math.inf) if val_metrics else math.inf
        msg = f"epoch {epoch + 1}: train loss {np.mean(losses[-steps_per_epoch:]):.3f}"
        if val_metrics:
            msg += f", val loss {val_loss:.3f}, val acc {val_metrics['accuracy']:.3f}, val wF1 {val_metrics['weighted_f1']:.3f}"
        print(msg, flush=True)
        if not cfg.select_best or val_loss <= best[0]:
            best = (val_loss, epoch + 1, {k: v.detach().clone() for k, v in model.state_dict().items()})
        ckpt_path.parent.mkdir(parents=True, exist_ok=True)
        torch.save(
            {"model": model.state_dict(), "optimizer": opt.state_dict(), "scheduler": sched.state_dict(), "epoch": epoch + 1,
             "step": step, "losses": losses, "best_val_loss": best[0], "best_epoch": best[1], "best_state": best[2],
             "labels": labels, "architecture": cfg.architecture, "rng_seed": int(rng.integers(0, 2**31))},
            ckpt_path,
        )
        if cfg.max_steps is not None and step >= cfg.max_steps:
            break
        if cfg.select_best and cfg.patience is not None and epoch + 1 - best[1] >= cfg.patience:
            print(f"early stop: no lower validation loss since epoch {best[1]}", flush=True)
            break

    if best[2] is not None:
        model.load_state_dict(best[2])
    temperature = 1.0
    val_metrics, _, val_logits = _evaluate_set(model, val, labels)
    if cfg.calibrate and val_logits:
        temperature = fit_temperature(val_logits, val.y)
        print(f"temperature on validation: {temperature:.3f}")
    test_metrics, test_probs, _ = _evaluate_set(model, test, labels, temperature)
    if test_metrics:
        test_metrics["per_source"] = _per_source(test, test_probs, labels)
    thr = threshold_stats(test_probs, test.y) if test.examples else {}
    if not cfg.keep_checkpoint and ckpt_path.exists():
        ckpt_path.unlink()
        try:
            ckpt_path.parent.rmdir()
        except OSError:
            pass
    report = TrainReport(labels, losses, epoch + 1, best[1], val_metrics, test_metrics, temperature, thr, time.perf_counter() - t_start)
    return model, report


def _per_source(clips: _ClipSet, probs: np.ndarray, labels: list[str]) -> dict:
    from diary_app.training.evaluate import compute_metrics

    out = {}
    sources = np.array([e.source for e in clips.examples])
    for s in sorted(set(sources)):
        m = sources == s
        r = compute_metrics(clips.y[m], probs[m].argmax(axis=1), labels)
        out[s] = {"n": int(m.sum()), "accuracy": r.accuracy, "weighted_f1": r.weighted_f1}
    return out


def save_model(model, report: TrainReport, cfg: CnnTrainConfig, card_fields: dict) -> Path:
    """Write weights + ``model_card.json`` + ``MODEL_CARD.md`` into ``cfg.out``."""
    from safetensors.torch import save_file

    from diary_app.analysis.model_card import KIND_LOGMEL_SER, KIND_SCENE_CNN, ModelCard

    out = Path(cfg.out)
    out.mkdir(parents=True, exist_ok=True)
    state = {k: v.detach().contiguous() for k, v in model.state_dict().items()}
    save_file(state, str(out / "model.safetensors"))
    arch_config = dict(getattr(model, "config", cfg.arch_config))
    metrics = {"test": report.test_metrics, "validation": report.val_metrics, "best_epoch": report.best_epoch,
               "epochs_run": report.epochs_run, "train_seconds": round(report.seconds, 1)}
    if report.threshold_stats:
        metrics["test_threshold_0.70"] = report.threshold_stats
    card = ModelCard(
        name=card_fields.get("name", out.name),
        kind=KIND_SCENE_CNN if cfg.task == "scene" else KIND_LOGMEL_SER,
        labels=list(report.labels),
        task=cfg.task,
        sample_rate=cfg.features.sample_rate,
        window_s=cfg.window_s,
        label_map={l: l for l in report.labels} if cfg.task != "scene" else {},
        emotion_table=card_fields.get("emotion_table"),
        features=cfg.features.to_dict(),
        architecture=cfg.architecture,
        arch_config=arch_config,
        temperature=report.temperature,
        training_data=card_fields.get("training_data", ""),
        licence=card_fields.get("licence", ""),
        metrics=metrics,
        retrain_command=card_fields.get("retrain_command", ""),
        description=card_fields.get("description", ""),
        extra={"recipe": {k: (asdict(v) if hasattr(v, "__dataclass_fields__") else v) for k, v in asdict(cfg).items() if k not in ("out",)}},
    )
    card.save(out)
    (out / "MODEL_CARD.md").write_text(render_markdown_card(card), encoding="utf-8")
    return out


# ----------------------------------------------------------------------------- the recipe


@dataclass
class Config:
    """``diary-app train ser-cnn|scene`` as values: which data, how to split it, how to train, what the card says."""

    trainer: CnnTrainConfig
    data: list[str]
    labels: list[str] | None = None  # None: every label in the data (scenes)
    label_map: str | None = None  # extra source=target pairs (speech)
    split: SplitSpec = field(default_factory=SplitSpec)
    emotion_table: str | None = None  # scenes: None = the table that belongs to the data
    name: str | None = None  # model name in the card (default: the folder name)
    retrain_command: str = ""


def train(config: Config) -> TrainReport:
    """Read the data, split it, train, calibrate and write the model folder ``config.trainer.out``."""
    from diary_app.training.datasets import LabelMapper, parse_label_map, read_datasets

    cfg = config.trainer
    is_scene = cfg.task == "scene"
    labels = config.labels
    if is_scene:
        mapper = LabelMapper(identity=True, keep=set(labels) if labels else None)
    else:
        mapper = LabelMapper(parse_label_map(config.label_map), keep=set(labels) if labels else None)
    examples = [e for r in read_datasets(config.data, mapper) for e in r.examples]
    out = Path(cfg.out)
    split = resolve_split(mapper, examples, out.name, config.split)
    emotion_table = None
    if is_scene:  # refuse a table that misses a label now, not after the training
        emotion_table = checked_emotion_table(config.data, config.emotion_table,
                                              labels or sorted({e.label for e in split.train + split.val + split.test}), out.name)
    model, report = train_cnn(split, cfg, labels)
    training, licence = card_texts(config.data)
    save_model(model, report, cfg, {
        "name": config.name or out.name, "training_data": training, "licence": licence,
        "retrain_command": config.retrain_command, "emotion_table": emotion_table,
        "description": ("The paper's 2-layer log-mel CNN (Table 3) for environment sounds; its top class maps to an emotion "
                        "through the scene->emotion table." if is_scene else
                        "Compact log-mel CNN for speech emotion; the default when no WavLM checkpoint is installed."),
    })
    return report
