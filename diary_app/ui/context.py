"""What every page gets: the diary, the settings, and app-wide signals."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from diary_app.settings import Settings
from diary_app.store import Diary

if TYPE_CHECKING:
    from diary_app.ui.social.service import SyncService


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
    #: the one sync service of this context (``ui.social.service.get_sync_service`` makes it on first use)
    sync_service: SyncService | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self.diary.add_listener(self._forward)

    def _forward(self, action: str, entry_id: uuid.UUID) -> None:
        self.events.entry_changed.emit(action, str(entry_id))
