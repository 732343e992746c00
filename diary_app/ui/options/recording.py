"""Recording options: the input device and the longest recording."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QLabel, QSpinBox

from diary_app.audio.input_stream import list_input_devices
from diary_app.ui.options.base import OptionsPage

#: the combo's data for "System default"
DEFAULT_DEVICE = None


class RecordingOptions(OptionsPage):
    def title(self) -> str:
        return self.tr("Recording")

    def build(self) -> None:
        form = self.form()
        self.device_combo = QComboBox()
        self.device_combo.setObjectName("input_device")
        # device names are long ("USB Audio Device: Audio (hw:2,0)"): as wide as the longest one
        self.device_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.device_combo.setMinimumWidth(260)
        self.device_combo.addItem(self.tr("System default"), DEFAULT_DEVICE)
        devices = [d.name for d in list_input_devices()]
        for name in devices:
            self.device_combo.addItem(name, name)
        current = self.settings.input_device
        if current and current not in devices:
            # keep a chosen device that is unplugged now, so reconnecting it needs no new choice
            self.device_combo.addItem(self.tr("{0} (not connected)").format(current), current)
        self.device_combo.setCurrentIndex(max(0, self.device_combo.findData(current)))
        self.device_combo.currentIndexChanged.connect(lambda _i: self.save("input_device", self.device_combo.currentData()))
        form.addRow(self.tr("Input device"), self.device_combo)
        self.no_device_label = QLabel(self.tr("No microphone was found. Connect one to record."))
        self.no_device_label.setObjectName("no_device")
        self.no_device_label.setWordWrap(False)  # one short line; wrapped it would be squeezed to the field's width
        self.no_device_label.setVisible(not devices)
        form.addRow("", self.no_device_label)

        self.max_length = QSpinBox()
        self.max_length.setObjectName("max_record_s")
        self.max_length.setRange(5, 600)
        self.max_length.setSingleStep(5)
        self.max_length.setSuffix(self.tr(" s"))
        self.max_length.setValue(int(round(self.settings.max_record_s)))
        self.max_length.setToolTip(self.tr("A recording stops by itself after this many seconds (5–600)."))
        self.max_length.valueChanged.connect(lambda v: self.save("max_record_s", float(v)))
        form.addRow(self.tr("Maximum recording length"), self.max_length)
