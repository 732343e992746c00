"""One Save is one change (issue 15, item 5): a sync pass between the steps never sees half of it.

The privacy case: the user makes an entry public and, in the same Save, removes its place. When
``set_public`` and ``clear_location`` were separate commits, a sync pass between them uploaded the
place the user had just removed. Here a "sync pass" reads the entry from the database at every
change notification (and a thread keeps reading all along); none may see it public with a place.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from sqlmodel import Session

from diary_app.settings import Settings
from diary_app.store import UNCHANGED, Diary, SyncState
from diary_app.store.models import Entry
from tests.browse_helpers import add_known

pytest.importorskip("pytestqt")

PLACE = (37.55, 126.98, "Seoul Plaza")


class SyncSpy:
    """What an upload at each moment would have seen: a fresh read of the entry per notification."""

    def __init__(self, diary: Diary) -> None:
        self.diary = diary
        self.notifications: list[str] = []
        self.seen: list[tuple[bool, bool, str, str | None]] = []
        diary.add_listener(self._on_change)

    def _on_change(self, action: str, entry_id) -> None:
        self.notifications.append(action)
        with Session(self.diary.engine) as s:  # straight from the database, as the sync engine reads it
            e = s.get(Entry, entry_id)
            self.seen.append((e.is_public, e.has_location, e.note, e.user_emotion))

    @property
    def leaked_place(self) -> bool:
        return any(public and located for public, located, _, _ in self.seen)


@pytest.fixture
def diary(tmp_path):
    d = Diary(tmp_path / "diary")
    yield d
    d.close()


def _located_private(diary: Diary, tmp_path) -> Entry:
    return add_known(diary, tmp_path / "src", datetime(2026, 5, 1, 9, tzinfo=UTC), "sad", "old note", PLACE)


def test_edit_is_one_transaction_and_one_notification(diary, tmp_path):
    entry = _located_private(diary, tmp_path)
    spy = SyncSpy(diary)
    stop = threading.Event()
    torn: list[tuple] = []

    def reader() -> None:  # a sync pass running at any moment, on its own thread
        while not stop.is_set():
            e = diary.get(entry.id)
            if e.is_public and e.has_location:
                torn.append((e.is_public, e.latitude))

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        for _ in range(20):
            diary.edit(entry.id, is_public=True, location=None, note="new note", user_emotion="happy")
            diary.edit(entry.id, is_public=False, location=PLACE)
    finally:
        stop.set()
        thread.join()
    assert not torn, "a reader saw the entry public with its place still set"
    assert spy.notifications == ["updated"] * 40
    assert not spy.leaked_place
    stored = diary.get(entry.id)
    assert (stored.note, stored.user_emotion, stored.emotion) == ("new note", "happy", "happy")


def test_edit_validates_everything_before_writing_anything(diary, tmp_path):
    entry = _located_private(diary, tmp_path)
    with pytest.raises(ValueError):
        diary.edit(entry.id, is_public=True, note="x", location=(123.0, 0.0, None))
    with pytest.raises(ValueError):
        diary.edit(entry.id, is_public=True, user_emotion="grumpy")
    stored = diary.get(entry.id)
    assert not stored.is_public and stored.note == "old note" and stored.has_location
    before = stored.updated_at
    assert diary.edit(entry.id).updated_at == before  # nothing asked, nothing written
    assert diary.edit(entry.id, user_emotion=UNCHANGED).updated_at == before


def test_edit_queues_the_upload_with_the_final_state(diary, tmp_path):
    entry = _located_private(diary, tmp_path)
    diary.edit(entry.id, is_public=True, location=None)
    e = diary.get(entry.id)
    assert e.sync_state == SyncState.QUEUED and not e.has_location
    diary.set_sync_state(entry.id, SyncState.SYNCED)
    diary.edit(entry.id, is_public=True, note="changed")  # public stays public: only the note changed
    assert diary.get(entry.id).sync_state == SyncState.QUEUED


def test_review_panel_save_is_one_atomic_change(qtbot, diary, tmp_path):
    from diary_app.ui.context import AppContext
    from diary_app.ui.review_panel import ReviewPanel

    entry = _located_private(diary, tmp_path)
    ctx = AppContext(diary=diary, settings=Settings())
    panel = ReviewPanel(ctx)
    qtbot.addWidget(panel)
    panel.show_entry(entry.id)
    spy = SyncSpy(diary)
    panel.public_box.setChecked(True)
    panel.location_box.setChecked(False)  # "do not keep a place"
    panel.note.setPlainText("made public, place removed")
    panel.save()
    assert spy.notifications == ["updated"], spy.notifications
    assert not spy.leaked_place, spy.seen
    stored = diary.get(entry.id)
    assert stored.is_public and not stored.has_location and stored.note == "made public, place removed"


def test_entry_detail_save_is_one_atomic_change(qtbot, diary, tmp_path):
    from diary_app.ui.browse.entry_detail import EntryDetail

    entry = _located_private(diary, tmp_path)
    detail = EntryDetail(diary, Settings())
    qtbot.addWidget(detail)
    assert detail.show_entry(str(entry.id))
    spy = SyncSpy(diary)
    detail.public.setChecked(True)
    detail.clear_place.setChecked(True)
    detail.note.setPlainText("shared without the place")
    detail.save()
    detail.player.stop()
    assert spy.notifications == ["updated"], spy.notifications
    assert not spy.leaked_place, spy.seen
    stored = diary.get(entry.id)
    assert stored.is_public and not stored.has_location and stored.note == "shared without the place"
