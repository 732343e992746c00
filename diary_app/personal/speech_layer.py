"""The personal speech layer as one function pair: ``train_speech_layer`` and ``speech_probabilities``.

Both the app (``layer.PersonalLayer``) and the benchmark (``benchmarks/bench_personal.py``) call
these, so the numbers in the README are the numbers of the code the app runs.

What it does, from one user's stored speech windows and their corrections:

1. **Adaptation** (unsupervised): the user's running mean, shrunk towards the global head's
   training mean with ``prior_n`` recordings' worth of prior (``adaptation.Adapter``). 120 on the
   shipped MLP heads (60 was best on the first benchmark's linear heads): the mean of a small diary
   is mostly its mix of moods, not its voice, and removing it cost small EmoDB users most.
2. **Residual heads** on the global log-probabilities (``speech_head``), taken at temperature 1
   (``base_temperature``: the calibrated ones of the shipped head are so flat that a few corrections
   overturned right tags), each with one round of self-training on the uncorrected recordings it is
   sure of (``self_train``): one on the full standardised features (centred on the user), one in the
   user's own principal subspace (the top ``subspace`` directions of all their recordings, partially
   whitened: ``U * S**0.5``), and, when the global head is an MLP, one on its hidden units (the
   representation it learnt for emotion). The subspace is where one voice varies, so 5 corrections
   per emotion go further there; the full-space head keeps what the subspace misses. Their geometric
   mean is the personal prediction.
3. **A safety gate** (cross-fitting on the corrections): the heads are refitted ``gate_folds``
   times without one fold of the corrected recordings and predict that fold; the blend weight
   ``alpha`` of the personal prediction against the (adapted) global one is the one that agrees
   best with the user on corrections the heads did not see, with a preference for the personal
   side (``gate_preference`` per unit of alpha) so that noise does not switch it off. Only held-out
   corrections of an emotion that the rest still contains are counted (a head cannot know an
   emotion it never saw; that says nothing about the next recording of a corrected emotion); with
   none such (one correction per emotion) all count, with ``gate_preference_unseen``. When the
   global model agrees with the user better than the personal one does, the layer falls back.
   Held-out corrections are weighted by how common their emotion is among the uncorrected
   recordings (``gate_prevalence``): the gate scores the blend on the diary still to come.
   Optionally (``gate_adaptation``, off: it cost 0.4 points at k = 2 and 5 on the benchmark and
   did not help the worst user) the adaptation is dropped too when the global model *without* it
   agrees with the corrections better than every blend (``adapt = False``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from diary_app.emotions import EMOTIONS
from diary_app.personal.adaptation import Adapter, RunningStats
from diary_app.personal.speech_head import HeadConfig, PersonalSpeechHead, fit_personal_head

ALPHAS = (0.0, 0.25, 0.5, 0.75, 1.0)


@dataclass
class SpeechLayerConfig:
    prior_n: float = 120.0  # recordings' worth of weight on the global mean (adaptation)
    variance: bool = False  # also match the spread (off: -0.4 to -0.7 points in bench_personal)
    head: HeadConfig = field(default_factory=lambda: HeadConfig(l2=0.003, l2_bias=0.003))
    self_train: float = 0.9  # confidence above which uncorrected recordings join training (0: off)
    subspace: int = 32  # principal directions of the user's recordings for the second head (0: off)
    subspace_power: float = 0.5  # 1: plain projection, 0: whitened
    max_unlabelled: int = 400  # the newest uncorrected windows: the subspace and self-training use them
    gate_folds: int = 5  # cross-fitting folds for the safety gate (0: off, alpha = 1)
    gate_preference: float = 0.2  # accuracy a unit of alpha is worth (ties go to the personal side)
    gate_preference_unseen: float = 0.2
    #: a third residual head on the global MLP's hidden units (the representation the global head learnt
    #: for emotion: corrections go further there; +0.9 points at k = 5). Linear global heads have no hidden
    #: units: two heads then.
    hidden_head: bool = True
    #: the temperature of the global probabilities the layer works on: 1.0 = the head's raw log-probabilities
    #: (None: the card's calibrated one). WHY: the residual heads add to the global log-probabilities; on the
    #: shipped model (temperature 2.4) the calibrated ones are so flat that a few corrections overturn right
    #: tags: k = 2 +5.7 -> +8.5 points, k = 5 +12.4 -> +13.8 with 1.0 (bench_personal). What the layer
    #: returns is put back at the card's temperature (same ranking), so shown confidences stay calibrated.
    base_temperature: float | None = 1.0
    adapt_check: str = ""  # "": always adapt; "nll"/"accuracy": keep the mean shift only when the corrections agree with it at least as well
    gate_adaptation: bool = False  # also drop the adaptation when the unadapted model agrees better (-0.4 points at k = 2 and 5)
    #: weight each held-out correction by how common its emotion is among the uncorrected recordings (the
    #: adapted global model's mean probabilities) over its share of the corrections. WHY: corrections are not
    #: a sample of the diary (the benchmark's user corrects k of *each* emotion; a real user corrects the
    #: wrong tags), and the gate should score the blend on the recordings still to come: the worst user at
    #: k = 5 -6.2 -> -5.0 points, the means unchanged within 0.1 (bench_personal, session 9).
    gate_prevalence: bool = True


@dataclass
class PersonalSpeechModel:
    """What training leaves: applied to standardised adapted features ``z`` and global ``p``."""

    centre: np.ndarray  # (D,) the user's mean in z-space
    basis: np.ndarray | None  # (D, m): z - centre -> the subspace coordinates (None: no subspace head)
    heads: list[PersonalSpeechHead]  # [full-space head, subspace head, hidden-unit head], as present
    alpha: float  # the gate's blend weight of the personal prediction
    n: int  # corrected recordings
    adapt: bool = True  # False: the corrections say the unadapted global model is best
    gate: dict = field(default_factory=dict)  # what the gate measured (shown in the evidence)
    #: the user's centre/scale of the global MLP's hidden units (+ the layer itself, "w0"/"b0", bound from the head)
    hidden: dict[str, np.ndarray] | None = None

    @property
    def blend(self) -> float:
        return float(self.alpha * self.heads[0].blend) if self.heads else 0.0

    def _inputs(self, z: np.ndarray) -> list[np.ndarray]:
        zc = np.atleast_2d(z) - self.centre
        out = [zc]
        if self.basis is not None:
            out.append(zc @ self.basis)
        if self.hidden is not None:
            out.append(_hidden_units(np.atleast_2d(z), self.hidden))
        return out

    def personal(self, z: np.ndarray, p_global: np.ndarray) -> np.ndarray:
        """The heads' geometric mean, before the gate."""
        logs = [np.log(np.clip(h.probabilities(u, p_global), 1e-9, 1.0)) for h, u in zip(self.heads, self._inputs(z))]
        lg = np.mean(logs, axis=0)
        q = np.exp(lg - lg.max(1, keepdims=True))
        return q / q.sum(1, keepdims=True)

    def probabilities(self, z: np.ndarray, p_global: np.ndarray) -> np.ndarray:
        p_global = np.atleast_2d(p_global)
        if self.alpha <= 0 or not self.heads:
            return p_global
        return (1 - self.alpha) * p_global + self.alpha * self.personal(z, p_global)


@dataclass
class Recording:
    """One stored speech entry: its window vectors and weights, and the user's emotion (or None)."""

    values: np.ndarray  # (n, D)
    weights: np.ndarray  # (n,), any scale: normalised to one unit per recording
    label: int | None = None


def user_stats(recordings: list[Recording]) -> RunningStats:
    """The running mean/variance of every window, one unit of weight per recording."""
    st = RunningStats.empty(recordings[0].values.shape[1])
    for r in recordings:
        st.update(r.values, _unit(r.weights, len(r.values)))
    return st


def _unit(w: np.ndarray | None, n: int) -> np.ndarray:
    w = np.ones(n) if w is None or len(w) != n else np.asarray(w, dtype=np.float64)
    s = w.sum()
    return w / s if s > 0 else np.ones(n) / n


def adapter_for(stats: RunningStats, head, config: SpeechLayerConfig) -> Adapter:
    return Adapter(stats, head.mean, head.scale, config.prior_n, config.variance)


def _no_adaptation(head) -> Adapter:
    """An adapter that leaves features as they are (no statistics: weight 0)."""
    return Adapter(RunningStats.empty(len(head.mean)), head.mean, head.scale)


def _global(head, x: np.ndarray, config: SpeechLayerConfig) -> np.ndarray:
    """The global head's probabilities at the layer's working temperature (``base_temperature``)."""
    return head.emotion_probabilities(x, config.base_temperature)


def _shown(p: np.ndarray, head, config: SpeechLayerConfig) -> np.ndarray:
    """Probabilities at the working temperature -> at the card's (the same ranking, calibrated confidences)."""
    card_t = float(head.temperature or 1.0)
    base_t = float(config.base_temperature if config.base_temperature is not None else card_t)
    if abs(card_t - base_t) < 1e-9:
        return p
    lg = np.log(np.clip(p, 1e-12, 1.0)) * (base_t / card_t)
    q = np.exp(lg - lg.max(1, keepdims=True))
    return q / q.sum(1, keepdims=True)


def standardised(head, adapter: Adapter, x: np.ndarray, config: SpeechLayerConfig) -> tuple[np.ndarray, np.ndarray]:
    """Adapted features -> (z, global probabilities on them)."""
    xa = adapter(x)
    return (xa - head.mean) / head.scale, _global(head, xa, config)


def _hidden_units(z: np.ndarray, h: dict[str, np.ndarray]) -> np.ndarray:
    """The global MLP's hidden units on standardised ``z``, centred and scaled for the user."""
    return (np.maximum(z @ h["w0"] + h["b0"], 0.0) - h["centre"]) * h["scale"]


def _hidden_layer(arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray] | None:
    """The first layer(s) of the global head (an MLP, or a blend of MLPs side by side), or None (linear)."""
    if "w0" in arrays:
        return {"w0": np.asarray(arrays["w0"], np.float64), "b0": np.asarray(arrays["b0"], np.float64)}
    ws = [(arrays[f"m{k}:w0"], arrays[f"m{k}:b0"], arrays[f"m{k}:mean"], arrays[f"m{k}:scale"]) for k in range(8) if f"m{k}:w0" in arrays]
    if not ws:
        return None
    # members may standardise differently: fold each member's standardiser into its first layer, relative to the top one
    m0, s0 = np.asarray(arrays["mean"], np.float64), np.asarray(arrays["scale"], np.float64)
    w0s, b0s = [], []
    for w, b, m, sc in ws:
        w_eff = (s0 / sc)[:, None] * w  # z0 * s0 + m0 = x; (x - m) / sc = z0 * s0/sc + (m0 - m)/sc
        w0s.append(w_eff)
        b0s.append(b + ((m0 - m) / sc) @ w)
    return {"w0": np.concatenate(w0s, 1), "b0": np.concatenate(b0s)}


def _bind_hidden(model: PersonalSpeechModel, head) -> bool:
    """Give a (reloaded) model the global head's first layer it reads; False when that head's hidden
    layer does not fit the model any more (the personal prediction is then not used)."""
    if model.hidden is None or "w0" in model.hidden:
        return True
    layer = _hidden_layer(head.arrays)
    if layer is None or layer["w0"].shape[1] != np.asarray(model.hidden["centre"]).shape[0]:
        return False
    model.hidden.update(layer)
    return True


def _subspace(zc: np.ndarray, gram: np.ndarray, m: int, power: float) -> np.ndarray | None:
    """(D, m) map from centred z onto the user's top-m principal directions (from ``gram`` =
    ``zc @ zc.T``), scaled so that the coordinates' mean squared norm is D (the head divides by the
    square root of its input width, so the subspace head sees m coordinates of the size of the D
    standardised ones)."""
    n = len(zc)
    m = min(m, n - 1)
    if m < 2:
        return None
    evals, evecs = np.linalg.eigh(gram)
    order = np.argsort(evals)[::-1][:m]
    s = np.sqrt(np.maximum(evals[order], 1e-12))
    basis = (zc.T @ (evecs[:, order] / s)) * s ** (power - 1.0)  # zc @ basis == U * S**power
    coords = zc @ basis
    norm = np.sqrt((coords ** 2).sum(1).mean())
    return basis * (np.sqrt(zc.shape[1]) / norm if norm > 0 else 1.0)


def _fit_one(u: np.ndarray, gram: np.ndarray, p: np.ndarray, rows: np.ndarray, y: np.ndarray, w: np.ndarray,
             unl: np.ndarray, n_entries: int, config: SpeechLayerConfig) -> PersonalSpeechHead:
    """One residual head with one round of self-training: the head trained on the corrections labels
    the uncorrected rows; those it is sure of (``self_train``) join the training rows at weight 0.5
    (a diary holds many more recordings than corrections, all of the same voice). Rows are indices
    into one precomputed Gram matrix: the gate refits on subsets of the same rows many times."""
    head = fit_personal_head(u[rows], y, p[rows], w, config.head, n_entries=n_entries, gram=gram[np.ix_(rows, rows)])
    if not config.self_train or len(unl) == 0:
        return head
    unl = unl[: config.max_unlabelled]
    q = head.probabilities(u[unl], p[unl])
    sure = (q.max(1) >= config.self_train) & head.seen[q.argmax(1)]
    if not sure.any():
        return head
    rows2 = np.concatenate([rows, unl[sure]])
    w2 = np.concatenate([w / w.mean(), np.full(int(sure.sum()), 0.5)])
    return fit_personal_head(u[rows2], np.concatenate([y, q[sure].argmax(1)]), p[rows2], w2, config.head,
                             n_entries=n_entries, gram=gram[np.ix_(rows2, rows2)])


def _fit_heads(inputs: list[np.ndarray], grams: list[np.ndarray], p: np.ndarray, rows: np.ndarray, y: np.ndarray,
               w: np.ndarray, unl: np.ndarray, n_entries: int, config: SpeechLayerConfig) -> list[PersonalSpeechHead]:
    return [_fit_one(u, g, p, rows, y, w, unl, n_entries, config) for u, g in zip(inputs, grams)]


def _combine(heads: list[PersonalSpeechHead], inputs: list[np.ndarray], p: np.ndarray, rows: np.ndarray) -> np.ndarray:
    logs = [np.log(np.clip(h.probabilities(u[rows], p[rows]), 1e-9, 1.0)) for h, u in zip(heads, inputs)]
    lg = np.mean(logs, axis=0)
    q = np.exp(lg - lg.max(1, keepdims=True))
    return q / q.sum(1, keepdims=True)


def _per_entry(probs: np.ndarray, entry: np.ndarray, w: np.ndarray, entries: np.ndarray) -> np.ndarray:
    out = np.zeros((len(entries), probs.shape[1]))
    for i, e in enumerate(entries):
        k = entry == e
        out[i] = (probs[k] * w[k, None]).sum(0) / max(float(w[k].sum()), 1e-12)
    return out


def train_speech_layer(head, recordings: list[Recording], config: SpeechLayerConfig | None = None,
                       stats: RunningStats | None = None) -> tuple[RunningStats, PersonalSpeechModel | None]:
    """Adaptation statistics and (with at least one labelled recording) the gated personal model.

    ``recordings`` newest first is best (the subspace and self-training use the newest windows).
    BLAS runs on one thread here: some hundred small solves, where threads only contend (on a busy
    2-core machine a multi-threaded BLAS made the same training 15 times slower)."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="blas"):
        return _train(head, recordings, config, stats)


def _train(head, recordings: list[Recording], config: SpeechLayerConfig | None,
           stats: RunningStats | None) -> tuple[RunningStats, PersonalSpeechModel | None]:
    cfg = config or SpeechLayerConfig()
    stats = stats if stats is not None else user_stats(recordings)
    labelled = [i for i, r in enumerate(recordings) if r.label is not None]
    if not labelled:
        return stats, None
    adapter = adapter_for(stats, head, cfg)
    adapt = True
    if cfg.adapt_check:
        adapt = _adaptation_agrees(head, adapter, [recordings[i] for i in labelled], cfg.adapt_check, cfg)
        if not adapt:
            adapter = _no_adaptation(head)
    # the rows: every corrected window, then the newest uncorrected ones (for the subspace and self-training)
    xs, entry, ws, ys = [], [], [], []
    n_unl = 0
    for i, r in enumerate(recordings):
        if r.label is None and n_unl >= cfg.max_unlabelled:
            continue
        xs.append(np.atleast_2d(r.values))
        entry += [i] * len(r.values)
        ws.append(_unit(r.weights, len(r.values)))
        ys += [-1 if r.label is None else int(r.label)] * len(r.values)
        if r.label is None:
            n_unl += len(r.values)
    x = np.concatenate(xs).astype(np.float64)
    entry_a, w_a, y_a = np.array(entry), np.concatenate(ws), np.array(ys)
    z, p = standardised(head, adapter, x, cfg)
    centre = (adapter(stats.mean[None, :])[0] - head.mean) / head.scale
    zc = z - centre
    gram = zc @ zc.T  # once: every fit below (and the subspace) works on subsets of these rows
    basis = _subspace(zc, gram, cfg.subspace, cfg.subspace_power) if cfg.subspace else None
    inputs, grams = [zc], [gram]
    if basis is not None:
        inputs.append(zc @ basis)
        grams.append(inputs[-1] @ inputs[-1].T)
    hidden = _hidden_layer(head.arrays) if cfg.hidden_head else None
    if hidden is not None:
        hu = np.maximum(z @ hidden["w0"] + hidden["b0"], 0.0)
        hidden["centre"] = hu.mean(0)
        hc = hu - hidden["centre"]
        norm = np.sqrt((hc ** 2).sum(1).mean())
        hidden["scale"] = np.array(np.sqrt(zc.shape[1]) / norm if norm > 0 else 1.0)
        inputs.append(hc * hidden["scale"])
        grams.append(inputs[-1] @ inputs[-1].T)
    rows_all = np.where(y_a >= 0)[0]
    unl_all = np.where(y_a < 0)[0]
    heads = _fit_heads(inputs, grams, p, rows_all, y_a[rows_all], w_a[rows_all], unl_all, len(labelled), cfg)
    model = PersonalSpeechModel(centre=centre, basis=basis, heads=heads, alpha=1.0, n=len(labelled), hidden=hidden,
                                adapt=adapt)
    if cfg.gate_folds and len(labelled) >= 2:
        p_raw = _global(head, x, cfg)
        model.alpha, gate_adapt, model.gate = _gate(inputs, grams, p, p_raw, entry_a, w_a, y_a, unl_all, labelled,
                                                     recordings, cfg)
        model.adapt = model.adapt and gate_adapt
        model.gate["adapt"] = model.adapt
    return stats, model


def _adaptation_agrees(head, adapter: Adapter, corrected: list[Recording], metric: str, cfg: SpeechLayerConfig) -> bool:
    """Whether the adapted global model agrees with the user's corrections at least as well as the
    unadapted one (no fit involved, so every correction counts)."""
    y = np.array([r.label for r in corrected])
    per = [np.stack([(_unit(r.weights, len(r.values))[:, None] * f(np.atleast_2d(r.values).astype(np.float64))).sum(0)
                     for r in corrected]) for f in (lambda v: _global(head, adapter(v), cfg), lambda v: _global(head, v, cfg))]
    return _agreement(per[0], y, metric) >= _agreement(per[1], y, metric)


def _gate(inputs, grams, p, p_raw, entry_a, w_a, y_a, unl_all, labelled, recordings, cfg: SpeechLayerConfig) -> tuple[float, bool, dict]:
    """Cross-fitting over the corrected recordings: the alpha that agrees best with the user on
    corrections the heads were not trained on (see the module docstring)."""
    lab = np.array(labelled)
    y_lab = np.array([recordings[i].label for i in labelled])
    nf = min(cfg.gate_folds, len(lab))
    fold = np.random.default_rng(len(lab)).permutation(len(lab)) % nf
    oof = np.zeros((len(lab), len(EMOTIONS)))
    glob = np.zeros_like(oof)
    raw = _per_entry(p_raw, entry_a, w_a, lab)  # the unadapted global model: no fit, nothing to hold out
    eligible = np.zeros(len(lab), bool)
    for f in range(nf):
        out, keep = lab[fold == f], lab[fold != f]
        rows_out = np.where(np.isin(entry_a, out))[0]
        rows_in = np.where(np.isin(entry_a, keep))[0]
        # the held-out corrected recordings are unlabelled for this fit, as the next recording will be
        unl = np.concatenate([rows_out, unl_all])
        heads = _fit_heads(inputs, grams, p, rows_in, y_a[rows_in], w_a[rows_in], unl, len(keep), cfg)
        q = _combine(heads, inputs, p, rows_out)
        oof[fold == f] = _per_entry(q, entry_a[rows_out], w_a[rows_out], out)
        glob[fold == f] = _per_entry(p[rows_out], entry_a[rows_out], w_a[rows_out], out)
        eligible[fold == f] = np.isin(y_lab[fold == f], y_lab[fold != f])
    if eligible.any():
        use, pref = eligible, cfg.gate_preference
    else:
        use, pref = np.ones(len(lab), bool), cfg.gate_preference_unseen
    weights = _prevalence_weights(p, unl_all, y_lab) if cfg.gate_prevalence else np.ones(len(lab))
    scores = {a: _agreement((1 - a) * glob[use] + a * oof[use], y_lab[use], weights=weights[use]) for a in ALPHAS}
    alpha = max(ALPHAS, key=lambda a: (scores[a] + pref * a, a))
    raw_score = _agreement(raw[use], y_lab[use])
    adapt = raw_score <= scores[alpha] or not cfg.gate_adaptation
    if not adapt:
        alpha = 0.0
    return alpha, adapt, {"alpha": alpha, "adapt": adapt, "unadapted_agreement": round(raw_score, 3), "held_out": int(use.sum()), "global_agreement": round(scores[0.0], 3),
                   "personal_agreement": round(scores[1.0], 3)}


def _prevalence_weights(p: np.ndarray, unl: np.ndarray, y_lab: np.ndarray) -> np.ndarray:
    """Per correction: (how common its emotion is among the uncorrected windows, by the adapted global
    model) / (its share of the corrections), mean 1. Uniform without uncorrected windows."""
    if len(unl) == 0:
        return np.ones(len(y_lab))
    prev = p[unl].mean(0)
    share = np.bincount(y_lab, minlength=p.shape[1]) / len(y_lab)
    w = prev[y_lab] / np.maximum(share[y_lab], 1e-12)
    return w / w.mean() if w.sum() > 0 else np.ones(len(y_lab))


def _agreement(q: np.ndarray, y: np.ndarray, metric: str = "accuracy", weights: np.ndarray | None = None) -> float:
    """How well probabilities ``q`` agree with the user's labels ``y`` (higher is better): the share of
    top emotions that match (weighted), or with ``"nll"`` the mean log-probability of the user's emotion."""
    if metric == "nll":
        return float(np.mean(np.log(np.clip(q[np.arange(len(y)), y], 1e-6, 1.0))))
    hit = (q.argmax(1) == y).astype(np.float64)
    return float(np.average(hit, weights=weights)) if weights is not None and weights.sum() > 0 else float(hit.mean())


def speech_probabilities(head, stats: RunningStats | None, model: PersonalSpeechModel | None, x: np.ndarray,
                         config: SpeechLayerConfig | None = None) -> tuple[np.ndarray, np.ndarray, Adapter | None]:
    """Per-window probabilities of the personal layer for features ``x``: (personal, adapted global, adapter)."""
    cfg = config or SpeechLayerConfig()
    x = np.atleast_2d(np.asarray(x, dtype=np.float64))
    if stats is None:
        p = head.emotion_probabilities(x)
        return p, p, None
    adapter = adapter_for(stats, head, cfg) if model is None or model.adapt else None
    z, p = standardised(head, adapter or _no_adaptation(head), x, cfg)
    q = p if model is None or not _bind_hidden(model, head) else model.probabilities(z, p)
    return _shown(q, head, cfg), _shown(p, head, cfg), adapter
