"""The personal layer: trained from one diary's stored features and corrections, applied to each
new analysis, saved next to the diary (``<diary>/personal/``), never synced.

Training (``train``, on a worker thread, about a second for 60 corrections among hundreds of entries):

1. the running mean/variance of every stored speech window of the current front end (adaptation);
2. the gated personal speech model (``speech_layer.train_speech_layer``, the same code the
   benchmark runs): few-shot residual heads on the corrected speech entries (full feature space,
   the user's own principal subspace and, for an MLP head, its hidden units), each with a round of self-training on the uncorrected
   ones it is sure of, blended with the global model by a safety gate that cross-fits on the
   corrections and falls back towards the global model when that agrees with the user better;
3. the soft counts of the corrected environment entries (``scene_table``).

Applying (``apply``) re-scores a fresh ``AnalysisResult`` from its features: speech windows are
adapted, put through the global head again (``global_head``; only feature kinds have one), then
the gated personal model (``speech_layer.speech_probabilities``); the windows are aggregated exactly as the pipeline does (weighted by voiced
seconds). Environment entries go through the user's table. The result records in
``evidence["personal"]`` what the global model said and why the tag moved.

Model kinds without features (HF, CNN speech models) keep their global speech tag; the scene
table still works for them, because every scene model gives scene probabilities.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from diary_app.emotions import EMOTION_ICONS, EMOTIONS
from diary_app.fsutil import atomic_write, atomic_write_text
from diary_app.personal.adaptation import RunningStats
from diary_app.personal.global_head import GlobalHead, load_global_head
from diary_app.personal.scene_table import PersonalSceneTable
from diary_app.personal.speech_head import HeadConfig, PersonalSpeechHead
from diary_app.personal.speech_layer import (
    PersonalSpeechModel,
    Recording,
    SpeechLayerConfig,
    speech_probabilities,
    train_speech_layer,
    user_stats,
)
from diary_app.store.personal import PERSONAL_FOLDER, Correction

log = logging.getLogger(__name__)

STATE_JSON = "state.json"
STATE_NPZ = "state.npz"
STATE_VERSION = 2  # 2: the gated two-head speech model (speech_layer.py)


@dataclass
class TrainReport:
    version: int
    speech_corrections: int
    scene_corrections: int
    recordings: int  # speech entries in the adaptation statistics
    frontend: str
    seconds: float
    skipped: list[str] = field(default_factory=list)  # why a part could not train
    reset_at: datetime | None = None  # the user's last Reset: corrections before it were left out


@dataclass
class PersonalState:
    version: int = 0
    trained_at: str = ""
    frontend: str = ""
    model_path: str = ""
    speech_corrections: int = 0
    scene_corrections: int = 0
    recordings: int = 0
    stats: RunningStats | None = None
    head: PersonalSpeechModel | None = None
    scene_counts: dict[str, np.ndarray] = field(default_factory=dict)
    trained_on: list[str] = field(default_factory=list)  # entry ids of the corrections it learnt from


def _aggregate(probs: np.ndarray, weights: list[float] | None) -> np.ndarray:
    w = np.asarray(weights if weights and len(weights) == len(probs) else [1.0] * len(probs), dtype=np.float64)
    if w.sum() <= 0:
        w = np.ones(len(probs))
    agg = (probs * w[:, None]).sum(0)
    return agg / (agg.sum() or 1.0)


def change_sentence(before: str, after: str, speech_n: int, scene: bool, adapted_only: bool) -> str:
    """The line the evidence view shows when the personal layer moved the tag."""
    if before == after:
        return ""
    if adapted_only:
        return f"adapting to your voice moved this from {before} to {after}"
    n = speech_n
    what = "your corrections of recordings in this place" if scene else f"your {n} correction{'s' if n != 1 else ''}"
    return f"{what} moved this from {before} to {after}"


class PersonalLayer:
    """One per diary (``layer_for``). Thread-safe: ``train`` builds a new state and swaps it in."""

    def __init__(self, folder: str | Path, config: SpeechLayerConfig | None = None, scene_prior: float = 1.0) -> None:
        self.folder = Path(folder)
        self.config = config or SpeechLayerConfig()  # the speech layer's settings (speech_layer.py)
        self.scene_prior = scene_prior
        self._lock = threading.Lock()
        self._train_lock = threading.Lock()
        self.state = self._load()
        self._model_path = self.state.model_path  # the speech model of the latest analysis

    # -- persistence ---------------------------------------------------------------------------------
    def _load(self) -> PersonalState:
        j, z = self.folder / STATE_JSON, self.folder / STATE_NPZ
        if not j.is_file():
            return PersonalState()
        try:
            meta = json.loads(j.read_text(encoding="utf-8"))
            if meta.get("format") != STATE_VERSION:
                return PersonalState()
            arrays = dict(np.load(z)) if z.is_file() else {}
        except (OSError, ValueError, json.JSONDecodeError) as exc:  # a damaged state is retrained, never fatal
            log.warning("personal layer state unreadable (%s); it will be retrained", exc)
            return PersonalState()
        st = PersonalState(**{k: meta[k] for k in ("version", "trained_at", "frontend", "model_path", "speech_corrections",
                                                     "scene_corrections", "recordings", "trained_on") if k in meta})
        if "stats_mean" in arrays:
            st.stats = RunningStats(float(arrays["stats_n"]), arrays["stats_mean"], arrays["stats_m2"])
        if "model_centre" in arrays:
            cfg = HeadConfig(**meta.get("head_config", {}))
            heads = [PersonalSpeechHead(V=arrays[f"head{i}_V"], b=arrays[f"head{i}_b"], seen=arrays[f"head{i}_seen"].astype(bool),
                                        n=float(arrays[f"head{i}_n"]), config=cfg) for i in range(int(arrays["model_heads"]))]
            st.head = PersonalSpeechModel(centre=arrays["model_centre"], basis=arrays.get("model_basis"), heads=heads,
                                          alpha=float(arrays["model_alpha"]), n=int(arrays["model_n"]),
                                          adapt=bool(arrays.get("model_adapt", True)),
                                          gate=meta.get("gate", {}),
                                          hidden=({"centre": arrays["model_hidden_centre"], "scale": arrays["model_hidden_scale"]}
                                                  if "model_hidden_centre" in arrays else None))
        st.scene_counts = {k[len("scene:"):]: v for k, v in arrays.items() if k.startswith("scene:")}
        return st

    def _save(self, st: PersonalState) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        arrays: dict[str, np.ndarray] = {}
        if st.stats is not None:
            arrays.update(stats_n=np.array(st.stats.n), stats_mean=st.stats.mean, stats_m2=st.stats.m2)
        if st.head is not None:
            m = st.head
            arrays.update(model_centre=m.centre, model_alpha=np.array(m.alpha), model_n=np.array(m.n), model_adapt=np.array(m.adapt),
                          model_heads=np.array(len(m.heads)))
            if m.basis is not None:
                arrays["model_basis"] = m.basis.astype(np.float32)
            if m.hidden is not None:  # the user's centre/scale only: the layer itself is the global head's (bound at use)
                arrays.update(model_hidden_centre=m.hidden["centre"], model_hidden_scale=np.asarray(m.hidden["scale"]))
            for i, h in enumerate(m.heads):
                arrays.update({f"head{i}_V": h.V.astype(np.float32), f"head{i}_b": h.b, f"head{i}_seen": h.seen,
                               f"head{i}_n": np.array(h.n)})
        for s, c in st.scene_counts.items():
            arrays[f"scene:{s}"] = c
        atomic_write(self.folder / STATE_NPZ, lambda f: np.savez(f, **arrays))  # type: ignore[arg-type]  # numpy's stub reads **kwds as allow_pickle
        meta = {"format": STATE_VERSION, "version": st.version, "trained_at": st.trained_at, "frontend": st.frontend,
                "model_path": st.model_path, "speech_corrections": st.speech_corrections,
                "scene_corrections": st.scene_corrections, "recordings": st.recordings, "trained_on": st.trained_on,
                "head_config": vars(st.head.heads[0].config) if st.head is not None and st.head.heads else {},
                "gate": st.head.gate if st.head is not None else {}}
        atomic_write_text(self.folder / STATE_JSON, json.dumps(meta, indent=1))

    def reset(self) -> None:
        """Forget everything learnt (Settings -> Personal layer -> Reset). WHY a cut-off and not just
        deleting the state: the corrections stay in the diary (they are the user's tags), so the next
        retrain would learn them all again; from now on only corrections made after the reset count.
        The tags themselves, the features and the voice adaptation (from the recordings, not taught) stay."""
        from diary_app.store.personal import write_reset_time

        with self._lock:
            write_reset_time(self.folder, datetime.now(UTC))  # kept apart from the state, which every retrain rewrites
            for name in (STATE_JSON, STATE_NPZ):
                (self.folder / name).unlink(missing_ok=True)
            self.state = PersonalState(version=self.state.version + 1)

    @property
    def reset_at(self) -> datetime | None:
        """The last Reset (None: never)."""
        from diary_app.store.personal import read_reset_time

        return read_reset_time(self.folder)

    def corrections_to_learn(self, diary, cut: datetime | None) -> list[Correction]:
        """The diary's current corrections made after the Reset ``cut`` (all of them without one)."""
        from diary_app.store.personal import current_corrections

        return [c for c in current_corrections(diary) if cut is None or c.at > cut]

    @property
    def corrections(self) -> int:
        return self.state.speech_corrections + self.state.scene_corrections

    # -- training --------------------------------------------------------------------------------
    def _global_head(self, model_path: str, model_name: str = "") -> GlobalHead | None:
        if model_path:
            head = load_global_head(model_path)
            if head is not None:
                return head
        if model_name:
            from diary_app.analysis.registry import find_model

            try:
                found = find_model(model_name)
            except Exception:  # noqa: BLE001
                found = None
            if found is not None:
                return load_global_head(found.path)
        return None

    def train(self, diary, model_path: str | None = None) -> TrainReport:
        """Retrain from the diary's stored features and current corrections (call off the GUI thread)."""
        from diary_app.store.personal import ROLE_SCENE, ROLE_SPEECH, load_features

        t0 = time.perf_counter()
        with self._train_lock:
            skipped: list[str] = []
            reset_at = self.reset_at
            taught = self.corrections_to_learn(diary, reset_at)
            speech = load_features(diary, ROLE_SPEECH)
            st = PersonalState(version=self.state.version + 1, trained_at=datetime.now(UTC).isoformat())
            if speech:
                latest = max(speech, key=lambda f: f.analyzed_at)
                st.frontend = latest.frontend
                st.model_path = model_path or self._model_path or (self.state.model_path if self.state.frontend == latest.frontend else "")
                mine = [f for f in speech if f.frontend == st.frontend]
                by_id = {f.entry_id: f for f in mine}
                corrections = [c for c in taught if c.entry_id in by_id]
                label = {c.entry_id: EMOTIONS.index(c.emotion) for c in corrections}
                newest = sorted(mine, key=lambda f: f.analyzed_at, reverse=True)
                recs = [Recording(np.asarray(f.values), np.asarray(f.weights if f.weights else [1.0] * len(f.values)),
                                  label.get(f.entry_id)) for f in newest]
                st.stats = user_stats(recs)
                st.recordings = len(mine)
                head = self._global_head(st.model_path, latest.model)
                if head is None:
                    skipped.append("the speech model has no feature head (HF / CNN kinds): speech tags stay global")
                elif corrections:
                    _, st.head = train_speech_layer(head, recs, self.config, stats=st.stats)
                    st.speech_corrections = len(corrections)
                    st.trained_on += [str(c.entry_id) for c in corrections]
            scenes = {f.entry_id: f for f in load_features(diary, ROLE_SCENE)}
            table = PersonalSceneTable(shipped={}, prior=self.scene_prior)
            n_scene = 0
            for c in taught:
                sf = scenes.get(c.entry_id)
                if sf is None or c.branch != "environment" or not sf.labels:
                    continue
                table.add(dict(zip(sf.labels, sf.values.tolist())), c.emotion)
                n_scene += 1
                st.trained_on.append(str(c.entry_id))
            st.scene_counts = table.counts
            st.scene_corrections = n_scene
            self._save(st)
            with self._lock:
                self.state = st
        return TrainReport(version=st.version, speech_corrections=st.speech_corrections, scene_corrections=n_scene,
                           recordings=st.recordings, frontend=st.frontend, seconds=round(time.perf_counter() - t0, 3),
                           skipped=skipped, reset_at=reset_at)

    # -- applying ----------------------------------------------------------------------------------
    def apply(self, result: Any, entry_id: uuid.UUID | str | None = None) -> Any:
        """Re-score ``result`` with the personal layer, in place; returns it. Never raises: a failure
        leaves the global tag and says why in the evidence."""
        with self._lock:
            st = self.state
        before = result.emotion
        info: dict[str, Any] = {"version": st.version, "corrections": st.speech_corrections + st.scene_corrections,
                                "global_emotion": before, "global_confidence": result.confidence,
                                "global_probabilities": dict(result.emotion_probabilities), "changed": False}
        try:
            if result.branch == "speech":
                self._apply_speech(result, st, info)
            elif result.branch == "environment":
                self._apply_scene(result, st, info)
        except Exception as exc:
            log.exception("personal layer failed; keeping the global tag")
            info["error"] = f"{type(exc).__name__}: {exc}"
        info["emotion"] = result.emotion
        info["changed"] = result.emotion != before
        if entry_id is not None and str(entry_id) in set(st.trained_on):
            info["includes_own_correction"] = True  # a re-analysis after a correction: not counted as agreement
        result.evidence["personal"] = info
        if info.get("applied"):
            result.models["personal"] = f"personal layer v{st.version}"
        return result

    def _apply_speech(self, result, st: PersonalState, info: dict) -> None:
        feats = (result.features or {}).get("speech")
        if feats and feats.get("model_path"):
            self._model_path = str(feats["model_path"])
        if not feats or feats.get("vectors") is None:
            info["skipped"] = "this speech model gives no features (HF / CNN kind): the global tag stands"
            return
        if st.stats is None or feats.get("frontend") != st.frontend:
            if st.stats is None:
                st.frontend = str(feats.get("frontend"))  # first entry: nothing learnt yet
            info["skipped"] = "nothing learnt yet for this speech model"
            return
        head = self._global_head(str(feats.get("model_path", "")), str(feats.get("model", "")))
        if head is None:
            info["skipped"] = "the speech model's head cannot be loaded: the global tag stands"
            return
        x = np.atleast_2d(np.asarray(feats["vectors"], dtype=np.float64))
        p, _, adapter = speech_probabilities(head, st.stats, st.head, x, self.config)
        weights = feats.get("weights") or [w.weight for w in result.timeline]
        agg = _aggregate(p, weights)
        info.update(applied=True, adaptation_weight=round(adapter.weight, 3) if adapter is not None else 0.0,
                    recordings=st.recordings, head_blend=round(st.head.blend, 3) if st.head is not None else 0.0,
                    gate=dict(st.head.gate) if st.head is not None else {},
                    global_window_labels=[w.label for w in result.timeline])
        if len(result.timeline) == len(p):
            for w, row in zip(result.timeline, p):
                probs = {e: float(v) for e, v in zip(EMOTIONS, row)}
                w.label = max(probs, key=lambda k: probs[k])
                w.confidence = probs[w.label]
                w.probabilities = probs
        result.emotion_probabilities = {e: float(v) for e, v in zip(EMOTIONS, agg)}
        result.emotion = EMOTIONS[int(np.argmax(agg))]
        result.confidence = float(agg.max())
        info["reason"] = change_sentence(info["global_emotion"], result.emotion, st.speech_corrections, False,
                                         adapted_only=st.head is None)

    def _apply_scene(self, result, st: PersonalState, info: dict) -> None:
        from diary_app.analysis.emotion_table import load_emotion_table

        probs = result.scene_probabilities or {}
        if not probs or not st.scene_counts:
            info["skipped"] = "no corrections of recordings without speech yet"
            return
        source = (result.evidence.get("scene") or {}).get("table")
        shipped = load_emotion_table(source).mapping if source else {}
        table = PersonalSceneTable(shipped=shipped, prior=self.scene_prior, counts=st.scene_counts)
        top = max(probs, key=lambda k: probs[k])
        row = table.row(top)
        info["table_row"] = {"scene": top, "shipped": shipped.get(top), "evidence": round(table.evidence(top), 2),
                             "personal": {e: round(float(v), 3) for e, v in zip(EMOTIONS, row)}}
        if not table.covers(probs):
            info["skipped"] = f"too few of your corrections in places like {top} yet: the shipped table decides"
            return
        dist = table.distribution(probs)
        info["applied"] = True
        result.emotion_probabilities = {e: float(v) for e, v in zip(EMOTIONS, dist)}
        result.emotion = EMOTIONS[int(np.argmax(dist))]
        result.confidence = float(dist.max())
        info["reason"] = change_sentence(info["global_emotion"], result.emotion, st.scene_corrections, True, False)

    # -- the analysis worker's hook ---------------------------------------------------------------------
    def finish(self, diary, entry_id: uuid.UUID | str, result: Any, enabled: bool = True) -> Any:
        """Apply (when ``enabled``), then keep the features in the diary. Called by the analysis
        worker before ``set_analysis``; features are kept even with the layer off, so that turning
        it on later has everything it needs."""
        from diary_app.store.personal import store_features

        if enabled:
            self.apply(result, entry_id)
        else:
            result.evidence["personal"] = {"enabled": False}
        try:
            store_features(diary, entry_id, result)
        except Exception:
            log.exception("could not keep the features of %s", entry_id)
        return result


def summary_counts(st: PersonalState) -> Counter:
    return Counter(speech=st.speech_corrections, scene=st.scene_corrections)


_layers: dict[str, PersonalLayer] = {}
_layers_lock = threading.Lock()


def layer_for(diary) -> PersonalLayer:
    """The one personal layer of a diary (state in ``<diary folder>/personal``)."""
    key = str(Path(diary.root).resolve())
    with _layers_lock:
        if key not in _layers:
            _layers[key] = PersonalLayer(Path(diary.root) / PERSONAL_FOLDER)
        return _layers[key]


def emotion_label(e: str) -> str:
    return f"{EMOTION_ICONS.get(e, '')} {e}".strip()
