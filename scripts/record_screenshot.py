#!/usr/bin/env python
"""Make ``docs/screenshots/record.png``: the real app after a recording has been analysed.

Starts the real GUI (``run_gui``) in a throwaway data folder, with ``SOUND_DIARY_INPUT_FILE`` as the
microphone (an EmoDB clip played in real time), presses Record, lets it stop at the end of the
clip, waits for the analysis and grabs the main window.

    QT_QPA_PLATFORM=xcb xvfb-run -a .venv/bin/python scripts/record_screenshot.py \\
        --speech-model MODEL_DIR --scene-model MODEL_DIR docs/screenshots/record.png

Without model options the installed models are used (``diary-app models list``).
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as ``python scripts/record_screenshot.py`` from a checkout: this checkout's diary_app


def _clip(label: str) -> Path:
    from diary_app.paths import shared_data_dir

    root = shared_data_dir()
    if root is None or not (root / "emodb" / "manifest.csv").is_file():
        raise SystemExit("needs ../shared/data/emodb (the shared EmoDB clips)")
    with open(root / "emodb" / "manifest.csv", newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["label"] == label and float(row["duration_s"]) >= 1.5:
                return root / "emodb" / row["path"]
    raise SystemExit(f"no {label} clip of 1.5 s or more in EmoDB")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, nargs="?", default=Path("docs/screenshots/record.png"))
    parser.add_argument("--speech-model")
    parser.add_argument("--scene-model")
    parser.add_argument("--label", default="happy", help="EmoDB label of the clip that plays as the microphone")
    parser.add_argument("--note", default="Lunch with Mina, everybody laughing")
    parser.add_argument("--pick", help="the emotion the user picks in the review (shows a correction)")
    args = parser.parse_args(argv)
    out = args.out.resolve()

    tmp = Path(tempfile.mkdtemp(prefix="record-shot-"))
    os.environ["SOUND_DIARY_DATA_DIR"] = str(tmp / "data")
    os.environ["SOUND_DIARY_CONFIG_DIR"] = str(tmp / "config")
    os.environ["SOUND_DIARY_INPUT_FILE"] = str(_clip(args.label))
    os.environ.setdefault("SOUND_DIARY_INPUT_SPEED", "1")
    from diary_app.settings import Settings

    settings = Settings(first_run_done=True, mic_consent=True, speech_model=args.speech_model,
                        scene_model=args.scene_model)
    settings.save()

    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtWidgets import QApplication

    from diary_app.app.gui import run_gui

    try:
        from PySide6 import QtWebEngineWidgets  # noqa: F401  (before the QApplication, as run_gui does)
    except ImportError:
        pass
    QApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
    QApplication.instance() or QApplication(["sound-diary"])  # so the timers below have an application

    state: dict = {}

    def window():
        from diary_app.ui.main_window import MainWindow

        return next((w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)), None)

    def start() -> None:
        win = window()
        if win is None:
            QTimer.singleShot(200, start)
            return
        win.resize(1100, 860)
        page = win.show_page("record")
        state["page"] = page
        page.worker.finished.connect(done)
        page.worker.failed.connect(failed)
        page.start_recording()

    def done(_entry_id: str, _result: object) -> None:
        QTimer.singleShot(600, finish)

    def failed(_entry_id: str, message: str) -> None:
        print("analysis failed:", message)
        QTimer.singleShot(600, finish)

    def finish() -> None:
        page, win = state["page"], window()
        page.review.note.setPlainText(args.note)
        if args.pick:
            page.review.picker.buttons[args.pick].click()
        QApplication.processEvents()
        out.parent.mkdir(parents=True, exist_ok=True)
        ok = win.grab().save(str(out))
        print(("saved " if ok else "could not save ") + str(out))
        QApplication.quit()

    QTimer.singleShot(500, start)
    QTimer.singleShot(180_000, QApplication.quit)  # never hang a CI job
    code = run_gui([])
    # PySide6 6.12 aborts in the interpreter's final garbage collection after QWidget.grab()
    # ("bool_dealloc"); everything is saved and closed by now, so leave without that last pass.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code if out.exists() else 1)


if __name__ == "__main__":
    raise SystemExit(main())
