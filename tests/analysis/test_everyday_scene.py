"""Issue 12: everyday sounds (the default environment model over UrbanSound8K + ESC-10), and the decision
said plainly (the unclassified rule is named, the scene distribution is what the sounds suggested)."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import SHARED_DATA, held_out_clips

pytest.importorskip("ai_edge_litert")
ESC = SHARED_DATA / "esc10"
US8K = SHARED_DATA / "urbansound8k"


def _needs(path):
    if not path.exists():
        pytest.skip(f"{path} not available")


def test_layer10_statistics_extend_the_embedding_statistics():
    _needs(US8K / "manifest.csv")
    from diary_app.analysis.speech_yamnet import embedding_statistics
    from diary_app.audio.loading import load_audio

    wave = load_audio(sorted((US8K / "audio" / "dog_bark").iterdir())[0])
    base = embedding_statistics(wave)
    full = embedding_statistics(wave, ("mean", "max", "std", "layer10_mean", "layer10_std"))
    assert full.shape == (3 * 1024 + 2 * 512,) and np.isfinite(full).all()
    np.testing.assert_array_equal(full[:3072], base)
    assert full[3072:3584].max() > 0 and (full[3584:] >= 0).all()  # ReLU means, non-negative spreads
    with pytest.raises(ValueError, match="unknown"):
        embedding_statistics(wave, ("mean", "skew"))


def test_fusion_front_end_is_its_parts_side_by_side():
    """The shipped scene model's front end: YAMNet statistics then the pooled Whisper states, in card order."""
    _needs(US8K / "manifest.csv")
    from diary_app.analysis.classifier import ModelNotAvailable
    from diary_app.analysis.feature_classifier import FeatureFrontEnd
    from diary_app.audio.loading import load_audio

    yam = {"frontend": "yamnet", "statistics": ["mean", "max", "std"]}
    whisper = {"frontend": "whisper", "encoder": None, "layers": [0, 4], "statistics": ["mean", "std"]}
    fused = FeatureFrontEnd({"frontend": "fusion", "parts": [yam, whisper]})
    wave = load_audio(sorted((US8K / "audio" / "dog_bark").iterdir())[0])
    a, b = FeatureFrontEnd(yam)(wave), FeatureFrontEnd(whisper)(wave)
    v = fused(wave)
    assert len(fused.names) == v.size == a.size + b.size == 3072 + 2 * 2 * 384
    np.testing.assert_allclose(v, np.concatenate([a, b]), rtol=1e-5, atol=1e-5)
    assert fused.names[0].startswith("yamnet_") and fused.names[-1].startswith("whisper_L4_std")
    assert fused.config["parts"][1]["layers"] == [0, 4] and fused.encoder is not None
    for bad in ({"frontend": "fusion", "parts": [yam]}, {"frontend": "fusion", "parts": [yam, {"frontend": "fusion", "parts": []}]},
                {"frontend": "fusion"}):
        with pytest.raises(ModelNotAvailable):
            FeatureFrontEnd(bad)


@pytest.fixture(scope="module")
def analyzer():
    from diary_app.analysis.pipeline import Analyzer
    from diary_app.analysis.registry import default_scene_model
    from diary_app.settings import Settings

    chosen = default_scene_model()
    if chosen is None or chosen.name != "default-scene-everyday":
        pytest.skip("the everyday model is not the default here (no YAMNet runtime?)")
    return Analyzer(scene_model=chosen, settings=Settings(), force_branch="environment")


def test_held_out_everyday_sounds_get_their_scene_its_emotion_and_the_tables_reason(analyzer):
    """Recordings never heard in training (the committed test split), one per ESC-10 class."""
    from diary_app.analysis.emotion_table import load_emotion_table

    table = load_emotion_table("scene_emotion_everyday.csv")
    clips = [(p, lab) for p, lab in held_out_clips("default-scene-everyday", 1) if "esc10" in str(p)]
    assert len(clips) == 10
    right = 0
    for path, label in clips:
        result = analyzer.analyze_file(path)
        if result.scene == label:
            right += 1
            assert result.emotion == table.mapping[label]
            row = result.evidence["scene"]["table_row"]
            assert row == {"scene": label, "emotion": table.mapping[label], "reason": table.reasons[label],
                           "table": "scene_emotion_everyday.csv"}
            assert result.evidence["scene"]["decided_by"] == "scene" and row["reason"]
    assert right >= 7, f"{right}/10 held-out ESC-10 clips got their scene"


def test_every_new_class_has_an_emotion_and_a_written_reason():
    from diary_app.analysis.emotion_table import UNCLASSIFIED, load_emotion_table
    from diary_app.analysis.registry import find_model

    model = find_model("default-scene-everyday")
    if model is None:
        pytest.skip("models/default-scene-everyday not installed")
    table = load_emotion_table(model.card.emotion_table)
    table.check_covers(model.card.labels)
    assert len(model.card.labels) == 19
    for label in [*model.card.labels, UNCLASSIFIED]:
        assert len(table.reasons[label]) > 20, label


def _unclassified_result(analyzer):
    """An engine the model is unsure about (0.44 < 0.70), from the held-out recordings."""
    from diary_app.analysis.emotion_table import UNCLASSIFIED

    for path, _label in held_out_clips("default-scene-everyday", 4):
        result = analyzer.analyze_file(path)
        if result.scene == UNCLASSIFIED:
            return result
    pytest.skip("no held-out clip fell below the threshold")


def test_unclassified_names_the_rule_not_a_probability(analyzer):
    from diary_app.analysis.cli import summary
    from diary_app.analysis.explain import explain

    result = _unclassified_result(analyzer)
    sc = result.evidence["scene"]
    assert sc["decided_by"] == "rule" and sc["rule"] == "scene unclassified below 0.70 → surprise, the paper's table"
    assert sc["confidence"] < 0.70 and sc["suggested"]
    why = explain(result.to_dict())
    assert why.kind == "scene_rule" and why.suggested_scenes[0][0] == sc["top_scene"]
    text = summary(result)
    assert "decided by the rule: scene unclassified below 0.70 → surprise, the paper's table" in text
    assert "the sounds suggested:" in text
    assert f"surprise ({result.confidence:.2f})" not in text and "surprise 0.00" not in text


def test_review_panel_shows_the_rule_and_the_too_quiet_state(qtbot, analyzer, tmp_path):
    import soundfile as sf

    from diary_app.settings import Settings
    from diary_app.store import Diary
    from diary_app.ui.context import AppContext
    from diary_app.ui.review_panel import ReviewPanel

    result = _unclassified_result(analyzer)
    diary = Diary(tmp_path / "diary")
    try:
        ctx = AppContext(diary=diary, settings=Settings())
        panel = ReviewPanel(ctx)
        qtbot.addWidget(panel)
        wav = tmp_path / "a.wav"
        sf.write(str(wav), np.zeros(16_000 * 2, np.float32) + 0.01, 16_000)
        entry = diary.create_entry(wav, move=False)
        diary.set_analysis(entry.id, result)
        panel.show_entry(entry.id)
        assert "Decided by the rule: scene unclassified below 0.70 → surprise" in panel.confidence_label.text()
        assert "The sounds suggested:" in panel.source_label.text()
        assert "%" not in panel.confidence_label.text()  # no confidence number beside the rule's emotion

        quiet = analyzer.analyze_waveform(np.zeros(16_000 * 3, np.float32))
        entry2 = diary.create_entry(wav, move=False)
        diary.set_analysis(entry2.id, quiet)
        panel.show_entry(entry2.id)
        assert "Too quiet to analyse — pick the emotion yourself or record again." in panel.status_label.text()
        assert panel.chip.emotion == "untagged"
        assert panel.picker.emotion() is None and not panel.retry_button.isVisible()
    finally:
        diary.close()


def test_the_pauses_of_a_speech_recording_use_the_background_head_without_a_whisper_pass(monkeypatch):
    """Issue 11's speed: the shipped scene model carries a YAMNet-only head for the background look at a
    speech recording's pauses; it knows the sound (a held-out rain clip) and never runs the Whisper part."""
    from diary_app.analysis.pipeline import Analyzer
    from diary_app.analysis.registry import default_scene_model, default_speech_model, load_classifier
    from diary_app.audio.loading import load_audio
    from diary_app.settings import Settings

    chosen = default_scene_model()
    if chosen is None or chosen.name != "default-scene-everyday":
        pytest.skip("the everyday model is not the default here (no YAMNet runtime?)")
    clf = load_classifier(chosen)
    assert clf.background is not None and clf.card.extra["background"]["parts"] == [0]
    rain = next(p for p, lab in held_out_clips("default-scene-everyday", 3) if lab == "rain")
    wave = load_audio(rain)
    whisper_part = clf.frontend.parts[1]

    def no_whisper(self, wave16k):
        raise AssertionError("the background head ran the Whisper encoder")

    with monkeypatch.context() as m:
        m.setattr(type(whisper_part), "__call__", no_whisper)
        windows = clf.background_windows(wave)
        with pytest.raises(AssertionError, match="Whisper"):
            clf.predict_windows(wave)  # the full head does need it
    assert windows and set(windows[0].probabilities) == set(clf.labels)
    assert max(windows[0].probabilities, key=windows[0].probabilities.get) == "rain"
    # end to end: speech, then that rain on its own: the background look is the background head's
    speech_model = default_speech_model()
    if speech_model is None:
        pytest.skip("no default speech model")
    speech = load_audio(sorted((SHARED_DATA / "emodb" / "audio").glob("*.flac"))[0])
    result = Analyzer(speech_model=speech_model, scene_model=chosen, settings=Settings()).analyze_waveform(
        np.concatenate([speech, wave]))
    assert result.branch == "speech"
    env = result.evidence["environment"]
    assert env["head"] == "background" and env["top_scene"] == "rain"
