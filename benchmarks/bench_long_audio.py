"""Peak memory and time of analysing a long recording (issue 15 item 6), streamed vs decoded whole.

    .venv/bin/python benchmarks/bench_long_audio.py --minutes 120

Writes a FLAC of real clips (UrbanSound8K engine / street sounds with an EmoDB sentence every few
minutes), block by block so the writer itself stays small, then runs each variant in a child process
and reports its peak resident memory (``VmHWM``) and wall time. Not a test: minutes of CPU.
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "data"


def _peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def write_long_file(path: Path, minutes: float) -> None:
    import soundfile as sf

    from diary_app.audio.loading import load_audio

    def clips(corpus: str, labels: set[str] | None, n: int) -> list[np.ndarray]:
        with open(DATA / corpus / "manifest.csv", newline="", encoding="utf-8") as fh:
            rows = [r for r in csv.DictReader(fh) if labels is None or r["label"] in labels][:n]
        return [load_audio(DATA / corpus / r["path"]) for r in rows]

    noise = clips("urbansound8k", {"engine_idling", "air_conditioner", "street_music"}, 30)
    speech = clips("emodb", None, 30)
    total = int(minutes * 60 * 16_000)
    rng = np.random.default_rng(0)
    with sf.SoundFile(str(path), "w", samplerate=16_000, channels=1, format="FLAC") as fh:
        done = 0
        while done < total:
            part = speech[int(rng.integers(len(speech)))] if rng.random() < 0.15 else noise[int(rng.integers(len(noise)))]
            part = part[: total - done]
            fh.write(part)
            done += part.size


def child(variant: str, path: Path) -> dict:
    t = time.perf_counter()
    if variant == "load-whole":
        from diary_app.audio.loading import load_audio

        wave = load_audio(path)
        out = {"samples": int(wave.size)}
    else:
        from diary_app.analysis.pipeline import Analyzer
        from diary_app.settings import Settings

        res = Analyzer(settings=Settings()).analyze_file(path)
        out = {"branch": res.branch, "emotion": res.emotion, "chunks": len(res.evidence.get("chunks", [])),
               "duration_s": res.duration_s}
    out.update(variant=variant, wall_s=round(time.perf_counter() - t, 1), peak_rss_mb=round(_peak_mb(), 1))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--minutes", type=float, default=120)
    ap.add_argument("--work", type=Path, default=Path("/tmp/sound_diary_long"))
    ap.add_argument("--variants", default="load-whole,analyze-streamed")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.file)))
        return 0
    args.work.mkdir(parents=True, exist_ok=True)
    path = args.work / f"long_{args.minutes:g}min.flac"
    if not path.is_file():
        write_long_file(path, args.minutes)
    for variant in args.variants.split(","):
        proc = subprocess.run([sys.executable, __file__, "--child", variant, "--file", str(path)], capture_output=True, text=True)
        line = proc.stdout.strip().splitlines()[-1] if proc.returncode == 0 else f'{{"variant": "{variant}", "failed": true}}'
        print(line, flush=True)
        if proc.returncode:
            print(proc.stderr[-2000:], file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
