"""The model manager: installed models in a table, the selected model's card, install / use / remove.

A ``QAbstractTableModel`` over the catalog (``analysis.registry``) and a widget around it, so the
Settings page only places it. Installs and downloads run on ``ui.worker.BackgroundCall`` with a
progress bar; the catalog decides which model is active (the same rule the pipeline uses).
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from diary_app.analysis import model_install, registry
from diary_app.analysis.model_card import TASK_SCENE, TASK_SPEECH
from diary_app.analysis.registry import BrokenModel, InstalledModel
from diary_app.settings import Settings
from diary_app.ui.worker import BackgroundCall, run_in_background

_Index = QModelIndex | QPersistentModelIndex


@dataclass
class ModelRow:
    """One table row: a usable model (``card`` set) or a broken folder (``error`` set)."""

    name: str
    model: InstalledModel | None
    broken: BrokenModel | None
    active: bool

    @property
    def source(self) -> str:
        return self.model.source if self.model else self.broken.source if self.broken else "?"


#: the columns of ``ModelTableModel``
COL_NAME, COL_TASK, COL_KIND, COL_SOURCE, COL_ACTIVE = range(5)


class ModelTableModel(QAbstractTableModel):
    """The catalog as rows: name, task, kind, source, active."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[ModelRow] = []
        self.active = registry.ActiveModels(speech=None, scene=None)

    def headers(self) -> list[str]:
        return [self.tr("Name"), self.tr("Task"), self.tr("Kind"), self.tr("Source"), self.tr("Active")]

    def reload(self, settings: Settings) -> None:
        self.beginResetModel()
        self.active = registry.active_models(settings)
        rows = [ModelRow(m.name, m, None, self.active.is_active(m)) for m in registry.list_models()]
        names = {r.name for r in rows}
        rows += [ModelRow(b.name, None, b, False) for b in registry.list_broken() if b.name not in names]
        self.rows = sorted(rows, key=lambda r: r.name)
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 5

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.headers()[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tooltip(row)
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == COL_ACTIVE:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        tasks = {TASK_SPEECH: self.tr("speech emotion"), TASK_SCENE: self.tr("scene")}
        sources = {registry.SOURCE_SHIPPED: self.tr("shipped"), registry.SOURCE_USER: self.tr("user")}
        m = row.model
        cells = [row.name, tasks[m.task] if m else "?", m.kind if m else "?", sources.get(row.source, row.source),
                 self.tr("yes") if row.active else ""]
        return cells[index.column()]

    def tooltip(self, row: ModelRow) -> str:
        """The full name (the Name column may be elided on a narrow window) and what the model does,
        or why a broken folder is not used."""
        if row.model is None:
            return f"{row.name}\n{row.broken.error if row.broken else ''}".strip()
        description = row.model.card.description or ""
        return f"{row.name}\n{description}".strip()


class ModelManager(QGroupBox):
    """The "Analysis models" group of Settings."""

    models_changed = Signal()

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("Analysis models"))
        self.settings = settings
        self._calls: list[BackgroundCall] = []
        self.purge_call: BackgroundCall | None = None  # the last removed model's files being deleted
        col = QVBoxLayout(self)
        self.active_label = QLabel()
        self.active_label.setObjectName("active_models")
        self.active_label.setWordWrap(True)
        col.addWidget(self.active_label)
        self.table_model = ModelTableModel(self)
        self.models_table = QTableView()
        self.models_table.setObjectName("models_table")
        self.models_table.setModel(self.table_model)
        self.models_table.verticalHeader().setVisible(False)
        rows = self.models_table.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.models_table.fontMetrics().height() + 10)
        header = self.models_table.horizontalHeader()
        # the name is what a user reads: it takes the spare width (not the "Active" column), the
        # short columns fit their text; an elided name shows in full in the tooltip
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_NAME, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        # as tall as its rows: no empty band under a short list, no scroll bar inside the scrolling page
        self.models_table.setSizeAdjustPolicy(QAbstractItemView.SizeAdjustPolicy.AdjustToContents)
        self.models_table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.models_table.setWordWrap(False)
        self.models_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.models_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.models_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.models_table.selectionModel().selectionChanged.connect(lambda *_: self._show_card())
        col.addWidget(self.models_table)
        self.card_view = QTextBrowser()
        self.card_view.setObjectName("model_card")
        self.card_view.setMinimumHeight(200)
        col.addWidget(self.card_view)
        buttons = QHBoxLayout()
        self.use_button = QPushButton(self.tr("Use this model"))
        self.use_button.setObjectName("use_model")
        self.use_button.clicked.connect(lambda: self.use_selected())
        self.remove_button = QPushButton(self.tr("Remove"))
        self.remove_button.setObjectName("remove_model")
        self.remove_button.clicked.connect(lambda: self.remove_selected())
        self.add_folder_button = QPushButton(self.tr("Add from folder…"))
        self.add_folder_button.setObjectName("add_folder")
        self.add_folder_button.clicked.connect(self._ask_folder)
        self.add_zip_button = QPushButton(self.tr("Add from zip…"))
        self.add_zip_button.setObjectName("add_zip")
        self.add_zip_button.clicked.connect(self._ask_zip)
        self.download_button = QPushButton(self.tr("Download from Hugging Face…"))
        self.download_button.setObjectName("download_model")
        self.download_button.clicked.connect(self._ask_hub_id)
        for b in (self.use_button, self.remove_button, self.add_folder_button, self.add_zip_button, self.download_button):
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
        self.refresh_models()

    # -- the table --------------------------------------------------------------------------------
    @property
    def models(self) -> list[ModelRow]:
        return self.table_model.rows

    def refresh_models(self) -> None:
        self.table_model.reload(self.settings)
        active = self.table_model.active
        none = self.tr("none installed")
        text = self.tr("Speech model: {0} — Scene model: {1}").format(active.speech_name or none, active.scene_name or none)
        for problem in active.problems.values():
            text += "\n" + problem
        self.active_label.setText(text)
        self._show_card()
        self.models_changed.emit()

    def selected_model(self) -> ModelRow | None:
        rows = self.models_table.selectionModel().selectedRows()
        return self.models[rows[0].row()] if rows else None

    def select_model(self, name: str) -> bool:
        for row, m in enumerate(self.models):
            if m.name == name:
                self.models_table.selectRow(row)
                return True
        return False

    def _show_card(self) -> None:
        row = self.selected_model()
        self.use_button.setEnabled(row is not None and row.model is not None and not row.active)
        self.remove_button.setEnabled(row is not None and row.source == registry.SOURCE_USER)
        # a disabled button says why, so the user is not left guessing
        if row is not None and row.active:
            self.use_button.setToolTip(self.tr("This model is already in use."))
        elif row is not None and row.model is None:
            self.use_button.setToolTip(self.tr("This folder cannot be read, so it cannot be used."))
        else:
            self.use_button.setToolTip(self.tr("Analyse new recordings with the selected model."))
        if row is not None and row.source == registry.SOURCE_SHIPPED:
            self.remove_button.setToolTip(self.tr("Models that come with Sound Diary cannot be removed."))
        else:
            self.remove_button.setToolTip(self.tr("Delete the selected model from this computer."))
        if row is None:
            self.card_view.setPlainText(self.tr("Select a model to see its model card."))
            return
        if row.model is None:
            self.card_view.setPlainText(self.tr("This model folder cannot be read: {0}").format(row.broken.error if row.broken else ""))
            return
        self.card_view.setHtml(self.card_html(row.model))

    def card_html(self, m: InstalledModel) -> str:
        """The card as a user reads it: what it hears, what it was trained on, how well it did on
        recordings it never heard, its licence and folder. One line per field, the field name in
        bold; everything from the card is HTML-escaped."""
        card = m.card
        esc = html.escape
        lines = [f"<b>{esc(m.name)}</b> ({esc(card.kind)})"]
        if card.description:
            lines.append(esc(card.description))

        def field(name: str, value: str) -> None:
            lines.append(f"<b>{esc(name)}:</b> {esc(value)}")

        field(self.tr("Labels"), ", ".join(card.labels))
        # only the labels the map changes: "neutral → neutral" tells a user nothing
        renamed = {k: v for k, v in card.label_map.items() if k != v}
        if renamed:
            field(self.tr("Label map"), ", ".join(f"{k} → {v}" for k, v in renamed.items()))
        if card.training_data:
            field(self.tr("Training data"), card.training_data)
        held = card.primary_held_out
        if held is not None:
            # the number a user needs to judge a model: how often it was right on voices or places it never heard
            field(self.tr("Held-out accuracy"), self.tr("{0:.0%}, weighted F1 {1:.2f} ({2} clips)").format(
                held.accuracy, held.weighted_f1 or 0.0, held.n))
        plain = {k: v for k, v in card.metrics.items() if not isinstance(v, (dict, list))}
        if plain:
            field(self.tr("Training run"), ", ".join(self._metric_text(k, v) for k, v in plain.items()))
        if card.licence:
            field(self.tr("Licence"), card.licence)
        field(self.tr("Folder"), str(m.path))
        return "<br>".join(lines)

    def _metric_text(self, key: str, value: object) -> str:
        """A training bookkeeping number in words (``train_clips 3628`` → ``3628 training clips``);
        an unknown key is shown as it is."""
        known = {
            "train_clips": self.tr("{0} training clips"),
            "train_seconds": self.tr("trained in {0} s"),
            "best_epoch": self.tr("best epoch {0}"),
            "epochs_run": self.tr("{0} epochs"),
        }
        text = known.get(key)
        return text.format(value) if text else f"{key} {value}"

    # -- actions ------------------------------------------------------------------------------------
    def use_selected(self) -> None:
        row = self.selected_model()
        if row is None or row.model is None:
            return
        try:
            registry.use_model(row.name, self.settings)
        except registry.CatalogError as exc:
            self.model_status.setText(str(exc))
            return
        except OSError as exc:  # the settings file could not be written (full disk, read-only folder)
            self.model_status.setText(self.tr("Could not save the choice: {0}").format(exc.strerror or exc))
            return
        self.model_status.setText(self.tr("{0} is now the active model.").format(row.name))
        self.refresh_models()
        self.select_model(row.name)

    def remove_selected(self, confirm: bool = True) -> None:
        row = self.selected_model()
        if row is None:
            return
        if confirm and QMessageBox.question(self, self.tr("Remove model"),
                                            self.tr("Delete the model {0} from this computer?").format(row.name)) \
                != QMessageBox.StandardButton.Yes:
            return
        try:
            removed = registry.remove_model(row.name, self.settings, delete_now=False)
        except registry.CatalogError as exc:
            self.model_status.setText(str(exc))
            return
        except OSError as exc:  # the folder could not be moved away (permissions, a file in use): it stays
            self.model_status.setText(self.tr("Could not remove {0}: {1}").format(row.name, exc.strerror or exc))
            self.refresh_models()
            return
        self.model_status.setText(self.tr("Removed {0}.").format(row.name))
        self.refresh_models()
        # the files themselves go on a worker thread: a model folder can hold gigabytes
        self.purge_call = run_in_background(lambda: registry.purge_removed(removed))

    def _ask_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Choose a model folder"))
        if folder:
            self.add_model(folder)

    def _ask_zip(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Choose a zipped model folder"), "", self.tr("Zip files (*.zip)"))
        if path:
            self.add_model(path)

    def _ask_hub_id(self) -> None:
        model_id, ok = QInputDialog.getText(self, self.tr("Download a model"),
                                            self.tr("Hugging Face model id (an audio-classification checkpoint):"),
                                            text=registry.PAPER_SPEECH_MODEL)
        if ok and model_id.strip():
            self.add_model(model_id.strip())

    def _install_buttons(self) -> tuple[QPushButton, ...]:
        return (self.add_folder_button, self.add_zip_button, self.download_button)

    def add_model(self, source: str, label_map: dict[str, str] | None = None) -> BackgroundCall:
        """Install from a folder, zip or hub id on a worker thread; asks for a label map when needed."""
        self.progress.setVisible(True)
        self.progress.setRange(0, 0)  # busy until the first progress report
        self.model_status.setText(self.tr("Installing {0}…").format(source))
        for b in self._install_buttons():
            b.setEnabled(False)
        call = BackgroundCall(lambda progress: model_install.add(source, label_map=label_map, progress=progress))
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
        for b in self._install_buttons():
            b.setEnabled(True)

    def _added(self, call: BackgroundCall, info: InstalledModel) -> None:
        self._finish_call(call)
        self.model_status.setText(self.tr("Installed {0}. Select it and press “Use this model” to analyse with it.").format(info.name))
        self.refresh_models()
        self.select_model(info.name)

    def _add_failed(self, call: BackgroundCall, source: str, exc: Exception) -> None:
        self._finish_call(call)
        if isinstance(exc, model_install.LabelMapNeeded):
            text, ok = QInputDialog.getText(
                self, self.tr("Map labels onto emotions"),
                self.tr("These labels are not emotions Sound Diary knows: {0}.\n"
                        "Map each onto neutral, happy, sad, angry, surprise or fear (e.g. boredom=neutral):").format(
                    ", ".join(exc.unmapped)),
                text=",".join(f"{u}=neutral" for u in exc.unmapped))
            if ok and text.strip():
                try:
                    self.add_model(source, label_map=model_install.parse_label_map(text))
                except registry.CatalogError as err:
                    self.model_status.setText(str(err))
                return
        if isinstance(exc, model_install.HubOffline):
            self.model_status.setText(self.tr("You are offline: {0}").format(exc))
        else:
            self.model_status.setText(self.tr("Could not install {0}: {1}").format(source, exc))
