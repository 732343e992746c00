"""Evaluation: accuracy, weighted F1, per-class precision/recall/F1, confusion matrix (text, PNG, JSON).

Prediction goes through the inference loader (``diary_app.analysis.registry``) when it is
available so that ``evaluate`` measures exactly what the app runs; a local path that follows the
model-card contract is kept as a fallback for a bare training install.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np


@dataclass
class EvalReport:
    labels: list[str]
    n: int
    accuracy: float
    weighted_f1: float
    macro_f1: float
    per_class: dict[str, dict]
    confusion: list[list[int]]
    extra: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        d = asdict(self)
        d.update(d.pop("extra"))
        return d

    def format(self) -> str:
        lines = [f"clips: {self.n}", f"accuracy:    {self.accuracy:.4f}", f"weighted F1: {self.weighted_f1:.4f}",
                 f"macro F1:    {self.macro_f1:.4f}", "", f"{'class':<18}{'precision':>10}{'recall':>10}{'f1':>10}{'support':>9}"]
        for lbl, r in self.per_class.items():
            lines.append(f"{lbl:<18}{r['precision']:>10.3f}{r['recall']:>10.3f}{r['f1']:>10.3f}{r['support']:>9d}")
        width = max(8, max(len(l) for l in self.labels) + 1)
        lines += ["", "confusion matrix (rows = true, columns = predicted):", " " * width + "".join(f"{l[:7]:>8}" for l in self.labels)]
        for lbl, row in zip(self.labels, self.confusion):
            lines.append(f"{lbl:<{width}}" + "".join(f"{v:>8d}" for v in row))
        return "\n".join(lines)


def compute_metrics(y_true, y_pred, labels: list[str]) -> EvalReport:
    from sklearn.metrics import accuracy_score, confusion_matrix, f1_score, precision_recall_fscore_support

    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    idx = list(range(len(labels)))
    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, labels=idx, zero_division=0)
    per_class = {labels[i]: {"precision": float(p[i]), "recall": float(r[i]), "f1": float(f[i]), "support": int(s[i])} for i in idx}
    return EvalReport(
        labels=list(labels), n=int(len(y_true)),
        accuracy=float(accuracy_score(y_true, y_pred)) if len(y_true) else 0.0,
        weighted_f1=float(f1_score(y_true, y_pred, labels=idx, average="weighted", zero_division=0)) if len(y_true) else 0.0,
        macro_f1=float(f1_score(y_true, y_pred, labels=idx, average="macro", zero_division=0)) if len(y_true) else 0.0,
        per_class=per_class,
        confusion=confusion_matrix(y_true, y_pred, labels=idx).tolist() if len(y_true) else [[0] * len(idx) for _ in idx],
    )


def save_confusion_png(report: EvalReport, path: str | Path, title: str = "") -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    cm = np.array(report.confusion)
    n = len(report.labels)
    fig, ax = plt.subplots(figsize=(1.0 + 0.7 * n, 0.8 + 0.6 * n), dpi=110)
    ax.imshow(cm, cmap="Blues")
    ax.set_xticks(range(n), report.labels, rotation=45, ha="right")
    ax.set_yticks(range(n), report.labels)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    vmax = cm.max() if cm.size else 0
    for i in range(n):
        for j in range(n):
            ax.text(j, i, str(cm[i, j]), ha="center", va="center", color="white" if cm[i, j] > vmax / 2 else "black", fontsize=8)
    ax.set_title(title or f"acc {report.accuracy:.3f}  wF1 {report.weighted_f1:.3f}  (n={report.n})", fontsize=9)
    fig.tight_layout()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
    return path


# ----------------------------------------------------------------------------- prediction

class CardPredictor:
    """Clip -> probability vector over the model's labels, through the app's own loader.

    ``diary_app.analysis.registry.load_classifier`` gives per-window probabilities (already
    temperature-scaled); the clip result is their mean, which is what the pipeline reports.
    """

    def __init__(self, model_dir: str | Path, device: str | None = None) -> None:
        from diary_app.analysis.registry import load_classifier

        self.dir = Path(model_dir)
        self.classifier = load_classifier(self.dir, device=device)
        self.card = self.classifier.card
        self.labels: list[str] = list(self.classifier.labels)

    def predict_wave(self, wave: np.ndarray) -> np.ndarray:
        windows = self.classifier.predict_windows(wave)
        return np.mean([[w.probabilities.get(l, 0.0) for l in self.labels] for w in windows], axis=0)


def evaluate_model(model_dir: str | Path, data: list[str], out_dir: str | Path | None = None, label_map: dict | None = None,
                   progress: bool = True, limit: int | None = None) -> EvalReport:
    """Predict every clip of ``data`` that has a label the model knows; report and save results."""
    from tqdm import tqdm

    from diary_app.training.datasets import LabelMapper, read_datasets
    from diary_app.training.features_cache import load_wave_cached

    predictor = CardPredictor(model_dir)
    card = predictor.card
    # the model's own labels mapped to the evaluation label space (identity for CNN kinds)
    if card.is_scene:
        mapper = LabelMapper(identity=True)
        to_eval = {l: l for l in predictor.labels}
    else:
        mapper = LabelMapper(label_map)
        to_eval = dict(predictor.classifier.label_map)  # model label -> emotion, as the app maps it
    eval_labels = list(dict.fromkeys(to_eval.values()))
    results = read_datasets(data, mapper)
    examples = [e for r in results for e in r.examples]
    unknown = Counter(e.label for e in examples if e.label not in eval_labels)
    if unknown:
        print("dropped (model has no such class): " + ", ".join(f"{k} {v}" for k, v in sorted(unknown.items())))
    examples = [e for e in examples if e.label in eval_labels]
    if limit:
        examples = examples[:limit]
    if not examples:
        raise ValueError("no clips with a label this model can predict")
    y_true, y_pred, conf, rows = [], [], [], []
    for e in tqdm(examples, desc="evaluating", disable=not progress):
        probs = predictor.predict_wave(load_wave_cached(e.path, card.sample_rate))
        # sum probabilities of model labels that map onto the same evaluation label
        agg = np.zeros(len(eval_labels))
        for i, l in enumerate(predictor.labels):
            if l in to_eval:
                agg[eval_labels.index(to_eval[l])] += probs[i]
        k = int(agg.argmax())
        y_true.append(eval_labels.index(e.label))
        y_pred.append(k)
        conf.append(float(agg[k]))
        rows.append({"path": str(e.path), "group": e.group, "true": e.label, "pred": eval_labels[k], "confidence": round(float(agg[k]), 4)})
    report = compute_metrics(y_true, y_pred, eval_labels)
    conf_a, ok = np.array(conf), np.array(y_true) == np.array(y_pred)
    kept = conf_a >= 0.70
    report.extra["threshold_0.70"] = {
        "fires_rate": float((~kept).mean()),
        "kept_accuracy": float(ok[kept].mean()) if kept.any() else None,
        "rejected_accuracy": float(ok[~kept].mean()) if (~kept).any() else None,
    }
    report.extra["model"] = str(model_dir)
    report.extra["data"] = [str(d) for d in data]
    from diary_app.training.datasets import corpus_languages

    languages = corpus_languages([Path(d) for d in data])
    per_source, per_language = {}, {}
    for key, of in (("source", lambda e: e.source), ("language", lambda e: languages.get(e.source, "?"))):
        for value in sorted({of(e) for e in examples}):
            m = np.array([of(e) == value for e in examples])
            r = compute_metrics(np.array(y_true)[m], np.array(y_pred)[m], eval_labels)
            row: dict[str, Any] = {"n": r.n, "accuracy": r.accuracy, "weighted_f1": r.weighted_f1}
            if key == "source":
                row.update(language=languages.get(value, "?"), confusion=r.confusion)
                per_source[value] = row
            else:
                per_language[value] = row
    report.extra["per_source"] = per_source
    report.extra["per_language"] = per_language
    if len(per_source) > 1:
        report.extra["macro_accuracy_over_corpora"] = float(np.mean([r["accuracy"] for r in per_source.values()]))
        report.extra["macro_weighted_f1_over_corpora"] = float(np.mean([r["weighted_f1"] for r in per_source.values()]))
    if out_dir is not None:
        out_dir = Path(out_dir)
        out_dir.mkdir(parents=True, exist_ok=True)
        (out_dir / "metrics.json").write_text(json.dumps(report.to_dict(), indent=2) + "\n", encoding="utf-8")
        with open(out_dir / "predictions.csv", "w", encoding="utf-8") as fh:
            fh.write("path,group,true,pred,confidence\n")
            for pr in rows:
                fh.write(f"{pr['path']},{pr['group']},{pr['true']},{pr['pred']},{pr['confidence']}\n")
        save_confusion_png(report, out_dir / "confusion.png", title=f"{Path(model_dir).name}: acc {report.accuracy:.3f}, wF1 {report.weighted_f1:.3f}")
    return report
