"""First-run dialog: records consent, checks the microphone off the GUI thread, names active models."""

from __future__ import annotations

import pytest

pytest.importorskip("pytestqt")

from diary_app.analysis.model_card import KIND_SCENE_CNN, ModelCard  # noqa: E402
from diary_app.audio.mic_check import check_microphone  # noqa: E402
from diary_app.paths import user_models_dir  # noqa: E402
from diary_app.settings import Settings  # noqa: E402
from diary_app.ui.first_run import FirstRunDialog, maybe_show_first_run  # noqa: E402


def test_accept_records_consent_and_is_shown_once(qtbot):
    s = Settings.load()
    assert not s.first_run_done
    dlg = FirstRunDialog(s, check_mic=False)
    qtbot.addWidget(dlg)
    assert dlg.mic_consent.isChecked() and not dlg.location_consent.isChecked()
    dlg.location_consent.setChecked(True)
    dlg.mic_consent.setChecked(False)
    dlg.start_button.click()
    back = Settings.load()
    assert back.first_run_done and back.location_consent and not back.mic_consent
    assert maybe_show_first_run(back) is False  # not shown again


def test_closing_the_dialog_is_not_consent(qtbot):
    s = Settings.load()
    dlg = FirstRunDialog(s, check_mic=False)
    qtbot.addWidget(dlg)
    dlg.location_consent.setChecked(True)
    dlg.reject()
    back = Settings.load()
    assert back.first_run_done and not back.location_consent and not back.mic_consent


def test_microphone_check_reports_the_real_device_state(qtbot):
    expected = check_microphone()
    dlg = FirstRunDialog(Settings.load())
    qtbot.addWidget(dlg)
    qtbot.waitUntil(lambda: dlg.mic_result is not None, timeout=15_000)
    assert dlg.mic_result.ok == expected.ok
    text = dlg.mic_status.text()
    if expected.ok:
        assert "Microphone found" in text
    else:  # this CI machine has no sound hardware
        assert "No microphone" in text or "could not be opened" in text
    assert dlg.mic_button.isEnabled()


def test_active_models_are_shown(qtbot):
    dlg = FirstRunDialog(Settings.load(), check_mic=False)
    qtbot.addWidget(dlg)
    before = dlg.models_label.text()
    ModelCard(name="welcome-scenes", kind=KIND_SCENE_CNN, labels=["park"], task="scene").save(user_models_dir() / "welcome-scenes")
    dlg.show_models()
    assert "welcome-scenes" in dlg.models_label.text()
    assert "welcome-scenes" not in before
