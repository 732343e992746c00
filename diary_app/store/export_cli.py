"""``diary-app export FILE.zip``: the whole diary (recordings, entries.json, entries.csv) in one zip."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, metavar="FILE.zip", help="the zip to write (replaced if it exists)")
    parser.add_argument("--data-dir", type=Path, default=None, help="diary folder (default: the user's diary)")


def run(args: argparse.Namespace) -> int:
    from diary_app.store import Diary
    from diary_app.store.backup import export_diary

    target: Path = args.file
    if target.suffix.lower() != ".zip":
        print(f"error: {target} must end in .zip", file=sys.stderr)
        return 2
    if target.is_dir():
        print(f"error: {target} is a folder; name the zip file to write", file=sys.stderr)
        return 2
    diary = Diary(args.data_dir)
    try:
        report = export_diary(diary, target, progress=_progress)
    except OSError as exc:
        print(f"\nerror: could not write {target}: {exc}", file=sys.stderr)
        return 1
    finally:
        diary.close()
    print(file=sys.stderr)
    print(f"exported {report.entries} entries ({report.audio_files} recordings, {report.bytes / 1e6:.1f} MB) "
          f"to {report.path} in {report.seconds:.1f} s")
    if report.missing_audio:
        print(f"warning: {len(report.missing_audio)} entries had no recording on disk and were exported without "
              f"one: {', '.join(report.missing_audio[:5])}{' ...' if len(report.missing_audio) > 5 else ''}",
              file=sys.stderr)
    return 0


def _progress(done: int, total: int) -> None:
    if sys.stderr.isatty() or done == total:
        print(f"\r{done}/{total} entries", end="", file=sys.stderr)
