"""Settings page: every control persists to Settings at once; the model manager works from the GUI."""

from __future__ import annotations

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import QTime  # noqa: E402

from diary_app.analysis.model_card import KIND_SCENE_CNN, ModelCard  # noqa: E402
from diary_app.settings import Settings  # noqa: E402
from diary_app.store import Diary  # noqa: E402
from diary_app.ui.context import AppContext  # noqa: E402
from diary_app.ui.pages.settings import SettingsPage, list_input_devices  # noqa: E402


@pytest.fixture()
def page(qtbot, tmp_path):
    ctx = AppContext(diary=Diary(tmp_path / "diary"), settings=Settings.load())
    p = SettingsPage(ctx)
    qtbot.addWidget(p)
    yield p
    ctx.diary.close()


def test_controls_persist_to_settings(page):
    page.max_length.setValue(120)
    page.threshold.setValue(0.55)
    page.reminder_time.setTime(QTime(7, 30))
    page.reminder_enabled.setChecked(False)
    page.language.setCurrentIndex(page.language.findData("ko"))
    page.theme.setCurrentIndex(page.theme.findData("dark"))
    page.mic_consent.setChecked(True)
    page.location_consent.setChecked(True)
    s = Settings.load()  # read back from disk, not the in-memory object
    assert s.max_record_s == 120.0
    assert s.scene_threshold == pytest.approx(0.55)
    assert s.reminder_time == "07:30" and s.reminder_enabled is False
    assert not page.reminder_time.isEnabled()
    assert s.language == "ko" and page.language_note.isVisibleTo(page)
    assert s.theme == "dark"
    assert s.mic_consent and s.location_consent


def test_input_devices_empty_machine_is_handled(page):
    devices = list_input_devices()
    assert page.device_combo.count() >= 1 + len(devices)
    assert page.device_combo.itemData(0) is None  # "System default"
    assert page.no_device_label.isVisibleTo(page) == (not devices)
    page.device_combo.setCurrentIndex(0)
    assert Settings.load().input_device is None


def test_unplugged_device_setting_is_kept(qtbot, tmp_path):
    s = Settings.load()
    s.input_device = "USB Mic 3000"
    s.save()
    ctx = AppContext(diary=Diary(tmp_path / "d"), settings=Settings.load())
    p = SettingsPage(ctx)
    qtbot.addWidget(p)
    assert p.device_combo.currentData() == "USB Mic 3000"
    assert "not connected" in p.device_combo.currentText()


def _scene_card_folder(tmp_path, name="gui-scenes"):
    folder = tmp_path / name
    ModelCard(name=name, kind=KIND_SCENE_CNN, labels=["park", "bus"], task="scene", architecture="scene_cnn",
              arch_config={"n_classes": 2}, licence="MIT", training_data="made by the test").save(folder)
    return folder


def test_model_manager_add_use_remove_from_gui(page, qtbot, tmp_path):
    folder = _scene_card_folder(tmp_path)
    with qtbot.waitSignal(page.models_changed, timeout=20_000):
        call = page.add_model(str(folder))
    assert call not in page._calls
    assert any(m.name == "gui-scenes" for m in page.models)
    assert page.selected_model().name == "gui-scenes"
    assert "park" in page.card_view.toPlainText() and "made by the test" in page.card_view.toPlainText()
    page.use_selected()
    assert Settings.load().scene_model == "gui-scenes"
    assert "gui-scenes" in page.active_label.text()
    page.remove_selected(confirm=False)
    assert not any(m.name == "gui-scenes" for m in page.models)
    assert Settings.load().scene_model is None


def test_download_offline_says_so(page, qtbot, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    page.add_model("microsoft/wavlm-base-plus")
    assert page.progress.isVisibleTo(page) and not page.download_button.isEnabled()
    qtbot.waitUntil(lambda: not page.progress.isVisibleTo(page), timeout=20_000)
    assert "offline" in page.model_status.text().lower()
    assert page.download_button.isEnabled()


def test_model_card_shows_the_held_out_accuracy_a_user_can_judge_by(page):
    """The shipped environment model's card names its accuracy on recordings it never heard."""
    from diary_app.analysis.registry import find_model

    shipped = find_model("default-scene-everyday")
    if shipped is None:
        pytest.skip("models/default-scene-everyday is not installed")
    page.refresh_models()
    assert page.select_model("default-scene-everyday")
    acc = shipped.card.metrics["test"]["accuracy"]
    text = page.card_view.toPlainText()
    assert f"Held-out accuracy: {acc:.0%}" in text and f"({shipped.card.metrics['test']['n']} clips)" in text
