"""Two instances on one diary (issue 15, item 1): nothing is lost, and a second start hands over.

The recording test runs two real processes on one data folder, each recording and saving 80 short
clips while it "restarts" (start-up recovery) every few recordings, so one instance's recovery keeps
landing in the middle of the other's recording and saving. Before the owner lock, recovery imported
the other's finished recording or deleted its ``.part`` file: rows without audio and failed saves.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from diary_app.audio.recovery import find_unfinished_recordings, import_recording
from diary_app.store import Diary

ROOT = Path(__file__).resolve().parents[2]
PER_PROCESS = 80
RESTART_EVERY = 4


def _child_env() -> dict[str, str]:
    return dict(os.environ, PYTHONPATH=str(ROOT), OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")


@pytest.mark.slow
def test_two_processes_recording_on_one_diary_lose_nothing(speech_clip, tmp_path):
    root = tmp_path / "data"
    root.mkdir()
    Diary(root).close()  # the diary exists before both start, as after a first run
    cmd = [sys.executable, str(ROOT / "tests" / "two_instance_child.py"), str(root), str(PER_PROCESS),
           str(speech_clip), str(RESTART_EVERY)]
    logs = [(tmp_path / f"child{i}.out", tmp_path / f"child{i}.err") for i in range(2)]
    children = []
    for out_path, err_path in logs:  # files, not pipes: a full pipe can never block a child
        with open(out_path, "w") as out, open(err_path, "w") as err:
            children.append(subprocess.Popen(cmd, stdout=out, stderr=err, text=True, env=_child_env(), cwd=ROOT))
    outputs = []
    try:
        for child, (out_path, err_path) in zip(children, logs):
            child.wait(timeout=240)
            assert child.returncode == 0, err_path.read_text()[-3000:]
            outputs.append(out_path.read_text())
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()
                child.wait()
    started: set[uuid.UUID] = set()
    failed: list[str] = []
    for out in outputs:
        assert out.rstrip().endswith("done"), out[-2000:]
        for line in out.splitlines():
            word, _, rest = line.partition(" ")
            if word == "started":
                started.add(uuid.UUID(rest))
            elif word in ("failed", "recovery-failed"):
                failed.append(line)
    assert len(started) + sum("start" in f for f in failed) == 2 * PER_PROCESS

    # the next start, alone: what would the user find?
    diary = Diary(root)
    report = diary.recover()
    assert report.deferred_to == []
    for rec in find_unfinished_recordings(root):
        import_recording(diary, rec)
    ids = {e.id for e in diary.query(limit=10_000).items}
    with_audio = {i for i in ids if diary.audio_path(i).is_file()}
    lost = started - with_audio
    diary.close()
    summary = (f"{len(lost)} of {len(started)} recordings lost, {len(report.missing_audio)} rows without audio, "
               f"{len(failed)} failed saves/recoveries (first: {failed[:3]})")
    print(summary)
    assert (len(lost), len(report.missing_audio), len(failed)) == (0, 0, 0), summary
    assert ids == started, "no duplicates and nothing else"
    assert not list((root / "recordings").glob("*.wav")), "every recording became an entry"


def test_recovery_leaves_the_files_of_a_live_owner_alone(tmp_path, speech_clip):
    """A FLAC without a row and a ``.part`` of another live process are its save in progress."""
    root = tmp_path / "data"
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys, time; from diary_app.store import Diary; d = Diary(sys.argv[1]); print('open', flush=True);"
        " sys.stdin.readline()"), str(root)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        env=_child_env(), cwd=ROOT)
    try:
        assert holder.stdout.readline().strip() == "open"
        diary = Diary(root)
        in_flight = diary.audio_folder / f"{uuid.uuid4()}.flac"
        in_flight.write_bytes(speech_clip.read_bytes())
        part = diary.audio_folder / f"{uuid.uuid4()}.{holder.pid}.part"
        part.write_bytes(b"half")
        report = diary.recover()
        assert report.deferred_to == [holder.pid]
        assert report.reimported == [] and part.exists() and in_flight.exists()
        holder.stdin.write("\n")
        holder.stdin.flush()
        holder.wait(timeout=20)
        report = diary.recover()  # now alone: the leftovers are finished
        assert report.deferred_to == [] and report.reimported == [uuid.UUID(in_flight.stem)]
        assert not part.exists()
        diary.close()
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait()


def test_a_killed_owner_does_not_block_recovery(tmp_path):
    root = tmp_path / "data"
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys, time; from diary_app.store import Diary; d = Diary(sys.argv[1]); print('open', flush=True);"
        " time.sleep(60)"), str(root)], stdout=subprocess.PIPE, text=True, env=_child_env(), cwd=ROOT)
    try:
        assert holder.stdout.readline().strip() == "open"
        holder.kill()
        holder.wait(timeout=10)
    finally:
        if holder.poll() is None:
            holder.kill()
    diary = Diary(root)
    assert diary.recover().deferred_to == []
    diary.close()


def _gui(data: Path, **popen) -> subprocess.Popen:
    env = dict(_child_env(), SOUND_DIARY_DATA_DIR=str(data), SOUND_DIARY_CONFIG_DIR=str(data / "config"),
               QT_QPA_PLATFORM="offscreen", QTWEBENGINE_DISABLE_SANDBOX="1", SOUND_DIARY_ANALYSIS_IN_PROCESS="1")
    return subprocess.Popen([sys.executable, "-m", "diary_app"], env=env, cwd=ROOT, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, **popen)


def _wait_for_lock_of(data: Path, pid: int, timeout_s: float = 60) -> None:
    lock = data / "gui.lock"
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            if lock.read_text().split("\n")[0].strip() == str(pid):
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"process {pid} never took {lock}")


@pytest.mark.slow
def test_a_second_start_hands_over_to_the_first_and_exits(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    first = _gui(data)
    third = None
    try:
        _wait_for_lock_of(data, first.pid)
        second = _gui(data)
        out, _ = second.communicate(timeout=60)
        assert second.returncode == 0, out
        assert "already running" in out and "brought to the front" in out
        assert first.poll() is None, "the first instance keeps running"
        first.kill()  # a crash: its lock file stays behind, with a dead pid in it
        first.wait(timeout=10)
        third = _gui(data)
        _wait_for_lock_of(data, third.pid)  # the stale lock is taken over: the app starts
        assert third.poll() is None
    finally:
        for proc in (first, third):
            if proc is not None and proc.poll() is None:
                proc.kill()
                proc.wait()
