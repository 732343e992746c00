"""What every page gets: the diary, the settings, and app-wide signals."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar, cast

from PySide6.QtCore import QObject, Signal

from diary_app.settings import Settings
from diary_app.store import Diary

S = TypeVar("S", bound=QObject)


class DiaryEvents(QObject):
    """Qt face of ``Diary.add_listener``: safe to emit from worker threads (queued to the GUI)."""

    entry_changed = Signal(str, str)  # action, entry id
    open_entry = Signal(str)  # ask the window to show an entry's detail
    open_page = Signal(str)  # ask the window to show a page ("record", "friends", …)
    #: like counts of my shared entries, from the server ({entry id: count}); the diary shows them
    likes_changed = Signal(object)
    signed_in_changed = Signal(bool)


@dataclass
class AppContext:
    diary: Diary
    settings: Settings
    events: DiaryEvents = field(default_factory=DiaryEvents)
    #: the app-wide services of this context by name ("sync", "personal"), made on first use by their
    #: modules (``get_sync_service``, ``personal_service``). WHY by name: the context is the interface
    #: every page gets; it must not import the services built on it
    services: dict[str, QObject] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self.diary.add_listener(self._forward)

    def service(self, name: str, make: Callable[[], S]) -> tuple[S, bool]:
        """The service called ``name``, made by ``make()`` the first time; and whether it was just made."""
        svc = self.services.get(name)
        if svc is not None:
            return cast(S, svc), False
        made = self.services[name] = make()
        return made, True

    def _forward(self, action: str, entry_id: uuid.UUID) -> None:
        self.events.entry_changed.emit(action, str(entry_id))
