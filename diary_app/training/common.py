"""What the training recipes share: the corpora we know, card texts, the retrain command, splits, tables.

WHY here: every recipe (``train_cnn``, ``train_features``, ``train_ser_hf``, ``train_whisper_ser``)
needs these, and the CLI imports the recipes; with the helpers in ``cli.py`` the recipes imported
the CLI back (a cycle) and read its private names.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path

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


def retrain_command() -> str:
    argv = sys.argv[1:]
    if "train" in argv:
        argv = argv[argv.index("train"):]
    return "diary-app " + " ".join(shlex.quote(a) for a in argv)


def card_texts(data: list[str]) -> tuple[str, str]:
    names = []
    for d in data:
        p = Path(d)
        names.append((p if p.is_dir() else p.parent).name)
    known = [KNOWN_CORPORA[n] for n in names if n in KNOWN_CORPORA]
    others = [n for n in names if n not in KNOWN_CORPORA]
    training = "; ".join([k[0] for k in known] + [f"{n} (user data)" for n in others])
    licence = " ".join(k[1] for k in known) or "as the licence of the training data"
    return training, licence


def split_list_paths(split_lists: Path, out_name: str) -> dict[str, Path]:
    """``DIR`` -> DIR/<out name>-{train,val,test}.csv; ``DIR/PREFIX`` -> DIR/PREFIX-{...}.csv
    (so a new kind of model is scored on another model's held-out recordings)."""
    base = Path(split_lists)
    stem = base / out_name if base.is_dir() else base
    return {part: stem.parent / f"{stem.name}-{part}.csv" for part in ("train", "val", "test")}


def resolve_split(args: argparse.Namespace, mapper, examples):
    """The committed split lists when ``--split-lists`` is given, else a fresh grouped split of ``examples``."""
    from diary_app.training.splits import Split, grouped_split, write_split_csv

    if args.split_lists:
        from diary_app.training.datasets import read_manifest

        paths = split_list_paths(args.split_lists, args.out.name)
        missing = [str(p) for p in paths.values() if not p.is_file()]
        if missing:
            raise FileNotFoundError(f"split list(s) not found: {', '.join(missing)}")
        split = Split(**{part: read_manifest(path, mapper).examples for part, path in paths.items()})
        split.check_disjoint()
    else:
        split = grouped_split(examples, args.val_fraction, args.test_fraction, seed=args.seed)
    print(split.describe())
    if args.splits_dir:
        for part in ("train", "val", "test"):
            write_split_csv(getattr(split, part), Path(args.splits_dir) / f"{args.out.name}-{part}.csv")
    return split


def default_emotion_table(args: argparse.Namespace) -> str | None:
    """``--emotion-table``, else the table that belongs to the dataset's label set."""
    if args.emotion_table:
        return args.emotion_table
    if any("esc10" in str(d).lower() or "everyday" in str(d).lower() for d in args.data):
        return "scene_emotion_everyday.csv"  # UrbanSound8K + ESC-10 (issue 12): 19 everyday sounds
    if any("urbansound" in str(d).lower() for d in args.data):
        return "scene_emotion_urbansound8k.csv"
    if any("tau" in str(d).lower() or str(d).endswith("meta.csv") for d in args.data):
        return "scene_emotion_tau2022.csv"
    return None


def checked_emotion_table(args: argparse.Namespace, labels: list[str]) -> str | None:
    """``default_emotion_table``, refused before any training when it misses a label: otherwise
    the written model would only fail later, when the app tries to load it."""
    from diary_app.analysis.emotion_table import DEFAULT_TABLE, load_emotion_table

    table = default_emotion_table(args)
    try:
        load_emotion_table(table or DEFAULT_TABLE).check_covers(labels, args.out.name)
    except ValueError as exc:
        raise ValueError(f"{exc}; or name another table with --emotion-table") from None
    return table
