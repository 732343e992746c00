"""What the training recipes share: the corpora we know, card texts and card sections, the retrain
command, splits, emotion tables, the temperature fit and the 0.70-threshold statistics.

WHY here: every recipe (``train_cnn``, ``train_features``, ``train_ser_hf``, ``train_whisper_ser``)
needs these, and the CLI imports the recipes; with the helpers in ``cli.py`` the recipes imported
the CLI back (a cycle) and read its private names. Nothing here takes an ``argparse.Namespace``:
the CLI turns its arguments into each recipe's ``Config``; these helpers take plain values.
"""

from __future__ import annotations

import shlex
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from diary_app.analysis.model_card import ModelCard
    from diary_app.training.datasets import Example, LabelMapper
    from diary_app.training.splits import Split

#: What we know about the corpora in ../shared/data, copied into the model card.
KNOWN_CORPORA = {
    "emodb": ("EmoDB (Berlin Database of Emotional Speech; Burkhardt et al. 2005), German acted speech, "
              "8 of 10 actors in ../shared/data/emodb",
              "EmoDB: no licence file travels with it (distributed free by TU Berlin; audb lists CC0-1.0, unverified) - research use; confirm before shipping."),
    "urdu": ("URDU emotional speech (Latif et al. 2018), spontaneous Urdu TV talk-show speech, 22 speakers in ../shared/data/urdu",
             "URDU: 'only for research purposes' (no licence file) - a model trained on it must not ship in a product without clearing this."),
    "ravdess": ("RAVDESS speech (Livingstone & Russo 2018), North-American English acted speech, actors 01-20 in ../shared/data/ravdess",
                "RAVDESS: CC BY-NC-SA 4.0 (non-commercial, share-alike); the weights inherit it."),
    "emovo": ("EMOVO (Costantini et al. 2014), Italian acted speech, 4 of 6 actors in ../shared/data/emovo",
              "EMOVO: free for research, no licence file - research use."),
    "turev": ("TurEV-DB (Canpolat et al. 2020), Turkish single-word acted speech, 4 speakers in ../shared/data/turev",
              "TurEV-DB: CC BY-NC-ND 4.0 (training is use, the clips are not redistributed)."),
    "selvas": ("Selvas AI Korean emotional speech (public sample of the emotiontts open DB), 11 speakers in ../shared/data/selvas",
               "Selvas: CC BY-NC-SA 4.0, research use only."),
    "urbansound8k": ("UrbanSound8K (Salamon et al. 2014) subset: 1,147 clips of 10 urban sound-event classes, folds 1-3, 332 freesound recordings",
                     "UrbanSound8K: CC BY-NC 3.0 (attribution, non-commercial); the weights inherit the non-commercial limit."),
    "esc10": ("ESC-10 (Piczak 2015) folds 1-4: 320 clips of 10 everyday sound classes, 247 freesound recordings (fold 5 kept aside)",
              "ESC-10: CC BY 3.0 per clip (attribution)."),
}

SER_CNN_LABELS = ["neutral", "happy", "sad", "angry", "fear"]


def retrain_command(argv: Sequence[str] | None = None) -> str:
    """The ``diary-app train ...`` command line that reproduces this run (for the model card)."""
    words = list(sys.argv[1:] if argv is None else argv)
    if "train" in words:
        words = words[words.index("train"):]
    return "diary-app " + " ".join(shlex.quote(w) for w in words)


def card_texts(data: Sequence[str | Path]) -> tuple[str, str]:
    """(training data, licence limits) for the card, from the corpus folder names of ``data``."""
    names = []
    for d in data:
        p = Path(d)
        names.append((p if p.is_dir() else p.parent).name)
    known = [KNOWN_CORPORA[n] for n in names if n in KNOWN_CORPORA]
    others = [n for n in names if n not in KNOWN_CORPORA]
    training = "; ".join([k[0] for k in known] + [f"{n} (user data)" for n in others])
    licence = " ".join(k[1] for k in known) or "as the licence of the training data"
    return training, licence


# ----------------------------------------------------------------------------- splits


@dataclass(frozen=True)
class SplitSpec:
    """How a recipe splits its data: fresh grouped fractions, or the committed split lists."""

    val_fraction: float = 0.15
    test_fraction: float = 0.15
    seed: int = 0
    split_lists: Path | None = None  # DIR or DIR/PREFIX of committed <name>-{train,val,test}.csv
    splits_dir: Path | None = None  # also write the split used here


def split_list_paths(split_lists: Path, out_name: str) -> dict[str, Path]:
    """``DIR`` -> DIR/<out name>-{train,val,test}.csv; ``DIR/PREFIX`` -> DIR/PREFIX-{...}.csv
    (so a new kind of model is scored on another model's held-out recordings)."""
    base = Path(split_lists)
    stem = base / out_name if base.is_dir() else base
    return {part: stem.parent / f"{stem.name}-{part}.csv" for part in ("train", "val", "test")}


def resolve_split(mapper: LabelMapper, examples: list[Example], out_name: str, spec: SplitSpec) -> Split:
    """The committed split lists when ``spec.split_lists`` is given, else a fresh grouped split of ``examples``."""
    from diary_app.training.splits import Split, grouped_split, write_split_csv

    if spec.split_lists:
        from diary_app.training.datasets import read_manifest

        paths = split_list_paths(spec.split_lists, out_name)
        missing = [str(p) for p in paths.values() if not p.is_file()]
        if missing:
            raise FileNotFoundError(f"split list(s) not found: {', '.join(missing)}")
        parts = {part: read_manifest(path, mapper).examples for part, path in paths.items()}
        split = Split(train=parts["train"], val=parts["val"], test=parts["test"])
        split.check_disjoint()
    else:
        split = grouped_split(examples, spec.val_fraction, spec.test_fraction, seed=spec.seed)
    print(split.describe())
    if spec.splits_dir:
        for part in ("train", "val", "test"):
            write_split_csv(getattr(split, part), Path(spec.splits_dir) / f"{out_name}-{part}.csv")
    return split


def seeded_subset(examples: list[Example], max_clips: int | None, seed: int) -> list[Example]:
    """A seeded random subset of ``max_clips`` clips in their original order (smoke tests); all when None."""
    if not max_clips or max_clips >= len(examples):
        return examples
    rng = np.random.default_rng(seed)
    return [examples[i] for i in sorted(rng.choice(len(examples), max_clips, replace=False))]


# ----------------------------------------------------------------------------- emotion tables


def default_emotion_table(data: Sequence[str | Path], emotion_table: str | None = None) -> str | None:
    """``emotion_table`` when given, else the table that belongs to the dataset's label set."""
    if emotion_table:
        return emotion_table
    if any("esc10" in str(d).lower() or "everyday" in str(d).lower() for d in data):
        return "scene_emotion_everyday.csv"  # UrbanSound8K + ESC-10 (issue 12): 19 everyday sounds
    if any("urbansound" in str(d).lower() for d in data):
        return "scene_emotion_urbansound8k.csv"
    if any("tau" in str(d).lower() or str(d).endswith("meta.csv") for d in data):
        return "scene_emotion_tau2022.csv"
    return None


def checked_emotion_table(data: Sequence[str | Path], emotion_table: str | None, labels: list[str], model_name: str) -> str | None:
    """``default_emotion_table``, refused before any training when it misses a label: otherwise
    the written model would only fail later, when the app tries to load it."""
    from diary_app.analysis.emotion_table import DEFAULT_TABLE, load_emotion_table

    table = default_emotion_table(data, emotion_table)
    try:
        load_emotion_table(table or DEFAULT_TABLE).check_covers(labels, model_name)
    except ValueError as exc:
        raise ValueError(f"{exc}; or name another table with --emotion-table") from None
    return table


# ----------------------------------------------------------------------------- calibration

#: the temperatures a fit may choose from (one range for every recipe)
TEMPERATURE_BOUNDS = (0.25, 8.0)


def clip_probabilities(logits: np.ndarray | Sequence[np.ndarray], temperature: float = 1.0) -> np.ndarray:
    """(n_clips, n_classes): per clip, the mean of softmax(window logits / T) over its windows (the
    inference rule). ``logits`` is an (n, C) array (one window per clip) or a list of (windows, C) arrays."""
    if isinstance(logits, np.ndarray) and logits.ndim == 2:
        clips: list[np.ndarray] = [logits]
        counts = np.ones(len(logits), dtype=np.int64)
    else:
        clips = [np.atleast_2d(np.asarray(c)) for c in logits]
        counts = np.array([len(c) for c in clips], dtype=np.int64)
    if len(counts) == 0:
        return np.zeros((0, 0))
    z = np.concatenate(clips) / temperature  # in the logits' own precision (float32 from a network)
    z -= z.max(axis=1, keepdims=True)
    p = np.exp(z)
    p /= p.sum(axis=1, keepdims=True)
    if (counts == 1).all():
        return p
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    return np.stack([p[a:a + n].mean(axis=0) for a, n in zip(starts, counts)])


def temperature_nll(logits: np.ndarray | Sequence[np.ndarray], y: np.ndarray, temperature: float) -> float:
    """Mean negative log-likelihood of the true classes at ``temperature``."""
    p = clip_probabilities(logits, temperature)
    return float(-np.mean(np.log(p[np.arange(len(y)), y] + 1e-12)))


def fit_temperature(logits: np.ndarray | Sequence[np.ndarray], y: np.ndarray,
                    bounds: tuple[float, float] = TEMPERATURE_BOUNDS) -> float:
    """The temperature that minimises the NLL of the (clip-averaged) probabilities, 1.0 without data.

    WHY a bounded scalar optimiser on log T: the NLL is smooth in log T (convex for one window per
    clip), so Brent's bounded method finds the minimum to 1e-4 in ~25 evaluations; the old log-spaced
    grids (two of them, with different ranges) were 3-7 % coarse. The bounds keep a degenerate
    validation set (all right, or all wrong) from driving T to 0 or infinity."""
    from scipy.optimize import minimize_scalar

    y = np.asarray(y)
    if len(y) == 0:
        return 1.0
    lo, hi = np.log(bounds[0]), np.log(bounds[1])
    res = minimize_scalar(lambda log_t: temperature_nll(logits, y, float(np.exp(log_t))), bounds=(lo, hi),
                          method="bounded", options={"xatol": 1e-4})
    return float(np.exp(res.x))


def threshold_stats(probs: np.ndarray, y: np.ndarray, threshold: float = 0.70) -> dict[str, Any]:
    """How often the 'unclassified' threshold fires, and how right the kept/rejected calls are."""
    if len(probs) == 0:
        return {}
    conf = probs.max(axis=1)
    pred = probs.argmax(axis=1)
    kept = conf >= threshold

    def acc(m: np.ndarray) -> float | None:
        return float((pred[m] == y[m]).mean()) if m.any() else None

    return {
        "threshold": threshold,
        "fires_rate": float((~kept).mean()),
        "kept_accuracy": acc(kept),
        "rejected_accuracy": acc(~kept),
        "n": int(len(y)),
        "mean_confidence": float(conf.mean()),
    }


# ----------------------------------------------------------------------------- model cards


def licence_lines(card: ModelCard) -> list[str]:
    """The card's "Training data and licence" section (every recipe's MODEL_CARD.md has it)."""
    return ["## Training data and licence", "", card.training_data, "", f"**Licence limits:** {card.licence}", ""]


def retrain_lines(card: ModelCard) -> list[str]:
    """The card's closing "Retrain" section: the command that reproduces the model."""
    return ["## Retrain", "", f"```\n{card.retrain_command}\n```", ""]


def render_markdown_card(card: ModelCard) -> str:
    """The generic human card (log-mel CNNs, fine-tuned checkpoints), generated from the machine
    card so the two never disagree."""
    import json

    m = card.metrics or {}
    test = m.get("test", {})
    lines = [f"# {card.name}", "", card.description or "", "",
             "| field | value |", "| --- | --- |",
             f"| kind | `{card.kind}` |", f"| task | {card.task} |", f"| labels | {', '.join(card.labels)} |",
             f"| architecture | `{card.architecture}` {json.dumps(card.arch_config)} |",
             f"| input | {card.sample_rate} Hz, {card.window_s:g} s windows, log-mel {json.dumps(card.features)} |",
             f"| temperature | {card.temperature:.3f} |"]
    if card.emotion_table:
        lines.append(f"| scene → emotion table | `resources/{card.emotion_table}` |")
    lines += [""] + licence_lines(card)
    if test:
        lines += ["## Held-out metrics (test split: groups never seen in training)", "",
                  f"- accuracy **{test['accuracy']:.3f}**, weighted F1 **{test['weighted_f1']:.3f}** on {test.get('n', '?')} clips"]
        for src, r in (test.get("per_source") or {}).items():
            lines.append(f"- {src}: accuracy {r['accuracy']:.3f}, weighted F1 {r['weighted_f1']:.3f} ({r['n']} clips)")
        thr = m.get("test_threshold_0.70")
        if thr and card.is_scene:
            ka = "n/a" if thr["kept_accuracy"] is None else f"{thr['kept_accuracy']:.3f}"
            ra = "n/a" if thr["rejected_accuracy"] is None else f"{thr['rejected_accuracy']:.3f}"
            lines.append(f"- calibrated confidence < 0.70 ('unclassified') on {thr['fires_rate']:.1%} of test clips; "
                         f"accuracy of kept predictions {ka}, of rejected ones {ra}")
        lines += ["", "Per class (precision / recall / F1 / support):", "", "| class | P | R | F1 | n |", "| --- | --- | --- | --- | --- |"]
        for lbl, r in test.get("per_class", {}).items():
            lines.append(f"| {lbl} | {r['precision']:.2f} | {r['recall']:.2f} | {r['f1']:.2f} | {r['support']} |")
        lines += ["", "Confusion matrix (rows = true, columns = predicted, order as labels):", "", "```"]
        lines += [" ".join(f"{v:4d}" for v in row) for row in test.get("confusion", [])]
        lines += ["```", ""]
    extra_md = card.extra.get("notes_md") if isinstance(card.extra, dict) else None
    if extra_md:
        lines += [extra_md, ""]
    lines += retrain_lines(card)
    return "\n".join(lines)
