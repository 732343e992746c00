"""How often the automatic tag agrees with the user, counted honestly (issue 16, item 5).

An entry counts only when its automatic tag was computed *before* the user's correction of it
(``entry_features.analyzed_at`` < the correction's time): the personal layer that tagged it could
not have learnt from that very correction. A tag recomputed after the user corrected the entry
(a re-analysis) is left out, since the layer may have been trained on the answer. An entry the
user kept as it was counts as agreement (they saw the tag and did not change it).

For the same entries it also reports what the *global* model alone said
(``evidence.personal.global_emotion``), so "with your corrections" and "without" are compared on
exactly the same recordings.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from diary_app.store.models import AnalysisState, Entry


@dataclass
class Agreement:
    counted: int  # entries in the measure
    agree: int  # automatic tag == the user's label
    agree_global: int  # the global model alone == the user's label (same entries)
    excluded: int  # tag computed after the user's correction (not honest to count)
    corrections: int  # corrections the current layer learnt from

    @property
    def rate(self) -> float | None:
        return self.agree / self.counted if self.counted else None

    @property
    def global_rate(self) -> float | None:
        return self.agree_global / self.counted if self.counted else None


def honest_agreement(diary, recent: int = 50) -> Agreement:
    """Over the ``recent`` newest analysed entries that have a recorded analysis time."""
    from diary_app.personal.backfill import BACKFILLED_AT
    from diary_app.store.personal import analyzed_times, current_corrections

    when = analyzed_times(diary)
    fixes = {c.entry_id: c for c in current_corrections(diary)}
    with Session(diary.engine) as s:
        rows = s.exec(select(Entry).where(Entry.analysis_state == AnalysisState.DONE, col(Entry.auto_emotion).is_not(None))
                      .order_by(col(Entry.created_at).desc(), col(Entry.id).desc())).all()
    counted = agree = agree_g = excluded = 0
    for e in rows:
        at = when.get(e.id)
        if at is None or at <= BACKFILLED_AT:
            continue  # analysed before this version kept times (or backfilled): we cannot know the order
        fix = fixes.get(e.id)
        if fix is not None and fix.at <= at:
            excluded += 1
            continue
        label = fix.emotion if fix is not None else e.auto_emotion
        personal = ((e.analysis_json or {}).get("evidence") or {}).get("personal") or {}
        global_tag = personal.get("global_emotion", e.auto_emotion)
        counted += 1
        agree += int(e.auto_emotion == label)
        agree_g += int(global_tag == label)
        if counted >= recent:
            break
    from diary_app.personal.layer import layer_for

    return Agreement(counted=counted, agree=agree, agree_global=agree_g, excluded=excluded, corrections=layer_for(diary).corrections)
