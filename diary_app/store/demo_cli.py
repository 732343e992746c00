"""``diary-app demo-data``: fill a diary with realistic generated entries (demos, benchmarks)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--count", type=int, default=2000, help="number of entries (default 2000)")
    parser.add_argument("--located", type=int, default=None, help="how many have a place (default: a third)")
    parser.add_argument("--data-dir", type=Path, default=None, help="diary folder (default: the user's diary)")
    parser.add_argument("--with-audio", type=int, default=8, metavar="N",
                        help="synthesise N distinct short clips (3-9 s); entries hard-link to them (default 8)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--force", action="store_true", help="add even if the diary already has entries")


def run(args: argparse.Namespace) -> int:
    from diary_app.store import Diary
    from diary_app.store.demo import fill_demo_diary

    if args.count < 0 or (args.located is not None and not 0 <= args.located <= args.count):
        print("error: need 0 <= --located <= --count", file=sys.stderr)
        return 2
    located = args.count // 3 if args.located is None else args.located
    diary = Diary(args.data_dir)
    existing = diary.count()
    if existing and not args.force:
        print(f"error: {diary.root} already holds {existing} entries; use --force to add more "
              "(demo data is not meant to mix with a real diary)", file=sys.stderr)
        return 1
    report = fill_demo_diary(diary, args.count, located, with_audio=args.with_audio, seed=args.seed,
                             progress=lambda n: print(f"\r{n}/{args.count} entries", end="", file=sys.stderr))
    print(file=sys.stderr)
    print(f"added {report.entries} entries ({report.located} with a place, {report.audio_files} distinct audio "
          f"clips) to {diary.root} in {report.seconds:.1f} s")
    diary.close()
    return 0
