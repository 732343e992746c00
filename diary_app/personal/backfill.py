"""Features for entries analysed before the diary kept them (issue 16, item 1).

Runs the front end again on each such entry's recording and keeps what it saw; the entry's tag is
left as it is (re-tagging years of entries would silently change the diary, and the agreement
measure must know when each tag was computed: those entries get no analysis time and stay out of
it). Off the GUI thread, with progress, cancellable between entries, and resumable: the work list
is "analysed entries without features", so a cancelled or crashed backfill continues where it was.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

log = logging.getLogger(__name__)

#: (entry id, path of its audio) -> an ``AnalysisResult`` with ``features`` (None: nothing to keep)
Extractor = Callable[[uuid.UUID, Any], Any]


@dataclass
class BackfillReport:
    total: int
    done: int = 0
    failed: list[str] = field(default_factory=list)
    cancelled: bool = False
    seconds: float = 0.0


def analyzer_extractor(analyzer) -> Extractor:
    """An extractor that runs an ``Analyzer`` in this process (the CLI, tests)."""
    return lambda _eid, path: analyzer.analyze_file(path)


def host_extractor(host, settings) -> Extractor:
    """An extractor that asks the analysis child process (the GUI: no torch import in the window)."""
    from diary_app.analysis.result import AnalysisResult

    return lambda _eid, path: AnalysisResult.from_dict(host.analyze(settings, str(path)))


def run_backfill(diary, extract: Extractor, progress: Callable[[int, int], None] | None = None,
                 cancel: threading.Event | None = None, limit: int | None = None) -> BackfillReport:
    from diary_app.store.personal import add_rows, entries_without_features, features_rows_from_result

    t0 = time.perf_counter()
    todo = entries_without_features(diary, limit)
    report = BackfillReport(total=len(todo))
    for i, entry_id in enumerate(todo):
        if cancel is not None and cancel.is_set():
            report.cancelled = True
            break
        try:
            result = extract(entry_id, diary.audio_path(entry_id))
            # the time the *tag* was computed is unknown: use the entry's own time, which is before
            # any correction, but mark it as backfilled so the agreement measure can leave it out
            rows = features_rows_from_result(entry_id, result, analyzed_at=_BACKFILLED)
            if not rows:
                from diary_app.store.models import EntryFeatures

                rows = [EntryFeatures(entry_id=entry_id, role="speech", shape=[0], data=b"", analyzed_at=_BACKFILLED)]
            add_rows(diary, rows)
            report.done += 1
        except Exception as exc:  # noqa: BLE001 - one bad recording must not stop the rest
            log.warning("backfill of %s failed: %s", entry_id, exc)
            report.failed.append(f"{entry_id}: {exc}")
            from diary_app.store.models import EntryFeatures
            from diary_app.store.personal import add_rows as _add

            _add(diary, [EntryFeatures(entry_id=entry_id, role="speech", shape=[0], data=b"", analyzed_at=_BACKFILLED)])
        if progress:
            progress(i + 1, len(todo))
    report.seconds = round(time.perf_counter() - t0, 2)
    return report


#: the analysis time recorded for backfilled features: "unknown, long ago" (the agreement measure skips it)
_BACKFILLED = datetime(1970, 1, 1, tzinfo=UTC)
BACKFILLED_AT = _BACKFILLED
