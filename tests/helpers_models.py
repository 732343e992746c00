"""Tiny real models for tests (random weights, real save/load round trips).

Other areas' tests may reuse these builders: they write a complete model folder (weights +
``model_card.json``) that the registry and ``load_classifier`` accept like a trained one.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from diary_app.analysis.model_card import KIND_HF_SER, KIND_SCENE_CNN, ModelCard

#: EmoDB-like label set: 'disgust' tests the merge into fear, 'boredom' one with no place
TINY_SER_LABELS = ["neutral", "happy", "sad", "angry", "fear", "disgust", "boredom"]
TAU2022_LABELS = ["airport", "bus", "metro", "metro_station", "park", "public_square", "shopping_mall",
                  "street_pedestrian", "street_traffic", "tram"]


def build_tiny_wavlm(folder: str | Path, labels: list[str] | None = None, seed: int = 0, name: str | None = None,
                     with_card: bool = True, hidden_size: int = 32, layers: int = 2) -> Path:
    """A ``WavLMForSequenceClassification`` with hidden size 32, 2 layers, 2 heads and the real
    conv stack stride (320), saved with ``save_pretrained`` plus its feature extractor."""
    import torch
    from transformers import Wav2Vec2FeatureExtractor, WavLMConfig, WavLMForSequenceClassification

    labels = list(labels or TINY_SER_LABELS)
    folder = Path(folder)
    torch.manual_seed(seed)
    config = WavLMConfig(
        hidden_size=hidden_size, num_hidden_layers=layers, num_attention_heads=2, intermediate_size=2 * hidden_size,
        conv_dim=(16,) * 7, conv_stride=(5, 2, 2, 2, 2, 2, 2), conv_kernel=(10, 3, 3, 3, 3, 2, 2),
        num_conv_pos_embeddings=16, num_conv_pos_embedding_groups=2, classifier_proj_size=16,
        num_labels=len(labels), id2label=dict(enumerate(labels)), label2id={l: i for i, l in enumerate(labels)},
    )
    model = WavLMForSequenceClassification(config).eval()
    model.save_pretrained(folder)
    Wav2Vec2FeatureExtractor(feature_size=1, sampling_rate=16_000, padding_value=0.0, do_normalize=True,
                             return_attention_mask=True).save_pretrained(folder)
    if with_card:
        ModelCard(name=name or folder.name, kind=KIND_HF_SER, labels=labels, task="speech-emotion", window_s=4.0,
                  training_data="none (random weights, test fixture)", licence="MIT",
                  description="tiny WavLM for tests").save(folder)
    return folder


def build_tiny_cnn(folder: str | Path, labels: list[str] | None = None, kind: str = KIND_SCENE_CNN, seed: int = 0,
                   name: str | None = None, confident_label: str | None = None, emotion_table: str | None = None,
                   window_s: float | None = None) -> Path:
    """A small ``SceneCNN`` saved as ``model.safetensors`` + card.

    ``confident_label`` pushes the output bias of that label up so the model predicts it with
    probability ~1 on any input (for threshold and table tests); otherwise random weights give a
    near-uniform softmax, i.e. ``unclassified`` at the 0.70 threshold.
    """
    import torch
    from safetensors.torch import save_file

    from diary_app.analysis.features import LogMelConfig
    from diary_app.analysis.scene_cnn import SceneCNN

    scene = kind == KIND_SCENE_CNN
    labels = list(labels or (TAU2022_LABELS if scene else TINY_SER_LABELS))
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(seed)
    net = SceneCNN(n_classes=len(labels), channels=(4, 8), pooled=(2, 2)).eval()
    if confident_label is not None:
        with torch.no_grad():
            fc = net.classifier[-1]
            fc.weight.mul_(0.01)
            fc.bias.zero_()
            fc.bias[labels.index(confident_label)] = 20.0
    save_file({k: v.contiguous() for k, v in net.state_dict().items()}, str(folder / "model.safetensors"))
    ModelCard(
        name=name or folder.name, kind=kind, labels=labels, task="scene" if scene else "speech-emotion",
        window_s=window_s or (3.0 if scene else 4.0), features=LogMelConfig().to_dict(), architecture="scene_cnn",
        arch_config=net.config, emotion_table=(emotion_table or "scene_emotion_tau2022.csv") if scene else None,
        training_data="none (random weights, test fixture)", licence="MIT", description="tiny CNN for tests",
    ).save(folder)
    return folder


@pytest.fixture
def shipped(tmp_path, monkeypatch):
    """An empty shipped models folder, so catalog tests do not depend on what models/ holds today."""
    from diary_app.analysis import registry

    folder = tmp_path / "shipped_models"
    folder.mkdir()
    monkeypatch.setattr(registry, "shipped_models_dir", lambda: folder)
    return folder
