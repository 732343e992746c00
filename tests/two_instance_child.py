"""Child process of the two-instance test: one "app" recording and saving on a shared data folder.

``python tests/two_instance_child.py <data folder> <recordings> <clip> <restart every>`` opens the
diary as the app does at start (``Diary.recover()``, then import the unfinished recordings it
offers), then records ``<recordings>`` short clips (file input, as fast as possible), saving each
as the app's worker does (``import_recording``). Every ``<restart every>`` recordings it starts
again (close, reopen, recover, import): the start-up recovery of one instance lands while the
other is in the middle of recording and saving. Prints ``started <id>``, ``saved <id>`` or
``failed <id> <error>`` per recording and ``done`` at the end.
"""

from __future__ import annotations

import faulthandler
import sys
import time
from functools import partial
from pathlib import Path

from diary_app.audio.input_stream import FileInputStream
from diary_app.audio.recorder import Recorder
from diary_app.audio.recovery import find_unfinished_recordings, import_recording
from diary_app.settings import Settings
from diary_app.store import Diary


def start_up(root: Path) -> Diary:
    diary = Diary(root)
    try:
        diary.recover()
    except Exception as exc:  # noqa: BLE001 - the app would not start: the parent counts it
        print(f"recovery-failed - {exc!r}", flush=True)
    for rec in find_unfinished_recordings(root):
        if rec.duration_s > 0:
            try:
                import_recording(diary, rec)
            except Exception as exc:  # noqa: BLE001 - reported, the parent counts it
                print(f"recovery-failed {rec.id} {exc!r}", flush=True)
    return diary


def main() -> None:
    faulthandler.dump_traceback_later(180, exit=True)  # a hang shows where it hangs, then ends
    root, count, clip, restart_every = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
    diary = start_up(root)
    for i in range(count):
        rec = Recorder(Settings(max_record_s=0.25), stream_factory=partial(FileInputStream, clip, speed=0), folder=root)
        try:
            rec.start()
        except Exception as exc:  # noqa: BLE001 - the app would say "Cannot record": counted
            print(f"failed - start {exc!r}", flush=True)
            continue
        print(f"started {rec.id}", flush=True)
        t0 = time.monotonic()
        while not rec.should_stop and time.monotonic() - t0 < 10:
            time.sleep(0.002)
        result = rec.stop()
        try:
            entry = import_recording(diary, result)
            print(f"saved {entry.id}" if entry is not None else f"failed {result.id} empty", flush=True)
        except Exception as exc:  # noqa: BLE001 - the parent counts failed saves
            print(f"failed {result.id} {exc!r}", flush=True)
        if restart_every and (i + 1) % restart_every == 0:
            diary.close()
            diary = start_up(root)
    diary.close()
    print("done", flush=True)


if __name__ == "__main__":
    main()
