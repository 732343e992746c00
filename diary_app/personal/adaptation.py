"""Unsupervised adaptation to one voice: a running mean/variance of the user's feature vectors.

Why: a global head trained on other speakers sees a new voice shifted in feature space (pitch,
timbre, microphone, room); the issue's probe gained ~3 points from removing the per-speaker mean
alone. We map the user's distribution onto the global training distribution the head was fitted
on (its standardiser ``mean``/``scale``): ``x' = (x - mu_user) / sd_user * scale + mean``, with
the user's statistics shrunk towards the global ones while there are few recordings, so that a
diary of three entries is not normalised by noise. Works for any feature head (no retraining).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class RunningStats:
    """Welford's running mean and variance per dimension, mergeable, in float64."""

    n: float
    mean: np.ndarray
    m2: np.ndarray

    @classmethod
    def empty(cls, dim: int) -> RunningStats:
        return cls(0.0, np.zeros(dim), np.zeros(dim))

    def update(self, x: np.ndarray, weights: np.ndarray | None = None) -> None:
        x = np.atleast_2d(np.asarray(x, dtype=np.float64))
        w = np.ones(len(x)) if weights is None else np.asarray(weights, dtype=np.float64)
        for row, wi in zip(x, w):
            if wi <= 0:
                continue
            self.n += wi
            delta = row - self.mean
            self.mean += delta * (wi / self.n)
            self.m2 += wi * delta * (row - self.mean)

    @property
    def var(self) -> np.ndarray:
        return self.m2 / self.n if self.n > 0 else np.zeros_like(self.m2)


@dataclass
class Adapter:
    """Maps the user's features onto the global head's training distribution."""

    stats: RunningStats
    global_mean: np.ndarray
    global_scale: np.ndarray
    prior_n: float = 30.0  # recordings' worth of weight on the global statistics
    variance: bool = False  # also match the spread (mean only is the robust default: see bench_personal)

    @property
    def weight(self) -> float:
        return float(self.stats.n / (self.stats.n + self.prior_n)) if self.stats.n > 0 else 0.0

    def __call__(self, x: np.ndarray) -> np.ndarray:
        x = np.atleast_2d(np.asarray(x, dtype=np.float64))
        a = self.weight
        if a <= 0:
            return x
        mu = a * self.stats.mean + (1 - a) * self.global_mean
        if not self.variance:
            return x - mu + self.global_mean
        var = a * self.stats.var + (1 - a) * self.global_scale ** 2
        sd = np.sqrt(np.maximum(var, 1e-12))
        return (x - mu) / sd * self.global_scale + self.global_mean
