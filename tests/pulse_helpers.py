"""An isolated PulseAudio server for tests of the real sounddevice streams (microphone and speaker).

Only processes given its environment (``PULSE_SERVER`` …) see it, so every other test keeps seeing
"no microphone" / "no audio output device" on this machine.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest


def isolated_pulse(tmp_path: Path, sample_format: str, tools: tuple[str, ...], default_source: str | None = None,
                   drop_env: tuple[str, ...] = ()) -> Iterator[dict[str, str]]:
    """Yield the environment of a PulseAudio server whose default sink is a 16 kHz mono null sink
    ``vspk`` in ``sample_format``; skip when PulseAudio or ``tools`` are not installed."""
    needed = ("pulseaudio", "pactl", *tools)
    if not all(shutil.which(t) for t in needed):
        pytest.skip(f"{'/'.join(needed)} not installed (apt: pulseaudio pulseaudio-utils libasound2-plugins)")
    run = tmp_path / "pulse"
    run.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in drop_env}
    env.update(XDG_RUNTIME_DIR=str(run), HOME=str(run), PULSE_SERVER=f"unix:{run}/native")
    proc = subprocess.Popen(
        ["pulseaudio", "-n", "--daemonize=no", "--exit-idle-time=-1", "--use-pid-file=no",
         "-L", f"module-native-protocol-unix socket={run}/native auth-anonymous=1",
         "-L", f"module-null-sink sink_name=vspk rate=16000 channels=1 format={sample_format}"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            if subprocess.run(["pactl", "info"], env=env, capture_output=True).returncode == 0:
                break
            time.sleep(0.1)
        else:
            pytest.skip("the PulseAudio server did not start")
        if default_source:
            subprocess.run(["pactl", "set-default-source", default_source], env=env, check=True, capture_output=True)
        yield env
    finally:
        proc.terminate()
        proc.wait(timeout=10)
