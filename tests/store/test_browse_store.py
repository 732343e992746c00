"""Qt-free browse back end: demo data, calendar/statistics aggregation, map points, index use."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

from diary_app.emotions import EMOTIONS
from diary_app.store import Diary, EntryQuery, stats
from diary_app.store.demo import fill_demo_diary, generate_entries

NOW = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def demo_diary(tmp_path_factory) -> Diary:
    diary = Diary(tmp_path_factory.mktemp("demo"))
    fill_demo_diary(diary, 1500, 400, with_audio=2, seed=11, now=NOW)
    return diary


def test_demo_data_is_realistic_and_consistent(demo_diary: Diary) -> None:
    d = demo_diary
    assert d.count() == 1500
    assert d.count(located_only=True) == 400
    share = stats.emotion_share(d)
    # plausible frequencies: calm and happy moments dominate, every emotion occurs
    assert set(EMOTIONS) <= set(share)
    assert share["neutral"] > share["fear"] and share["happy"] > share["fear"]
    # a daily rhythm: the morning commute is busier than 3 a.m.
    by_hour = stats.counts_by_hour(d, tz=UTC)
    assert sum(by_hour[8].values()) > 5 * sum(by_hour[3].values())
    # some entries were corrected by hand, and they are flagged as such
    corrected = [e for e in d.query(limit=1500).items if e.corrected]
    assert 40 < len(corrected) < 250
    # every row has its audio, and recovery finds nothing to re-import or report
    report = d.recover()
    assert report.reimported == [] and report.missing_audio == []
    import soundfile as sf

    for e in d.query(limit=20).items:  # each row's length is its audio's length
        assert abs(sf.info(str(d.audio_path(e))).duration - e.duration_s) < 0.06


def test_demo_generation_is_deterministic() -> None:
    a = [(e.id, e.created_at, e.emotion, e.latitude) for e in generate_entries(200, 50, seed=5, now=NOW)]
    b = [(e.id, e.created_at, e.emotion, e.latitude) for e in generate_entries(200, 50, seed=5, now=NOW)]
    assert a == b
    assert sum(1 for *_, lat in a if lat is not None) == 50
    assert all(created <= NOW for _, created, _, _ in a)
    with pytest.raises(ValueError):
        next(generate_entries(5, 6))


def test_demo_cli_refuses_to_mix_with_a_real_diary(tmp_path, capsys) -> None:
    from diary_app.app.cli import main

    assert main(["demo-data", "--count", "30", "--located", "10", "--data-dir", str(tmp_path)]) == 0
    assert Diary(tmp_path).count() == 30
    assert main(["demo-data", "--count", "30", "--data-dir", str(tmp_path)]) == 1
    assert "already holds 30 entries" in capsys.readouterr().err
    assert Diary(tmp_path).count() == 30


@pytest.mark.parametrize("tz_name", ["UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata"])
def test_counts_by_day_match_a_row_by_row_count(demo_diary: Diary, tz_name: str) -> None:
    """SQL grouping with offset pieces gives the same local days as converting every row (DST included)."""
    tz = ZoneInfo(tz_name)
    first, last = date(2025, 2, 20), date(2025, 4, 10)  # spans the March DST changes
    got = stats.counts_by_day(demo_diary, first, last, tz)
    want: dict[date, Counter] = {}
    for e in demo_diary.query(limit=5000).items:
        day = e.created_at.astimezone(tz).date()
        if first <= day <= last:
            want.setdefault(day, Counter())[e.emotion] += 1
    assert got == want
    assert sum(sum(c.values()) for c in got.values()) > 50


def test_offset_segments_split_at_dst_change() -> None:
    tz = ZoneInfo("Europe/Berlin")
    start, end = datetime(2025, 3, 1, tzinfo=UTC), datetime(2025, 4, 1, tzinfo=UTC)
    segs = list(stats.offset_segments(start, end, tz))
    assert [m for _, _, m in segs] == [60, 120]
    assert segs[0][1] == datetime(2025, 3, 30, 1, 0, tzinfo=UTC)


def test_hour_weekday_and_period_totals_add_up(demo_diary: Diary) -> None:
    tz = ZoneInfo("Asia/Seoul")
    total = demo_diary.count()
    assert sum(sum(c.values()) for c in stats.counts_by_hour(demo_diary, tz=tz).values()) == total
    weekdays = stats.counts_by_weekday(demo_diary, tz=tz)
    assert sum(sum(c.values()) for c in weekdays.values()) == total
    # the weekday key is Monday = 0: compare one weekday with a Python count
    sundays = sum(1 for e in demo_diary.query(limit=5000).items if e.created_at.astimezone(tz).weekday() == 6)
    assert sum(weekdays[6].values()) == sundays
    months = stats.counts_by_period(demo_diary, "month", tz=tz)
    weeks = stats.counts_by_period(demo_diary, "week", tz=tz)
    assert sum(sum(c.values()) for _, c in months) == total == sum(sum(c.values()) for _, c in weeks)
    assert all(d.day == 1 for d, _ in months) and all(d.weekday() == 0 for d, _ in weeks)
    with pytest.raises(ValueError):
        stats.counts_by_period(demo_diary, "fortnight")


def test_dominant_emotion_breaks_ties_in_a_fixed_order() -> None:
    assert stats.dominant(Counter({"sad": 2, "happy": 2, "fear": 1})) == "happy"
    assert stats.dominant(Counter()) is None


def test_map_data_follows_filters_and_counts_entries_without_place(demo_diary: Diary) -> None:
    everything = stats.map_data(demo_diary)
    assert len(everything.points) == 400 and everything.unlocated == 1100
    sad = stats.map_data(demo_diary, EntryQuery(emotions=["sad"]))
    assert {p.emotion for p in sad.points} == {"sad"}
    assert len(sad.points) == demo_diary.count(emotions=["sad"], located_only=True)
    assert len(sad.points) + sad.unlocated == demo_diary.count(emotions=["sad"])
    p = sad.points[0]
    assert demo_diary.get(p.id).latitude == p.latitude  # the id is a usable entry id
    assert p.to_json(UTC)["time"] == p.created_at.strftime("%Y-%m-%d %H:%M")


def test_browse_queries_use_the_indexes(demo_diary: Diary) -> None:
    """The benchmark's queries read from indexes, not a full table scan (EXPLAIN QUERY PLAN)."""
    plans = {
        "month": "SELECT date(created_at, '+0 minutes'), emotion, count(*) FROM entry "
                 "WHERE created_at >= '2025-01-01' AND created_at < '2025-02-01' GROUP BY 1, 2",
        "emotion page": "SELECT * FROM entry WHERE emotion IN ('sad') ORDER BY created_at DESC, id DESC LIMIT 50",
        "bbox": "SELECT id FROM entry WHERE latitude BETWEEN 37.4 AND 37.7 AND longitude BETWEEN 126.8 AND 127.1",
    }
    with demo_diary.engine.connect() as conn:
        for name, sql in plans.items():
            steps = [r[3] for r in conn.execute(text("EXPLAIN QUERY PLAN " + sql))]
            reads = [s for s in steps if s.startswith(("SCAN entry", "SEARCH entry"))]
            assert reads and all("INDEX" in s for s in reads), (name, steps)
        names = {r[0] for r in conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'index'"))}
    assert {"ix_entry_created_id_emotion", "ix_entry_emotion_created", "ix_entry_geo"} <= names


def test_old_diary_gets_the_browse_indexes_by_migration(tmp_path) -> None:
    diary = Diary(tmp_path)
    diary.close()
    import sqlite3

    con = sqlite3.connect(tmp_path / "diary.sqlite3")
    for name in ("ix_entry_created_id_emotion", "ix_entry_emotion_created", "ix_entry_geo"):
        con.execute(f"DROP INDEX {name}")
    con.execute("CREATE INDEX ix_entry_lat_lon ON entry (latitude, longitude)")  # what version 2 made
    con.execute("UPDATE schema_version SET version = 1")
    con.commit()
    con.close()
    Diary(tmp_path).close()
    con = sqlite3.connect(tmp_path / "diary.sqlite3")
    names = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert {"ix_entry_created_id_emotion", "ix_entry_emotion_created", "ix_entry_geo"} <= names
    assert "ix_entry_lat_lon" not in names
    assert con.execute("SELECT version FROM schema_version").fetchone()[0] >= 3


def test_day_start_is_the_local_midnight() -> None:
    assert stats.day_start(date(2025, 7, 1), ZoneInfo("Asia/Seoul")) == datetime(2025, 6, 30, 15, tzinfo=UTC)
    assert stats.day_start(date(2025, 7, 1), timezone(timedelta(hours=-5))).hour == 5


def test_map_json_from_sqlite_matches_map_data(demo_diary: Diary) -> None:
    import json

    for q in (EntryQuery(), EntryQuery(emotions=["happy", "sad"]), EntryQuery(bbox=(37.4, 126.8, 37.7, 127.2))):
        fast = stats.map_json(demo_diary, q)
        slow = stats.map_data(demo_diary, q)
        rows = json.loads(fast.json)
        assert fast.located == len(rows) == len(slow.points) and fast.unlocated == slow.unlocated
        want = {(p.id, p.latitude, p.longitude, p.emotion, p.created_at.strftime("%Y-%m-%d %H:%M")) for p in slow.points}
        assert {tuple(r) for r in rows} == want


def test_planner_statistics_are_refreshed_when_missing_or_outgrown(tmp_path) -> None:
    diary = Diary(tmp_path)
    fill_demo_diary(diary, 1200, 100, seed=2, now=NOW)
    with diary.engine.begin() as conn:
        conn.execute(text("DELETE FROM sqlite_stat1"))
    assert stats.refresh_planner_stats(diary) is True  # none: analyse
    assert stats.refresh_planner_stats(diary) is False  # fresh: nothing to do
    with diary.engine.connect() as conn:
        assert conn.execute(text("SELECT stat FROM sqlite_stat1 WHERE tbl = 'entry'")).scalar().startswith("1200 ")
    fill_demo_diary(diary, 1500, 100, seed=9, now=NOW)  # 2,700 rows > 2 x 1,200
    with diary.engine.begin() as conn:  # undo the demo's own ANALYZE to see the growth rule work
        conn.execute(text("UPDATE sqlite_stat1 SET stat = '1200' || substr(stat, instr(stat, ' ')) WHERE tbl = 'entry'"))
    assert stats.refresh_planner_stats(diary) is True
    assert stats.refresh_planner_stats(Diary(tmp_path / "small")) is False  # too small to matter
