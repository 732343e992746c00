#!/usr/bin/env python
"""Time the sync client against a fresh local ``diary-app sync-server`` (numbers for the notes).

    .venv/bin/python benchmarks/bench_sync_client.py --entries 50

Signs up one user, creates N public entries from ``../shared/data/emodb``, then times the first
``SyncEngine.run_once()`` (all uploads), an idle pass, and one feed page. Source checkout only.
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as ``python benchmarks/bench_sync_client.py`` from a checkout: this checkout's diary_app

from diary_app.sync.server.process import FAST_HASHING, running_server  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="time the sync client against a local server")
    parser.add_argument("--entries", type=int, default=50)
    args = parser.parse_args(argv)

    from diary_app.paths import shared_data_dir
    from diary_app.store import Diary
    from diary_app.sync.client.session import ClientSession
    from diary_app.sync.client.sync_engine import SyncEngine
    from diary_app.sync.client.token_store import TokenStore

    data = shared_data_dir()
    if data is None:
        print("needs ../shared/data/emodb", file=sys.stderr)
        return 2
    with open(data / "emodb" / "manifest.csv", newline="", encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["label"] != "unmapped"][: args.entries]
    work = Path(tempfile.mkdtemp(prefix="sd_sync_bench_"))
    with running_server(work, extra_args=FAST_HASHING) as url:
        session = ClientSession(url, TokenStore(use_keyring=False, file_path=work / "token.json"))
        session.signup("bench", "Bench", "benchmark password")
        diary = Diary(work / "diary")
        size = 0
        for r in rows:
            entry = diary.create_entry(data / "emodb" / r["path"], move=False)
            diary.set_user_emotion(entry.id, r["label"])
            diary.set_public(entry.id, True)
            size += diary.audio_path(entry).stat().st_size
        engine = SyncEngine(diary, session.api)
        t = time.perf_counter()
        report = engine.run_once()
        first = time.perf_counter() - t
        t = time.perf_counter()
        engine.run_once()
        idle = time.perf_counter() - t
        t = time.perf_counter()
        session.api.feed(limit=20)
        feed = time.perf_counter() - t
        n = max(1, len(report.uploaded))
        print(f"first sync: {len(report.uploaded)} entries, {size / 1e6:.2f} MB audio in {first:.2f} s ({first / n * 1000:.0f} ms/entry)")
        print(f"idle pass: {idle * 1000:.1f} ms; feed page of 20: {feed * 1000:.1f} ms")
        return 0 if report.ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
