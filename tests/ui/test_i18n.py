"""Korean translation: the compiled .qm loads and real widgets show Korean text."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtWidgets import QApplication  # noqa: E402

from diary_app.settings import Settings  # noqa: E402
from diary_app.store import Diary  # noqa: E402
from diary_app.ui.context import AppContext  # noqa: E402
from diary_app.ui.i18n import LANGUAGES, install_translator, qm_path, translations_dir  # noqa: E402


@pytest.fixture()
def korean(qapp):
    assert install_translator("ko", qapp) is True
    yield
    install_translator("en", qapp)


def test_qm_exists_and_is_not_empty():
    assert qm_path("ko").is_file() and qm_path("ko").stat().st_size > 1000
    assert set(LANGUAGES) == {"en", "ko"}


def test_settings_page_and_welcome_show_korean(korean, qtbot, tmp_path):
    from diary_app.ui.first_run import FirstRunDialog
    from diary_app.ui.pages.settings import SettingsPage

    page = SettingsPage(AppContext(diary=Diary(tmp_path / "d"), settings=Settings.load()))
    qtbot.addWidget(page)
    assert page.appearance.language_note.text() == "바뀐 언어는 다시 시작한 뒤에 적용됩니다."
    assert page.model_manager.use_button.text() == "이 모델 사용"
    assert page.appearance.theme.itemText(0) == "시스템 설정 따르기"
    assert page.personal_box.title() == "나에게 맞추기"  # a group on the page, untranslated before
    page.model_manager.refresh_models()
    if page.model_manager.select_model("default-ser-whisper"):
        card = page.model_manager.card_view.toPlainText()
        assert "레이블:" in card and "라이선스:" in card and "Labels" not in card
    dlg = FirstRunDialog(Settings.load(), check_mic=False)
    qtbot.addWidget(dlg)
    assert dlg.windowTitle() == "사운드 다이어리에 오신 것을 환영합니다"
    assert dlg.start_button.text() == "시작하기"


def test_page_titles_translate_through_their_context(korean):
    assert QApplication.translate("MainWindow", "Settings") == "설정"
    assert QApplication.translate("MainWindow", "Record") == "녹음"


def test_english_stays_english(qapp, qtbot):
    install_translator("en", qapp)
    assert QApplication.translate("MainWindow", "Settings") == "Settings"


def test_own_area_strings_are_all_translated():
    """The .ts is the source of the .qm: no unfinished string in the contexts of this area."""
    tree = ET.parse(translations_dir() / "sounddiary_ko.ts")
    unfinished = []
    for ctx in tree.getroot().iter("context"):
        name = ctx.findtext("name")
        if name not in ("SettingsPage", "FirstRunDialog", "MainWindow", "RecordingOptions", "AnalysisOptions",
                        "AppearanceOptions", "PrivacyOptions", "ModelManager", "ModelTableModel",
                        "PersonalBox", "BackupBox"):
            continue
        for msg in ctx.iter("message"):
            tr = msg.find("translation")
            if tr is None or tr.get("type") == "unfinished" or not "".join(tr.itertext()).strip():
                unfinished.append((name, msg.findtext("source")))
    assert not unfinished, unfinished
