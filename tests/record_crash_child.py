"""Child process for the crash test: records in real time and reports what is safely on disk.

Run as ``python tests/record_crash_child.py <data folder>`` with SOUND_DIARY_INPUT_FILE set. It prints
``flushed <frames>`` lines; the parent kills it with SIGKILL mid-recording.
"""

from __future__ import annotations

import sys
import time

from diary_app.audio.recorder import Recorder
from diary_app.settings import Settings


def main() -> None:
    rec = Recorder(Settings(max_record_s=60), folder=sys.argv[1])
    rec.start()
    print(f"started {rec.id}", flush=True)
    last = -1
    while True:  # never stops by itself: only the kill ends it
        if rec.flushed_frames != last:
            last = rec.flushed_frames
            print(f"flushed {last}", flush=True)
        time.sleep(0.02)


if __name__ == "__main__":
    main()
