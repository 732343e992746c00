"""What a person sees on the Settings page (issue 14, visual review): the model table, the card,
the buttons' states, the option forms' layout and the dark theme's check boxes."""

from __future__ import annotations

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtGui import QPalette  # noqa: E402
from PySide6.QtWidgets import QApplication, QCheckBox, QHeaderView  # noqa: E402

from diary_app.analysis.model_card import KIND_SCENE_CNN, ModelCard  # noqa: E402
from diary_app.analysis.model_install import add as install_model  # noqa: E402
from diary_app.analysis.registry import find_model  # noqa: E402
from diary_app.settings import Settings  # noqa: E402
from diary_app.store import Diary  # noqa: E402
from diary_app.ui.context import AppContext  # noqa: E402
from diary_app.ui.model_manager import COL_ACTIVE, COL_NAME  # noqa: E402
from diary_app.ui.pages.settings import SettingsPage  # noqa: E402

LONG_NAME = "my-own-scene-model-fine-tuned-on-the-kitchen-and-the-bus-stop-v3"


@pytest.fixture()
def page(qtbot, tmp_path):
    ctx = AppContext(diary=Diary(tmp_path / "diary"), settings=Settings.load())
    p = SettingsPage(ctx)
    qtbot.addWidget(p)
    p.resize(1000, 800)
    p.show()
    qtbot.waitExposed(p)
    yield p
    ctx.diary.close()


def _user_model(tmp_path, name=LONG_NAME, description="Kitchen <b>and</b> bus & stop", label_map=None):
    folder = tmp_path / name
    ModelCard(name=name, kind=KIND_SCENE_CNN, labels=["park", "bus"], task="scene", architecture="scene_cnn",
              arch_config={"n_classes": 2}, licence="MIT", description=description,
              label_map=label_map or {}, metrics={"train_clips": 12, "best_epoch": 3}).save(folder)
    return install_model(str(folder))


def test_remove_is_disabled_for_a_shipped_model_and_says_why(page):
    if find_model("default-scene-everyday") is None:
        pytest.skip("models/default-scene-everyday is not installed")
    manager = page.model_manager
    assert manager.select_model("default-scene-everyday")
    assert not manager.remove_button.isEnabled()
    assert "cannot be removed" in manager.remove_button.toolTip()
    # the active model: "Use" is off and says it is already in use
    assert manager.selected_model().active and not manager.use_button.isEnabled()
    assert "already in use" in manager.use_button.toolTip()


def test_a_user_model_can_be_removed_and_a_long_name_is_never_lost(page, tmp_path):
    _user_model(tmp_path)
    manager = page.model_manager
    manager.refresh_models()
    assert manager.select_model(LONG_NAME)
    assert manager.remove_button.isEnabled()
    assert manager.use_button.isEnabled() == (not manager.selected_model().active)
    assert "Delete" in manager.remove_button.toolTip()

    table, view = manager.table_model, manager.models_table
    header = view.horizontalHeader()
    # the name column takes the spare width, not "Active"
    assert header.sectionResizeMode(COL_NAME) == QHeaderView.ResizeMode.Stretch
    assert not header.stretchLastSection()
    assert header.sectionSize(COL_NAME) > header.sectionSize(COL_ACTIVE)
    row = [m.name for m in manager.models].index(LONG_NAME)
    # at full width the long name fits its column
    needed = view.fontMetrics().horizontalAdvance(LONG_NAME)
    assert header.sectionSize(COL_NAME) >= needed
    # on any width the full name (and what the model does) is in the tooltip
    tip = table.data(table.index(row, COL_NAME), Qt.ItemDataRole.ToolTipRole)
    assert LONG_NAME in tip and "Kitchen <b>and</b> bus & stop" in tip
    assert table.data(table.index(row, COL_ACTIVE), Qt.ItemDataRole.ToolTipRole) == tip


def test_the_table_is_as_tall_as_its_rows(page, qtbot):
    """No empty band under a short list and no inner scroll bar on the scrolling page."""
    view = page.model_manager.models_table
    rows = view.model().rowCount()
    assert rows >= 1 or pytest.skip("no models installed")
    qtbot.waitUntil(lambda: view.verticalHeader().length() > 0)
    content = view.horizontalHeader().height() + view.verticalHeader().length() + 2 * view.frameWidth()
    assert abs(view.height() - content) <= 4, (view.height(), content)
    assert view.verticalScrollBarPolicy() == Qt.ScrollBarPolicy.ScrollBarAlwaysOff


def test_card_is_escaped_skips_an_identity_label_map_and_names_training_numbers(page, tmp_path):
    _user_model(tmp_path, label_map={"park": "park", "bus": "bus"})
    manager = page.model_manager
    manager.refresh_models()
    assert manager.select_model(LONG_NAME)
    text = manager.card_view.toPlainText()
    assert "Kitchen <b>and</b> bus & stop" in text  # shown as written, never interpreted
    assert "Label map" not in text  # park → park tells nobody anything
    assert "12 training clips" in text and "best epoch 3" in text and "train_clips" not in text
    assert "Labels: park, bus" in text and "Licence: MIT" in text
    html = manager.card_html(manager.selected_model().model)
    assert "<b>Labels:</b>" in html and "&lt;b&gt;and&lt;/b&gt;" in html


def test_a_renaming_label_map_is_shown(page, tmp_path):
    _user_model(tmp_path, name="renamer", label_map={"park": "neutral", "bus": "bus"})
    manager = page.model_manager
    manager.refresh_models()
    assert manager.select_model("renamer")
    text = manager.card_view.toPlainText()
    assert "Label map: park → neutral" in text and "bus → bus" not in text


def test_option_fields_keep_their_width_and_line_up_across_groups(page):
    fields = [page.recording.max_length, page.recording.device_combo, page.analysis.threshold,
              page.appearance.language, page.appearance.theme]
    xs = {f.mapTo(page.widget(), f.rect().topLeft()).x() for f in fields}
    assert len(xs) == 1, xs  # one left edge for every field of every group
    # a number box is as wide as a number, not as the window
    assert page.recording.max_length.width() < 200 and page.analysis.threshold.width() < 200
    backup_label = page.backup_box.layout().itemAt(1, page.backup_box.layout().ItemRole.LabelRole).widget()
    assert backup_label.minimumWidth() == page.label_width > 0


def test_dark_checkbox_frame_stands_out(qtbot):
    """Fusion draws an unchecked box near-black on the dark palette; the app's style lifts its frame."""
    from diary_app.ui.theme import apply_theme

    app = QApplication.instance()
    apply_theme("dark", app)
    try:
        box = QCheckBox("")
        qtbot.addWidget(box)
        box.resize(box.sizeHint())
        box.show()
        qtbot.waitExposed(box)
        image = box.grab().toImage()
        window = app.palette().color(QPalette.ColorRole.Window).lightness()
        brightest = max(image.pixelColor(x, y).lightness() for x in range(image.width()) for y in range(image.height()))
        assert brightest - window > 25, (brightest, window)
    finally:
        apply_theme("system", app)


def test_a_long_backup_folder_wraps_without_being_cut_off_on_a_small_window(page, qtbot, tmp_path):
    """At the smallest supported window (900 wide, minus the navigation) a long path wraps; its label
    must get the height of all its lines (inside a row layout it got one line and was clipped)."""
    from diary_app.ui.main_window import NAV_WIDTH

    box = page.backup_box
    box.folder_label.setText(str(tmp_path / "a-rather-long-folder-name-for-the-backups" / "of-this-diary" / "backups"))
    page.resize(900 - NAV_WIDTH, 600)
    qtbot.waitUntil(lambda: box.folder_label.width() < 600)
    label = box.folder_label
    qtbot.waitUntil(lambda: label.height() >= label.heightForWidth(label.width()), timeout=2000)
    assert label.heightForWidth(label.width()) > label.fontMetrics().height()  # it really wraps here


def test_the_backup_hint_is_as_tall_as_its_lines(page, qtbot):
    """A one-line hint took three lines' height (an empty band above and below it)."""
    from diary_app.ui.main_window import NAV_WIDTH

    hint = page.backup_box.hint
    for width in (1000, 900 - NAV_WIDTH):
        page.resize(width, 800)
        qtbot.waitUntil(lambda: abs(hint.height() - hint.heightForWidth(hint.width())) <= 1, timeout=2000)


def test_a_failed_remove_keeps_the_model_and_says_why(page, tmp_path, monkeypatch):
    """A disk error (here: the folder cannot be moved away) is a message on the page, not a traceback,
    and the model stays installed and listed."""
    import diary_app.analysis.registry as registry

    info = _user_model(tmp_path)
    manager = page.model_manager
    manager.refresh_models()
    assert manager.select_model(LONG_NAME)

    def refuse(src, dst):
        raise PermissionError(13, "Permission denied", str(src))

    monkeypatch.setattr(registry.os, "replace", refuse)
    manager.remove_selected(confirm=False)
    assert "Could not remove" in manager.model_status.text() and "Permission denied" in manager.model_status.text()
    assert info.path.is_dir() and LONG_NAME in [m.name for m in manager.models]


def test_a_removed_models_files_are_deleted_on_a_worker_thread(page, qtbot, tmp_path, monkeypatch):
    """The row goes at once (the folder is renamed away on the GUI thread: cheap); the files, which
    can be gigabytes, are deleted on a pool thread, never the GUI thread."""
    import threading

    import diary_app.analysis.registry as registry

    info = _user_model(tmp_path)
    manager = page.model_manager
    manager.refresh_models()
    assert manager.select_model(LONG_NAME)
    threads: list[threading.Thread] = []
    real_rmtree = registry.shutil.rmtree

    def rmtree(path, *a, **k):
        if str(path).endswith(f".trash-{LONG_NAME}") and path.exists():
            threads.append(threading.current_thread())
        return real_rmtree(path, *a, **k)

    monkeypatch.setattr(registry.shutil, "rmtree", rmtree)
    manager.remove_selected(confirm=False)
    assert LONG_NAME not in [m.name for m in manager.models] and not info.path.exists()
    qtbot.waitUntil(lambda: manager.purge_call is not None and not manager.purge_call.running, timeout=5000)
    trash = info.path.with_name(f".trash-{LONG_NAME}")
    assert not trash.exists()
    assert threads and all(t is not threading.main_thread() for t in threads)
