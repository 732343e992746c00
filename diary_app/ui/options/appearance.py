"""Appearance options: language (after a restart) and theme (at once)."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QLabel

from diary_app.ui.i18n import LANGUAGES, THEMES, apply_theme
from diary_app.ui.options.base import OptionsPage


class AppearanceOptions(OptionsPage):
    def title(self) -> str:
        return self.tr("Appearance")

    def build(self) -> None:
        form = self.form()
        self.language = QComboBox()
        self.language.setObjectName("language")
        for code, name in LANGUAGES.items():
            self.language.addItem(name, code)
        self.language.setCurrentIndex(max(0, self.language.findData(self.settings.language)))
        self.language.currentIndexChanged.connect(self._language_changed)
        self.language.setMinimumWidth(200)
        form.addRow(self.tr("Language"), self.language)
        self.language_note = QLabel(self.tr("The new language applies after a restart."))
        self.language_note.setObjectName("language_note")
        self.language_note.setVisible(False)
        form.addRow("", self.language_note)

        self.theme = QComboBox()
        self.theme.setObjectName("theme")
        names = {"system": self.tr("Follow the system"), "light": self.tr("Light"), "dark": self.tr("Dark")}
        for code in THEMES:
            self.theme.addItem(names[code], code)
        self.theme.setCurrentIndex(max(0, self.theme.findData(self.settings.theme)))
        self.theme.currentIndexChanged.connect(self._theme_changed)
        self.theme.setMinimumWidth(200)
        form.addRow(self.tr("Theme"), self.theme)

    def _language_changed(self, _index: int) -> None:
        self.save("language", self.language.currentData())
        self.language_note.setVisible(True)

    def _theme_changed(self, _index: int) -> None:
        theme = self.theme.currentData()
        self.save("theme", theme)
        apply_theme(theme)
