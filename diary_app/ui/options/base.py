"""What every option page shares: a titled group bound to the app's settings, saving on each change."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QFormLayout, QGroupBox, QWidget

from diary_app.ui.context import AppContext


class OptionsPage(QGroupBox):
    """A group of related settings. Subclasses give their translated ``title()`` and build their
    controls in ``build()``; ``save(name, value)`` writes the settings file at once (no Save button
    to forget)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.settings = ctx.settings
        self.setTitle(self.title())
        self.build()

    def title(self) -> str:  # pragma: no cover - every page overrides it
        raise NotImplementedError

    def build(self) -> None:  # pragma: no cover - every page overrides it
        raise NotImplementedError

    def form(self) -> QFormLayout:
        """The page's form: fields keep their natural width (a "60 s" spin box a window wide reads
        as a text field), labels right of the group's edge line up across pages
        (``ui.pages.settings.align_form_labels``)."""
        form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        return form

    def save(self, name: str, value: Any) -> None:
        setattr(self.settings, name, value)
        self.settings.save()
