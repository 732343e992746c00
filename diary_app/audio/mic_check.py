"""Is there a working microphone? A short test capture for the first-run dialog (Qt-free).

WHY here and not in ``ui/``: hardware access belongs to the audio layer; the dialog only runs this
on a worker (``ui.worker.BackgroundCall``) and shows the answer.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from diary_app.audio.input_stream import list_input_devices
from diary_app.audio.loading import SAMPLE_RATE

#: rate of the test capture; any rate the device takes would do, the level is all that is measured
_CHECK_RATE = SAMPLE_RATE


@dataclass
class MicCheck:
    ok: bool
    device: str | None  # the input device that was opened
    level_db: float | None  # RMS level of the test capture (dBFS)
    message: str  # untranslated reason for logs; the dialog shows its own text


def check_microphone(device: str | None = None, seconds: float = 0.5) -> MicCheck:
    """Open the input device for a moment and measure the level (blocks ``seconds``: call off the GUI thread)."""
    try:
        import sounddevice as sd
    except (ImportError, OSError) as exc:
        return MicCheck(False, None, None, f"audio library unavailable: {exc}")
    if not list_input_devices():
        return MicCheck(False, None, None, "no input device found")
    try:
        frames = sd.rec(int(_CHECK_RATE * seconds), samplerate=_CHECK_RATE, channels=1, dtype="float32",
                        device=device, blocking=True)
        name = device or sd.query_devices(kind="input")["name"]
    except Exception as exc:  # noqa: BLE001 - any PortAudio error is a "cannot open" answer
        return MicCheck(False, device, None, f"cannot open the microphone: {exc}")
    rms = float(np.sqrt(np.mean(np.square(frames)))) if frames.size else 0.0
    level = 20 * float(np.log10(max(rms, 1e-9)))
    return MicCheck(True, str(name), level, "ok")
