"""Why this tag (issue 16, item 4): the analysis windows on the waveform and the decisions behind them.

Shown in the entry detail and the review panel. Everything comes from the stored
``analysis_json`` (the ``AnalysisResult`` of the analysis), so it costs no model and no audio:

* a timeline strip: the waveform envelope (when the page has it), the detected speech segments
  shaded, and each analysis window with its top emotion (speech) or scene (environment) and
  confidence;
* the branch and why (the speech detector's decision and its cues);
* the scene, the table row used and its reason (environment), or the background scene (speech);
* whether the personal layer changed the tag ("your 3 corrections moved this from neutral to sad").

Drawn from the palette, so it follows light and dark themes.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from diary_app.ui.emotion_widgets import emotion_color, emotion_icon, emotion_name, text_color_for
from diary_app.ui.i18n import scene_name

#: speech-detection cues worth a word, in the order shown (others are listed after them)
CUE_NAMES = {"speech_ratio": "speech ratio", "voiced_s": "voiced seconds", "vad_ratio": "VAD ratio",
             "yamnet_speech": "YAMNet speech", "silero": "Silero speech", "snr_db": "SNR dB", "rms_db": "level dB",
             "silero_voiced_s": "Silero voiced seconds", "silero_ratio": "Silero speech ratio"}


#: held-out corrections below which the safety gate's agreement is not shown as a percentage
GATE_MIN_SHOWN = 5


class TimelineStrip(QWidget):
    """Waveform envelope + shaded speech segments + one box per analysis window."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("evidence_timeline")
        self.setMinimumHeight(84)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.duration = 0.0
        self.segments: list[tuple[float, float]] = []
        self.windows: list[dict[str, Any]] = []
        self.branch = ""
        self.envelope: tuple[np.ndarray, np.ndarray] | None = None

    def sizeHint(self) -> QSize:
        return QSize(480, 84)

    def set_data(self, duration: float, segments, windows, branch: str) -> None:
        self.duration = float(duration or 0.0)
        if windows:
            self.duration = max(self.duration, max(float(w.get("end_s", 0.0)) for w in windows))
        self.segments = [(float(a), float(b)) for a, b in (segments or [])]
        self.windows = list(windows or [])
        self.branch = branch or ""
        self.update()

    def set_envelope(self, t: np.ndarray | None, y: np.ndarray | None) -> None:
        self.envelope = None if t is None or y is None or len(t) == 0 else (np.asarray(t), np.asarray(y))
        self.update()

    def paintEvent(self, _event) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        pal = self.palette()
        w, h = self.width(), self.height()
        wave_h = h - 30
        p.fillRect(0, 0, w, h, pal.base())
        if self.duration <= 0:
            p.setPen(pal.placeholderText().color())
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.tr("No analysis windows"))
            return
        sx = w / self.duration
        shade = QColor(pal.highlight().color())
        shade.setAlpha(60)
        for a, b in self.segments:
            p.fillRect(QRectF(a * sx, 0, max(1.0, (b - a) * sx), wave_h), shade)
        if self.envelope is not None:
            t, y = self.envelope
            col = QColor(pal.text().color())
            col.setAlpha(150)
            p.setPen(QPen(col, 1))
            mid = wave_h / 2
            amp = np.clip(y, -1, 1) * (wave_h / 2 - 2)
            # min/max interleaved (``entry_detail.waveform_envelope``): one vertical stroke per pair
            step = 2 * max(1, len(t) // max(1, 2 * w))
            for i in range(0, len(t) - 1, step):
                x = float(t[i]) * sx
                p.drawLine(int(x), int(mid - amp[i]), int(x), int(mid - amp[i + 1]))
        else:
            p.setPen(QPen(pal.mid().color(), 1, Qt.PenStyle.DashLine))
            p.drawLine(0, wave_h // 2, w, wave_h // 2)
        font = p.font()
        font.setPointSizeF(max(7.0, font.pointSizeF() * 0.85))
        p.setFont(font)
        for win in self.windows:
            a, b = float(win.get("start_s", 0.0)), float(win.get("end_s", 0.0))
            label = str(win.get("label", ""))
            conf = float(win.get("confidence", 0.0))
            rect = QRectF(a * sx + 1, wave_h + 3, max(2.0, (b - a) * sx - 2), 24)
            if self.branch == "speech":
                bg = emotion_color(label)
                text = f"{emotion_icon(label)} {emotion_name(label)} {conf:.0%}"
            else:
                bg = QColor(pal.alternateBase().color())
                text = f"{scene_name(label)} {conf:.0%}"
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(bg)
            p.drawRoundedRect(rect, 4, 4)
            p.setPen(QColor(text_color_for(bg)) if self.branch == "speech" else pal.text().color())
            p.drawText(rect.adjusted(3, 0, -3, 0), Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                       p.fontMetrics().elidedText(text, Qt.TextElideMode.ElideRight, int(rect.width()) - 6))
        p.end()


def _fmt_cue(name: str, value: Any) -> str:
    try:
        v = float(value)
    except (TypeError, ValueError):
        return f"{name} {value}"
    if round(v, 2) == 0:
        v = 0.0  # -0.004 would read "-0.00"
    return f"{CUE_NAMES.get(name, name.replace('_', ' '))} {v:.2f}"


class EvidenceView(QWidget):
    """``show_analysis(analysis_json)`` or ``show_entry(entry)``; ``set_envelope`` adds the waveform."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("evidence_view")
        self.heading = QLabel(self.tr("Why this tag"))
        bold = self.heading.font()
        bold.setBold(True)
        self.heading.setFont(bold)  # a font, not a style sheet: a style sheet pins the palette (dark mode)
        self.timeline = TimelineStrip()
        self.branch_label = QLabel()
        self.branch_label.setObjectName("evidence_branch")
        self.cues_label = QLabel()
        self.cues_label.setObjectName("evidence_cues")
        self.scene_label = QLabel()
        self.scene_label.setObjectName("evidence_scene")
        self.personal_label = QLabel()
        self.personal_label.setObjectName("evidence_personal")
        for lab in (self.branch_label, self.cues_label, self.scene_label, self.personal_label):
            lab.setWordWrap(True)
            lab.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 4)
        layout.addWidget(self.heading)
        layout.addWidget(self.timeline)
        layout.addWidget(self.branch_label)
        layout.addWidget(self.cues_label)
        layout.addWidget(self.scene_label)
        layout.addWidget(self.personal_label)
        self.analysis: dict[str, Any] | None = None
        self.show_analysis(None)

    def show_entry(self, entry) -> None:
        self.show_analysis(getattr(entry, "analysis_json", None))

    def set_envelope(self, t, y) -> None:
        self.timeline.set_envelope(t, y)

    def show_analysis(self, data: dict[str, Any] | None) -> None:
        self.analysis = data
        self.timeline.set_envelope(None, None)
        if not data:
            self.timeline.set_data(0.0, [], [], "")
            self.branch_label.setText(self.tr("No analysis yet."))
            for lab in (self.cues_label, self.scene_label, self.personal_label):
                lab.clear()
                lab.hide()
            return
        ev = data.get("evidence") or {}
        branch = data.get("branch") or ""
        self.timeline.set_data(data.get("duration_s", 0.0), data.get("speech_segments"), data.get("timeline"), branch)
        self.branch_label.setText(self.branch_text(branch, ev))
        self.cues_label.setText(self.cues_text(data, ev))
        self.scene_label.setText(self.scene_text(data, ev))
        self.personal_label.setText(self.personal_text(ev))
        for lab in (self.cues_label, self.scene_label, self.personal_label):
            lab.setVisible(bool(lab.text()))

    # -- the sentences (kept as methods so tests and screenshots read the same text) -------------------
    def branch_text(self, branch: str, ev: dict) -> str:
        what = self.tr("speech emotion (the voice)") if branch == "speech" else self.tr("the surroundings (no speech)")
        reason = ev.get("branch_reason") or ""
        text = self.tr("Branch: {0}").format(what) + (f" — {reason}" if reason else "")
        if ev.get("fallback"):
            text += f" ({ev['fallback']})"
        return text

    def cues_text(self, data: dict, ev: dict) -> str:
        det = ev.get("speech_detection") or {}
        cues = det.get("cues") or {}
        parts = [self.tr("speech {0:.0%} of {1:.1f} s").format(float(data.get("speech_ratio", 0.0)), float(data.get("duration_s", 0.0)))]
        ordered = [k for k in CUE_NAMES if k in cues] + [k for k in cues if k not in CUE_NAMES]
        parts += [_fmt_cue(k, cues[k]) for k in ordered[:6]]
        return self.tr("Speech-detection cues: {0}").format(", ".join(parts))

    def scene_text(self, data: dict, ev: dict) -> str:
        sc = ev.get("scene") or {}
        personal = ev.get("personal") or {}
        if data.get("branch") == "environment":
            scene = data.get("scene") or sc.get("top_scene") or "unclassified"
            probs = data.get("scene_probabilities") or {}
            top = sc.get("top_scene") or scene
            table = str(sc.get("table") or "").rsplit("/", 1)[-1]
            text = self.tr("Scene: {0} ({1:.0%}; threshold {2:.0%})").format(scene_name(top), float(probs.get(top, 0.0)),
                                                                           float(sc.get("threshold", 0.0)))
            row = personal.get("table_row") or {}
            shipped = personal.get("global_emotion") or data.get("emotion")
            text += " · " + self.tr("table row {0} → {1}").format(scene_name(scene), emotion_name(shipped))
            if table:
                text += f" ({table})"
            if sc.get("table_reason"):
                text += f": {sc['table_reason']}"
            if row.get("evidence"):
                text += " · " + self.tr("your row for {0}: {1} correction(s)").format(scene_name(row.get("scene")), row["evidence"])
            return text
        env = ev.get("environment") or {}
        if env.get("scene"):
            return self.tr("Background ({0:.1f} s without speech): {1}, {2:.0%}").format(
                float(env.get("seconds", 0.0)), scene_name(env.get("top_scene") or env["scene"]), float(env.get("confidence", 0.0)))
        return ""

    def personal_text(self, ev: dict) -> str:
        p = ev.get("personal")
        if not p:
            return ""
        if p.get("enabled") is False:
            return self.tr("Personal layer: off (Settings)")
        if p.get("changed"):
            reason = p.get("reason") or ""
            before, after = p.get("global_emotion"), p.get("emotion")
            return self.tr("Personal layer: {0} (the global model said {1} {2}, {3:.0%})").format(
                reason.replace(str(before), emotion_name(before)).replace(str(after), emotion_name(after)) if reason else "",
                emotion_icon(before), emotion_name(before), float(p.get("global_confidence") or 0.0)) + self.gate_text(p)
        n = int(p.get("corrections") or 0)
        if p.get("applied"):
            return self.tr("Personal layer: learning from your {0} correction(s); it agrees with the global model here").format(n) \
                + self.gate_text(p)
        why = p.get("skipped") or ""
        return self.tr("Personal layer: no change") + (f" ({why})" if why else "")

    def gate_text(self, p: dict) -> str:
        """How much the layer trusts itself, from the safety gate's check on corrections it did not learn from."""
        gate = p.get("gate") or {}
        held = int(gate.get("held_out") or 0)
        if not gate:
            return ""
        if held < GATE_MIN_SHOWN:  # "agreed with 0 % of 2" says nothing a user can act on
            return " · " + self.tr("too few corrections yet to check it on ones it did not learn from")
        return " · " + self.tr("checked on {0} of your corrections it did not learn from: it agreed with {1:.0%} of them, "
                               "the global model with {2:.0%}; its weight {3:.0%}").format(
            held, float(gate.get("personal_agreement") or 0.0), float(gate.get("global_agreement") or 0.0),
            float(gate.get("alpha") or 0.0))
