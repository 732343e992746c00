"""``diary-app evaluate MODEL_DIR --data MANIFEST.csv``: held-out metrics for any model folder.

Prints accuracy, weighted F1, per-class precision/recall/F1 and the confusion matrix, and saves
``metrics.json``, ``predictions.csv`` and ``confusion.png`` into ``--out`` (default
``<model name>-eval`` in the current folder).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("model", help="model folder (or installed model name)")
    parser.add_argument("--data", action="append", required=True, metavar="MANIFEST",
                        help="manifest CSV, TAU meta.csv or folder-per-label tree; repeat to combine")
    parser.add_argument("--out", type=Path, default=None, help="folder for metrics.json, predictions.csv, confusion.png")
    parser.add_argument("--label-map", default=None, help="extra source=target label pairs for speech data, e.g. boredom=neutral")
    parser.add_argument("--limit", type=int, default=None, help="evaluate only the first N clips")
    parser.add_argument("--json", action="store_true", help="print the metrics as JSON instead of a table")
    parser.add_argument("--no-progress", action="store_true")


def run(args: argparse.Namespace) -> int:
    from diary_app.analysis.registry import ModelNotAvailable
    from diary_app.training.datasets import DatasetError, parse_label_map
    from diary_app.training.evaluate import evaluate_model

    out = args.out or Path(f"{Path(args.model).name}-eval")
    try:
        report = evaluate_model(args.model, args.data, out_dir=out, label_map=parse_label_map(args.label_map),
                                progress=not args.no_progress, limit=args.limit)
    except (DatasetError, ModelNotAvailable, FileNotFoundError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(report.to_dict(), indent=2))
    else:
        print(report.format())
        thr = report.extra.get("threshold_0.70", {})
        if thr:
            fmt = lambda v: "n/a" if v is None else f"{v:.3f}"  # noqa: E731
            print(f"\nconfidence < 0.70: {thr['fires_rate']:.1%} of clips (accuracy kept {fmt(thr['kept_accuracy'])}, "
                  f"rejected {fmt(thr['rejected_accuracy'])})")
        per_source = report.extra.get("per_source", {})
        if per_source:
            print("\nper corpus:")
        for src, r in per_source.items():
            print(f"  {src} ({r.get('language', '?')}): accuracy {r['accuracy']:.4f}, weighted F1 {r['weighted_f1']:.4f} "
                  f"({r['n']} clips)")
            if len(per_source) > 1 and r.get("confusion"):
                print("    confusion (rows true, columns predicted: " + ", ".join(report.labels) + "): "
                      + " | ".join(" ".join(str(v) for v in row) for row in r["confusion"]))
        if len(report.extra.get("per_language", {})) > 1:
            print("per language: " + ", ".join(f"{lang} {r['accuracy']:.3f}" for lang, r in report.extra["per_language"].items()))
        if "macro_accuracy_over_corpora" in report.extra:
            print(f"macro over corpora: accuracy {report.extra['macro_accuracy_over_corpora']:.4f}, "
                  f"weighted F1 {report.extra['macro_weighted_f1_over_corpora']:.4f}")
    print(f"saved {out / 'metrics.json'}, {out / 'confusion.png'}")
    return 0
