#!/usr/bin/env python
"""Speech detection on 8 / 22.05 / 44.1 / 48 kHz copies of real clips: the resampler it used before
issue 14 (``scipy.signal.resample_poly``) against the app's one resampler (``audio.loading.resample``).

    .venv/bin/python benchmarks/resampler_speech_detection.py
"""

from __future__ import annotations

import csv
import sys
from math import gcd
from pathlib import Path

import numpy as np
from scipy.signal import resample_poly

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import diary_app.analysis.speech_detection as sd  # noqa: E402
from diary_app.audio.loading import SAMPLE_RATE, load_audio  # noqa: E402


def old_as_16k(wave, sample_rate):
    wave = np.asarray(wave, dtype=np.float32)
    if wave.ndim == 2:
        wave = wave.mean(axis=1 if wave.shape[0] > wave.shape[1] else 0)
    wave = np.nan_to_num(wave.reshape(-1))
    if sample_rate != SAMPLE_RATE:
        g = gcd(int(sample_rate), SAMPLE_RATE)
        wave = resample_poly(wave, SAMPLE_RATE // g, int(sample_rate) // g).astype(np.float32)
    return np.clip(wave, -1.0, 1.0)

root = ROOT.parent / "shared" / "data"
clips = []
for corpus, n in (("emodb", 6), ("urbansound8k", 6)):
    rows = list(csv.DictReader(open(root / corpus / "manifest.csv")))
    clips += [root / corpus / r["path"] for r in rows[:: max(1, len(rows) // n)][:n]]
new_as_16k = sd._as_16k
rows = []
for p in clips:
    w16 = load_audio(p, min_duration_s=0)
    for sr in (8000, 22050, 44100, 48000):
        g = gcd(sr, 16000)
        w = resample_poly(w16, sr // g, 16000 // g).astype(np.float32)
        sd._as_16k = old_as_16k
        a = sd.detect_speech(w, sr)
        sd._as_16k = new_as_16k
        b = sd.detect_speech(w, sr)
        rows.append((str(p.relative_to(root)).split("/")[0], sr, a.contains_speech, b.contains_speech, a.speech_ratio, b.speech_ratio, a.speech_probability, b.speech_probability))
same = sum(r[2] == r[3] for r in rows)
print(f"{same}/{len(rows)} same speech/no-speech decision; max |speech_ratio diff| {max(abs(r[4]-r[5]) for r in rows):.4f}; mean {np.mean([abs(r[4]-r[5]) for r in rows]):.4f}")
for r in rows:
    if r[2] != r[3] or abs(r[4] - r[5]) > 0.02:
        print(r)
