"""The one result of analysing a recording; JSON-serialisable for the CLI, the store and sync."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

BRANCH_SPEECH = "speech"
BRANCH_ENVIRONMENT = "environment"
BRANCH_NONE = "none"  # nothing was analysed (the "too quiet" outcome)

OUTCOME_TAGGED = "tagged"
#: digital silence, a dead/muted microphone or a damaged file: no model runs, no emotion is given
OUTCOME_TOO_QUIET = "too_quiet"
TOO_QUIET_MESSAGE = "too quiet to analyse — pick the emotion yourself or record again"


@dataclass
class WindowResult:
    """One analysis window of the timeline."""

    start_s: float
    end_s: float
    label: str  # emotion (speech) or scene (environment) of this window
    confidence: float
    probabilities: dict[str, float] = field(default_factory=dict)
    weight: float = 1.0  # e.g. voiced seconds, used for aggregation


@dataclass
class AnalysisResult:
    branch: str  # BRANCH_SPEECH, BRANCH_ENVIRONMENT or BRANCH_NONE (too quiet)
    emotion: str | None  # one of EMOTIONS; None only for the "too quiet" outcome
    emotion_probabilities: dict[str, float]
    confidence: float
    scene: str | None = None  # environment branch: top scene or "unclassified"
    scene_probabilities: dict[str, float] | None = None
    speech_ratio: float = 0.0
    voiced_s: float = 0.0
    speech_segments: list[tuple[float, float]] = field(default_factory=list)
    duration_s: float = 0.0
    timeline: list[WindowResult] = field(default_factory=list)
    models: dict[str, str] = field(default_factory=dict)  # role -> model name/id
    timings_s: dict[str, float] = field(default_factory=dict)  # stage -> seconds
    evidence: dict[str, Any] = field(default_factory=dict)  # why the branch/tag was chosen
    outcome: str = OUTCOME_TAGGED  # OUTCOME_TAGGED or OUTCOME_TOO_QUIET
    #: what the analysis saw, for the personal layer (issue 16): ``{"speech": {"frontend", "vectors"
    #: (windows x D float32), "weights", "model", "model_path"}}``; ``None`` for model kinds without
    #: features (HF, CNN). Never in ``to_dict()`` (the stored ``analysis_json`` and ``--json`` stay
    #: small); ``to_dict(include_features=True)`` carries it across the analysis process.
    features: dict[str, Any] | None = field(default=None, repr=False, compare=False)

    @property
    def too_quiet(self) -> bool:
        return self.outcome == OUTCOME_TOO_QUIET

    def top_alternatives(self, n: int = 3) -> list[tuple[str, float]]:
        ranked = sorted(self.emotion_probabilities.items(), key=lambda kv: kv[1], reverse=True)
        return ranked[:n]

    def to_dict(self, include_features: bool = False) -> dict[str, Any]:
        features = self.features
        self.features = None  # asdict would deep-copy the arrays only to drop them
        try:
            out = asdict(self)
        finally:
            self.features = features
        out.pop("features", None)
        if include_features and features is not None:
            out["features"] = features
        return out

    def to_json(self, **kwargs: Any) -> str:
        return json.dumps(self.to_dict(), **kwargs)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AnalysisResult:
        data = dict(data)
        data["timeline"] = [WindowResult(**w) for w in data.get("timeline", [])]
        data["speech_segments"] = [tuple(s) for s in data.get("speech_segments", [])]
        return cls(**data)
