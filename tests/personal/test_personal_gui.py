"""Issue 16's GUI test: correct three entries in the entry detail, the personal layer retrains in the
background, a fourth similar recording is tagged differently, and its evidence view says why.

Real parts: a real diary, real RAVDESS clips, the real pipeline with the real eGeMAPS (openSMILE)
front end and the real analysis worker; the speech head is a tiny one built here that always says
"neutral" (so that only the personal layer can make it say "sad"), and the scene model is a stub
(this test is about the speech branch).
"""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest
from conftest import manifest_rows

pytest.importorskip("pytestqt")
pytest.importorskip("opensmile")


def _clips(label: str, speaker: str, n: int) -> list[Path]:
    rows = [r for r in manifest_rows("ravdess") if r["label"] == label and r["speaker"] == speaker]
    if len(rows) < n:
        pytest.skip(f"not enough {label} clips of RAVDESS speaker {speaker}")
    return [Path(r["abspath"]) for r in rows[:n]]


def _neutral_model(folder: Path, clips: list[Path]) -> Path:
    """eGeMAPS + a head whose logits are constant (neutral), standardised on ``clips``."""
    from safetensors.numpy import save_file

    from diary_app.analysis.feature_classifier import DEFAULT_FEATURES, OpenSmileFrontEnd
    from diary_app.analysis.model_card import KIND_FEATURE_SER, ModelCard
    from diary_app.audio.loading import load_audio
    from diary_app.emotions import EMOTIONS

    front = OpenSmileFrontEnd(dict(DEFAULT_FEATURES))
    x = np.stack([front(load_audio(c, 16000)) for c in clips])
    scale = x.std(0)
    intercept = np.zeros(len(EMOTIONS), np.float32)
    intercept[0] = 1.5
    folder.mkdir(parents=True)
    save_file({"mean": x.mean(0).astype(np.float32), "scale": np.where(scale > 1e-8, scale, 1.0).astype(np.float32),
               "coef": np.zeros((len(EMOTIONS), x.shape[1]), np.float32), "intercept": intercept}, str(folder / "model.safetensors"))
    ModelCard(name="always-neutral", kind=KIND_FEATURE_SER, labels=list(EMOTIONS), features=dict(DEFAULT_FEATURES),
              window_s=4.0).save(folder)
    return folder


def _stub_scene():
    from diary_app.analysis.emotion_table import load_emotion_table
    from diary_app.analysis.registry import ClassifierBase
    from diary_app.analysis.result import WindowResult

    class StubScene(ClassifierBase):
        name = "stub-scene"
        labels = ["air_conditioner"]  # noqa: RUF012 - a stub
        emotion_table = load_emotion_table("scene_emotion_urbansound8k.csv")

        def predict_windows(self, wave16k):
            return [WindowResult(0.0, len(wave16k) / 16000, "air_conditioner", 1.0, {"air_conditioner": 1.0})]

    return StubScene()


def test_three_corrections_retrain_in_background_and_a_fourth_recording_says_why(qtbot, tmp_path):
    from diary_app.analysis.pipeline import Analyzer
    from diary_app.settings import Settings
    from diary_app.store import AnalysisState, Diary
    from diary_app.ui.analysis_worker import AnalysisWorker
    from diary_app.ui.browse.entry_detail import EntryDetail
    from diary_app.ui.context import AppContext
    from diary_app.ui.personal_panel import PersonalBox, personal_service

    sad = _clips("sad", "01", 4)
    others = _clips("happy", "01", 2) + _clips("angry", "01", 2)
    model = _neutral_model(tmp_path / "always-neutral", sad[:3] + others)
    diary = Diary(tmp_path / "diary")
    ctx = AppContext(diary=diary, settings=Settings(personal_layer=True))
    analyzer = Analyzer(speech_model=str(model), scene_model=_stub_scene(), settings=ctx.settings, force_branch="speech")
    worker = AnalysisWorker(diary, ctx.settings, analyzer_factory=lambda s: analyzer)
    service = personal_service(ctx)
    train_threads: list[threading.Thread] = []
    real_train = service.layer.train

    def spy(*a, **k):
        train_threads.append(threading.current_thread())
        return real_train(*a, **k)

    service.layer.train = spy
    box = PersonalBox(ctx)  # the Settings group: it shows "Learning from your N corrections"
    qtbot.addWidget(box)

    def analyse(clip: Path) -> str:
        e = diary.create_entry(clip, move=False)
        worker.analyse(e.id)
        return str(e.id)

    ids = [analyse(c) for c in sad[:3] + others]
    qtbot.waitUntil(lambda: all(diary.get(i).analysis_state == AnalysisState.DONE for i in ids), timeout=20_000)
    assert {diary.get(i).auto_emotion for i in ids} == {"neutral"}

    qtbot.waitUntil(lambda: service.last_report is not None and not box.undo_button.isEnabled(), timeout=10_000)
    detail = EntryDetail(diary)  # nothing corrected yet: Undo is greyed out
    qtbot.addWidget(detail)
    for entry_id in ids[:3]:  # the user corrects three sad recordings, as in the app
        assert detail.show_entry(entry_id)
        detail.picker.buttons["sad"].click()
        detail.save()
        assert diary.get(entry_id).user_emotion == "sad"
    qtbot.waitUntil(lambda: service.last_report is not None and service.last_report.speech_corrections == 3, timeout=10_000)
    assert train_threads and all(t is not threading.main_thread() for t in train_threads)  # never on the GUI thread
    qtbot.waitUntil(lambda: "Learning from your 3 correction" in box.summary.text(), timeout=5_000)
    assert box.undo_button.isEnabled()

    fourth = analyse(sad[3])
    qtbot.waitUntil(lambda: diary.get(fourth).analysis_state == AnalysisState.DONE, timeout=20_000)
    entry = diary.get(fourth)
    assert entry.auto_emotion == "sad"  # the global model alone says neutral
    assert entry.analysis_json["evidence"]["personal"]["global_emotion"] == "neutral"
    detail.show_entry(fourth)
    text = detail.evidence.personal_label.text().lower()
    assert "your 3 corrections moved this from" in text and "neutral" in text and "sad" in text, text
    assert detail.evidence.timeline.windows and detail.evidence.timeline.windows[0]["label"] == "sad"
    assert "Branch:" in detail.evidence.branch_label.text()

    # Undo in Settings puts the last correction back; the layer retrains without it
    box.undo_button.click()
    assert diary.get(ids[2]).user_emotion is None
    qtbot.waitUntil(lambda: service.last_report.speech_corrections == 2, timeout=10_000)

    # Reset in Settings forgets them for good: the retrain that follows (and any later one) does not learn
    # the older corrections again, a new correction teaches it again
    assert box.reset_button.isEnabled()
    box._reset(confirm=False)
    qtbot.waitUntil(lambda: service.last_report is not None and service.last_report.speech_corrections == 0
                    and "since you reset" in box.summary.text(), timeout=10_000)
    assert not box.reset_button.isEnabled()
    assert diary.get(ids[0]).user_emotion == "sad"  # the tags stay
    fifth = analyse(sad[3])
    qtbot.waitUntil(lambda: diary.get(fifth).analysis_state == AnalysisState.DONE, timeout=20_000)
    assert diary.get(fifth).auto_emotion == "neutral"  # the global model's tag again
    assert detail.show_entry(ids[1])
    detail.picker.buttons["neutral"].click()
    detail.save()
    detail.picker.buttons["sad"].click()  # corrected again after the reset: it counts
    detail.save()
    qtbot.waitUntil(lambda: service.last_report.speech_corrections == 1, timeout=10_000)
    worker.shutdown()


def test_evidence_view_explains_an_environment_tag_and_an_entry_without_analysis(qtbot):
    from diary_app.ui.evidence_view import EvidenceView

    view = EvidenceView()
    qtbot.addWidget(view)
    view.show_analysis(None)
    assert view.branch_label.text() == "No analysis yet." and not view.timeline.windows
    data = {"branch": "environment", "emotion": "neutral", "scene": "siren", "duration_s": 4.0, "speech_ratio": 0.0,
            "speech_segments": [], "scene_probabilities": {"siren": 0.9, "dog_bark": 0.1},
            "timeline": [{"start_s": 0.0, "end_s": 4.0, "label": "siren", "confidence": 0.9, "probabilities": {}, "weight": 1.0}],
            "evidence": {"branch_reason": "no speech: 0/1 window(s)", "speech_detection": {"cues": {"speech_ratio": 0.0, "silero_ratio": 0.46,
                                                                                                    "silero_mean_logit": -0.003}},
                         "scene": {"top_scene": "siren", "threshold": 0.7, "table": "/x/scene_emotion_urbansound8k.csv",
                                   "table_reason": "an emergency vehicle"},
                         "personal": {"changed": True, "global_emotion": "fear", "emotion": "neutral", "global_confidence": 0.9,
                                      "reason": "your corrections of recordings in this place moved this from fear to neutral",
                                      "table_row": {"scene": "siren", "shipped": "fear", "evidence": 1.8}}}}
    view.show_analysis(data)
    assert "the surroundings" in view.branch_label.text() and "no speech" in view.branch_label.text()
    scene = view.scene_label.text()
    assert "90%" in scene and "scene_emotion_urbansound8k.csv" in scene and "an emergency vehicle" in scene
    assert "1.8 correction" in scene
    cues = view.cues_label.text()
    assert "Silero speech ratio 0.46" in cues and "silero mean logit 0.00" in cues and "-0.00" not in cues
    assert "moved this from fear to neutral" in view.personal_label.text().lower()
    assert view.timeline.windows[0]["label"] == "siren" and view.timeline.duration == 4.0
    view.timeline.resize(400, 84)
    assert not view.timeline.grab().isNull()  # paints without error


def test_evidence_view_says_how_the_personal_layer_did_on_corrections_it_did_not_learn_from(qtbot):
    from diary_app.ui.evidence_view import EvidenceView

    view = EvidenceView()
    qtbot.addWidget(view)
    personal = {"applied": True, "changed": True, "global_emotion": "neutral", "emotion": "sad", "global_confidence": 0.41,
                "reason": "your 12 corrections moved this from neutral to sad", "corrections": 12,
                "gate": {"alpha": 0.75, "held_out": 10, "personal_agreement": 0.8, "global_agreement": 0.5}}
    data = {"branch": "speech", "emotion": "sad", "duration_s": 3.0, "speech_ratio": 0.9, "speech_segments": [[0.2, 2.9]],
            "timeline": [], "evidence": {"personal": personal}}
    view.show_analysis(data)
    text = view.personal_label.text()
    assert "moved this from" in text and "10 of your corrections" in text
    assert "80%" in text and "50%" in text and "75%" in text
    personal["gate"] = {"alpha": 1.0, "held_out": 2, "personal_agreement": 0.0, "global_agreement": 0.0}
    view.show_analysis(data)
    assert "too few corrections yet" in view.personal_label.text() and "0%" not in view.personal_label.text()
    personal.update(changed=False, gate={})  # a layer without a gate check says nothing about one
    view.show_analysis(data)
    assert "agrees with the global model here" in view.personal_label.text() and "did not learn" not in view.personal_label.text()
