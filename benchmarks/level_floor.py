"""Where to put the "too quiet to analyse" floor (issue 12): the active level of every real clip.

Active level = 95th percentile of the 30 ms frame levels (``diary_app.audio.level``), i.e. how
loud the loud part of a clip is. Prints, per corpus, the quietest clips and the 1st percentile,
and how many real clips the shipped floor would call too quiet.

    .venv/bin/python benchmarks/level_floor.py
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from diary_app.audio.level import QUIET_FLOOR_DBFS, check_level  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
CORPORA = ("emodb", "urdu", "ravdess", "emovo", "turev", "selvas", "urbansound8k", "esc10")


def main() -> int:
    import soundfile as sf

    below, total = [], 0
    for corpus in CORPORA:
        with open(DATA / corpus / "manifest.csv", newline="", encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
        levels = []
        for r in rows:
            wave, sr = sf.read(str(DATA / corpus / r["path"]), dtype="float32", always_2d=True)
            lvl = check_level(wave.mean(axis=1), sr)
            levels.append((lvl.active_dbfs, lvl.rms_dbfs, r["path"]))
            if lvl.too_quiet:
                below.append((corpus, r["path"], round(lvl.active_dbfs, 1)))
        total += len(rows)
        levels.sort()
        act = np.array([x[0] for x in levels])
        print(f"{corpus:13s} {len(rows):5d} clips: active level min {act.min():6.1f}  p1 {np.percentile(act, 1):6.1f}  "
              f"median {np.median(act):6.1f} dBFS; quietest {levels[0][2]} (whole-clip RMS {levels[0][1]:.1f} dBFS)")
    print(f"floor {QUIET_FLOOR_DBFS:.0f} dBFS: {len(below)} of {total} real clips called too quiet: {below}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
