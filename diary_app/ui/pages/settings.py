"""Settings page: the option pages one under another (``OPTION_PAGES``), the model manager last.

Every change is saved at once (no Save button to forget). Each group is its own small widget
(``ui/options/``, ``ui/pages/backup.BackupBox``, ``ui/personal_panel.PersonalBox``,
``ui/model_manager.ModelManager``); this page only places them, so adding a group is one line.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from diary_app.ui.context import AppContext
from diary_app.ui.model_manager import ModelManager
from diary_app.ui.options.analysis import AnalysisOptions
from diary_app.ui.options.appearance import AppearanceOptions
from diary_app.ui.options.privacy import PrivacyOptions
from diary_app.ui.options.recording import RecordingOptions
from diary_app.ui.pages.backup import BackupBox
from diary_app.ui.personal_panel import PersonalBox

#: (attribute on the page, factory) in the order shown
OPTION_PAGES: list[tuple[str, Callable[[AppContext], QWidget]]] = [
    ("recording", RecordingOptions),
    ("analysis", AnalysisOptions),
    ("appearance", AppearanceOptions),
    ("privacy", PrivacyOptions),
    ("backup_box", BackupBox),
    ("personal_box", PersonalBox),  # issue 16: learns from your corrections
    ("model_manager", lambda ctx: ModelManager(ctx.settings)),
]


def align_form_labels(groups: list[QWidget]) -> int:
    """Give every form label of ``groups`` the width of the widest one, so the fields of all groups
    start on one line (each group has its own ``QFormLayout``, which would align only itself).
    Returns that width."""
    labels: list[QWidget] = []
    for group in groups:
        form = group.layout()
        if not isinstance(form, QFormLayout):
            continue
        for row in range(form.rowCount()):
            item = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
            label = item.widget() if item is not None else None
            if label is not None:
                labels.append(label)
    width = max((w.sizeHint().width() for w in labels), default=0)
    for w in labels:
        w.setMinimumWidth(width)
    return width


class SettingsPage(QScrollArea):
    #: the installed or active models changed (forwarded from the model manager)
    models_changed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.settings = ctx.settings
        self.setWidgetResizable(True)
        body = QWidget()
        self.setWidget(body)
        layout = QVBoxLayout(body)
        layout.addWidget(QLabel(self.tr("<h2>Settings</h2>")))
        self.option_pages: dict[str, QWidget] = {}
        for name, factory in OPTION_PAGES:
            page = factory(ctx)
            self.option_pages[name] = page
            layout.addWidget(page, 1 if name == "model_manager" else 0)
        self.recording: RecordingOptions = self.option_pages["recording"]  # type: ignore[assignment]
        self.analysis: AnalysisOptions = self.option_pages["analysis"]  # type: ignore[assignment]
        self.appearance: AppearanceOptions = self.option_pages["appearance"]  # type: ignore[assignment]
        self.privacy: PrivacyOptions = self.option_pages["privacy"]  # type: ignore[assignment]
        self.backup_box: BackupBox = self.option_pages["backup_box"]  # type: ignore[assignment]
        self.personal_box: PersonalBox = self.option_pages["personal_box"]  # type: ignore[assignment]
        self.model_manager: ModelManager = self.option_pages["model_manager"]  # type: ignore[assignment]
        self.model_manager.models_changed.connect(self.models_changed)
        self.label_width = align_form_labels(list(self.option_pages.values()))
