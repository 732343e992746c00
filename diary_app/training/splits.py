"""Grouped, label-stratified splits with a fixed seed.

Groups are speakers (speech) or source recordings (scenes). A random split of clips would put the
same voice or the same street recording on both sides and report how well the model remembers
them; URDU, where almost every speaker has one emotion, would then look nearly perfect.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from diary_app.training.datasets import Example


@dataclass
class Split:
    train: list[Example]
    val: list[Example]
    test: list[Example]

    def check_disjoint(self) -> None:
        parts = {"train": self.train, "val": self.val, "test": self.test}
        groups = {k: {e.group for e in v} for k, v in parts.items()}
        for a in parts:
            for b in parts:
                if a < b and groups[a] & groups[b]:
                    raise AssertionError(f"groups on both sides of {a}/{b}: {sorted(groups[a] & groups[b])[:5]}")

    def describe(self) -> str:
        from collections import Counter

        lines = []
        for name, part in (("train", self.train), ("val", self.val), ("test", self.test)):
            c = Counter(e.label for e in part)
            lines.append(f"{name}: {len(part)} clips, {len({e.group for e in part})} groups; " + ", ".join(f"{k} {v}" for k, v in sorted(c.items())))
        return "\n".join(lines)


def _holdout(examples: list[Example], fraction: float, seed: int, candidates: int = 32) -> tuple[list[Example], list[Example]]:
    """Take about ``fraction`` of the groups out, stratified by label as far as groups allow.

    StratifiedGroupKFold alone can put one huge single-emotion speaker (URDU's SM5: 72 neutral
    clips) in the held-out part. So we look at the folds of ``candidates`` seeded shuffles and keep
    the fold whose per-label counts are closest to ``fraction`` of each label; deterministic for a
    given ``seed``.
    """
    if fraction <= 0 or len(examples) == 0:
        return list(examples), []
    from sklearn.model_selection import StratifiedGroupKFold

    groups = np.array([e.group for e in examples])
    n_groups = len(set(groups))
    if n_groups < 2:
        return list(examples), []
    n_splits = max(2, min(n_groups, round(1.0 / fraction)))
    labels = np.array([e.label for e in examples])
    classes, y = np.unique(labels, return_inverse=True)
    totals = np.bincount(y, minlength=len(classes)).astype(float)
    best, best_score = None, np.inf
    for k in range(candidates):
        sgkf = StratifiedGroupKFold(n_splits=n_splits, shuffle=True, random_state=seed * 1000 + k)
        for _, held in sgkf.split(np.zeros(len(examples)), labels, groups):
            counts = np.bincount(y[held], minlength=len(classes))
            # relative error per label, plus a penalty for an empty class on either side
            score = float(np.sum(np.abs(counts - fraction * totals) / totals))
            score += float(np.sum((counts == 0) | (counts == totals)))
            if score < best_score:
                best, best_score = held, score
    assert best is not None  # n_groups >= 2: every candidate split holds some groups out
    held_set = set(best.tolist())
    keep = [e for i, e in enumerate(examples) if i not in held_set]
    out = [e for i, e in enumerate(examples) if i in held_set]
    return keep, out


def grouped_split(examples: list[Example], val_fraction: float = 0.15, test_fraction: float = 0.15, seed: int = 0, per_source: bool = True) -> Split:
    """Train/validation/test split by group, stratified by label.

    With ``per_source`` each dataset (e.g. EmoDB and URDU) is split on its own, so every corpus is
    represented in every part instead of one corpus landing wholly in the test set.
    """
    sources: dict[str, list[Example]] = {}
    for e in examples:
        sources.setdefault(e.source if per_source else "", []).append(e)
    split = Split([], [], [])
    for _, part in sorted(sources.items()):
        rest, test = _holdout(part, test_fraction, seed)
        val_share = val_fraction / (1.0 - test_fraction) if test_fraction < 1 else 0.0
        train, val = _holdout(rest, val_share, seed + 1)
        split.train += train
        split.val += val
        split.test += test
    split.check_disjoint()
    return split


def write_split_csv(examples: list[Example], path, root=None) -> None:
    """Save a part as a manifest (``path,label,speaker``) so ``evaluate`` can be re-run on it.

    Paths are written relative to ``root`` when given (e.g. the shared data folder), so the file
    works on any checkout that has the corpora beside it.
    """
    import csv
    import os
    from pathlib import Path

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["path", "label", "speaker", "source_label", "source"])
        for e in sorted(examples, key=lambda e: str(e.path)):
            p = os.path.relpath(e.path, root if root is not None else path.parent)
            w.writerow([p, e.source_label or e.label, e.group.split(":", 1)[-1], e.label, e.source])
