"""Realistic generated diary entries for demos, screenshots and the browse benchmark.

Why generated and not random: the calendar, the map and the statistics only show something
meaningful when the data has the shape of a real diary — entries cluster at the hours people
commute and relax, weekends are happier than Monday mornings, places cluster around a few cities,
most entries have an automatic tag and a few were corrected by hand.

Audio: every row must have an audio file (``Diary.recover()`` reports rows without one and
re-imports files without a row). Writing 100,000 distinct FLACs would take minutes and gigabytes,
so ``with_audio`` short clips are synthesised once and every entry gets a *hard link* to one of
them (a copy where the file system has no hard links). Deleting an entry removes only its link.
"""

from __future__ import annotations

import math
import os
import random
import shutil
import uuid
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any

from diary_app.audio.loading import SAMPLE_RATE
from diary_app.emotions import EMOTIONS, UNTAGGED
from diary_app.store.diary import AUDIO_SUFFIX, Diary
from diary_app.store.models import AnalysisState, Entry, table_of

#: (city, latitude, longitude, spots) — places cluster around these.
CITIES: list[tuple[str, float, float, list[str]]] = [
    ("Seoul", 37.5665, 126.9780, ["Hongdae", "Gangnam Station", "Han River Park", "Seoul Forest", "Jongno", "Yeouido"]),
    ("Busan", 35.1796, 129.0756, ["Haeundae Beach", "Seomyeon", "Gwangalli", "Busan Station"]),
    ("Daejeon", 36.3504, 127.3845, ["Expo Park", "Dunsan", "Daejeon Station"]),
    ("Jeju", 33.4996, 126.5312, ["Hallasan Trail", "Jeju Airport", "Aewol Cafe Street"]),
    ("Gangneung", 37.7519, 128.8761, ["Gyeongpo Beach", "Anmok Coffee Street", "Gangneung Station"]),
]
CITY_WEIGHTS = [0.55, 0.17, 0.12, 0.08, 0.08]

#: Base frequencies of the shown emotions (a diary is mostly calm).
BASE_EMOTION_WEIGHTS: dict[str, float] = {
    "neutral": 0.34, "happy": 0.24, "sad": 0.12, "angry": 0.11, "surprise": 0.09, "fear": 0.06,
}

SCENES_BY_EMOTION: dict[str, list[str]] = {
    "happy": ["park", "shopping_mall", "airport"],
    "neutral": ["bus", "public_square"],
    "sad": ["bus_stop"],
    "angry": ["street_traffic", "street_pedestrian", "tram"],
    "fear": ["metro", "metro_station"],
    "surprise": ["unclassified"],
}

NOTES: dict[str, list[str]] = {
    "neutral": ["commute as usual", "quiet afternoon at the desk", "waiting for the bus", "grocery run", "rain on the window"],
    "happy": ["coffee with Minji", "birthday dinner!", "walk by the river", "finally finished the project", "kids laughing in the park", "concert tonight"],
    "sad": ["missed the last train", "long day, tired", "rainy walk home", "said goodbye at the station"],
    "angry": ["traffic jam again", "neighbours drilling all morning", "meeting ran over an hour", "honking everywhere"],
    "surprise": ["fireworks out of nowhere", "ran into an old friend", "street performer", "unexpected snow"],
    "fear": ["crowded metro at rush hour", "thunderstorm", "walking home late", "fire alarm in the building"],
}

#: Relative activity per local hour: commute peaks, lunch, evening, little at night.
HOUR_WEIGHTS = [0.2, 0.1, 0.05, 0.05, 0.05, 0.2, 0.6, 1.6, 2.2, 1.2, 0.9, 1.0,
                1.5, 1.1, 0.9, 0.9, 1.0, 1.6, 2.0, 1.8, 1.6, 1.3, 0.9, 0.5]


@dataclass
class DemoReport:
    entries: int
    located: int
    audio_files: int
    seconds: float


def _emotion_weights(local: datetime) -> list[float]:
    """Shift the base frequencies by time: happier weekends/evenings, angrier rush hours, night fear."""
    w = dict(BASE_EMOTION_WEIGHTS)
    weekend = local.weekday() >= 5
    if weekend:
        w["happy"] *= 1.7
        w["angry"] *= 0.6
    if local.weekday() == 0 and 7 <= local.hour <= 9:
        w["angry"] *= 2.0
        w["sad"] *= 1.4
    if local.hour in (8, 18) and not weekend:
        w["angry"] *= 1.5
    if local.hour >= 22 or local.hour <= 4:
        w["fear"] *= 2.5
        w["sad"] *= 1.5
    if local.month in (12, 1, 2):
        w["sad"] *= 1.3
    return [w[e] for e in EMOTIONS]


def generate_entries(
    count: int,
    located: int,
    *,
    seed: int = 7,
    now: datetime | None = None,
    years: float = 3.0,
    audio_file_for: Callable[[uuid.UUID, int], str] | None = None,
    tz: tzinfo | None = None,
) -> Iterator[Entry]:
    """Yield ``count`` entries spread over the last ``years``; ``located`` of them have a place.

    Deterministic for a given seed (tests rely on that). ``audio_file_for(id, index)`` names the
    audio file of each entry (the caller makes sure it exists).
    """
    if located > count:
        raise ValueError(f"cannot locate {located} of {count} entries")
    rng = random.Random(seed)
    now = now or datetime.now(UTC)
    tz = tz or datetime.now().astimezone().tzinfo
    span_days = max(1, int(years * 365))
    located_idx = set(rng.sample(range(count), located)) if located else set()
    hours = list(range(24))
    for i in range(count):
        day = rng.randrange(span_days)
        hour = rng.choices(hours, HOUR_WEIGHTS)[0]
        local_day = (now.astimezone(tz) - timedelta(days=day)).date()
        local = datetime(local_day.year, local_day.month, local_day.day, hour, rng.randrange(60), rng.randrange(60),
                         rng.randrange(1_000_000), tzinfo=tz)
        created = local.astimezone(UTC)
        if created > now:
            created = now - timedelta(seconds=rng.randrange(1, 3600 * 24))
        entry_id = uuid.UUID(int=rng.getrandbits(128), version=4)
        shown = rng.choices(EMOTIONS, _emotion_weights(local))[0]
        state = AnalysisState.DONE
        auto: str | None = shown
        user: str | None = None
        r = rng.random()
        if r < 0.08:  # corrected by hand: the model said something else
            auto = rng.choice([e for e in EMOTIONS if e != shown])
            user = shown
        elif r < 0.10:  # analysis failed; the user never tagged it
            auto, state = None, AnalysisState.FAILED
        speech = rng.random() < 0.55
        branch = "speech" if speech else "environment"
        scene = None if speech or auto is None else rng.choice(SCENES_BY_EMOTION[auto])
        confidence = None if auto is None else round(rng.uniform(0.45, 0.99), 3)
        probs = None
        if auto is not None and confidence is not None:
            rest = (1.0 - confidence) / (len(EMOTIONS) - 1)
            probs = {e: (confidence if e == auto else rest) for e in EMOTIONS}
        emotion = user or auto or UNTAGGED
        note = rng.choice(NOTES.get(emotion, NOTES["neutral"])) if rng.random() < 0.6 else ""
        lat = lon = place = None
        if i in located_idx:
            city, clat, clon, spots = rng.choices(CITIES, CITY_WEIGHTS)[0]
            spot_i = rng.randrange(len(spots))
            # each spot sits at a fixed offset from the centre; entries scatter around it
            srng = random.Random(zlib.crc32(f"{city}/{spot_i}".encode()))
            slat = clat + srng.uniform(-0.06, 0.06)
            slon = clon + srng.uniform(-0.08, 0.08)
            lat = round(slat + rng.gauss(0, 0.004), 6)
            lon = round(slon + rng.gauss(0, 0.005), 6)
            place = f"{spots[spot_i]}, {city}"
        yield Entry(
            id=entry_id,
            created_at=created,
            updated_at=created,
            duration_s=round(rng.uniform(3.0, 30.0), 1),
            audio_file=audio_file_for(entry_id, i) if audio_file_for else f"{entry_id}{AUDIO_SUFFIX}",
            auto_emotion=auto,
            auto_probabilities=probs,
            confidence=confidence,
            branch=branch if auto is not None else None,
            scene=scene,
            user_emotion=user,
            emotion=emotion,
            note=note,
            is_public=rng.random() < 0.15,
            latitude=lat,
            longitude=lon,
            place_name=place,
            analysis_state=state,
            analysis_error="demo: analysis failed" if state == AnalysisState.FAILED else None,
        )


def synth_clips(folder: Path, n: int, *, seed: int = 7, seconds: float = 3.0) -> list[Path]:
    """``n`` short, distinct 16 kHz FLAC clips (a chord of tones over soft noise, fading in/out)."""
    import numpy as np
    import soundfile as sf

    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    sr = SAMPLE_RATE
    out = []
    for k in range(max(1, n)):
        length = seconds + (k * 1.7) % 6.0  # 3 to 9 s, so lengths differ between entries
        t = np.arange(int(length * sr)) / sr
        env = np.minimum(1.0, np.minimum(t, t[::-1]) / 0.2)
        base = 160 + 40 * (k % 12)
        wave = sum(0.15 / (h + 1) * np.sin(2 * math.pi * base * (h + 1) * t + rng.uniform(0, 6)) for h in range(3))
        wave = wave * (0.6 + 0.4 * np.sin(2 * math.pi * rng.uniform(0.5, 3) * t)) + 0.02 * rng.standard_normal(t.size)
        path = folder / f"demo-clip-{k:03d}{AUDIO_SUFFIX}"
        sf.write(str(path), (wave * env).astype("float32"), sr, format="FLAC", subtype="PCM_16")
        out.append(path)
    return out


def _link_or_copy(src: Path, dst: Path) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copyfile(src, dst)


def fill_demo_diary(
    diary: Diary,
    count: int,
    located: int,
    *,
    with_audio: int = 1,
    seed: int = 7,
    now: datetime | None = None,
    batch: int = 5000,
    progress: Callable[[int], None] | None = None,
) -> DemoReport:
    """Insert ``count`` demo entries (``located`` with a place) with audio, in fast batches.

    Uses a core ``INSERT`` with many parameter sets (about 10x faster than ORM adds) and does
    not fire change listeners per row: callers refresh once afterwards.
    """
    import time

    from sqlalchemy import insert
    from sqlmodel import Session

    t0 = time.perf_counter()
    clips_dir = diary.root / "demo-clips"
    clips = synth_clips(clips_dir, with_audio, seed=seed)
    import soundfile as sf

    lengths = [round(sf.info(str(c)).duration, 1) for c in clips]  # rows tell the truth about their audio

    def audio_for(entry_id: uuid.UUID, i: int) -> str:
        name = f"{entry_id}{AUDIO_SUFFIX}"
        _link_or_copy(clips[i % len(clips)], diary.audio_folder / name)
        return name

    rows: list[dict[str, Any]] = []
    done = 0
    table = table_of(Entry)
    columns = [c.name for c in table.columns]
    with Session(diary.engine) as s:
        for i, e in enumerate(generate_entries(count, located, seed=seed, now=now, audio_file_for=audio_for)):
            row = {c: getattr(e, c) for c in columns}
            row["duration_s"] = lengths[i % len(lengths)]
            rows.append(row)
            if len(rows) >= batch:
                s.execute(insert(table), rows)
                done += len(rows)
                rows.clear()
                if progress:
                    progress(done)
        if rows:
            s.execute(insert(table), rows)
            done += len(rows)
        s.commit()
    with diary.engine.begin() as conn:  # fresh planner statistics, so the browse indexes get used
        conn.exec_driver_sql("ANALYZE")
    if progress:
        progress(done)
    # the synthesised sources are not entries: remove them so recover() does not re-import them
    shutil.rmtree(clips_dir, ignore_errors=True)
    return DemoReport(entries=done, located=located, audio_files=min(with_audio, count), seconds=time.perf_counter() - t0)
