"""The user's own scene -> emotion table: a smoothed count model on top of the shipped table.

Paper limitation 1: one fixed table for everybody ("rain" is calm for one user, sad for another).
For each scene ``s`` the table is a distribution over emotions,
``P(e | s) = (prior * shipped(s, e) + C[s, e]) / (prior + sum_e C[s, e])``, where ``shipped`` is
the one-hot row of the shipped table and ``C`` are soft counts: a correction of an environment
entry to emotion ``e`` adds the entry's scene probabilities ``p(s)`` to ``C[s, e]`` (the user
corrected the recording, not a scene label, so each scene gets the share the model gave it).
The entry's emotion is then ``argmax_e sum_s p(s) P(e | s)``. With no counts it is the shipped
row; after a few corrections for a scene, the user's answer wins.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from diary_app.emotions import EMOTIONS


@dataclass
class PersonalSceneTable:
    shipped: dict[str, str]  # scene -> emotion of the shipped table
    prior: float = 1.0  # corrections' worth of trust in the shipped row
    counts: dict[str, np.ndarray] = field(default_factory=dict)  # scene -> (6,) soft counts

    def add(self, scene_probabilities: dict[str, float], emotion: str, weight: float = 1.0) -> None:
        k = EMOTIONS.index(emotion)
        for s, p in scene_probabilities.items():
            if p > 0:
                row = self.counts.setdefault(s, np.zeros(len(EMOTIONS)))
                row[k] += weight * float(p)

    def row(self, scene: str) -> np.ndarray:
        base = np.zeros(len(EMOTIONS))
        if scene in self.shipped:
            base[EMOTIONS.index(self.shipped[scene])] = 1.0
        else:
            base[:] = 1.0 / len(EMOTIONS)
        c = self.counts.get(scene)
        if c is None or c.sum() <= 0:
            return base
        return (self.prior * base + c) / (self.prior + c.sum())

    def evidence(self, scene: str) -> float:
        c = self.counts.get(scene)
        return float(c.sum()) if c is not None else 0.0

    def distribution(self, scene_probabilities: dict[str, float]) -> np.ndarray:
        out = np.zeros(len(EMOTIONS))
        total = sum(scene_probabilities.values()) or 1.0
        for s, p in scene_probabilities.items():
            out += (p / total) * self.row(s)
        return out

    def covers(self, scene_probabilities: dict[str, float], min_mass: float = 0.5, min_count: float = 0.5) -> bool:
        """Does the user's own evidence speak for this scene mix (else the shipped decision stands)?"""
        total = sum(scene_probabilities.values()) or 1.0
        mass = sum(p for s, p in scene_probabilities.items() if self.evidence(s) >= min_count) / total
        return mass >= min_mass

    def changed_rows(self) -> dict[str, str]:
        """Scenes whose most likely emotion now differs from the shipped table."""
        out = {}
        for s in self.counts:
            top = EMOTIONS[int(np.argmax(self.row(s)))]
            if self.shipped.get(s) != top:
                out[s] = top
        return out
