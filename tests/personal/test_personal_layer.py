"""The personal layer (issue 16): head, scene table, adaptation, stored features, migration,
honest agreement, backfill, export/import. Real SQLite diaries; synthetic feature vectors where
the point is the arithmetic, so every test runs in well under a second."""

from __future__ import annotations

import threading
import uuid
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from sqlalchemy import inspect, text
from sqlmodel import Session, select

from diary_app.analysis.result import AnalysisResult, WindowResult
from diary_app.emotions import EMOTIONS
from diary_app.personal.adaptation import Adapter, RunningStats
from diary_app.personal.scene_table import PersonalSceneTable
from diary_app.personal.speech_head import HeadConfig, fit_personal_head
from diary_app.store import Diary
from diary_app.store import personal as P
from diary_app.store.models import CorrectionEvent, utcnow

D = 64


def _wav(folder: Path, name: str = "a.wav") -> Path:
    p = folder / name
    sf.write(p, (np.random.default_rng(len(name)).standard_normal(8000) * 0.05).astype("float32"), 16000)
    return p


def _speech_result(vec: np.ndarray, emotion: str = "neutral", model_path: str = "", frontend: str = "test:1") -> AnalysisResult:
    probs = {e: (0.7 if e == emotion else 0.06) for e in EMOTIONS}
    return AnalysisResult(branch="speech", emotion=emotion, emotion_probabilities=probs, confidence=0.7, duration_s=1.0,
                          timeline=[WindowResult(0.0, 1.0, emotion, 0.7, dict(probs), 1.0)],
                          features={"speech": {"frontend": frontend, "vectors": np.atleast_2d(vec).astype(np.float32),
                                               "weights": [1.0], "model": "tiny", "model_path": model_path}})


def _tiny_model(folder: Path, mlp: bool = False) -> Path:
    """A feature-kind model folder whose head always says neutral (coef 0, neutral bias); ``mlp``: a
    one-hidden-layer head like the shipped one (random first layer, zero output weights) at the
    shipped model's kind of temperature."""
    from safetensors.numpy import save_file

    from diary_app.analysis.model_card import KIND_FEATURE_SER, ModelCard

    folder.mkdir(parents=True, exist_ok=True)
    intercept = np.zeros(len(EMOTIONS))
    intercept[0] = 2.0
    arrays = {"mean": np.zeros(D, np.float32), "scale": np.ones(D, np.float32)}
    if mlp:
        rng = np.random.default_rng(7)
        arrays.update(w0=(rng.standard_normal((D, 16)) / np.sqrt(D)).astype(np.float32), b0=np.zeros(16, np.float32),
                      w1=np.zeros((16, len(EMOTIONS)), np.float32), b1=(intercept * 2.4).astype(np.float32))
    else:
        arrays.update(coef=np.zeros((len(EMOTIONS), D), np.float32), intercept=intercept.astype(np.float32))
    save_file(arrays, str(folder / "model.safetensors"))
    ModelCard(name="tiny", kind=KIND_FEATURE_SER, labels=list(EMOTIONS), temperature=2.4 if mlp else 1.0).save(folder)
    return folder


# -- the math ------------------------------------------------------------------------------------------
def test_personal_head_moves_towards_corrections_and_leaves_unseen_emotions_alone():
    rng = np.random.default_rng(0)
    centres = rng.standard_normal((2, D)) * 3
    y = np.array([2] * 4 + [3] * 4)  # sad, angry
    z = centres[(y == 3).astype(int)] + rng.standard_normal((8, D))
    p_global = np.tile(np.eye(len(EMOTIONS))[0] * 0.64 + 0.06, (8, 1))  # global says neutral
    head = fit_personal_head(z, y, p_global, n_entries=8)
    assert head.seen.tolist() == [False, False, True, True, False, False]
    assert np.all(head.V[:, ~head.seen] == 0) and np.all(head.b[~head.seen] == 0)
    zt = centres[[0, 1]] + rng.standard_normal((2, D))
    out = head.probabilities(zt, p_global[:2])
    assert out.argmax(1).tolist() == [2, 3]  # new recordings like the corrected ones follow them
    assert np.allclose(out.sum(1), 1.0)
    # with little evidence the blend keeps most of the global model
    one = fit_personal_head(z[:1], y[:1], p_global[:1], n_entries=1, config=HeadConfig(half_n=9.0))
    assert one.blend == pytest.approx(0.1)
    assert one.probabilities(zt[:1], p_global[:1])[0, 0] > 0.55


def test_adapter_shifts_the_users_mean_onto_the_global_one_with_shrinkage():
    gm, gs = np.zeros(4), np.ones(4)
    stats = RunningStats.empty(4)
    x = np.random.default_rng(1).standard_normal((50, 4)) + 5.0
    stats.update(x)
    assert stats.mean == pytest.approx(x.mean(0))
    assert stats.var == pytest.approx(x.var(0))
    ad = Adapter(stats, gm, gs, prior_n=0.0)
    assert ad(x).mean(0) == pytest.approx(np.zeros(4), abs=1e-9)
    half = Adapter(stats, gm, gs, prior_n=50.0)
    assert half.weight == pytest.approx(0.5)
    assert half(x).mean(0) == pytest.approx(x.mean(0) / 2, abs=1e-9)
    assert Adapter(RunningStats.empty(4), gm, gs)(x) == pytest.approx(x)  # nothing seen: unchanged


def _linear_head(dim: int = D):
    """A global head that knows the first six feature dimensions: class c <- dimension c."""
    from diary_app.personal.global_head import GlobalHead

    coef = np.zeros((len(EMOTIONS), dim))
    coef[np.arange(len(EMOTIONS)), np.arange(len(EMOTIONS))] = 3.0
    return GlobalHead(arrays={"mean": np.zeros(dim), "scale": np.ones(dim), "coef": coef,
                              "intercept": np.zeros(len(EMOTIONS))}, labels=list(EMOTIONS))


def test_safety_gate_falls_back_towards_global_when_corrections_contradict_the_personal_head():
    from diary_app.personal.speech_layer import Recording, speech_probabilities, train_speech_layer

    head = _linear_head()
    rng = np.random.default_rng(0)
    truth = rng.integers(0, len(EMOTIONS), 80)
    x = np.eye(D)[truth] * 3 + rng.standard_normal((80, D)) * 0.5
    # half of the user's corrections say something the voice does not carry (label noise):
    # a head that learns them does worse on held-out corrections than the global model (the gate
    # prefers the personal side by 0.2 accuracy per unit of alpha, so a third is not enough to move it)
    said = truth.copy()
    noisy = np.arange(80) % 2 == 0
    said[noisy] = (truth[noisy] + 1 + rng.integers(0, len(EMOTIONS) - 1, int(noisy.sum()))) % len(EMOTIONS)
    diary = [Recording(x[i:i + 1], np.ones(1), int(said[i]) if i < 40 else None) for i in range(80)]
    stats, model = train_speech_layer(head, diary)
    assert model.gate["personal_agreement"] < model.gate["global_agreement"]
    assert model.alpha < 1.0  # shrunk towards the global model
    # alpha 0 is the global model exactly
    model.alpha = 0.0
    p_personal, p_global, _ = speech_probabilities(head, stats, model, x[40:])
    assert np.array_equal(p_personal, p_global)


def test_safety_gate_weighs_corrections_by_how_common_their_emotion_is_in_the_rest_of_the_diary():
    """Corrections are not a sample of the diary: the gate scores the blend on what is still to come."""
    from diary_app.personal.speech_layer import _agreement, _prevalence_weights

    sad, happy = EMOTIONS.index("sad"), EMOTIONS.index("happy")
    y = np.array([sad] * 5 + [happy] * 5)  # as many corrections of each
    p = np.full((30, len(EMOTIONS)), 0.02)
    p[10:, happy] = 0.9  # the 20 uncorrected recordings: mostly happy, by the global model
    p[10:] /= p[10:].sum(1, keepdims=True)
    w = _prevalence_weights(p, np.arange(10, 30), y)
    assert w[y == happy].min() > 5 * w[y == sad].max() and np.isclose(w.mean(), 1.0)
    # a blend that gets every sad correction right and every happy one wrong: 50 % unweighted, far less weighted
    q = np.eye(len(EMOTIONS))[np.full(10, sad)]
    assert _agreement(q, y) == 0.5 and _agreement(q, y, weights=w) < 0.2
    assert np.array_equal(_prevalence_weights(p, np.array([], int), y), np.ones(10))  # nothing uncorrected: uniform


def test_safety_gate_keeps_the_personal_head_when_it_agrees_with_the_user_on_held_out_corrections():
    from diary_app.personal.speech_layer import Recording, speech_probabilities, train_speech_layer

    head = _linear_head()
    rng = np.random.default_rng(1)
    # this voice carries sad and happy on two directions the global model does not read: it says neutral-ish
    sad, happy = np.zeros(D), np.zeros(D)
    sad[20], happy[30] = 4.0, 4.0
    y = np.array([EMOTIONS.index("sad"), EMOTIONS.index("happy")] * 20)
    x = np.where((y == EMOTIONS.index("sad"))[:, None], sad, happy) + rng.standard_normal((40, D)) * 0.3
    diary = [Recording(x[i:i + 1], np.ones(1), int(y[i]) if i < 12 else None) for i in range(40)]
    stats, model = train_speech_layer(head, diary)
    assert model.alpha == 1.0
    assert model.gate["personal_agreement"] > model.gate["global_agreement"]
    p, p_global, _ = speech_probabilities(head, stats, model, x[12:])
    assert np.mean(p.argmax(1) == y[12:]) == 1.0
    assert np.mean(p_global.argmax(1) == y[12:]) < 0.7


def _one_mood_diary():
    """A head with a mild lean towards a third emotion, and a diary of mostly one emotion: removing
    the diary's mean (the adaptation) pushes those recordings across to the lean."""
    from diary_app.personal.global_head import GlobalHead
    from diary_app.personal.speech_layer import Recording

    intercept = np.zeros(len(EMOTIONS))
    intercept[2] = 1.5
    head = GlobalHead(arrays={**_linear_head().arrays, "intercept": intercept}, labels=list(EMOTIONS))
    y = np.array([0] * 36 + [1] * 4)
    x = np.eye(D)[y] * 3 + np.random.default_rng(3).standard_normal((40, D)) * 0.2
    diary = [Recording(x[i:i + 1], np.ones(1), int(y[i]) if i % 4 == 0 else None) for i in range(40)]
    return head, x, y, diary


def test_safety_gate_drops_the_adaptation_when_the_corrections_say_the_unadapted_model_is_right():
    from diary_app.personal.speech_layer import SpeechLayerConfig, speech_probabilities, train_speech_layer

    head, x, y, diary = _one_mood_diary()
    # heads regularised so hard that they cannot undo the shift: only the gate can
    cfg = SpeechLayerConfig(prior_n=0.0, self_train=0.0, head=HeadConfig(l2=1e4, l2_bias=1e4), gate_adaptation=True)
    stats, model = train_speech_layer(head, diary, cfg)
    adapted, _, _ = speech_probabilities(head, stats, None, x, cfg)
    assert np.mean(adapted.argmax(1) == y) < 0.5  # the adaptation alone is wrong here
    assert not model.adapt and model.alpha == 0.0
    assert model.gate["unadapted_agreement"] > model.gate["global_agreement"]
    p, p_global, adapter = speech_probabilities(head, stats, model, x, cfg)
    assert adapter is None and np.array_equal(p, head.emotion_probabilities(x))
    assert np.mean(p.argmax(1) == y) == 1.0


@pytest.mark.parametrize("metric", ["accuracy", "nll"])
def test_adaptation_check_trains_the_heads_on_unadapted_features_when_the_corrections_disagree(metric):
    """``adapt_check``: the mean shift is kept only when the corrections agree with it; here they do not,
    so the personal heads are fitted on the unadapted features (and the layer is still used, alpha > 0)."""
    from diary_app.personal.speech_layer import SpeechLayerConfig, speech_probabilities, train_speech_layer

    head, x, y, diary = _one_mood_diary()
    cfg = SpeechLayerConfig(prior_n=0.0, self_train=0.0, head=HeadConfig(l2=1e4, l2_bias=1e4), adapt_check=metric)
    stats, model = train_speech_layer(head, diary, cfg)
    assert not model.adapt and model.alpha > 0.0
    p, p_global, adapter = speech_probabilities(head, stats, model, x, cfg)
    assert adapter is None and np.allclose(p_global, head.emotion_probabilities(x))
    assert np.mean(p.argmax(1) == y) == 1.0
    # without the check the same corrections leave the (wrong) shift in place
    _, kept = train_speech_layer(head, diary, SpeechLayerConfig(prior_n=0.0, self_train=0.0, head=HeadConfig(l2=1e4, l2_bias=1e4)))
    assert kept.adapt


def test_layer_works_on_the_heads_raw_log_probabilities_and_shows_calibrated_ones():
    """The shipped head is calibrated at temperature 2.4: the residual heads work on its raw
    log-probabilities (flat calibrated ones let a few corrections overturn right tags), and what the
    layer returns is put back at the card's temperature, so the shown confidence stays calibrated."""
    from diary_app.personal.global_head import GlobalHead
    from diary_app.personal.speech_layer import Recording, speech_probabilities, train_speech_layer

    head = GlobalHead(arrays=_linear_head().arrays, labels=list(EMOTIONS), temperature=3.0)
    rng = np.random.default_rng(4)
    y = rng.integers(0, 4, 40)
    x = np.eye(D)[y] * 3 + rng.standard_normal((40, D)) * 0.5
    stats, _ = train_speech_layer(head, [Recording(x[i:i + 1], np.ones(1)) for i in range(40)])
    p, p_global, adapter = speech_probabilities(head, stats, None, x)
    assert np.allclose(p_global, head.emotion_probabilities(adapter(x)))  # the card's temperature
    raw = head.emotion_probabilities(adapter(x), temperature=1.0)
    assert np.array_equal(p.argmax(1), raw.argmax(1)) and np.all(p.max(1) < raw.max(1))
    stats, model = train_speech_layer(head, [Recording(x[i:i + 1], np.ones(1), int(y[i]) if i < 16 else None) for i in range(40)])
    p, p_global, adapter = speech_probabilities(head, stats, model, x[16:])
    assert np.allclose(p.sum(1), 1.0) and np.mean(p.argmax(1) == y[16:]) == 1.0
    assert np.allclose(p_global, head.emotion_probabilities(adapter(x[16:])))


def test_without_corrections_only_the_adaptation_applies():
    from diary_app.personal.speech_layer import Recording, speech_probabilities, train_speech_layer

    head = _linear_head()
    x = np.random.default_rng(2).standard_normal((10, D)) + 1.0
    stats, model = train_speech_layer(head, [Recording(x[i:i + 1], np.ones(1)) for i in range(10)])
    assert model is None and stats.n == pytest.approx(10.0)
    p, p_global, adapter = speech_probabilities(head, stats, None, x)
    assert np.array_equal(p, p_global)
    assert adapter.weight == pytest.approx(10 / 130)  # the prior is 120 recordings


def test_scene_table_counts_override_the_shipped_row_only_with_evidence():
    t = PersonalSceneTable(shipped={"rain": "sad", "siren": "fear"}, prior=1.0)
    mix = {"rain": 0.9, "siren": 0.1}
    assert EMOTIONS[int(np.argmax(t.distribution(mix)))] == "sad"
    assert not t.covers(mix)
    t.add(mix, "neutral")  # "rain is calm for me"
    assert t.evidence("rain") == pytest.approx(0.9)
    assert t.row("rain")[EMOTIONS.index("neutral")] == pytest.approx(0.9 / 1.9)
    t.add(mix, "neutral")
    assert t.covers(mix)
    assert EMOTIONS[int(np.argmax(t.distribution(mix)))] == "neutral"
    assert t.changed_rows() == {"rain": "neutral"}  # siren has 0.2 counts of neutral: still fear
    assert t.distribution(mix).sum() == pytest.approx(1.0)


# -- the store -------------------------------------------------------------------------------------------
def test_features_are_kept_compact_and_go_with_their_entry(tmp_path):
    diary = Diary(tmp_path / "d")
    e = diary.create_entry(_wav(tmp_path), move=False)
    vec = np.random.default_rng(2).standard_normal((3, D)).astype(np.float32)
    r = _speech_result(vec)
    r.features["speech"]["weights"] = [1.0, 0.5, 0.0]
    r.scene_probabilities = {"rain": 0.75, "siren": 0.25}
    assert P.store_features(diary, e.id, r) == 2
    got = P.features_for(diary, e.id)
    assert got["speech"].values.shape == (3, D)
    assert np.abs(got["speech"].values - vec).max() < 1e-2  # float16
    assert got["speech"].weights == [1.0, 0.5, 0.0]
    assert got["scene"].labels == ["rain", "siren"] and got["scene"].values.tolist() == [0.75, 0.25]
    assert P.feature_bytes(diary) == 3 * D * 2 + 2 * 4
    assert "features" not in r.to_dict() and "features" in r.to_dict(include_features=True)
    diary.delete(e.id)
    assert P.load_features(diary, "speech") == []  # ON DELETE CASCADE


def test_migration_adds_the_personal_tables_to_an_older_diary(tmp_path):
    from diary_app.store.migrations import CURRENT_VERSION, current_version

    diary = Diary(tmp_path / "d")
    e = diary.create_entry(_wav(tmp_path), move=False)
    with diary.engine.begin() as conn:  # what a version-3 diary looks like
        conn.execute(text("DROP TABLE entry_features"))
        conn.execute(text("DROP TABLE correction_event"))
        conn.execute(text("UPDATE schema_version SET version = 3"))
    diary.close()
    again = Diary(tmp_path / "d")
    assert current_version(again.engine) == CURRENT_VERSION == 4
    assert {"entry_features", "correction_event"} <= set(inspect(again.engine).get_table_names())
    assert again.get(e.id).id == e.id
    again.set_user_emotion(e.id, "sad")
    assert [ev.emotion for ev in P.correction_events(again)] == ["sad"]


def test_corrections_are_logged_with_time_and_undo_puts_back_the_previous_tag(tmp_path):
    diary = Diary(tmp_path / "d")
    e = diary.create_entry(_wav(tmp_path), move=False)
    diary.set_analysis(e.id, _speech_result(np.zeros(D)))
    diary.set_user_emotion(e.id, "sad")
    diary.set_user_emotion(e.id, "sad")  # no change: no event
    diary.set_user_emotion(e.id, "angry")
    assert [(ev.previous, ev.emotion, ev.auto_emotion) for ev in P.correction_events(diary)] == [
        (None, "sad", "neutral"), ("sad", "angry", "neutral")]
    assert [c.emotion for c in P.current_corrections(diary)] == ["angry"]
    P.undo_last_correction(diary)
    assert diary.get(e.id).user_emotion == "sad"


def test_honest_agreement_counts_only_tags_computed_before_the_correction(tmp_path):
    from diary_app.personal.agreement import honest_agreement

    diary = Diary(tmp_path / "d")
    ids = []
    for i in range(4):
        e = diary.create_entry(_wav(tmp_path, f"{i}.wav"), move=False)
        r = _speech_result(np.zeros(D), "sad" if i < 3 else "neutral")
        r.evidence["personal"] = {"global_emotion": "sad" if i == 0 else "neutral"}
        diary.set_analysis(e.id, r)
        P.store_features(diary, e.id, r, analyzed_at=utcnow() - timedelta(hours=1))
        ids.append(e.id)
    diary.set_user_emotion(ids[3], "sad")  # corrected after its tag: a disagreement
    a = honest_agreement(diary)
    assert (a.counted, a.agree, a.agree_global, a.excluded) == (4, 3, 1, 0)
    assert a.rate == pytest.approx(0.75) and a.global_rate == pytest.approx(0.25)
    # the same entry re-tagged after the correction (it may have learnt the answer): left out
    r = _speech_result(np.zeros(D), "sad")
    diary.set_analysis(ids[3], r)
    P.store_features(diary, ids[3], r)
    a = honest_agreement(diary)
    assert (a.counted, a.excluded) == (3, 1)


# -- training and applying -----------------------------------------------------------------------------
@pytest.mark.parametrize("mlp", [False, True], ids=["linear-head", "mlp-head"])
def test_layer_learns_from_three_corrections_and_says_why(tmp_path, mlp):
    from diary_app.personal.layer import PersonalLayer

    model = _tiny_model(tmp_path / "tiny", mlp=mlp)
    diary = Diary(tmp_path / "d")
    rng = np.random.default_rng(3)
    sad_centre, other = rng.standard_normal(D) * 2, rng.standard_normal(D) * 2
    layer = PersonalLayer(tmp_path / "d" / "personal")
    ids = []
    for i in range(6):
        e = diary.create_entry(_wav(tmp_path, f"{i}.wav"), move=False)
        centre = sad_centre if i < 3 else other
        r = layer.finish(diary, e.id, _speech_result(centre + rng.standard_normal(D) * 0.3, model_path=str(model)))
        assert r.emotion == "neutral"
        diary.set_analysis(e.id, r)
        ids.append(e.id)
    for eid in ids[:3]:
        diary.set_user_emotion(eid, "sad")
    report = layer.train(diary)
    assert (report.speech_corrections, report.recordings) == (3, 6)
    fresh = layer.apply(_speech_result(sad_centre + rng.standard_normal(D) * 0.3, model_path=str(model)))
    assert fresh.emotion == "sad"
    ev = fresh.evidence["personal"]
    assert ev["changed"] and ev["global_emotion"] == "neutral"
    assert ev["reason"] == "your 3 corrections moved this from neutral to sad"
    assert fresh.timeline[0].label == "sad"
    # saved next to the diary, reloaded by a new instance (a restart)
    again = PersonalLayer(tmp_path / "d" / "personal")
    assert again.apply(_speech_result(sad_centre, model_path=str(model))).emotion == "sad"
    before = layer.apply(_speech_result(sad_centre, model_path=str(model))).emotion_probabilities
    assert again.apply(_speech_result(sad_centre, model_path=str(model))).emotion_probabilities == pytest.approx(before, abs=1e-6)
    # reset forgets; a model kind without features keeps its global tag
    again.reset()
    assert again.apply(_speech_result(sad_centre, model_path=str(model))).emotion == "neutral"
    hf = _speech_result(sad_centre)
    hf.features = None
    assert "no features" in layer.apply(hf).evidence["personal"]["skipped"]


def test_scene_corrections_change_the_users_table(tmp_path):
    from diary_app.personal.layer import PersonalLayer

    diary = Diary(tmp_path / "d")
    layer = PersonalLayer(tmp_path / "d" / "personal")
    table = str(Path(__file__).resolve().parents[2] / "resources" / "scene_emotion_urbansound8k.csv")

    def env(p_siren: float) -> AnalysisResult:
        probs = {"siren": p_siren, "street_music": 1 - p_siren}
        return AnalysisResult(branch="environment", emotion="fear", emotion_probabilities={"fear": 1.0}, confidence=p_siren,
                              scene="siren", scene_probabilities=probs, models={"scene": "stub"},
                              evidence={"scene": {"table": table, "top_scene": "siren", "threshold": 0.7}})

    for i in range(2):
        e = diary.create_entry(_wav(tmp_path, f"{i}.wav"), move=False)
        r = layer.finish(diary, e.id, env(0.9))
        diary.set_analysis(e.id, r)
        diary.set_user_emotion(e.id, "neutral")  # sirens are every day where I live
    assert layer.train(diary).scene_corrections == 2
    r = layer.apply(env(0.85))
    assert r.emotion == "neutral" and r.evidence["personal"]["table_row"]["shipped"] == "fear"
    assert "moved this from fear to neutral" in r.evidence["personal"]["reason"]


# -- backfill and backups -------------------------------------------------------------------------------
def test_backfill_keeps_old_tags_reports_progress_cancels_and_resumes(tmp_path):
    from diary_app.personal.backfill import BACKFILLED_AT, run_backfill

    diary = Diary(tmp_path / "d")
    ids = []
    for i in range(5):
        e = diary.create_entry(_wav(tmp_path, f"{i}.wav"), move=False)
        diary.set_analysis(e.id, _speech_result(np.zeros(D), "happy"))  # analysed by an older version
        ids.append(e.id)
    assert len(P.entries_without_features(diary)) == 5
    seen, cancel = [], threading.Event()

    def extract(eid, path):
        assert Path(path).is_file()
        if len(seen) == 2:
            cancel.set()
        return _speech_result(np.full(D, float(len(seen))), "sad")

    rep = run_backfill(diary, extract, lambda d, t: seen.append((d, t)), cancel)
    assert rep.cancelled and rep.done == 3 and seen == [(1, 5), (2, 5), (3, 5)]
    rep = run_backfill(diary, lambda eid, path: (_ for _ in ()).throw(OSError("unreadable")) if eid == ids[4] else
                       _speech_result(np.ones(D)))
    assert rep.total == 2 and rep.done == 1 and len(rep.failed) == 1
    assert P.entries_without_features(diary) == []  # a failed one is not retried forever
    assert {diary.get(i).auto_emotion for i in ids} == {"happy"}  # tags untouched
    assert all(f.analyzed_at == BACKFILLED_AT for f in P.load_features(diary, "speech"))


def test_export_and_import_carry_features_and_corrections(tmp_path):
    from diary_app.store.backup import export_diary, import_diary

    diary = Diary(tmp_path / "d")
    e = diary.create_entry(_wav(tmp_path), move=False)
    r = _speech_result(np.arange(D, dtype=np.float32) / D)
    diary.set_analysis(e.id, r)
    P.store_features(diary, e.id, r)
    diary.set_user_emotion(e.id, "sad")
    export_diary(diary, tmp_path / "x.zip")
    fresh = Diary(tmp_path / "fresh")
    assert import_diary(fresh, tmp_path / "x.zip").added == 1
    a, b = P.features_for(diary, e.id)["speech"], P.features_for(fresh, e.id)["speech"]
    assert np.array_equal(a.values, b.values) and a.analyzed_at == b.analyzed_at and a.frontend == b.frontend
    assert [(c.emotion, c.at) for c in P.correction_events(fresh)] == [(c.emotion, c.at) for c in P.correction_events(diary)]
    import_diary(fresh, tmp_path / "x.zip")  # a merge adds nothing twice
    assert len(P.correction_events(fresh)) == 1 and len(P.load_features(fresh, "speech")) == 1
    _ = uuid  # ids are compared as UUIDs above


def test_a_reset_goes_with_the_export_into_a_restored_diary_but_not_into_a_merge(tmp_path):
    """After "Reset what it learnt", restoring an export into a new diary must not learn the older
    corrections again; merging it into a diary with corrections of its own must not hide those."""
    from diary_app.personal.layer import PersonalLayer
    from diary_app.store.backup import export_diary, import_diary

    diary = Diary(tmp_path / "d")
    e = diary.create_entry(_wav(tmp_path), move=False)
    diary.set_user_emotion(e.id, "sad")
    layer = PersonalLayer(tmp_path / "d" / P.PERSONAL_FOLDER)
    layer.reset()
    report = layer.train(diary)
    assert report.scene_corrections + report.speech_corrections == 0 and report.reset_at == layer.reset_at
    assert layer.corrections_to_learn(diary, layer.reset_at) == []
    export_diary(diary, tmp_path / "x.zip")

    restored = Diary(tmp_path / "restored")
    import_diary(restored, tmp_path / "x.zip")
    assert P.correction_events(restored) and P.read_reset_time(tmp_path / "restored" / P.PERSONAL_FOLDER) == layer.reset_at
    again = PersonalLayer(tmp_path / "restored" / P.PERSONAL_FOLDER)
    assert again.corrections_to_learn(restored, again.reset_at) == []

    other = Diary(tmp_path / "other")  # a diary with a correction of its own, made before the reset
    o = other.create_entry(_wav(tmp_path, "b.wav"), move=False)
    other.set_user_emotion(o.id, "happy")
    with Session(other.engine) as s:  # made long ago
        for ev in s.exec(select(CorrectionEvent)).all():
            ev.at = utcnow() - timedelta(days=30)
            s.add(ev)
        s.commit()
    import_diary(other, tmp_path / "x.zip")
    assert P.read_reset_time(tmp_path / "other" / P.PERSONAL_FOLDER) is None
    merged = PersonalLayer(tmp_path / "other" / P.PERSONAL_FOLDER)
    assert [c.entry_id for c in merged.corrections_to_learn(other, merged.reset_at)] == [o.id, e.id]
