"""Entry point of the frozen app (``SoundDiary`` and ``SoundDiary-cli``, see build.spec).

The GUI executable on Windows has no console, so ``SoundDiary --selftest`` started from a
terminal would print nothing: attach to the parent console when there is one, else write the
output to a log file in the user data folder so the report is never lost.
"""

from __future__ import annotations

import multiprocessing
import os
import sys


def _ensure_stdout() -> None:
    if sys.stdout is not None and sys.stderr is not None:
        return
    if sys.platform == "win32":
        try:
            import ctypes

            if ctypes.windll.kernel32.AttachConsole(-1):  # ATTACH_PARENT_PROCESS
                sys.stdout = open("CONOUT$", "w", encoding="utf-8", errors="replace")  # noqa: SIM115
                sys.stderr = sys.stdout
                return
        except (OSError, AttributeError):
            pass
    try:
        from diary_app.paths import data_dir

        log = open(os.path.join(data_dir(), "last-run.log"), "w", encoding="utf-8")  # noqa: SIM115
    except OSError:
        log = open(os.devnull, "w")  # noqa: SIM115
    sys.stdout = sys.stdout or log
    sys.stderr = sys.stderr or log


if __name__ == "__main__":
    multiprocessing.freeze_support()
    _ensure_stdout()
    from diary_app.app.cli import main

    raise SystemExit(main())
