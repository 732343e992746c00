"""First-run welcome: what the app does, microphone and location consent, a microphone check and
which analysis models are active. Shown once; consent can be changed later in Settings.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QDialog, QDialogButtonBox, QGroupBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from diary_app.analysis import registry
from diary_app.audio.mic_check import MicCheck, check_microphone
from diary_app.settings import Settings
from diary_app.ui.worker import BackgroundCall


class FirstRunDialog(QDialog):
    def __init__(self, settings: Settings, parent: QWidget | None = None, check_mic: bool = True) -> None:
        super().__init__(parent)
        self.settings = settings
        self._mic_call: BackgroundCall | None = None
        self.mic_result: MicCheck | None = None
        self.setWindowTitle(self.tr("Welcome to Sound Diary"))
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)

        intro = QLabel(self.tr(
            "<h2>Welcome to Sound Diary</h2>"
            "<p>Record today's sound — your voice or the place around you. Sound Diary tags each "
            "recording with an emotion on this computer; you can correct the tag, add a note, and "
            "later find entries by emotion, on a calendar and on a map.</p>"
            "<p>Recordings stay on this computer. Only entries you mark as public are shared, and only "
            "with friends who accepted you.</p>"))
        intro.setObjectName("intro")
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(intro)

        consent = QGroupBox(self.tr("Your permission"))
        col = QVBoxLayout(consent)
        self.mic_consent = QCheckBox(self.tr("Use the microphone to record diary entries"))
        self.mic_consent.setObjectName("mic_consent")
        self.mic_consent.setChecked(True if not settings.first_run_done else settings.mic_consent)
        self.location_consent = QCheckBox(self.tr("Offer to save where an entry was recorded (you choose per entry)"))
        self.location_consent.setObjectName("location_consent")
        self.location_consent.setChecked(bool(settings.location_consent))
        col.addWidget(self.mic_consent)
        col.addWidget(self.location_consent)
        layout.addWidget(consent)

        mic_box = QGroupBox(self.tr("Microphone"))
        row = QHBoxLayout(mic_box)
        self.mic_status = QLabel(self.tr("Not checked yet."))
        self.mic_status.setObjectName("mic_status")
        self.mic_status.setWordWrap(True)
        self.mic_button = QPushButton(self.tr("Check again"))
        self.mic_button.setObjectName("check_mic")
        self.mic_button.clicked.connect(self.start_mic_check)
        row.addWidget(self.mic_status, 1)
        row.addWidget(self.mic_button)
        layout.addWidget(mic_box)

        models_box = QGroupBox(self.tr("Analysis models"))
        mcol = QVBoxLayout(models_box)
        self.models_label = QLabel()
        self.models_label.setObjectName("active_models")
        self.models_label.setWordWrap(True)
        mcol.addWidget(self.models_label)
        layout.addWidget(models_box)
        self.show_models()

        buttons = QDialogButtonBox()
        self.start_button = buttons.addButton(self.tr("Start"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.start_button.setObjectName("start")
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)
        if check_mic:
            self.start_mic_check()

    def show_models(self) -> None:
        try:
            active = registry.active_models(self.settings)
        except OSError as exc:  # the dialog must open even with an unreadable models folder
            self.models_label.setText(self.tr("Could not read the installed models: {0}").format(exc))
            return
        none = self.tr("none installed")
        text = self.tr("Speech emotion: {0}<br>Places and sounds: {1}").format(
            active.speech_name or none, active.scene_name or none)
        for problem in active.problems.values():
            text += "<br>" + html.escape(problem)
        if not active.speech and not active.scene:
            text += "<br>" + self.tr("Without a model, recordings are saved but not tagged. Add one in Settings.")
        self.models_label.setText(text)

    def start_mic_check(self) -> None:
        self.mic_button.setEnabled(False)
        self.mic_status.setText(self.tr("Checking the microphone…"))
        device = self.settings.input_device
        call = BackgroundCall(lambda _progress: check_microphone(device))
        call.signals.done.connect(self._mic_checked)
        call.signals.failed.connect(lambda exc: self._mic_checked(MicCheck(False, None, None, str(exc))))
        self._mic_call = call.start()

    def _mic_checked(self, result: MicCheck) -> None:
        self.mic_result = result
        self.mic_button.setEnabled(True)
        if result.ok:
            self.mic_status.setText(self.tr("Microphone found: {0} (level {1:.0f} dBFS).").format(result.device, result.level_db))
        elif result.device is None and "no input device" in result.message:
            self.mic_status.setText(self.tr("No microphone was found. You can still browse your diary; connect one to record."))
        else:
            self.mic_status.setText(self.tr("The microphone could not be opened: {0}").format(result.message))

    def accept(self) -> None:
        self.settings.mic_consent = self.mic_consent.isChecked()
        self.settings.location_consent = self.location_consent.isChecked()
        self.settings.first_run_done = True
        self.settings.save()
        super().accept()

    def reject(self) -> None:
        """Closing the window is not consent: record only that the welcome was seen."""
        self.settings.mic_consent = False
        self.settings.location_consent = False
        self.settings.first_run_done = True
        self.settings.save()
        super().reject()


def maybe_show_first_run(settings: Settings, parent: QWidget | None = None) -> bool:
    """Show the welcome once (modal). Returns True when it was shown."""
    if settings.first_run_done:
        return False
    FirstRunDialog(settings, parent).exec()
    return True
