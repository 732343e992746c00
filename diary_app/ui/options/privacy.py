"""Privacy options: microphone and location consent (first asked by the welcome dialog)."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QVBoxLayout

from diary_app.ui.options.base import OptionsPage


class PrivacyOptions(OptionsPage):
    def title(self) -> str:
        return self.tr("Privacy")

    def build(self) -> None:
        col = QVBoxLayout(self)
        self.mic_consent = QCheckBox(self.tr("Allow Sound Diary to use the microphone"))
        self.mic_consent.setObjectName("mic_consent")
        self.mic_consent.setChecked(bool(self.settings.mic_consent))
        self.mic_consent.toggled.connect(lambda on: self.save("mic_consent", bool(on)))
        self.location_consent = QCheckBox(self.tr("Offer to save the place of a recording"))
        self.location_consent.setObjectName("location_consent")
        self.location_consent.setChecked(bool(self.settings.location_consent))
        self.location_consent.toggled.connect(lambda on: self.save("location_consent", bool(on)))
        col.addWidget(self.mic_consent)
        col.addWidget(self.location_consent)
