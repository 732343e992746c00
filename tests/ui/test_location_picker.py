""""Use my location" (issue 13, item 9): a failed request never leaves the button dead."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtPositioning import QGeoCoordinate, QGeoPositionInfo, QGeoPositionInfoSource

from diary_app.ui.location_picker import LocationPicker


class FakeSource(QObject):
    """Stands in for the platform's position source (the only fake: no GPS on a test machine)."""

    positionUpdated = Signal(object)
    errorOccurred = Signal(object)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.requests = 0

    def requestUpdate(self, timeout: int) -> None:
        self.requests += 1


def test_button_comes_back_after_a_failure_and_a_retry_finds_the_position(qtbot, monkeypatch):
    sources: list[FakeSource] = []

    def create(parent):
        sources.append(FakeSource(parent))
        return sources[-1]

    monkeypatch.setattr(QGeoPositionInfoSource, "createDefaultSource", staticmethod(create))
    picker = LocationPicker()
    qtbot.addWidget(picker)
    qtbot.mouseClick(picker.locate_button, Qt.MouseButton.LeftButton)
    assert not picker.locate_button.isEnabled()  # one request at a time
    sources[0].errorOccurred.emit(QGeoPositionInfoSource.Error.UpdateTimeoutError)
    assert picker.locate_button.isEnabled() and "could not be found" in picker.info.text()
    qtbot.mouseClick(picker.locate_button, Qt.MouseButton.LeftButton)
    assert sources[0].requests == 2
    sources[0].positionUpdated.emit(QGeoPositionInfo(QGeoCoordinate(37.5665, 126.978), QGeoPositionInfo().timestamp()))
    assert picker.locate_button.isEnabled()
    assert picker.place().latitude == pytest.approx(37.5665) and picker.place().longitude == pytest.approx(126.978)


def test_no_position_source_says_so_and_the_button_stays_usable(qtbot, monkeypatch):
    calls = []
    monkeypatch.setattr(QGeoPositionInfoSource, "createDefaultSource",
                        staticmethod(lambda parent: calls.append(parent) and None))
    picker = LocationPicker()
    qtbot.addWidget(picker)
    for _ in range(2):
        qtbot.mouseClick(picker.locate_button, Qt.MouseButton.LeftButton)
        assert picker.locate_button.isEnabled() and "no position" in picker.info.text()
    assert len(calls) == 2  # asked again: a source may appear (service started, permission given)
