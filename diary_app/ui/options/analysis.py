"""Analysis options: the scene confidence threshold and the daily reminder."""

from __future__ import annotations

from PySide6.QtCore import QTime
from PySide6.QtWidgets import QCheckBox, QDoubleSpinBox, QHBoxLayout, QTimeEdit

from diary_app.ui.options.base import OptionsPage


class AnalysisOptions(OptionsPage):
    def title(self) -> str:
        return self.tr("Analysis")

    def build(self) -> None:
        form = self.form()
        self.threshold = QDoubleSpinBox()
        self.threshold.setObjectName("scene_threshold")
        self.threshold.setRange(0.0, 1.0)
        self.threshold.setSingleStep(0.05)
        self.threshold.setDecimals(2)
        self.threshold.setValue(float(self.settings.scene_threshold))
        self.threshold.setToolTip(self.tr("Below this confidence a place is 'unclassified' (the paper uses 0.70)."))
        self.threshold.valueChanged.connect(lambda v: self.save("scene_threshold", round(float(v), 2)))
        form.addRow(self.tr("Scene confidence threshold"), self.threshold)

        self.reminder_enabled = QCheckBox(self.tr("Remind me every day"))
        self.reminder_enabled.setObjectName("reminder_enabled")
        self.reminder_enabled.setChecked(bool(self.settings.reminder_enabled))
        self.reminder_time = QTimeEdit()
        self.reminder_time.setObjectName("reminder_time")
        self.reminder_time.setDisplayFormat("HH:mm")
        self.reminder_time.setTime(QTime.fromString(self.settings.reminder_time or "20:00", "HH:mm"))
        self.reminder_time.setEnabled(self.reminder_enabled.isChecked())
        self.reminder_enabled.toggled.connect(self._reminder_toggled)
        self.reminder_time.timeChanged.connect(lambda t: self.save("reminder_time", t.toString("HH:mm")))
        row = QHBoxLayout()
        row.addWidget(self.reminder_enabled)
        row.addWidget(self.reminder_time)
        row.addStretch(1)
        form.addRow(self.tr("Daily reminder"), row)

    def _reminder_toggled(self, on: bool) -> None:
        self.reminder_time.setEnabled(on)
        self.save("reminder_enabled", bool(on))
