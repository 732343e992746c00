"""Kill a recording process for real and show that the next start recovers its audio."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from diary_app.audio import load_audio
from diary_app.audio.recovery import find_unfinished_recordings, import_recording
from diary_app.store import AnalysisState, Diary

ROOT = Path(__file__).resolve().parents[2]


def test_killed_recording_is_recovered_at_next_start(speech_clip, tmp_path):
    env = dict(os.environ, SOUND_DIARY_INPUT_FILE=str(speech_clip), SOUND_DIARY_INPUT_SPEED="1",
               PYTHONPATH=str(ROOT), OMP_NUM_THREADS="1")
    child = subprocess.Popen([sys.executable, str(ROOT / "tests" / "record_crash_child.py"), str(tmp_path)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    try:
        first = child.stdout.readline()
        assert first.startswith("started"), child.stderr.read()
        rec_id = uuid.UUID(first.split()[1])
        flushed = 0
        deadline = time.monotonic() + 30
        while flushed < 16_000:  # at least one second of audio is on disk
            line = child.stdout.readline()
            assert line, child.stderr.read()
            flushed = int(line.split()[1])
            assert time.monotonic() < deadline
        started_kill = time.monotonic()
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode == -signal.SIGKILL
    assert time.monotonic() - started_kill < 5

    found = find_unfinished_recordings(tmp_path)  # what the app does at its next start
    assert [r.id for r in found] == [rec_id]
    rec = found[0]
    assert rec.state == "recording"
    assert rec.duration_s * 16_000 >= flushed, "everything flushed before the kill is kept"
    recovered, sr = sf.read(str(rec.path), dtype="float32")
    source = load_audio(speech_clip, min_duration_s=0)
    assert sr == 16_000 and recovered.size >= flushed
    assert np.max(np.abs(recovered - source[: recovered.size])) < 2 / 32768, "the audio is the real input"

    diary = Diary(tmp_path / "diary")
    entry = import_recording(diary, rec)
    assert entry.id == rec_id and entry.analysis_state == AnalysisState.PENDING
    assert diary.audio_path(entry).exists()
    assert entry.duration_s == pytest.approx(rec.duration_s, abs=1e-3)
    assert find_unfinished_recordings(tmp_path) == []
    diary.close()
