"""Playback cost on the GUI thread and the window's responsiveness while a long file decodes.

Not a test: a script that prints what it measured. It writes an N-minute 16 kHz FLAC made of real
EmoDB clips (../shared/data) into a temporary folder, then, offscreen, with the fake speaker
(``FakeOutputStream`` at real time; no sound card needed):

- ``load()`` and the first Play click of ``AudioPlayer`` on the GUI thread (ms);
- the time from the click until it plays (decoding runs on the thread pool, ``BackgroundCall``);
- the longest gap between the ticks of a 10 ms GUI timer from the click until it plays (how long
  the window could not repaint) — with QtMultimedia gone this is the number that matters;
- ``Playback.play()`` with the real sounddevice output on this machine (the no-device error path);
- the process's peak memory.

    .venv/bin/python benchmarks/bench_playback.py --minutes 30
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"


def long_file(folder: Path, minutes: float) -> Path:
    import soundfile as sf

    from diary_app.audio.loading import load_audio

    rows = list(csv.DictReader(open(SHARED / "emodb" / "manifest.csv", encoding="utf-8")))
    clips = [load_audio(SHARED / "emodb" / r["path"], min_duration_s=0.0) for r in rows[:40]]
    one = np.concatenate(clips)
    reps = int(np.ceil(minutes * 60 * 16_000 / one.size))
    wave = np.tile(one, reps)[: int(minutes * 60 * 16_000)]
    path = folder / f"long_{minutes:g}min.flac"
    sf.write(path, wave, 16_000, subtype="PCM_16")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=30.0)
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.path.insert(0, str(ROOT))

    from functools import partial

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from diary_app.audio.playback import FakeOutputStream, Playback
    from diary_app.ui.audio_player import AudioPlayer

    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as tmp:
        path = long_file(Path(tmp), args.minutes)
        print(f"file: {path.name}, {path.stat().st_size / 1e6:.1f} MB FLAC, {args.minutes:g} min at 16 kHz")
        player = AudioPlayer(stream_factory=partial(FakeOutputStream, speed=1.0, keep=False))
        player.show()
        app.processEvents()

        t0 = time.perf_counter()
        player.load(path, args.minutes * 60)
        load_ms = (time.perf_counter() - t0) * 1000

        ticks: list[float] = []
        timer = QTimer()
        timer.setInterval(10)
        timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
        timer.start()
        t0 = time.perf_counter()
        player.toggle()
        click_ms = (time.perf_counter() - t0) * 1000
        ticks.append(time.perf_counter())
        while player.state != "playing":
            app.processEvents()
            time.sleep(0.001)
            if time.perf_counter() - t0 > 300:
                raise SystemExit(f"never played: {player.state} {player._playback.error if player._playback else ''}")
        to_play_s = time.perf_counter() - t0
        timer.stop()
        gaps = np.diff(ticks) * 1000 if len(ticks) > 1 else np.array([0.0])
        player.stop()
        player.load(None)

        os.environ.pop("SOUND_DIARY_FAKE_SPEAKER", None)
        real = Playback(path)
        real.decode()
        t0 = time.perf_counter()
        real.play()
        real_ms = (time.perf_counter() - t0) * 1000
        real.close()

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"AudioPlayer.load (GUI thread): {load_ms:.2f} ms")
    print(f"first Play click (GUI thread): {click_ms:.2f} ms")
    print(f"click -> playing (decode on the thread pool): {to_play_s:.2f} s")
    print(f"GUI timer (10 ms) meanwhile: {len(ticks)} ticks, longest gap {gaps.max():.1f} ms, "
          f"median {np.median(gaps):.1f} ms")
    print(f"Playback.play() on the real output of this machine: {real_ms:.1f} ms -> {real.state}: {real.error}")
    print(f"peak RSS: {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
