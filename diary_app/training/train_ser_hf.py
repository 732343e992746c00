"""The paper's speech-emotion recipe (Table 1): fine-tune a WavLM-style checkpoint.

16 kHz, each clip cropped/padded to 4 s, AdamW lr 3e-5, batch 8, 5 epochs, class-weighted
cross-entropy, the convolutional feature encoder frozen for the first 2000 steps and then
unfrozen (its pretrained filters are the part small data damages first), accuracy and weighted F1
on a speaker-grouped validation split. Works with any ``AutoModelForAudioClassification`` base
(WavLM, wav2vec 2.0, HuBERT) on CPU or CUDA, and resumes from ``OUT/.checkpoint``.
"""

from __future__ import annotations

import json
import math
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from diary_app.audio.loading import SAMPLE_RATE
from diary_app.emotions import EMOTIONS
from diary_app.fsutil import atomic_write
from diary_app.training.common import SplitSpec, card_texts, render_markdown_card, resolve_split
from diary_app.training.datasets import Example
from diary_app.training.splits import Split

CHECKPOINT_DIR = ".checkpoint"


@dataclass
class HfTrainConfig:
    base: str
    out: Path
    max_seconds: float = 4.0
    epochs: int = 5
    batch_size: int = 8
    lr: float = 3e-5
    weight_decay: float = 0.0
    class_weights: bool = True
    freeze_encoder_steps: int = 2000
    seed: int = 0
    device: str | None = None
    max_steps: int | None = None
    checkpoint_every: int = 200
    resume: bool = False
    keep_checkpoint: bool = False
    progress: bool = True
    threads: int | None = None


@dataclass
class HfTrainReport:
    labels: list[str]
    step_losses: list[float] = field(default_factory=list)
    steps: int = 0
    val_metrics: dict = field(default_factory=dict)
    test_metrics: dict = field(default_factory=dict)
    unfrozen_at_step: int | None = None
    seconds: float = 0.0


def feature_encoder(model):
    """The convolutional waveform encoder of a WavLM/wav2vec2/HuBERT classification model."""
    base = getattr(model, model.base_model_prefix, None) or model.base_model
    enc = getattr(base, "feature_extractor", None)
    if enc is None:
        raise ValueError(f"{type(model).__name__} has no convolutional feature encoder to freeze")
    return enc


def set_encoder_trainable(model, trainable: bool) -> None:
    for p in feature_encoder(model).parameters():
        p.requires_grad = trainable
    if hasattr(feature_encoder(model), "_requires_grad"):
        feature_encoder(model)._requires_grad = trainable


def _load_extractor(base: str):
    from transformers import AutoFeatureExtractor, Wav2Vec2FeatureExtractor

    try:
        return AutoFeatureExtractor.from_pretrained(base)
    except (OSError, ValueError):
        # a bare checkpoint folder without preprocessor_config.json: WavLM's own settings
        return Wav2Vec2FeatureExtractor(feature_size=1, sampling_rate=SAMPLE_RATE, padding_value=0.0,
                                        do_normalize=True, return_attention_mask=True)


def _crop(wave: np.ndarray, n: int, rng: np.random.Generator | None) -> np.ndarray:
    if wave.size > n:
        start = int(rng.integers(0, wave.size - n + 1)) if rng is not None else 0
        return wave[start : start + n]
    return np.pad(wave, (0, n - wave.size))


def _batch_inputs(extractor, waves: list[np.ndarray], n: int, device: str):
    inputs = extractor(waves, sampling_rate=SAMPLE_RATE, padding="max_length", max_length=n, truncation=True, return_tensors="pt")
    return {k: v.to(device) for k, v in inputs.items() if k in ("input_values", "attention_mask")}


def _evaluate(model, extractor, waves: list[np.ndarray], y: np.ndarray, labels: list[str], n: int, device: str, batch: int) -> dict:
    """Clip-level metrics, averaging softmax over fixed windows exactly like inference."""
    import torch

    from diary_app.analysis.features import fixed_windows
    from diary_app.training.evaluate import compute_metrics

    if not waves:
        return {}
    model.eval()
    preds = []
    with torch.inference_mode():
        for w in waves:
            chunks = [c for _, c in fixed_windows(w, n)]
            probs = []
            for i in range(0, len(chunks), batch):
                logits = model(**_batch_inputs(extractor, chunks[i : i + batch], n, device)).logits
                probs.append(torch.softmax(logits.float(), dim=-1).cpu().numpy())
            preds.append(int(np.concatenate(probs).mean(axis=0).argmax()))
    model.train()
    return compute_metrics(y, np.array(preds), labels).to_dict()


def train_ser_hf(split: Split, cfg: HfTrainConfig, labels: list[str] | None = None):
    """Fine-tune; returns (model, extractor, report). ``save_hf_model`` writes the folder."""
    import torch
    from tqdm import tqdm
    from transformers import AutoModelForAudioClassification

    from diary_app.training.features_cache import load_wave_cached

    t0 = time.perf_counter()
    if cfg.threads:
        torch.set_num_threads(cfg.threads)
    device = cfg.device or ("cuda" if torch.cuda.is_available() else "cpu")
    torch.manual_seed(cfg.seed)
    present = {e.label for e in split.train}
    labels = labels or [e for e in EMOTIONS if e in present] + sorted(present - set(EMOTIONS))
    index = {l: i for i, l in enumerate(labels)}
    parts = {}
    for name in ("train", "val", "test"):
        ex: list[Example] = [e for e in getattr(split, name) if e.label in index]
        parts[name] = ([load_wave_cached(e.path) for e in ex], np.array([index[e.label] for e in ex], dtype=np.int64))
    train_waves, train_y = parts["train"]
    if not train_waves:
        raise ValueError("no training examples with a known label")

    extractor = _load_extractor(cfg.base)
    model = AutoModelForAudioClassification.from_pretrained(
        cfg.base, num_labels=len(labels), label2id=index, id2label={i: l for l, i in index.items()},
        ignore_mismatched_sizes=True,
    ).to(device)
    model.train()
    opt = torch.optim.AdamW([p for p in model.parameters()], lr=cfg.lr, weight_decay=cfg.weight_decay)
    counts = np.bincount(train_y, minlength=len(labels)).astype(np.float64)
    weights = np.where(counts > 0, counts.sum() / (len(labels) * np.maximum(counts, 1)), 0.0)
    loss_fn = torch.nn.CrossEntropyLoss(weight=torch.tensor(weights, dtype=torch.float32, device=device) if cfg.class_weights else None)
    n = int(round(cfg.max_seconds * SAMPLE_RATE))
    steps_per_epoch = math.ceil(len(train_waves) / cfg.batch_size)
    report = HfTrainReport(labels=labels)

    ckpt = Path(cfg.out) / CHECKPOINT_DIR / "checkpoint.pt"
    step = 0
    if cfg.resume and ckpt.is_file():
        state = torch.load(ckpt, map_location=device, weights_only=False)
        if state["labels"] != labels:
            raise ValueError(f"{ckpt} was written for labels {state['labels']}, not {labels}")
        model.load_state_dict(state["model"])
        opt.load_state_dict(state["optimizer"])
        step, report.step_losses, report.unfrozen_at_step = state["step"], state["losses"], state["unfrozen_at_step"]
        print(f"resumed from {ckpt} at step {step}")

    def save_checkpoint() -> None:
        state = {"model": model.state_dict(), "optimizer": opt.state_dict(), "step": step, "labels": labels,
                 "losses": report.step_losses, "unfrozen_at_step": report.unfrozen_at_step}
        atomic_write(ckpt, lambda f: torch.save(state, f))  # a crash while saving never destroys the previous checkpoint

    frozen = step < cfg.freeze_encoder_steps
    set_encoder_trainable(model, not frozen)
    total = steps_per_epoch * cfg.epochs if cfg.max_steps is None else min(cfg.max_steps, steps_per_epoch * cfg.epochs)
    bar = tqdm(total=total, initial=min(step, total), desc="fine-tuning", disable=not cfg.progress)
    while step < total:
        epoch, in_epoch = divmod(step, steps_per_epoch)
        # the order of an epoch depends only on (seed, epoch), so a resumed run sees the same batches
        order = np.random.default_rng(cfg.seed + epoch).permutation(len(train_waves))
        rng = np.random.default_rng(cfg.seed * 7919 + step)
        for b in range(in_epoch, steps_per_epoch):
            if step >= total:
                break
            if frozen and step >= cfg.freeze_encoder_steps:
                set_encoder_trainable(model, True)
                frozen = False
                report.unfrozen_at_step = step
            idx = order[b * cfg.batch_size : (b + 1) * cfg.batch_size]
            inputs = _batch_inputs(extractor, [_crop(train_waves[i], n, rng) for i in idx], n, device)
            y = torch.from_numpy(train_y[idx]).to(device)
            loss = loss_fn(model(**inputs).logits, y)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            step += 1
            report.step_losses.append(loss.item())
            bar.update(1)
            bar.set_postfix(loss=f"{loss.item():.3f}", encoder="frozen" if frozen else "trained")
            if cfg.checkpoint_every and step % cfg.checkpoint_every == 0:
                save_checkpoint()
        if step % steps_per_epoch == 0 or step >= total:
            save_checkpoint()
            val = _evaluate(model, extractor, *parts["val"], labels, n, device, cfg.batch_size)
            if val:
                print(f"epoch {math.ceil(step / steps_per_epoch)}: val accuracy {val['accuracy']:.3f}, weighted F1 {val['weighted_f1']:.3f}", flush=True)
            report.val_metrics = val
    bar.close()
    report.steps = step
    report.test_metrics = _evaluate(model, extractor, *parts["test"], labels, n, device, cfg.batch_size)
    if not report.val_metrics:
        report.val_metrics = _evaluate(model, extractor, *parts["val"], labels, n, device, cfg.batch_size)
    report.seconds = time.perf_counter() - t0
    if not cfg.keep_checkpoint and ckpt.exists():
        ckpt.unlink()
        try:
            ckpt.parent.rmdir()
        except OSError:
            pass
    return model, extractor, report


def save_hf_model(model, extractor, report: HfTrainReport, cfg: HfTrainConfig, card_fields: dict) -> Path:
    from diary_app.analysis.model_card import KIND_HF_SER, ModelCard

    out = Path(cfg.out)
    out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out)
    extractor.save_pretrained(out)
    card = ModelCard(
        name=card_fields.get("name", out.name), kind=KIND_HF_SER, labels=list(report.labels), task="speech-emotion",
        window_s=cfg.max_seconds, label_map={l: l for l in report.labels},
        training_data=card_fields.get("training_data", ""), licence=card_fields.get("licence", ""),
        metrics={"test": report.test_metrics, "validation": report.val_metrics, "steps": report.steps,
                 "encoder_unfrozen_at_step": report.unfrozen_at_step, "train_seconds": round(report.seconds, 1)},
        retrain_command=card_fields.get("retrain_command", ""),
        description=f"{cfg.base} fine-tuned for speech emotion with the paper's Table 1 recipe.",
        extra={"base_model": cfg.base, "recipe": {k: str(v) if isinstance(v, Path) else v for k, v in cfg.__dict__.items()}},
    )
    card.save(out)
    md = render_markdown_card(card) if report.test_metrics else f"# {card.name}\n\n{card.description}\n\nValidation: {json.dumps(report.val_metrics.get('accuracy'))} accuracy\n\n```\n{card.retrain_command}\n```\n"
    (out / "MODEL_CARD.md").write_text(md, encoding="utf-8")
    return out


@dataclass
class Config:
    """``diary-app train ser`` as values (paper Table 1: 80 % train / 20 % validation by speaker)."""

    trainer: HfTrainConfig
    data: list[str]
    label_map: str | None = None
    split: SplitSpec = field(default_factory=lambda: SplitSpec(val_fraction=0.2, test_fraction=0.0))
    name: str | None = None
    retrain_command: str = ""


def train(config: Config) -> HfTrainReport:
    """Read the data, split it by speaker, fine-tune and write ``config.trainer.out``."""
    from diary_app.training.datasets import LabelMapper, parse_label_map, read_datasets

    cfg = config.trainer
    out = Path(cfg.out)
    mapper = LabelMapper(parse_label_map(config.label_map))
    examples = [e for r in read_datasets(config.data, mapper) for e in r.examples]
    split = resolve_split(mapper, examples, out.name, config.split)
    model, extractor, report = train_ser_hf(split, cfg)
    training, licence = card_texts(config.data)
    save_hf_model(model, extractor, report, cfg, {"name": config.name or out.name, "training_data": training,
                                                  "licence": licence, "retrain_command": config.retrain_command})
    return report
