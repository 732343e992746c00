"""Settings page: every control persists to Settings at once; the model manager works from the GUI."""

from __future__ import annotations

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import QTime  # noqa: E402

from diary_app.analysis.model_card import KIND_SCENE_CNN, ModelCard  # noqa: E402
from diary_app.audio.input_stream import list_input_devices  # noqa: E402
from diary_app.settings import Settings  # noqa: E402
from diary_app.store import Diary  # noqa: E402
from diary_app.ui.context import AppContext  # noqa: E402
from diary_app.ui.pages.settings import SettingsPage  # noqa: E402


@pytest.fixture()
def page(qtbot, tmp_path):
    ctx = AppContext(diary=Diary(tmp_path / "diary"), settings=Settings.load())
    p = SettingsPage(ctx)
    qtbot.addWidget(p)
    yield p
    ctx.diary.close()


def test_controls_persist_to_settings(page):
    page.recording.max_length.setValue(120)
    page.analysis.threshold.setValue(0.55)
    page.analysis.reminder_time.setTime(QTime(7, 30))
    page.analysis.reminder_enabled.setChecked(False)
    page.appearance.language.setCurrentIndex(page.appearance.language.findData("ko"))
    page.appearance.theme.setCurrentIndex(page.appearance.theme.findData("dark"))
    page.privacy.mic_consent.setChecked(True)
    page.privacy.location_consent.setChecked(True)
    s = Settings.load()  # read back from disk, not the in-memory object
    assert s.max_record_s == 120.0
    assert s.scene_threshold == pytest.approx(0.55)
    assert s.reminder_time == "07:30" and s.reminder_enabled is False
    assert not page.analysis.reminder_time.isEnabled()
    assert s.language == "ko" and page.appearance.language_note.isVisibleTo(page)
    assert s.theme == "dark"
    assert s.mic_consent and s.location_consent


def test_input_devices_empty_machine_is_handled(page):
    devices = list_input_devices()
    assert page.recording.device_combo.count() >= 1 + len(devices)
    assert page.recording.device_combo.itemData(0) is None  # "System default"
    assert page.recording.no_device_label.isVisibleTo(page) == (not devices)
    page.recording.device_combo.setCurrentIndex(0)
    assert Settings.load().input_device is None


def test_unplugged_device_setting_is_kept(qtbot, tmp_path):
    s = Settings.load()
    s.input_device = "USB Mic 3000"
    s.save()
    ctx = AppContext(diary=Diary(tmp_path / "d"), settings=Settings.load())
    p = SettingsPage(ctx)
    qtbot.addWidget(p)
    assert p.recording.device_combo.currentData() == "USB Mic 3000"
    assert "not connected" in p.recording.device_combo.currentText()


def _scene_card_folder(tmp_path, name="gui-scenes"):
    folder = tmp_path / name
    ModelCard(name=name, kind=KIND_SCENE_CNN, labels=["park", "bus"], task="scene", architecture="scene_cnn",
              arch_config={"n_classes": 2}, licence="MIT", training_data="made by the test").save(folder)
    return folder


def test_model_manager_add_use_remove_from_gui(page, qtbot, tmp_path):
    folder = _scene_card_folder(tmp_path)
    with qtbot.waitSignal(page.models_changed, timeout=20_000):
        call = page.model_manager.add_model(str(folder))
    assert call not in page.model_manager._calls
    assert any(m.name == "gui-scenes" for m in page.model_manager.models)
    assert page.model_manager.selected_model().name == "gui-scenes"
    assert "park" in page.model_manager.card_view.toPlainText() and "made by the test" in page.model_manager.card_view.toPlainText()
    page.model_manager.use_selected()
    assert Settings.load().scene_model == "gui-scenes"
    assert "gui-scenes" in page.model_manager.active_label.text()
    page.model_manager.remove_selected(confirm=False)
    assert not any(m.name == "gui-scenes" for m in page.model_manager.models)
    assert Settings.load().scene_model is None


def test_download_offline_says_so(page, qtbot, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    page.model_manager.add_model("microsoft/wavlm-base-plus")
    assert page.model_manager.progress.isVisibleTo(page) and not page.model_manager.download_button.isEnabled()
    qtbot.waitUntil(lambda: not page.model_manager.progress.isVisibleTo(page), timeout=20_000)
    assert "offline" in page.model_manager.model_status.text().lower()
    assert page.model_manager.download_button.isEnabled()


def test_model_card_shows_the_held_out_accuracy_a_user_can_judge_by(page):
    """The shipped environment model's card names its accuracy on recordings it never heard."""
    from diary_app.analysis.registry import find_model

    shipped = find_model("default-scene-everyday")
    if shipped is None:
        pytest.skip("models/default-scene-everyday is not installed")
    page.model_manager.refresh_models()
    assert page.model_manager.select_model("default-scene-everyday")
    acc = shipped.card.metrics["test"]["accuracy"]
    text = page.model_manager.card_view.toPlainText()
    assert f"Held-out accuracy: {acc:.0%}" in text and f"({shipped.card.metrics['test']['n']} clips)" in text


def test_model_table_model_shows_a_broken_folder_with_its_reason_and_can_remove_it(page):
    """The manager is a QAbstractTableModel over the catalog: a folder whose card cannot be read is a
    row (so the user sees why it is not used) that can be removed but never chosen."""
    from diary_app.paths import user_models_dir
    from diary_app.ui.model_manager import ModelTableModel

    broken = user_models_dir() / "half-copied"
    broken.mkdir(parents=True)
    (broken / "model_card.json").write_text("{not json")
    manager = page.model_manager
    manager.refresh_models()
    table: ModelTableModel = manager.models_table.model()
    assert table is manager.table_model and table.columnCount() == 5
    names = [table.data(table.index(r, 0)) for r in range(table.rowCount())]
    assert "half-copied" in names
    row = names.index("half-copied")
    assert table.data(table.index(row, 1)) == "?" and table.data(table.index(row, 4)) == ""
    assert manager.select_model("half-copied")
    assert "cannot be read" in manager.card_view.toPlainText()
    assert not manager.use_button.isEnabled() and manager.remove_button.isEnabled()
    manager.remove_selected(confirm=False)
    assert not broken.exists() and "half-copied" not in [m.name for m in manager.models]
