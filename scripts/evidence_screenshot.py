#!/usr/bin/env python
"""Make ``docs/screenshots/evidence-{light,dark}.png``: the entry detail's evidence view after the
personal layer learnt from a few corrections.

Real parts only: a throwaway diary, real RAVDESS clips of one speaker, the shipped speech model
(``--speech-model``, default: the installed default) and scene model, the real analysis worker
and personal layer. Sad clips the global model tags otherwise are corrected to "sad" in the entry
detail until there are ``--corrections`` of them; then further sad clips are analysed and the first one
whose tag the personal layer changed is shown.

    QT_QPA_PLATFORM=xcb xvfb-run -a -s "-screen 0 1280x1000x24" .venv/bin/python scripts/evidence_screenshot.py
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as ``python scripts/evidence_screenshot.py`` from a checkout: this checkout's diary_app


def _sad_clips(speaker: str) -> list[Path]:
    from diary_app.paths import shared_data_dir

    root = shared_data_dir()
    if root is None or not (root / "ravdess" / "manifest.csv").is_file():
        raise SystemExit("needs ../shared/data/ravdess")
    with open(root / "ravdess" / "manifest.csv", newline="", encoding="utf-8") as fh:
        return [root / "ravdess" / r["path"] for r in csv.DictReader(fh) if r["label"] == "sad" and r["speaker"] == speaker]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    parser.add_argument("--speech-model")
    parser.add_argument("--scene-model")
    parser.add_argument("--speaker", default="03")
    parser.add_argument("--corrections", type=int, default=1, help="corrections before a changed tag is shown")
    args = parser.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="evidence-shot-"))
    os.environ["SOUND_DIARY_DATA_DIR"] = str(tmp / "data")
    os.environ["SOUND_DIARY_CONFIG_DIR"] = str(tmp / "config")

    from PySide6.QtWidgets import QApplication

    from diary_app.analysis.pipeline import Analyzer
    from diary_app.settings import Settings
    from diary_app.store import AnalysisState, Diary
    from diary_app.ui.analysis_worker import AnalysisWorker
    from diary_app.ui.browse.entry_detail import EntryDetail
    from diary_app.ui.context import AppContext
    from diary_app.ui.personal_panel import personal_service
    from diary_app.ui.theme import apply_theme

    app = QApplication.instance() or QApplication(sys.argv)
    diary = Diary(tmp / "data")
    ctx = AppContext(diary=diary, settings=Settings(personal_layer=True))
    analyzer = Analyzer(speech_model=args.speech_model, scene_model=args.scene_model, settings=ctx.settings)
    worker = AnalysisWorker(diary, ctx.settings, analyzer_factory=lambda s: analyzer)
    service = personal_service(ctx)

    def analyse(clip: Path):
        e = diary.create_entry(clip, move=False)
        worker.analyse(e.id)
        while diary.get(e.id).analysis_state == AnalysisState.PENDING:
            app.processEvents()
            worker.wait(50)
        return diary.get(e.id)

    detail = EntryDetail(diary)
    detail.resize(900, 980)
    corrected = 0
    shown = None
    for clip in _sad_clips(args.speaker):
        e = analyse(clip)
        personal = (e.analysis_json or {}).get("evidence", {}).get("personal", {})
        print(f"{clip.name}: {e.auto_emotion} (global {personal.get('global_emotion')})", file=sys.stderr)
        if corrected >= args.corrections and personal.get("changed") and e.auto_emotion == "sad":
            shown = e
            break
        if e.auto_emotion != "sad" and corrected < args.corrections:
            detail.show_entry(str(e.id))
            detail.picker.buttons["sad"].click()
            detail.save()
            corrected += 1
            service._check()
            service.wait(10_000)
            for _ in range(20):
                app.processEvents()
    if shown is None:
        raise SystemExit("no recording was moved by the personal layer; try another --speaker")
    args.out.mkdir(parents=True, exist_ok=True)
    for name in ("light", "dark"):
        apply_theme(name, app)  # the app's own Theme setting, as Settings applies it
        detail.show_entry(str(shown.id))
        detail.show()
        for _ in range(100):
            app.processEvents()
            worker.wait(10)
        # the evidence view and what leads to it: the top of the detail page
        target = args.out / f"evidence-{name}.png"
        detail.grab().save(str(target))
        print(target)
    worker.shutdown()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
