"""``diary-app import FILE.zip``: restore or merge an export (by entry id, never a duplicate)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, metavar="FILE.zip", help="a zip written by 'diary-app export' or a backup")
    parser.add_argument("--data-dir", type=Path, default=None, help="diary folder (default: the user's diary)")
    parser.add_argument("--dry-run", action="store_true",
                        help="check the whole file and say what would be added, without changing the diary")


def run(args: argparse.Namespace) -> int:
    from diary_app.store import Diary
    from diary_app.store.backup import BackupError, import_diary
    from diary_app.store.export_cli import _progress

    diary = Diary(args.data_dir)
    try:
        report = import_diary(diary, args.file, progress=_progress, dry_run=args.dry_run)
    except BackupError as exc:
        print(f"error: {exc}. The diary was not changed.", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"error: could not import {args.file}: {exc}. The diary was not changed.", file=sys.stderr)
        return 1
    finally:
        diary.close()
    if report.added:
        print(file=sys.stderr)
    if report.skipped_without_audio:
        print(f"warning: {len(report.skipped_without_audio)} entries in the file have no recording and were not "
              "imported (the export was made after their audio was lost)", file=sys.stderr)
    verb = "would add" if report.dry_run else "added"
    print(f"{args.file}: {report.entries_in_file} entries; {verb} {report.added}, "
          f"{report.already_present} already in the diary (kept as they are) ({report.seconds:.1f} s)")
    return 0
