"""Speech detection on real clips from both kinds of corpus (EmoDB/URDU speech, UrbanSound8K noise).

Clips are taken only from the speaker/recording groups that the shipped rule was NOT fitted on
(``heldout_groups`` in resources/speech_detection/speech_rule.json), so these tests measure the
rule, not its memory of its training clips.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pytest

from diary_app.analysis.speech_detection import FRAME_MS, RULE_PATH, SpeechDetectionConfig, detect_speech, load_rule
from diary_app.analysis.speech_silero import silero_available
from diary_app.analysis.speech_yamnet import yamnet_available
from diary_app.audio.loading import load_audio
from tests.conftest import manifest_rows

SR = 16_000
STEADY_NOISE = ("air_conditioner", "engine_idling", "drilling", "jackhammer", "siren")
NON_SPEECH = STEADY_NOISE + ("car_horn", "dog_bark", "gun_shot")
CUES_ONLY = SpeechDetectionConfig(use_yamnet=False, use_silero=False)


@pytest.fixture(scope="module")
def misses_allowed() -> int:
    """Per-clip checks are strict for the shipped rule (YAMNet); the cues-only fallback (no TFLite
    runtime, e.g. Intel macOS) errs on ~3 % of clips, so there one miss per group of clips is allowed."""
    return 0 if yamnet_available() else 1


@pytest.fixture(scope="module")
def heldout() -> set[str]:
    return set(load_rule().meta["heldout_groups"])


def _heldout_rows(corpus: str, heldout: set[str], label: str | None = None) -> list[dict]:
    return [r for r in manifest_rows(corpus)
            if f"{corpus}:{r['speaker']}" in heldout and (label is None or r["label"] == label)]


def _spread(rows: list[dict], n: int) -> list[dict]:
    """n clips, round-robin over groups (sorted), so no single speaker/recording dominates."""
    by_group: dict[str, list[dict]] = defaultdict(list)
    for r in sorted(rows, key=lambda r: r["path"]):
        by_group[r["speaker"]].append(r)
    queues = [by_group[g] for g in sorted(by_group)]
    out: list[dict] = []
    while len(out) < n and any(queues):
        for q in queues:
            if q and len(out) < n:
                out.append(q.pop(0))
    return out


def _detect(row: dict, config: SpeechDetectionConfig | None = None):
    return detect_speech(load_audio(row["abspath"]), SR, config)


@pytest.mark.parametrize("corpus", ["emodb", "urdu"])
def test_real_speech_is_speech(corpus, heldout, misses_allowed):
    rows = _spread(_heldout_rows(corpus, heldout), 6)
    assert len({r["speaker"] for r in rows}) >= 3
    missed = []
    for r in rows:
        det = _detect(r)
        if det.contains_speech:
            assert det.voiced_s >= 0.3 and det.segments
        else:
            missed.append((r["path"], det.reason))
    assert len(missed) <= misses_allowed, missed


@pytest.mark.parametrize("label", STEADY_NOISE)
def test_steady_noise_is_not_speech_although_webrtcvad_says_so(label, heldout, misses_allowed):
    rows = _spread(_heldout_rows("urbansound8k", heldout, label), 3)
    assert len(rows) == 3
    fooled, wrong = 0, []
    for r in rows:
        wave = load_audio(r["abspath"])
        det = detect_speech(wave, SR)
        if det.contains_speech:
            wrong.append((r["path"], det.reason))
        else:
            assert det.segments == [] and det.voiced_s == 0.0 and det.speech_ratio == 0.0
        fooled += detect_speech(wave, SR, SpeechDetectionConfig(use_second_cue=False)).contains_speech
    assert len(wrong) <= misses_allowed, wrong
    assert fooled >= 2, "these clips should be hard: webrtcvad alone calls most of them speech"


def test_silence_and_synthetic_noise_are_not_speech():
    rng = np.random.default_rng(0)
    t = np.arange(4 * SR) / SR
    white = rng.standard_normal(t.size)
    spec = np.fft.rfft(white)
    spec[1:] /= np.sqrt(np.arange(1, spec.size))  # 1/f power = pink
    pink = np.fft.irfft(spec, n=t.size)
    brown = np.cumsum(white)
    brown -= np.convolve(brown, np.ones(801) / 801, mode="same")  # drop the drift
    signals = {
        "digital silence": np.zeros(t.size),
        "quiet room hiss": 1e-3 * white,
        "loud white noise": 0.3 * white / np.abs(white).max(),
        "loud pink noise": 0.5 * pink / np.abs(pink).max(),
        "loud brown noise": 0.5 * brown / np.abs(brown).max(),
        "hum 120 Hz + harmonics": sum(0.2 / k * np.sin(2 * np.pi * 120 * k * t) for k in range(1, 6)),
    }
    for cfg in (None, CUES_ONLY):
        for name, wave in signals.items():
            det = detect_speech(wave.astype(np.float32), SR, cfg)
            assert not det.contains_speech, (name, cfg, det.reason)
    # the reason these need a second cue: webrtcvad alone calls loud noise speech
    assert detect_speech(signals["loud white noise"].astype(np.float32), SR,
                         SpeechDetectionConfig(use_second_cue=False, aggressiveness=0)).contains_speech


def test_segments_lie_in_the_clip_and_voiced_seconds_match_frames(heldout):
    row = _spread(_heldout_rows("emodb", heldout), 1)[0]
    wave = load_audio(row["abspath"])
    det = detect_speech(wave, SR)
    duration = wave.size / SR
    assert det.frame_flags.dtype == bool and det.frame_flags.size == wave.size // (SR * FRAME_MS // 1000)
    assert det.voiced_s == pytest.approx(det.frame_flags.sum() * FRAME_MS / 1000)
    assert det.speech_ratio == pytest.approx(det.frame_flags.mean())
    assert sum(e - s for s, e in det.segments) == pytest.approx(det.voiced_s)
    prev_end = -1.0
    for s, e in det.segments:
        assert 0.0 <= s < e <= duration + 1e-9 and s > prev_end
        prev_end = e
    assert 0.0 < det.speech_probability <= 1.0 and det.cues["speech_probability"] == det.speech_probability
    assert det.reason


def test_aggressiveness_is_honoured(heldout):
    seen = []
    for row in _spread(_heldout_rows("urbansound8k", heldout, "engine_idling"), 6):
        wave = load_audio(row["abspath"])
        ratios = [detect_speech(wave, SR, SpeechDetectionConfig(aggressiveness=m, use_second_cue=False)).vad_ratio
                  for m in range(4)]
        assert all(a >= b for a, b in zip(ratios, ratios[1:])), ratios
        seen.append(ratios)
        if ratios[0] > ratios[3]:
            break
    assert seen[-1][0] > seen[-1][3], seen  # some engine is quieter to the strict mode (a very loud one is 1.0 in all)
    # with the second cue the raw VAD ratio still follows the chosen mode
    assert detect_speech(wave, SR, SpeechDetectionConfig(aggressiveness=3)).vad_ratio == pytest.approx(ratios[3])


def test_speech_is_found_inside_a_longer_noisy_recording(heldout):
    """Windows of 4 s: speech between two engine stretches is found and located."""
    engine = load_audio(_spread(_heldout_rows("urbansound8k", heldout, "engine_idling"), 1)[0]["abspath"])[: 4 * SR]
    speech_rows = _spread(_heldout_rows("emodb", heldout), 2)
    speech = np.concatenate([load_audio(r["abspath"]) for r in speech_rows])
    speech = np.pad(speech, (0, max(0, 4 * SR - speech.size)))[: 4 * SR]
    speech = speech + 0.01 * np.random.default_rng(1).standard_normal(speech.size).astype(np.float32)  # no digital zeros
    det = detect_speech(np.concatenate([engine, speech, engine]), SR)
    assert det.contains_speech, det.reason
    assert det.cues["windows"] == 3 and det.cues["speech_windows"] == 1
    frame = FRAME_MS / 1000  # windows are whole 30 ms frames, so edges may sit one frame off 4.0 / 8.0 s
    assert all(4.0 - frame - 1e-9 <= s and e <= 8.0 + frame + 1e-9 for s, e in det.segments), det.segments


def test_other_sample_rates_are_resampled(heldout):
    from scipy.signal import resample_poly

    row = _spread(_heldout_rows("urdu", heldout), 1)[0]
    wave = load_audio(row["abspath"])
    for sr, up, down in ((8_000, 1, 2), (44_100, 441, 160)):
        det = detect_speech(resample_poly(wave, up, down).astype(np.float32), sr)
        assert det.contains_speech, (sr, det.reason)


def test_missing_rule_file_falls_back_to_webrtcvad(tmp_path, heldout):
    row = _spread(_heldout_rows("emodb", heldout), 1)[0]
    det = detect_speech(load_audio(row["abspath"]), SR, SpeechDetectionConfig(rule_path=tmp_path / "nope.json"))
    assert det.model == "webrtcvad" and "second cue unavailable" in det.reason
    assert det.contains_speech


def _grouped_sample(heldout: set[str]) -> list[tuple[dict, bool]]:
    speech = _spread(_heldout_rows("emodb", heldout), 20) + _spread(_heldout_rows("urdu", heldout), 20)
    noise = [r for lab in NON_SPEECH for r in _spread(_heldout_rows("urbansound8k", heldout, lab), 5)]
    assert len(speech) == 40 and len(noise) == 40
    return [(r, True) for r in speech] + [(r, False) for r in noise]


@pytest.mark.slow
def test_heldout_accuracy_of_the_shipped_rule(heldout):
    if not yamnet_available():
        pytest.skip("YAMNet runtime not installed; the cues-only fallback is tested below")
    sample = _grouped_sample(heldout)
    results = [(_detect(r).contains_speech == truth, r["path"]) for r, truth in sample]
    acc = sum(ok for ok, _ in results) / len(results)
    assert acc >= 0.95, (acc, [p for ok, p in results if not ok])
    assert _detect(sample[0][0]).model == ("silero_yamnet" if silero_available() else "with_yamnet")


def test_heldout_accuracy_of_the_cues_only_fallback(heldout):
    """What users without the TFLite runtime get (e.g. Intel macOS): weaker, but far above webrtcvad."""
    sample = _grouped_sample(heldout)
    results = [(_detect(r, CUES_ONLY).contains_speech == truth, r["path"]) for r, truth in sample]
    acc = sum(ok for ok, _ in results) / len(results)
    assert acc >= 0.88, (acc, [p for ok, p in results if not ok])
    vad_alone = sum(_detect(r, SpeechDetectionConfig(use_second_cue=False)).contains_speech == truth
                    for r, truth in sample) / len(sample)
    assert vad_alone < 0.7 < acc  # webrtcvad alone is near chance on this balanced sample


def test_rule_file_is_small_and_names_its_provenance():
    rule = load_rule()
    assert rule.meta["fitted_by"] == "benchmarks/calibrate_speech_detection.py"
    assert not set(rule.meta["fit_groups"]) & set(rule.meta["heldout_groups"])
    assert RULE_PATH.stat().st_size < 100_000


def test_speech_over_steady_noise_is_still_speech(heldout, misses_allowed):
    """A diary is recorded in real places: speech 10 dB above an engine or air conditioner is speech."""
    speech = _spread(_heldout_rows("emodb", heldout), 3) + _spread(_heldout_rows("urdu", heldout), 3)
    noise = [r for lab in ("engine_idling", "air_conditioner", "jackhammer")
             for r in _spread(_heldout_rows("urbansound8k", heldout, lab), 2)]
    found, noise_called_speech = 0, []
    for s_row, n_row in zip(speech, noise):
        s, n = load_audio(s_row["abspath"]), load_audio(n_row["abspath"])
        n = np.resize(n, s.size)
        mix = s + n * np.sqrt(np.mean(s ** 2) / (np.mean(n ** 2) + 1e-12) / 10.0)
        found += detect_speech((mix / max(1.0, np.abs(mix).max())).astype(np.float32), SR).contains_speech
        if detect_speech(n, SR).contains_speech:  # the noise alone is not speech
            noise_called_speech.append(n_row["path"])
    assert found >= 5, f"only {found}/6 speech-in-noise mixtures found"
    assert len(noise_called_speech) <= misses_allowed, noise_called_speech


def test_malformed_rule_file_falls_back_with_a_reason(tmp_path):
    import json

    good = json.loads(RULE_PATH.read_text())
    good["models"]["cues_only"]["coef"] = good["models"]["cues_only"]["coef"][:-1]
    bad = tmp_path / "rule.json"
    bad.write_text(json.dumps(good))
    det = detect_speech(np.zeros(SR, dtype=np.float32), SR, SpeechDetectionConfig(rule_path=bad))
    assert det.model == "webrtcvad" and "coef" in det.reason and not det.contains_speech


def test_stereo_and_empty_input(heldout):
    wave = load_audio(_spread(_heldout_rows("urdu", heldout), 1)[0]["abspath"])
    mono = detect_speech(wave, SR)
    stereo = detect_speech(np.stack([wave, wave], axis=1), SR)
    assert stereo.contains_speech and stereo.segments == mono.segments
    for empty in (np.zeros(0, np.float32), np.zeros(100, np.float32)):
        det = detect_speech(empty, SR)
        assert not det.contains_speech and det.segments == [] and det.voiced_s == 0.0


# -- issue 12: silero-vad, speech under everyday noise ------------------------------------------------

def _mix(speech: np.ndarray, noise: np.ndarray, snr_db: float) -> np.ndarray:
    noise = np.resize(noise, speech.size)
    mix = speech + noise * np.sqrt(np.mean(speech ** 2) / (np.mean(noise ** 2) + 1e-12) / 10 ** (snr_db / 10))
    return (mix / max(1.0, float(np.abs(mix).max()))).astype(np.float32)


def test_silero_sequence_export_equals_the_streaming_model():
    """The detector runs the wheel's sequence export (one ONNX call); it must give the streaming model's numbers."""
    import onnxruntime as ort

    from diary_app.analysis.speech_silero import STREAMING_MODEL, frame_probabilities, model_dir

    if not silero_available():
        pytest.skip("silero-vad / onnxruntime not installed")
    wave = load_audio(manifest_rows("emodb")[0]["abspath"])[: 2 * SR]
    sess = ort.InferenceSession(str(model_dir() / STREAMING_MODEL), providers=["CPUExecutionProvider"])
    state, ctx, ref = np.zeros((2, 1, 128), np.float32), np.zeros(64, np.float32), []
    for i in range(wave.size // 512):
        x = np.concatenate([ctx, wave[i * 512:(i + 1) * 512]])[None]
        out, state = sess.run(None, {"input": x, "state": state, "sr": np.array(16_000, dtype=np.int64)})
        ref.append(float(out[0, 0]))
        ctx = x[0, -64:]
    ours = frame_probabilities(wave)[: len(ref)]
    assert np.abs(ours - np.array(ref)).max() < 1e-4
    assert ours.max() > 0.9  # it is speech


def test_speech_under_held_out_street_and_everyday_noise_takes_the_speech_branch(heldout):
    """Issue 12: speech 5 dB over UrbanSound8K / ESC-10 noise of held-out recordings is speech; the noise alone is not."""
    if not (silero_available() and yamnet_available()):
        pytest.skip("needs the shipped model (silero-vad + YAMNet)")
    speech = (_spread(_heldout_rows("ravdess", heldout), 3) + _spread(_heldout_rows("turev", heldout), 3)
              + _spread(_heldout_rows("emodb", heldout), 2) + _spread(_heldout_rows("selvas", heldout), 2))
    noise = ([r for lab in ("engine_idling", "air_conditioner", "jackhammer", "siren", "drilling", "street_music")
              for r in _spread(_heldout_rows("urbansound8k", heldout, lab), 1)]
             + [r for lab in ("rain", "sea_waves", "helicopter", "chainsaw")
                for r in _spread(_heldout_rows("esc10", heldout, lab), 1)])
    assert len(speech) == 10 and len(noise) == 10
    missed, fooled = [], []
    for s_row, n_row in zip(speech, noise):
        s, n = load_audio(s_row["abspath"]), load_audio(n_row["abspath"])
        det = detect_speech(_mix(s, n, 5.0), SR)
        if not det.contains_speech:
            missed.append((s_row["path"], n_row["path"], det.reason))
        if n_row["label"] != "street_music" and detect_speech(n, SR).contains_speech:
            fooled.append(n_row["path"])
    assert len(missed) <= 1, missed
    assert not fooled, fooled


def test_without_silero_the_yamnet_model_decides_and_says_so(heldout):
    row = _spread(_heldout_rows("emodb", heldout), 1)[0]
    det = _detect(row, SpeechDetectionConfig(use_silero=False))
    assert det.model == ("with_yamnet" if yamnet_available() else "cues_only") and det.contains_speech
    assert "silero_mean_logit" not in det.cues
    full = _detect(row, SpeechDetectionConfig(cascade=False))
    if silero_available():
        assert "silero_mean_logit" in full.cues and "yamnet_speech_mean" in full.cues


# -- the cascade: YAMNet only where silero alone is unsure --------------------------------------------

def test_the_cascade_skips_yamnet_where_silero_is_sure_and_decides_like_the_full_model(heldout, monkeypatch):
    """Clear speech and clear noise are decided by the cheap first model without running YAMNet;
    on held-out clips (clean, noise, 5 dB mixtures) the decisions match the full model's."""
    import diary_app.analysis.speech_detection as sd

    if not (silero_available() and yamnet_available()) or load_rule().cascade is None:
        pytest.skip("needs the shipped model (silero-vad + YAMNet) and its cascade")
    calls = []
    real = sd.yamnet_cues
    monkeypatch.setattr(sd, "yamnet_cues", lambda w: calls.append(w.size) or real(w))
    speech = _spread(_heldout_rows("ravdess", heldout), 4) + _spread(_heldout_rows("selvas", heldout), 4)
    noise = [r for lab in ("engine_idling", "drilling", "siren", "jackhammer")
             for r in _spread(_heldout_rows("urbansound8k", heldout, lab), 1)]
    waves = ([(load_audio(r["abspath"]), True) for r in speech] + [(load_audio(r["abspath"]), False) for r in noise]
             + [(_mix(load_audio(s["abspath"]), load_audio(n["abspath"]), 5.0), True) for s, n in zip(speech, noise)])
    disagree, wrong, decided_first, windows = 0, 0, 0, 0
    for wave, truth in waves:
        calls.clear()
        fast = detect_speech(wave, SR)
        fast_calls = len(calls)
        full = detect_speech(wave, SR, SpeechDetectionConfig(cascade=False))
        decided_first += int(fast.cues["windows_decided_by_silero"])
        windows += int(fast.cues["windows"])
        assert fast_calls <= fast.cues["windows"] - fast.cues["windows_decided_by_silero"]  # YAMNet only on the unsure
        assert "decided by silero alone" in fast.reason
        disagree += fast.contains_speech != full.contains_speech
        wrong += fast.contains_speech != truth
    assert decided_first >= 0.75 * windows, (decided_first, windows)
    assert disagree <= 1 and wrong <= 1, (disagree, wrong)


def test_a_cascade_whose_bounds_miss_the_threshold_is_refused(tmp_path):
    import json

    rule = json.loads(RULE_PATH.read_text())
    if not rule.get("cascade"):
        pytest.skip("the shipped rule has no cascade")
    rule["cascade"]["above"] = rule["models"][rule["cascade"]["then"]]["threshold"] / 2  # would call weak windows speech
    bad = tmp_path / "rule.json"
    bad.write_text(json.dumps(rule))
    det = detect_speech(np.zeros(SR, dtype=np.float32), SR, SpeechDetectionConfig(rule_path=bad))
    assert det.model == "webrtcvad" and "cascade" in det.reason
    del rule["cascade"]  # a rule without a cascade (older files) still works: every window goes to the full model
    bad.write_text(json.dumps(rule))
    load_rule.cache_clear()
    assert load_rule(bad).cascade is None
