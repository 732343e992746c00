"""The diary store on a real SQLite file with real FLAC audio."""

from __future__ import annotations

import sqlite3
import uuid
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from sqlalchemy import text

from diary_app.analysis.result import AnalysisResult
from diary_app.store import AnalysisState, Diary, EntryExists, EntryNotFound, EntryQuery, SchemaTooNew, SyncState, migrations

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def _wav(path: Path, seconds: float = 1.0, freq: float = 440.0) -> Path:
    t = np.arange(int(16_000 * seconds)) / 16_000
    sf.write(str(path), 0.3 * np.sin(2 * np.pi * freq * t).astype(np.float32), 16_000, subtype="PCM_16")
    return path


@pytest.fixture
def diary(tmp_path) -> Diary:
    d = Diary(tmp_path / "diary")
    yield d
    d.close()


@pytest.fixture
def wav(tmp_path) -> Path:
    return _wav(tmp_path / "rec.wav")


def _result(emotion: str = "sad", branch: str = "speech", scene: str | None = None) -> AnalysisResult:
    probs = {"neutral": 0.1, "happy": 0.05, "sad": 0.05, "angry": 0.05, "surprise": 0.05, "fear": 0.05}
    probs[emotion] = 0.65
    return AnalysisResult(branch=branch, emotion=emotion, emotion_probabilities=probs, confidence=0.65, scene=scene)


def _many(diary: Diary, tmp_path: Path, n: int, same_time: bool = False) -> list[uuid.UUID]:
    ids = []
    for i in range(n):
        src = _wav(tmp_path / f"s{i}.wav", 0.6)
        created = T0 if same_time else T0 + timedelta(hours=i)
        ids.append(diary.create_entry(src, created_at=created).id)
    return ids


# -- create / get ------------------------------------------------------------------------------


def test_create_moves_audio_into_diary_as_flac_and_is_pending(diary, wav):
    entry = diary.create_entry(wav)
    audio = diary.audio_path(entry)
    assert audio.is_file() and audio.suffix == ".flac"
    assert not wav.exists(), "move=True takes ownership of the recording"
    assert sf.info(str(audio)).format == "FLAC"
    assert entry.duration_s == pytest.approx(1.0, abs=0.01)
    got = diary.get(str(entry.id))
    assert got.analysis_state == AnalysisState.PENDING
    assert got.emotion == "untagged"
    assert got.is_public is False and not got.has_location
    assert got.created_at.tzinfo is not None


def test_create_copy_keeps_source_and_created_time_roundtrips_with_timezone(diary, wav):
    kst = timezone(timedelta(hours=9))
    created = datetime(2026, 5, 5, 8, 30, tzinfo=kst)
    entry = diary.create_entry(wav, created_at=created, move=False)
    assert wav.exists()
    got = diary.get(entry.id)
    assert got.created_at == created  # same instant
    assert got.created_at.utcoffset() == timedelta(0)


def test_create_refuses_missing_or_empty_audio_and_leaves_nothing(diary, tmp_path):
    empty = tmp_path / "empty.wav"
    empty.write_bytes(b"")
    for bad in (tmp_path / "nope.wav", empty):
        with pytest.raises(FileNotFoundError):
            diary.create_entry(bad)
    assert diary.count() == 0
    assert list(diary.audio_folder.iterdir()) == []


def test_create_with_undecodable_audio_raises_and_keeps_source(diary, tmp_path):
    from diary_app.audio import AudioLoadError

    junk = tmp_path / "junk.flac"  # FLAC is copied without decoding: it must still be checked
    junk.write_bytes(b"this is not audio at all" * 100)
    with pytest.raises(AudioLoadError):
        diary.create_entry(junk)
    assert junk.exists()
    assert diary.count() == 0
    assert list(diary.audio_folder.iterdir()) == [], "no .part or audio left behind"


def test_create_with_existing_id_never_overwrites_audio(diary, tmp_path):
    first = diary.create_entry(_wav(tmp_path / "a.wav", 1.0))
    before = diary.audio_path(first).read_bytes()
    other = _wav(tmp_path / "b.wav", 2.0, freq=880)
    with pytest.raises(EntryExists):
        diary.create_entry(other, entry_id=first.id)
    assert diary.audio_path(first).read_bytes() == before
    assert other.exists(), "the rejected recording is not lost"


def test_create_is_atomic_when_the_row_insert_fails(diary, wav, monkeypatch):
    """A failing insert leaves neither a row nor an orphan audio file, and the source survives."""
    from sqlmodel import Session

    def boom(self):
        raise RuntimeError("disk full")

    monkeypatch.setattr(Session, "commit", boom)
    with pytest.raises(RuntimeError):
        diary.create_entry(wav)
    monkeypatch.undo()
    assert wav.exists()
    assert diary.count() == 0
    assert list(diary.audio_folder.iterdir()) == []


def test_get_unknown_raises_entry_not_found(diary):
    with pytest.raises(EntryNotFound):
        diary.get(uuid.uuid4())
    with pytest.raises(ValueError):
        diary.get("not-a-uuid")


# -- updates -----------------------------------------------------------------------------------


def test_analysis_then_correction_then_back_to_automatic(diary, wav):
    events = []
    diary.add_listener(lambda action, eid: events.append((action, eid)))
    entry = diary.create_entry(wav)
    e = diary.set_analysis(entry.id, _result("sad", "environment", scene="bus_stop"))
    assert (e.auto_emotion, e.emotion, e.branch, e.scene) == ("sad", "sad", "environment", "bus_stop")
    assert e.analysis_state == AnalysisState.DONE and e.confidence == pytest.approx(0.65)
    assert e.auto_probabilities["sad"] == pytest.approx(0.65)
    e = diary.set_user_emotion(entry.id, "happy")
    assert (e.user_emotion, e.emotion, e.corrected) == ("happy", "happy", True)
    assert diary.get(entry.id).emotion == "happy"
    e = diary.set_user_emotion(entry.id, None)
    assert e.emotion == "sad" and not e.corrected
    with pytest.raises(ValueError):
        diary.set_user_emotion(entry.id, "disgust")
    assert [a for a, _ in events] == ["created", "updated", "updated", "updated"]
    assert all(eid == entry.id for _, eid in events)


def test_failed_analysis_stays_untagged_and_can_be_tagged_by_hand(diary, wav):
    entry = diary.create_entry(wav)
    e = diary.set_analysis_failed(entry.id, "model missing")
    assert e.analysis_state == AnalysisState.FAILED and e.analysis_error == "model missing"
    assert e.emotion == "untagged"
    e = diary.set_user_emotion(entry.id, "fear")
    assert e.emotion == "fear"
    e = diary.set_analysis_pending(entry.id)
    assert e.analysis_state == AnalysisState.PENDING and e.analysis_error is None
    assert [p.id for p in diary.pending_analysis()] == [entry.id]


def test_note_privacy_location_and_sync_state(diary, wav):
    entry = diary.create_entry(wav)
    diary.set_note(entry.id, "rain on the roof")
    e = diary.set_public(entry.id, True)
    assert e.is_public and e.sync_state == SyncState.QUEUED
    diary.set_sync_state(entry.id, SyncState.SYNCED)
    e = diary.set_note(entry.id, "rain on the tin roof")
    assert e.sync_state == SyncState.QUEUED, "a shared entry whose note changed must be uploaded again"
    diary.set_sync_state(entry.id, SyncState.SYNCED)
    e = diary.set_public(entry.id, False)
    assert e.sync_state == SyncState.UNSHARE_QUEUED
    e = diary.set_location(entry.id, 37.5665, 126.978, "Seoul")
    assert e.has_location and e.place_name == "Seoul"
    for lat, lon in ((91, 0), (0, 181), (float("nan"), 0)):
        with pytest.raises(ValueError):
            diary.set_location(entry.id, lat, lon)
    e = diary.clear_location(entry.id)
    assert (e.latitude, e.longitude, e.place_name) == (None, None, None)
    with pytest.raises(EntryNotFound):
        diary.set_note(uuid.uuid4(), "x")


# -- delete ------------------------------------------------------------------------------------


def test_delete_removes_row_and_audio(diary, wav):
    entry = diary.create_entry(wav)
    audio = diary.audio_path(entry)
    diary.delete(entry.id)
    assert not audio.exists()
    assert list(diary.audio_folder.iterdir()) == []
    with pytest.raises(EntryNotFound):
        diary.get(entry.id)
    with pytest.raises(EntryNotFound):
        diary.delete(entry.id)


# -- queries -----------------------------------------------------------------------------------


def test_pagination_is_complete_and_stable_even_with_equal_times(diary, tmp_path):
    ids = _many(diary, tmp_path, 7, same_time=True)
    seen = []
    offset = 0
    while True:
        page = diary.query(limit=3, offset=offset)
        assert page.total == 7
        seen += [e.id for e in page.items]
        if not page.has_more:
            break
        offset += 3
    assert sorted(seen) == sorted(ids) and len(seen) == 7
    with pytest.raises(ValueError):
        diary.query(limit=0)


def test_order_newest_first_and_oldest_first(diary, tmp_path):
    ids = _many(diary, tmp_path, 4)
    assert [e.id for e in diary.query().items] == ids[::-1]
    assert [e.id for e in diary.query(newest_first=False).items] == ids


def test_query_by_emotion_and_date_range(diary, tmp_path):
    ids = _many(diary, tmp_path, 5)  # T0, T0+1h, ... T0+4h
    diary.set_analysis(ids[0], _result("sad"))
    diary.set_analysis(ids[1], _result("happy"))
    diary.set_analysis(ids[2], _result("sad"))
    diary.set_user_emotion(ids[2], "angry")  # the shown emotion is what is filtered
    assert {e.id for e in diary.query(emotions=["sad"]).items} == {ids[0]}
    assert diary.count(emotions=["angry", "happy"]) == 2
    assert diary.count(emotions=["untagged"]) == 2
    page = diary.query(start=T0 + timedelta(hours=1), end=T0 + timedelta(hours=3))
    assert {e.id for e in page.items} == {ids[1], ids[2]}  # start inclusive, end exclusive
    with pytest.raises(ValueError, match="naive datetime for start"):
        diary.query(start=datetime(2026, 1, 1))  # naive datetimes are refused, not guessed


def test_query_by_bbox_including_antimeridian(diary, tmp_path):
    ids = _many(diary, tmp_path, 4)
    diary.set_location(ids[0], 37.56, 126.97, "Seoul")
    diary.set_location(ids[1], -17.7, 178.0, "Fiji")
    diary.set_location(ids[2], -14.3, -170.7, "Pago Pago")
    # ids[3] has no location
    korea = diary.query(bbox=(33.0, 124.0, 39.0, 132.0))
    assert [e.id for e in korea.items] == [ids[0]]
    pacific = diary.query(bbox=(-30.0, 170.0, 0.0, -160.0))  # west > east: crosses 180°
    assert {e.id for e in pacific.items} == {ids[1], ids[2]}
    assert diary.count(located_only=True) == 3
    with pytest.raises(ValueError):
        diary.query(bbox=(10.0, 0.0, -10.0, 5.0))


def test_text_search_escapes_like_wildcards(diary, tmp_path):
    ids = _many(diary, tmp_path, 4)
    diary.set_note(ids[0], "100% happy today")
    diary.set_note(ids[1], "1000 happy people")
    diary.set_note(ids[2], "file_name and back\\slash")
    diary.set_location(ids[3], 1.0, 1.0, "Café Filename")
    assert [e.id for e in diary.query(text="100%").items] == [ids[0]]
    assert [e.id for e in diary.query(text="_").items] == [ids[2]]
    assert [e.id for e in diary.query(text="file_name").items] == [ids[2]]  # not "Filename"
    assert [e.id for e in diary.query(text="k\\s").items] == [ids[2]]
    assert {e.id for e in diary.query(text="HAPPY").items} == {ids[0], ids[1]}  # case-insensitive
    assert [e.id for e in diary.query(text="café").items] == [ids[3]]  # place names too
    assert diary.count(text="'; DROP TABLE entry; --") == 0
    assert diary.count() == 4


def test_public_only_and_combined_filters(diary, tmp_path):
    ids = _many(diary, tmp_path, 3)
    diary.set_public(ids[0], True)
    diary.set_public(ids[1], True)
    diary.set_note(ids[1], "walk")
    diary.set_note(ids[2], "walk")
    assert [e.id for e in diary.query(public_only=True, text="walk").items] == [ids[1]]
    assert [e.id for e in diary.query(EntryQuery(public_only=True, text="walk")).items] == [ids[1]]


# -- crash leftovers ---------------------------------------------------------------------------


def test_recover_handles_part_trash_and_audio_without_row(diary, tmp_path):
    kept = diary.create_entry(_wav(tmp_path / "k.wav"))
    # 1) a crash during create_entry's copy: a .part file, the source still exists elsewhere
    part = diary.audio_folder / f"{uuid.uuid4()}.part"
    part.write_bytes(b"half a file")
    # 2) a crash after delete moved the audio to trash AND removed the row
    gone = diary.audio_folder / f"{uuid.uuid4()}.trash"
    gone.write_bytes(b"deleted audio")
    # 3) a crash after delete moved the audio to trash but BEFORE the row went: keep the entry whole
    half_deleted = diary.create_entry(_wav(tmp_path / "h.wav"))
    audio = diary.audio_path(half_deleted)
    audio.rename(audio.with_suffix(".trash"))
    # 4) a crash between moving the audio in and inserting the row: the audio must not be lost
    orphan_id = uuid.uuid4()
    _wav(tmp_path / "o.wav", 1.5)
    sf.write(str(diary.audio_path(orphan_id)), sf.read(str(tmp_path / "o.wav"))[0], 16_000, format="FLAC")
    # 5) a row whose audio someone removed by hand
    lost = diary.create_entry(_wav(tmp_path / "l.wav"))
    diary.audio_path(lost).unlink()

    report = Diary(diary.root).recover()  # what the next start does

    assert not part.exists() and not gone.exists()
    assert report.parts_removed == 1 and report.trash_removed == 1 and report.trash_restored == 1
    assert audio.exists() and diary.get(half_deleted.id).id == half_deleted.id
    assert report.reimported == [orphan_id]
    orphan = diary.get(orphan_id)
    assert orphan.analysis_state == AnalysisState.PENDING
    assert orphan.duration_s == pytest.approx(1.5, abs=0.01)
    assert report.missing_audio == [lost.id]
    assert diary.get(kept.id) is not None
    # idempotent: a second start finds nothing more to do
    again = diary.recover()
    assert again.reimported == [] and again.trash_removed == again.parts_removed == 0


# -- schema versioning -------------------------------------------------------------------------


def test_schema_version_recorded_and_future_version_refused(tmp_path, wav):
    root = tmp_path / "d"
    d = Diary(root)
    entry = d.create_entry(wav)
    d.close()
    con = sqlite3.connect(root / "diary.sqlite3")
    assert con.execute("SELECT version FROM schema_version").fetchone()[0] == migrations.CURRENT_VERSION
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    con.execute("UPDATE schema_version SET version = 999")
    con.commit()
    con.close()
    with pytest.raises(SchemaTooNew) as info:
        Diary(root)
    assert info.value.found == 999
    con = sqlite3.connect(root / "diary.sqlite3")
    assert con.execute("SELECT version FROM schema_version").fetchone()[0] == 999, "left untouched"
    assert con.execute("SELECT count(*) FROM entry").fetchone()[0] == 1
    con.close()
    assert (root / "audio" / f"{entry.id}.flac").exists()


def test_a_later_migration_adds_a_column_without_losing_data(tmp_path, wav, monkeypatch):
    root = tmp_path / "d"
    d = Diary(root)
    entry = d.create_entry(wav)
    d.set_note(entry.id, "keep me")
    d.close()
    v = migrations.CURRENT_VERSION
    monkeypatch.setattr(
        migrations, "MIGRATIONS",
        migrations.MIGRATIONS + [lambda conn: migrations.add_column_if_missing(conn, "entry", "mood_score", "FLOAT")],
    )
    d2 = Diary(root)
    assert d2.get(entry.id).note == "keep me"
    with d2.engine.connect() as conn:
        cols = {r[1] for r in conn.execute(text("PRAGMA table_info(entry)"))}
        version = conn.execute(text("SELECT version FROM schema_version")).scalar_one()
    assert "mood_score" in cols and version == v + 1
    d2.close()
    # a fresh diary created by that release gets the column from create_all and the step is skipped
    Diary(tmp_path / "fresh").close()


def test_a_failing_listener_does_not_make_a_saved_entry_look_failed(diary, wav):
    def broken(action, entry_id):
        raise RuntimeError("GUI gone")

    diary.add_listener(broken)
    entry = diary.create_entry(wav)
    assert diary.get(entry.id).audio_file == entry.audio_file
    diary.set_note(entry.id, "still fine")
    diary.remove_listener(broken)
    assert diary.get(entry.id).note == "still fine"
