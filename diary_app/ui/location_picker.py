"""Choose where a recording was made: the system position, a recent place, or coordinates by hand.

Nothing here stores anything: the review panel reads ``location()`` only when the user turned
"save location" on. The system position (Qt Positioning) is asked for only when the user clicks
"Use my location", because many desktops have no source and some ask for permission.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QDoubleSpinBox, QGridLayout, QLabel, QLineEdit, QPushButton, QWidget

MAX_RECENT_PLACES = 8


@dataclass
class Place:
    latitude: float
    longitude: float
    name: str = ""

    def to_dict(self) -> dict:
        return {"lat": self.latitude, "lon": self.longitude, "name": self.name}

    @classmethod
    def from_dict(cls, data: dict) -> Place:
        return cls(float(data["lat"]), float(data["lon"]), str(data.get("name") or ""))


def remember_place(settings, place: Place) -> None:
    """Put ``place`` first in ``settings.recent_places`` (no duplicates, at most 8) and save."""
    places = [p for p in (settings.recent_places or []) if isinstance(p, dict)]
    key = (round(place.latitude, 5), round(place.longitude, 5), place.name)
    places = [p for p in places if (round(float(p.get("lat", 0)), 5), round(float(p.get("lon", 0)), 5),
                                    p.get("name") or "") != key]
    settings.recent_places = [place.to_dict()] + places[: MAX_RECENT_PLACES - 1]
    try:
        settings.save()
    except OSError:
        pass  # recent places are a convenience; never block saving the entry


class LocationPicker(QWidget):
    changed = Signal()
    status = Signal(str)

    def __init__(self, settings=None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self._source = None
        self.recent = QComboBox()
        self.recent.setObjectName("recent_places")
        self.locate_button = QPushButton(self.tr("Use my location"))
        self.locate_button.setObjectName("locate_button")
        self.locate_button.clicked.connect(self.request_position)
        self.lat = QDoubleSpinBox()
        self.lat.setRange(-90.0, 90.0)
        self.lat.setDecimals(5)
        self.lon = QDoubleSpinBox()
        self.lon.setRange(-180.0, 180.0)
        self.lon.setDecimals(5)
        self.name = QLineEdit()
        self.name.setPlaceholderText(self.tr("Place name (optional)"))
        self.info = QLabel()
        self.info.setWordWrap(True)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(QLabel(self.tr("Recent places")), 0, 0)
        grid.addWidget(self.recent, 0, 1, 1, 3)
        grid.addWidget(self.locate_button, 0, 4)
        grid.addWidget(QLabel(self.tr("Latitude")), 1, 0)
        grid.addWidget(self.lat, 1, 1)
        grid.addWidget(QLabel(self.tr("Longitude")), 1, 2)
        grid.addWidget(self.lon, 1, 3)
        grid.addWidget(self.name, 2, 0, 1, 5)
        grid.addWidget(self.info, 3, 0, 1, 5)
        self.reload_recent()
        self.recent.activated.connect(self._pick_recent)
        for w in (self.lat, self.lon):
            w.valueChanged.connect(self.changed)
        self.name.textChanged.connect(self.changed)

    def reload_recent(self) -> None:
        self.recent.clear()
        self.recent.addItem(self.tr("— choose —"), None)
        for raw in (getattr(self.settings, "recent_places", None) or []):
            try:
                place = Place.from_dict(raw)
            except (KeyError, TypeError, ValueError):
                continue
            label = place.name or f"{place.latitude:.4f}, {place.longitude:.4f}"
            self.recent.addItem(label, place)

    def _pick_recent(self, index: int) -> None:
        place = self.recent.itemData(index)
        if isinstance(place, Place):
            self.set_place(place)

    def set_place(self, place: Place | None) -> None:
        if place is None:
            self.lat.setValue(0.0)
            self.lon.setValue(0.0)
            self.name.clear()
        else:
            self.lat.setValue(place.latitude)
            self.lon.setValue(place.longitude)
            self.name.setText(place.name)
        self.changed.emit()

    def place(self) -> Place | None:
        """The chosen place; ``None`` while nothing was chosen (0, 0 with no name)."""
        lat, lon, name = self.lat.value(), self.lon.value(), self.name.text().strip()
        if lat == 0.0 and lon == 0.0 and not name:
            return None
        return Place(lat, lon, name)

    # -- Qt Positioning --------------------------------------------------------------------------
    def request_position(self) -> None:
        try:
            from PySide6.QtPositioning import QGeoPositionInfoSource
        except ImportError:
            self._no_position(self.tr("Positioning is not available in this installation."))
            return
        if self._source is None:
            self._source = QGeoPositionInfoSource.createDefaultSource(self)
            if self._source is None:
                self._no_position(self.tr("This computer offers no position; pick a recent place or enter it."))
                return
            self._source.positionUpdated.connect(self._on_position)
            self._source.errorOccurred.connect(
                lambda _e: self._no_position(self.tr("The position could not be found; pick a place instead.")))
        self.info.setText(self.tr("Finding your position…"))
        self.locate_button.setEnabled(False)  # one request at a time; every outcome enables it again
        self._source.requestUpdate(15_000)

    def _no_position(self, message: str) -> None:
        # a failure is often passing (no fix yet, permission asked, Wi-Fi off): the user may try again
        self.locate_button.setEnabled(True)
        self.info.setText(message)
        self.status.emit(message)

    def _on_position(self, info) -> None:
        self.locate_button.setEnabled(True)
        coord = info.coordinate()
        if coord.isValid():
            self.lat.setValue(coord.latitude())
            self.lon.setValue(coord.longitude())
            self.info.setText(self.tr("Position found."))
            self.changed.emit()
