"""A few-shot personal speech head: a residual on the global model, learnt from corrections.

Why a residual and not a new classifier: with 1-10 corrected recordings per emotion and 3,840
feature dimensions, a classifier trained from scratch forgets everything the global model knows
(and every emotion the user has not corrected yet). Here the personal logits are the global
log-probabilities plus ``z @ V + b`` (``z``: the standardised, adapted features), fitted by
L2-regularised softmax regression on the corrected entries only: the prior is "the global model
is right", and each correction moves it only as far as the evidence carries. Emotions the user
never corrected keep a residual of exactly zero. The result is then blended with the global
probabilities by how much evidence there is (``n / (n + half_n)`` corrections).

Training is a small L-BFGS problem in the span of the corrected windows: tens of milliseconds, so
it (and the safety gate's refits in ``speech_layer``) reruns after every correction.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from diary_app.emotions import EMOTIONS


@dataclass
class HeadConfig:
    l2: float = 0.001  # on the residual weights (rows scaled to unit norm): larger = closer to the global model
    l2_bias: float = 0.003
    half_n: float = 1.0  # corrections at which the personal head gets half the weight
    max_iter: int = 200


@dataclass
class PersonalSpeechHead:
    V: np.ndarray  # (D, C)
    b: np.ndarray  # (C,)
    seen: np.ndarray  # (C,) bool: emotions with at least one correction
    n: float  # corrected entries it was trained on
    config: HeadConfig

    @property
    def blend(self) -> float:
        return float(self.n / (self.n + self.config.half_n)) if self.n > 0 else 0.0

    def probabilities(self, z: np.ndarray, p_global: np.ndarray) -> np.ndarray:
        """(N, D) standardised adapted features, (N, C) global probabilities -> blended (N, C)."""
        logits = np.log(np.clip(p_global, 1e-8, 1.0)) + (np.atleast_2d(z) @ self.V + self.b) * self.seen
        q = np.exp(logits - logits.max(1, keepdims=True))
        q /= q.sum(1, keepdims=True)
        w = self.blend
        return (1 - w) * p_global + w * q


def fit_personal_head(z: np.ndarray, y: np.ndarray, p_global: np.ndarray, sample_weight: np.ndarray | None = None,
                      config: HeadConfig | None = None, n_entries: float | None = None,
                      gram: np.ndarray | None = None) -> PersonalSpeechHead:
    """``z`` (N, D) standardised adapted features of corrected windows, ``y`` (N,) emotion indices,
    ``p_global`` (N, C) the global probabilities on the same rows. ``gram``: ``z @ z.T`` when the
    caller has it already (the safety gate refits on subsets of the same rows many times)."""
    from scipy.optimize import minimize

    cfg = config or HeadConfig()
    z = np.atleast_2d(np.asarray(z, dtype=np.float64))
    n, d = z.shape
    c = len(EMOTIONS)
    y = np.asarray(y, dtype=int)
    w = np.ones(n) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
    w = w / w.sum() * n if w.sum() > 0 else np.ones(n)
    seen = np.bincount(y, minlength=c) > 0
    base = np.log(np.clip(p_global, 1e-8, 1.0))
    onehot = np.eye(c)[y]
    # scale rows to unit-ish norm, then solve in the span of the training rows (thin SVD): with an
    # L2 penalty the optimum lies there, so N x C numbers replace D x C, and the problem is well
    # conditioned for L-BFGS
    zs = z / np.sqrt(d)
    if d <= n:  # narrow inputs (the subspace head): solve directly, the optimum is the same
        zr, to_z = zs, None
    else:
        evals, evecs = np.linalg.eigh(gram / d if gram is not None else zs @ zs.T)  # the Gram matrix: N x N, cheap for any D
        keep = evals > 1e-10 * max(float(evals.max()), 1e-30)
        sv = np.sqrt(evals[keep])
        zr = evecs[:, keep] * sv  # (N, r): the rows in an orthonormal basis of their span
        to_z = evecs[:, keep] / sv
    r = zr.shape[1]

    def loss(theta):
        B = theta[: r * c].reshape(r, c)
        b = theta[r * c:]
        logits = base + (zr @ B + b) * seen
        m = logits.max(1, keepdims=True)
        lse = m[:, 0] + np.log(np.exp(logits - m).sum(1))
        nll = float(np.sum(w * (lse - logits[np.arange(n), y])))
        q = np.exp(logits - lse[:, None])
        g = (q - onehot) * w[:, None] * seen
        gB = zr.T @ g + cfg.l2 * B
        gb = g.sum(0) + cfg.l2_bias * b
        return nll + 0.5 * cfg.l2 * float(np.sum(B * B)) + 0.5 * cfg.l2_bias * float(b @ b), np.concatenate([gB.ravel(), gb])

    res = minimize(loss, np.zeros(r * c + c), jac=True, method="L-BFGS-B", options={"maxiter": cfg.max_iter})
    # back to z-space: the basis is zs.T @ (evecs / sv), so z @ V == zr @ B (never formed as r x D: that is the costly product)
    B = res.x[: r * c].reshape(r, c)
    V = (B if to_z is None else zs.T @ (to_z @ B)) / np.sqrt(d)
    b = res.x[r * c:]
    return PersonalSpeechHead(V=V, b=b, seen=seen, n=float(n if n_entries is None else n_entries), config=cfg)
