"""Rebuilding a lost diary from its audio keeps what the user typed (issue 15, item 3).

Before the sidecars an empty database rebuilt from the audio folder got 300 of 300 entries back
with every note, tag and place lost.
"""

from __future__ import annotations

import json

import pytest

from diary_app.store import Diary
from diary_app.store.health import rebuild_from_recordings
from diary_app.store.sidecar import sidecar_path
from tests.diary_fault_helpers import fill_with_edits, remove_database, user_fields

N = 300


@pytest.mark.slow
def test_a_deleted_database_is_rebuilt_with_notes_tags_and_places(tmp_path):
    root = tmp_path / "diary"
    diary = Diary(root)
    before = fill_with_edits(diary, N, tmp_path / "src")
    diary.close()
    assert len(before) == N
    remove_database(root)

    diary = Diary(root)
    report = diary.recover()
    after = {e.id: user_fields(e) for e in diary.query(limit=N + 10).items}
    assert len(report.reimported) == N and report.restored_from_sidecar == N
    assert after == before, "every note, tag, place, public flag and time came back"
    assert sum(1 for f in after.values() if f[4]) == 225 and sum(1 for f in after.values() if f[8]) == 200
    shared = [e for e in diary.query(limit=N + 10).items if e.is_public]
    assert shared and all(e.sync_state.value == "queued" for e in shared), "shared entries are uploaded again"
    assert all(e.analysis_state.value == "done" for e in diary.query(limit=N + 10).items), "no re-analysis needed"
    diary.close()


def test_sidecar_follows_each_edit_and_goes_with_the_entry(tmp_path):
    root = tmp_path / "diary"
    diary = Diary(root)
    fill_with_edits(diary, 2, tmp_path / "src")
    entry = diary.query(limit=1).items[0]
    meta = sidecar_path(diary.audio_path(entry))
    diary.edit(entry.id, note="first")
    assert json.loads(meta.read_text(encoding="utf-8"))["note"] == "first"
    diary.set_note(entry.id, "second")
    assert json.loads(meta.read_text(encoding="utf-8"))["note"] == "second"
    assert not list(diary.audio_folder.glob("*.tmp")), "written atomically: no temporary file left"
    diary.delete(entry.id)
    assert not meta.exists()
    diary.close()


def test_rebuild_choice_sets_the_damaged_file_aside_and_keeps_edits(tmp_path):
    root = tmp_path / "diary"
    diary = Diary(root)
    before = fill_with_edits(diary, 30, tmp_path / "src")
    diary.close()
    (root / "diary.sqlite3").write_bytes(b"\x13\x37" * 5000)  # damaged
    diary, _report = rebuild_from_recordings(root)
    assert {e.id: user_fields(e) for e in diary.query(limit=100).items} == before
    kept = list(root.glob("diary.sqlite3.damaged-*"))
    assert [p.read_bytes()[:4] for p in kept if not p.name.endswith(("-wal", "-shm"))] == [b"\x13\x37\x13\x37"]
    diary.close()
