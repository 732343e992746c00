"""``diary-app analyze FILE...``: tag audio files from the command line.

One bad file never stops the others: its error is printed on one line and the exit status is 1
at the end. Heavy imports happen inside ``run`` so building the CLI parser stays fast.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from diary_app.analysis.result import AnalysisResult


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", metavar="FILE", help="audio files (wav, flac, ogg, mp3)")
    parser.add_argument("--json", action="store_true",
                        help="print one JSON object per file (a JSON list for several files, in input order); each "
                             "has the input \"path\", and a file that failed has an \"error\" object instead of results")
    parser.add_argument("--speech-model", metavar="X", help="speech-emotion model: installed name, folder or hub id")
    parser.add_argument("--scene-model", metavar="Y", help="scene model: installed name or folder")
    parser.add_argument("--threshold", type=_fraction, default=None,
                        help="scene confidence below which the scene is 'unclassified' (default: settings, 0.70)")
    parser.add_argument("--branch", choices=("auto", "speech", "environment"), default="auto",
                        help="skip speech detection and force one branch (default: auto)")
    parser.add_argument("--device", default=None, help="torch device, e.g. cpu or cuda (default: cuda if available)")


def _fraction(text: str) -> float:
    """A confidence threshold: a number from 0 to 1 (argparse turns the ValueError into a usage error)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number; give a confidence from 0 to 1, e.g. 0.7") from None
    if not 0.0 <= value <= 1.0:  # also refuses nan
        raise argparse.ArgumentTypeError(f"{text} is outside 0-1; give a confidence from 0 to 1, e.g. 0.7")
    return value


def error_object(path: str, exc: BaseException, kind: str) -> dict[str, Any]:
    """What ``--json`` prints in place of a file that failed: its path and why, never a silent gap."""
    return {"path": str(path), "error": {"kind": kind, "type": type(exc).__name__, "message": str(exc)}}


def summary(result: AnalysisResult) -> str:
    """A short human-readable account of one result: what decided the tag, then the numbers."""
    from diary_app.analysis.explain import explain

    data = result.to_dict()
    why = explain(data)
    if result.too_quiet:
        assert why is not None  # a too-quiet result is always explained
        lines = [f"  {why.headline}", f"  why: {why.detail}",
                 f"  audio: {result.duration_s:.1f} s, kept; no emotion given"]
        return "\n".join(lines)
    if why is not None and why.kind == "scene_rule":
        lines = [f"  branch: {result.branch}   emotion: {result.emotion}   decided by the rule: {why.headline}",
                 f"  {why.detail}",
                 "  the sounds suggested: " + ", ".join(f"{s} {p:.2f}" for s, p in why.suggested_scenes)
                 + ("   (through the table: " + ", ".join(f"{e} {p:.2f}" for e, p in why.suggested_emotions) + ")"
                    if why.suggested_emotions else "")]
    else:
        lines = [f"  branch: {result.branch}   emotion: {result.emotion} ({result.confidence:.2f})"]
        if result.scene is not None:
            top = sorted((result.scene_probabilities or {}).items(), key=lambda kv: -kv[1])[:3]
            lines.append(f"  scene: {result.scene}   top scenes: " + ", ".join(f"{s} {p:.2f}" for s, p in top))
            if why is not None and why.detail:
                lines.append(f"  table: {result.scene} -> {result.emotion}: {why.detail}")
        lines.append("  emotions: " + ", ".join(f"{e} {p:.2f}" for e, p in result.top_alternatives(6)))
    lines.append(f"  speech: {result.speech_ratio:.0%} of {result.duration_s:.1f} s ({result.voiced_s:.1f} s voiced)")
    det = result.evidence.get("speech_detection") or {}
    if det.get("reason"):
        lines.append(f"  speech detection: {det['reason']}")
    env = result.evidence.get("environment")
    if isinstance(env, dict) and "scene" in env:
        lines.append(f"  background ({env['seconds']} s without speech): {env['scene']} -> {env['emotion']}")
    if "fallback" in result.evidence:
        lines.append(f"  note: {result.evidence['fallback']}")
    lines.append(f"  why: {result.evidence.get('decision', '')}")
    lines.append("  models: " + ", ".join(f"{k}={v}" for k, v in result.models.items())
                 + f"   time: {result.timings_s.get('total', 0):.2f} s")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    from diary_app.analysis.pipeline import Analyzer
    from diary_app.analysis.registry import ModelNotAvailable
    from diary_app.audio.loading import AudioLoadError

    try:
        analyzer = Analyzer(speech_model=args.speech_model, scene_model=args.scene_model, device=args.device,
                            threshold=args.threshold, force_branch=None if args.branch == "auto" else args.branch)
    except (ModelNotAvailable, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    files = list(args.files)
    progress = None
    if len(files) > 1:
        from tqdm import tqdm

        progress = tqdm(total=len(files), unit="file", file=sys.stderr, disable=None)
    failed = 0
    results = []
    for path in files:
        try:
            result = analyzer.analyze_file(path)
        except AudioLoadError as exc:
            failed += 1
            _error(progress, f"error: {exc}")
            results.append(error_object(path, exc, exc.reason))
        except ModelNotAvailable as exc:
            failed += 1
            _error(progress, f"error: {path}: {exc}")
            results.append(error_object(path, exc, "model-not-available"))
        except Exception as exc:  # noqa: BLE001 - one broken file must not stop the others
            failed += 1
            _error(progress, f"error: {path}: {type(exc).__name__}: {exc}")
            results.append(error_object(path, exc, "analysis-failed"))
        else:
            if args.json:
                results.append({"path": str(path), **result.to_dict()})
            else:
                _out(progress, f"{path}\n{summary(result)}")
        if progress is not None:
            progress.update(1)
    if progress is not None:
        progress.close()
    if args.json:
        # one object per input, in input order, failures included (an error object in their place)
        payload = results if len(files) > 1 else results[0]
        print(json.dumps(payload, indent=2, ensure_ascii=False))
    if failed:
        print(f"{failed} of {len(files)} file(s) failed", file=sys.stderr)
        return 1
    return 0


def _out(progress: Any, text: str) -> None:  # progress: a tqdm bar (tqdm is untyped) or None
    if progress is not None:
        progress.write(text, file=sys.stdout)
    else:
        print(text)


def _error(progress: Any, text: str) -> None:  # progress: as in _out
    if progress is not None:
        progress.write(text, file=sys.stderr)
    else:
        print(text, file=sys.stderr)
