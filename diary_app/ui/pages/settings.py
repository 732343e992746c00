"""Settings page: recording, analysis, reminder, language, theme, privacy and the model manager.

Every change is saved at once (no Save button to forget). Model installs and downloads run on a
worker thread with a progress bar, so a slow disk or network never freezes the window.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QTime, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from diary_app.ui.context import AppContext
from diary_app.ui.worker import BackgroundCall  # noqa: F401 - re-exported for older imports
from diary_app.ui.i18n import LANGUAGES, THEMES, apply_theme

DEFAULT_DEVICE = None


def list_input_devices() -> list[str]:
    """Names of input devices (empty without sound hardware or PortAudio)."""
    try:
        import sounddevice as sd

        devices = sd.query_devices()
    except Exception:  # noqa: BLE001 - PortAudio missing or broken: the same as no device
        return []
    return [d["name"] for d in devices if int(d.get("max_input_channels", 0)) > 0]


class SettingsPage(QScrollArea):
    models_changed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.settings = ctx.settings
        self._calls: list[BackgroundCall] = []
        self.setWidgetResizable(True)
        body = QWidget()
        self.setWidget(body)
        layout = QVBoxLayout(body)
        layout.addWidget(QLabel(self.tr("<h2>Settings</h2>")))
        layout.addWidget(self._recording_group())
        layout.addWidget(self._analysis_group())
        layout.addWidget(self._appearance_group())
        layout.addWidget(self._privacy_group())
        from diary_app.ui.pages.backup import BackupBox

        self.backup_box = BackupBox(ctx)
        layout.addWidget(self.backup_box)
        from diary_app.ui.personal_panel import PersonalBox  # issue 16: learns from your corrections

        self.personal_box = PersonalBox(ctx)
        layout.addWidget(self.personal_box)
        layout.addWidget(self._models_group(), 1)
        self.refresh_models()

    # -- persistence --------------------------------------------------------------------------
    def _set(self, name: str, value: Any) -> None:
        setattr(self.settings, name, value)
        self.settings.save()

    # -- groups --------------------------------------------------------------------------------
    def _recording_group(self) -> QGroupBox:
        box = QGroupBox(self.tr("Recording"))
        form = QFormLayout(box)
        self.device_combo = QComboBox()
        self.device_combo.setObjectName("input_device")
        self.device_combo.addItem(self.tr("System default"), DEFAULT_DEVICE)
        devices = list_input_devices()
        for name in devices:
            self.device_combo.addItem(name, name)
        current = self.settings.input_device
        if current and current not in devices:
            # keep a chosen device that is unplugged now, so reconnecting it needs no new choice
            self.device_combo.addItem(self.tr("{0} (not connected)").format(current), current)
        self.device_combo.setCurrentIndex(max(0, self.device_combo.findData(current)))
        self.device_combo.currentIndexChanged.connect(lambda _i: self._set("input_device", self.device_combo.currentData()))
        form.addRow(self.tr("Input device"), self.device_combo)
        self.no_device_label = QLabel(self.tr("No microphone was found. Connect one to record."))
        self.no_device_label.setObjectName("no_device")
        self.no_device_label.setWordWrap(True)
        self.no_device_label.setVisible(not devices)
        form.addRow("", self.no_device_label)

        self.max_length = QSpinBox()
        self.max_length.setObjectName("max_record_s")
        self.max_length.setRange(5, 600)
        self.max_length.setSingleStep(5)
        self.max_length.setSuffix(self.tr(" s"))
        self.max_length.setValue(int(round(self.settings.max_record_s)))
        self.max_length.valueChanged.connect(lambda v: self._set("max_record_s", float(v)))
        form.addRow(self.tr("Maximum recording length"), self.max_length)
        return box

    def _analysis_group(self) -> QGroupBox:
        box = QGroupBox(self.tr("Analysis"))
        form = QFormLayout(box)
        self.threshold = QDoubleSpinBox()
        self.threshold.setObjectName("scene_threshold")
        self.threshold.setRange(0.0, 1.0)
        self.threshold.setSingleStep(0.05)
        self.threshold.setDecimals(2)
        self.threshold.setValue(float(self.settings.scene_threshold))
        self.threshold.setToolTip(self.tr("Below this confidence a place is 'unclassified' (the paper uses 0.70)."))
        self.threshold.valueChanged.connect(lambda v: self._set("scene_threshold", round(float(v), 2)))
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
        self.reminder_time.timeChanged.connect(lambda t: self._set("reminder_time", t.toString("HH:mm")))
        row = QHBoxLayout()
        row.addWidget(self.reminder_enabled)
        row.addWidget(self.reminder_time)
        row.addStretch(1)
        form.addRow(self.tr("Daily reminder"), row)
        return box

    def _reminder_toggled(self, on: bool) -> None:
        self.reminder_time.setEnabled(on)
        self._set("reminder_enabled", bool(on))

    def _appearance_group(self) -> QGroupBox:
        box = QGroupBox(self.tr("Appearance"))
        form = QFormLayout(box)
        self.language = QComboBox()
        self.language.setObjectName("language")
        for code, name in LANGUAGES.items():
            self.language.addItem(name, code)
        self.language.setCurrentIndex(max(0, self.language.findData(self.settings.language)))
        self.language.currentIndexChanged.connect(self._language_changed)
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
        form.addRow(self.tr("Theme"), self.theme)
        return box

    def _language_changed(self, _index: int) -> None:
        self._set("language", self.language.currentData())
        self.language_note.setVisible(True)

    def _theme_changed(self, _index: int) -> None:
        theme = self.theme.currentData()
        self._set("theme", theme)
        apply_theme(theme)

    def _privacy_group(self) -> QGroupBox:
        box = QGroupBox(self.tr("Privacy"))
        col = QVBoxLayout(box)
        self.mic_consent = QCheckBox(self.tr("Allow Sound Diary to use the microphone"))
        self.mic_consent.setObjectName("mic_consent")
        self.mic_consent.setChecked(bool(self.settings.mic_consent))
        self.mic_consent.toggled.connect(lambda on: self._set("mic_consent", bool(on)))
        self.location_consent = QCheckBox(self.tr("Offer to save the place of a recording"))
        self.location_consent.setObjectName("location_consent")
        self.location_consent.setChecked(bool(self.settings.location_consent))
        self.location_consent.toggled.connect(lambda on: self._set("location_consent", bool(on)))
        col.addWidget(self.mic_consent)
        col.addWidget(self.location_consent)
        return box

    # -- model manager --------------------------------------------------------------------------
    def _models_group(self) -> QGroupBox:
        box = QGroupBox(self.tr("Analysis models"))
        col = QVBoxLayout(box)
        self.active_label = QLabel()
        self.active_label.setObjectName("active_models")
        self.active_label.setWordWrap(True)
        col.addWidget(self.active_label)
        self.models_table = QTableWidget(0, 5)
        self.models_table.setObjectName("models_table")
        self.models_table.setHorizontalHeaderLabels(
            [self.tr("Name"), self.tr("Task"), self.tr("Kind"), self.tr("Source"), self.tr("Active")])
        self.models_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.models_table.horizontalHeader().setStretchLastSection(True)
        self.models_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.models_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.models_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.models_table.itemSelectionChanged.connect(self._show_card)
        col.addWidget(self.models_table)
        self.card_view = QTextBrowser()
        self.card_view.setObjectName("model_card")
        self.card_view.setMinimumHeight(120)
        col.addWidget(self.card_view)
        buttons = QHBoxLayout()
        self.use_button = QPushButton(self.tr("Use this model"))
        self.use_button.setObjectName("use_model")
        self.use_button.clicked.connect(self.use_selected)
        self.remove_button = QPushButton(self.tr("Remove"))
        self.remove_button.setObjectName("remove_model")
        self.remove_button.clicked.connect(self.remove_selected)
        self.add_folder_button = QPushButton(self.tr("Add from folder…"))
        self.add_folder_button.setObjectName("add_folder")
        self.add_folder_button.clicked.connect(self._ask_folder)
        self.download_button = QPushButton(self.tr("Download from Hugging Face…"))
        self.download_button.setObjectName("download_model")
        self.download_button.clicked.connect(self._ask_hub_id)
        for b in (self.use_button, self.remove_button, self.add_folder_button, self.download_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        col.addLayout(buttons)
        self.progress = QProgressBar()
        self.progress.setObjectName("model_progress")
        self.progress.setVisible(False)
        col.addWidget(self.progress)
        self.model_status = QLabel()
        self.model_status.setObjectName("model_status")
        self.model_status.setWordWrap(True)
        col.addWidget(self.model_status)
        return box

    def refresh_models(self) -> None:
        from diary_app import models_manager as mm

        self.models = mm.list_models(self.settings)
        active = mm.active_model_names(self.models, self.settings)
        tasks = {mm.TASK_SPEECH: self.tr("speech emotion"), mm.TASK_SCENE: self.tr("scene"), "?": "?"}
        sources = {mm.SOURCE_SHIPPED: self.tr("shipped"), mm.SOURCE_USER: self.tr("user")}
        self.models_table.setRowCount(len(self.models))
        for row, m in enumerate(self.models):
            cells = [m.name, tasks.get(m.task, m.task), m.kind, sources.get(m.source, m.source),
                     self.tr("yes") if m.active else ""]
            for c, text in enumerate(cells):
                self.models_table.setItem(row, c, QTableWidgetItem(text))
        none = self.tr("none installed")
        self.active_label.setText(self.tr("Speech model: {0} — Scene model: {1}").format(
            active.get(mm.TASK_SPEECH) or none, active.get(mm.TASK_SCENE) or none))
        self._show_card()
        self.models_changed.emit()

    def selected_model(self):
        rows = self.models_table.selectionModel().selectedRows() if self.models_table.selectionModel() else []
        return self.models[rows[0].row()] if rows else None

    def select_model(self, name: str) -> bool:
        for row, m in enumerate(self.models):
            if m.name == name:
                self.models_table.selectRow(row)
                return True
        return False

    def _show_card(self) -> None:
        m = self.selected_model()
        has = m is not None
        self.use_button.setEnabled(has and m.card is not None and not m.active)
        self.remove_button.setEnabled(has and m.source == "user")
        if not has:
            self.card_view.setPlainText(self.tr("Select a model to see its model card."))
            return
        if m.card is None:
            self.card_view.setPlainText(self.tr("This model folder cannot be read: {0}").format(m.error))
            return
        card = m.card
        lines = [f"<b>{m.name}</b> ({card.kind})"]
        if card.description:
            lines.append(card.description)
        lines.append(self.tr("Labels: {0}").format(", ".join(card.labels)))
        if card.label_map:
            lines.append(self.tr("Label map: {0}").format(", ".join(f"{k} → {v}" for k, v in card.label_map.items())))
        if card.training_data:
            lines.append(self.tr("Training data: {0}").format(card.training_data))
        test = (card.metrics or {}).get("test") or {}
        if isinstance(test, dict) and "accuracy" in test:
            # the number a user needs to judge a model: how often it was right on voices or places it never heard
            lines.append(self.tr("Held-out accuracy: {0:.0%}, weighted F1 {1:.2f} ({2} clips)").format(
                test["accuracy"], test.get("weighted_f1", 0.0), test.get("n", 0)))
        if card.metrics:
            lines.append(self.tr("Metrics: {0}").format(", ".join(f"{k} {v}" for k, v in card.metrics.items()
                                                                    if not isinstance(v, (dict, list)))))
        if card.licence:
            lines.append(self.tr("Licence: {0}").format(card.licence))
        lines.append(self.tr("Folder: {0}").format(m.path))
        self.card_view.setHtml("<br>".join(lines))

    def use_selected(self) -> None:
        from diary_app import models_manager as mm

        m = self.selected_model()
        if m is None:
            return
        try:
            mm.use(m.name, self.settings)
        except mm.ModelManagerError as exc:
            self.model_status.setText(str(exc))
            return
        self.model_status.setText(self.tr("{0} is now the active model.").format(m.name))
        self.refresh_models()
        self.select_model(m.name)

    def remove_selected(self, confirm: bool = True) -> None:
        from diary_app import models_manager as mm

        m = self.selected_model()
        if m is None:
            return
        if confirm and QMessageBox.question(self, self.tr("Remove model"),
                                            self.tr("Delete the model {0} from this computer?").format(m.name)) \
                != QMessageBox.StandardButton.Yes:
            return
        try:
            mm.remove(m.name, self.settings)
        except mm.ModelManagerError as exc:
            self.model_status.setText(str(exc))
            return
        self.model_status.setText(self.tr("Removed {0}.").format(m.name))
        self.refresh_models()

    def _ask_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Choose a model folder"))
        if folder:
            self.add_model(folder)

    def _ask_hub_id(self) -> None:
        model_id, ok = QInputDialog.getText(self, self.tr("Download a model"),
                                            self.tr("Hugging Face model id (an audio-classification checkpoint):"),
                                            text="microsoft/wavlm-base-plus")
        if ok and model_id.strip():
            self.add_model(model_id.strip())

    def add_model(self, source: str, label_map: dict[str, str] | None = None) -> BackgroundCall:
        """Install from a folder or hub id on a worker thread; asks for a label map when needed."""
        from diary_app import models_manager as mm

        self.progress.setVisible(True)
        self.progress.setRange(0, 0)  # busy until the first progress report
        self.model_status.setText(self.tr("Installing {0}…").format(source))
        for b in (self.add_folder_button, self.download_button):
            b.setEnabled(False)
        call = BackgroundCall(lambda progress: mm.add(source, label_map=label_map, progress=progress))
        call.signals.progress.connect(self._progress)
        call.signals.done.connect(lambda info: self._added(call, info))
        call.signals.failed.connect(lambda exc: self._add_failed(call, source, exc))
        self._calls.append(call)
        return call.start()

    @Slot(int, int)
    def _progress(self, done: int, total: int) -> None:
        if total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(done)

    def _finish_call(self, call: BackgroundCall) -> None:
        if call in self._calls:
            self._calls.remove(call)
        self.progress.setVisible(False)
        for b in (self.add_folder_button, self.download_button):
            b.setEnabled(True)

    def _added(self, call: BackgroundCall, info) -> None:
        self._finish_call(call)
        self.model_status.setText(self.tr("Installed {0}. Select it and press “Use this model” to analyse with it.").format(info.name))
        self.refresh_models()
        self.select_model(info.name)

    def _add_failed(self, call: BackgroundCall, source: str, exc: Exception) -> None:
        from diary_app import models_manager as mm

        self._finish_call(call)
        if isinstance(exc, mm.LabelMapNeeded):
            text, ok = QInputDialog.getText(
                self, self.tr("Map labels onto emotions"),
                self.tr("These labels are not emotions Sound Diary knows: {0}.\n"
                        "Map each onto neutral, happy, sad, angry, surprise or fear (e.g. boredom=neutral):").format(
                    ", ".join(exc.unmapped)),
                text=",".join(f"{u}=neutral" for u in exc.unmapped))
            if ok and text.strip():
                try:
                    self.add_model(source, label_map=mm.parse_label_map(text))
                except mm.ModelManagerError as err:
                    self.model_status.setText(str(err))
                return
        if isinstance(exc, mm.HubOffline):
            self.model_status.setText(self.tr("You are offline: {0}").format(exc))
        else:
            self.model_status.setText(self.tr("Could not install {0}: {1}").format(source, exc))
