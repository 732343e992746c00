"""End-to-end analysis speed on CPU: WavLM base-plus size (random weights) and the scene CNN.

Not a test: a script that prints a table and writes JSON. Each variant runs in its own
subprocess so that thread settings and peak memory (``VmHWM``) are measured in isolation.

    .venv/bin/python benchmarks/bench_analysis.py                  # all variants, 5 runs each
    .venv/bin/python benchmarks/bench_analysis.py --runs 7 --variants torch-2t,onnx-int8-2t
    .venv/bin/python benchmarks/bench_analysis.py --agreement 60   # fp32 vs ONNX vs int8 on real clips

What one "run" is: ``Analyzer.analyze_file`` on a 5 s or 10 s real recording (decode, speech
detection, windows, model, aggregation), after one warm-up call that loads the models.
Wall time depends on what else the machine runs; the CPU time (user+sys of the process) is
reported beside it because it is less sensitive to other processes competing for the cores.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "data"
SER_LABELS = ["neutral", "happy", "sad", "angry", "fear", "disgust", "boredom"]
TAU_LABELS = ["airport", "bus", "metro", "metro_station", "park", "public_square", "shopping_mall",
              "street_pedestrian", "street_traffic", "tram"]

#: name -> (speech model folder or None for the CNN path, threads, options)
VARIANTS: dict[str, dict] = {
    "torch-2t": {"model": "wavlm_torch", "threads": 2},
    "torch-1t": {"model": "wavlm_torch", "threads": 1},
    "torch-2t-no-batch": {"model": "wavlm_torch", "threads": 2, "batch_size": 1},
    "torch-2t-no_grad": {"model": "wavlm_torch", "threads": 2, "grad_mode": "no_grad"},
    "torch-2t-grad": {"model": "wavlm_torch", "threads": 2, "grad_mode": "grad"},
    "onnx-fp32-2t": {"model": "wavlm_onnx_fp32", "threads": 2},
    "onnx-fp32-1t": {"model": "wavlm_onnx_fp32", "threads": 1},
    "onnx-int8-2t": {"model": "wavlm_onnx_int8", "threads": 2},
    "onnx-int8-1t": {"model": "wavlm_onnx_int8", "threads": 1},
    "onnx-int8conv-2t": {"model": "wavlm_onnx_int8conv", "threads": 2},
    "onnx-int8conv-1t": {"model": "wavlm_onnx_int8conv", "threads": 1},
    "cnn-2t": {"model": None, "threads": 2},
    "cnn-1t": {"model": None, "threads": 1},
    # the shipped environment models (real weights): the default (YAMNet + Whisper tiny.en statistics, one linear
    # head; the name is kept so runs compare) and the paper CNN fallback; a speech variant's "scene" picks its background-scene model
    "scene-yamnet-2t": {"model": None, "threads": 2, "scene": "default-scene-everyday"},
    "scene-yamnet-1t": {"model": None, "threads": 1, "scene": "default-scene-everyday"},
    "scene-papercnn-2t": {"model": None, "threads": 2, "scene": "default-scene-urbansound"},
    # the shipped defaults end to end (speech detection decides the branch): Whisper tiny.en + head, and the
    # eGeMAPS model it replaced, as the baseline
    "default-whisper-2t": {"model": None, "threads": 2, "speech": "default-ser-whisper", "kind": "speech"},
    "default-whisper-1t": {"model": None, "threads": 1, "speech": "default-ser-whisper", "kind": "speech"},
    "default-egemaps-2t": {"model": None, "threads": 2, "speech": "default-ser-features", "kind": "speech"},
}


# ----------------------------------------------------------------------------------- setup

def build_models(work: Path) -> None:
    """WavLM of base-plus size (WavLMConfig defaults, 94.6 M parameters) with random weights, its
    ONNX exports (fp32, int8 MatMul weights), and a SceneCNN of the default size."""
    from diary_app.analysis.model_card import KIND_HF_SER, KIND_SCENE_CNN, ModelCard

    torch_dir = work / "wavlm_torch"
    if not (torch_dir / "model_card.json").is_file():
        import torch
        from transformers import Wav2Vec2FeatureExtractor, WavLMConfig, WavLMForSequenceClassification

        torch.manual_seed(0)
        cfg = WavLMConfig(num_labels=len(SER_LABELS), id2label=dict(enumerate(SER_LABELS)),
                          label2id={l: i for i, l in enumerate(SER_LABELS)})
        WavLMForSequenceClassification(cfg).eval().save_pretrained(torch_dir)
        # microsoft/wavlm-base-plus's own preprocessor settings
        Wav2Vec2FeatureExtractor(feature_size=1, sampling_rate=16_000, padding_value=0.0, do_normalize=False,
                                 return_attention_mask=True).save_pretrained(torch_dir)
        ModelCard(name="wavlm-base-plus-random", kind=KIND_HF_SER, labels=SER_LABELS, window_s=4.0,
                  training_data="none: random weights, speed stand-in", licence="MIT").save(torch_dir)
    from diary_app.analysis.onnx_export import export_onnx

    # calibration recordings for the static int8 convs: EmoDB clips NOT used in the agreement check
    calib = [DATA / "emodb" / r["path"] for r in calibration_rows()]
    for name, quant, cal in (("wavlm_onnx_fp32", False, None), ("wavlm_onnx_int8", True, None),
                             ("wavlm_onnx_int8conv", True, calib)):
        d = work / name
        if (d / "model.onnx").is_file():
            continue
        d.mkdir(parents=True, exist_ok=True)
        for f in ("config.json", "preprocessor_config.json", "model_card.json", "model.safetensors"):
            shutil.copy(torch_dir / f, d / f)
        t = time.perf_counter()
        export_onnx(d, quantize=quant, calibration_audio=cal)
        print(f"exported {name} in {time.perf_counter() - t:.0f} s", file=sys.stderr)
    scene_dir = work / "scene_cnn"
    if not (scene_dir / "model_card.json").is_file():
        import torch
        from safetensors.torch import save_file

        from diary_app.analysis.features import LogMelConfig
        from diary_app.analysis.scene_cnn import SceneCNN

        torch.manual_seed(0)
        net = SceneCNN(n_classes=len(TAU_LABELS)).eval()
        scene_dir.mkdir(parents=True, exist_ok=True)
        save_file(net.state_dict(), str(scene_dir / "model.safetensors"))
        ModelCard(name="scene-cnn-random", kind=KIND_SCENE_CNN, task="scene", labels=TAU_LABELS, window_s=3.0,
                  features=LogMelConfig().to_dict(), architecture="scene_cnn", arch_config=net.config,
                  emotion_table="scene_emotion_tau2022.csv", training_data="none: random weights").save(scene_dir)


def calibration_rows() -> list[dict]:
    return sorted(_manifest("emodb"), key=lambda r: r["path"])[1::52][:8]


def _manifest(corpus: str) -> list[dict]:
    with open(DATA / corpus / "manifest.csv", newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def build_clips(work: Path) -> dict[str, Path]:
    """5 s and 10 s recordings made of real clips: EmoDB speech, UrbanSound8K sounds."""
    import numpy as np
    import soundfile as sf

    from diary_app.audio.loading import load_audio

    out = {}
    for corpus, kind, labels in (("emodb", "speech", None), ("urbansound8k", "env", ("engine_idling", "siren", "street_music"))):
        rows = [r for r in _manifest(corpus) if labels is None or r["label"] in labels]
        rows.sort(key=lambda r: r["path"])
        waves = [load_audio(DATA / corpus / r["path"]) for r in rows[:12]]
        cat = np.concatenate(waves)
        for seconds in (5, 10):
            path = work / f"{kind}_{seconds}s.wav"
            sf.write(path, cat[: seconds * 16_000], 16_000)
            out[f"{kind}_{seconds}s"] = path
    return out


# ----------------------------------------------------------------------------------- child

def _peak_rss_mb() -> float:
    """Peak resident memory of this process image.

    ``VmHWM`` rather than ``ru_maxrss``: Linux carries ``ru_maxrss`` over ``execve``, so a child
    started by a big parent would report the parent's peak.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(variant: str, clip: Path, runs: int, work: Path) -> dict:
    spec = VARIANTS[variant]
    threads = spec["threads"]
    import torch

    torch.set_num_threads(threads)
    os.environ["SOUND_DIARY_ORT_THREADS"] = str(threads)
    if spec.get("grad_mode") == "no_grad":
        torch.inference_mode = torch.no_grad  # type: ignore[assignment]
    elif spec.get("grad_mode") == "grad":
        torch.inference_mode = lambda *a, **k: contextlib.nullcontext()  # type: ignore[assignment]
    from diary_app.analysis.pipeline import Analyzer
    from diary_app.settings import Settings

    speech = str(work / spec["model"]) if spec["model"] else spec.get("speech")
    if spec.get("speech"):  # shipped defaults, no forced branch: what a user's recording goes through
        analyzer = Analyzer(speech_model=speech, scene_model=spec.get("scene"), settings=Settings(), device="cpu")
    else:
        analyzer = Analyzer(speech_model=speech, scene_model=spec.get("scene") or str(work / "scene_cnn"), settings=Settings(),
                            device="cpu", force_branch="speech" if speech else "environment")
    t = time.perf_counter()
    analyzer.load()
    if "batch_size" in spec and analyzer.speech_classifier is not None:
        analyzer.speech_classifier.batch_size = spec["batch_size"]
    load_s = time.perf_counter() - t
    first = analyzer.analyze_file(clip)  # warm-up (first-call allocations, librosa JIT)
    walls, cpus = [], []
    for _ in range(runs):
        r0 = resource.getrusage(resource.RUSAGE_SELF)
        t = time.perf_counter()
        res = analyzer.analyze_file(clip)
        walls.append(time.perf_counter() - t)
        r1 = resource.getrusage(resource.RUSAGE_SELF)
        cpus.append((r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime))
    return {
        "variant": variant, "clip": clip.name, "duration_s": res.duration_s, "runs": runs, "threads": threads,
        "load_s": load_s, "median_s": statistics.median(walls), "min_s": min(walls),
        "rtf": statistics.median(walls) / res.duration_s, "cpu_median_s": statistics.median(cpus),
        "peak_rss_mb": _peak_rss_mb(),
        "branch": res.branch, "backend": res.models.get("speech_backend", "torch" if speech else res.models.get("scene", "cnn")),
        "windows": len(res.timeline), "emotion": first.emotion,
    }


def agreement(work: Path, n: int) -> dict:
    """Compare ONNX fp32 / int8 window probabilities with PyTorch fp32 on ``n`` real EmoDB clips."""
    import numpy as np
    import torch

    from diary_app.analysis.hf_classifier import HFAudioClassifier
    from diary_app.audio.loading import load_audio

    torch.set_num_threads(2)
    calib = {r["path"] for r in calibration_rows()}
    rows = [r for r in sorted(_manifest("emodb"), key=lambda r: r["path"]) if r["path"] not in calib]
    rows = rows[:: max(1, len(rows) // n)][:n]
    waves = [load_audio(DATA / "emodb" / r["path"]) for r in rows]
    ref_clf = HFAudioClassifier(work / "wavlm_torch", device="cpu", use_onnx=False)

    def probs(clf):
        out = []
        for w in waves:
            ws = clf.predict_windows(w)
            out.append(np.mean([[x.probabilities[l] for l in clf.labels] for x in ws], axis=0))
        return np.array(out)

    ref = probs(ref_clf)
    report = {"clips": len(waves), "reference": "torch fp32"}
    for name in ("wavlm_onnx_fp32", "wavlm_onnx_int8", "wavlm_onnx_int8conv"):
        clf = HFAudioClassifier(work / name, device="cpu")
        p = probs(clf)
        report[name] = {
            "argmax_agreement": float((p.argmax(1) == ref.argmax(1)).mean()),
            "max_abs_prob_diff": float(np.abs(p - ref).max()),
            "mean_abs_prob_diff": float(np.abs(p - ref).mean()),
        }
    report["reference_top_prob_mean"] = float(ref.max(1).mean())
    return report


# ----------------------------------------------------------------------------------- main

def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--work", type=Path, default=Path("/tmp/sound_diary_bench"))
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--variants", default=",".join(VARIANTS))
    ap.add_argument("--clips", default="5,10")
    ap.add_argument("--agreement", type=int, default=0, help="also compare ONNX/int8 with torch on N EmoDB clips")
    ap.add_argument("--json-out", type=Path, default=None)
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--clip", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("SOUND_DIARY_DATA_DIR", str(args.work / "userdata"))
    if args.child:
        print(json.dumps(child(args.child, args.clip, args.runs, args.work)))
        return 0
    args.work.mkdir(parents=True, exist_ok=True)
    selected = [v for v in args.variants.split(",") if v]
    if any(VARIANTS[v]["model"] or not (VARIANTS[v].get("scene") or VARIANTS[v].get("speech")) for v in selected):
        build_models(args.work)  # random WavLM / CNN stand-ins (minutes); the shipped-model variants need none
    clips = build_clips(args.work)
    results = []
    print(f"load average before: {os.getloadavg()}", file=sys.stderr)
    for variant in selected:
        kind = VARIANTS[variant].get("kind") or ("env" if VARIANTS[variant]["model"] is None else "speech")
        for seconds in args.clips.split(","):
            clip = clips[f"{kind}_{seconds}s"]
            env = dict(os.environ, OMP_NUM_THREADS=str(VARIANTS[variant]["threads"]))
            proc = subprocess.run([sys.executable, __file__, "--child", variant, "--clip", str(clip), "--runs", str(args.runs),
                                   "--work", str(args.work)], capture_output=True, text=True, env=env)
            if proc.returncode != 0:
                print(f"{variant} {clip.name} failed:\n{proc.stderr[-2000:]}", file=sys.stderr)
                continue
            r = json.loads(proc.stdout.strip().splitlines()[-1])
            r["loadavg"] = os.getloadavg()[0]
            results.append(r)
            print(f"{variant:18s} {r['clip']:14s} median {r['median_s']:.3f} s  RTF {r['rtf']:.3f}  cpu {r['cpu_median_s']:.2f} s  "
                  f"peak RSS {r['peak_rss_mb']:.0f} MB  load {r['load_s']:.1f} s  windows {r['windows']}  "
                  f"loadavg {r['loadavg']:.1f}", flush=True)
    out = {"results": results, "cpu_count": os.cpu_count(), "loadavg_after": os.getloadavg()}
    if args.agreement:
        out["agreement"] = agreement(args.work, args.agreement)
        print(json.dumps(out["agreement"], indent=2))
    if args.json_out:
        args.json_out.write_text(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
