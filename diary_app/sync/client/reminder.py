"""When the daily "How about capturing today's emotions?" reminder is due. No Qt, no server.

The tray (``diary_app.ui.tray``) asks ``next_reminder`` for the next local time and sleeps until
then, so the reminder works without an account or a network.
"""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

REMINDER_MESSAGE = "How about capturing today's emotions?"

_TIME = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*$")


def parse_reminder_time(text: str) -> time:
    """``"HH:MM"`` (24 h) to a ``time``; a clear ValueError for anything else."""
    match = _TIME.match(text or "")
    if not match:
        raise ValueError(f"reminder time must look like HH:MM (24-hour clock), got {text!r}")
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23 or minute > 59:
        raise ValueError(f"reminder time {text!r} is not a time of day")
    return time(hour, minute)


def next_reminder(reminder_time: str, now: datetime | None = None, *, enabled: bool = True, recorded_today: bool = False) -> datetime | None:
    """The next local datetime the reminder fires, or None when reminders are off.

    If the user already recorded today, today's reminder is skipped: it would only nag.
    ``now`` may be naive (local) or aware; the result has the same kind.
    """
    if not enabled:
        return None
    now = now or datetime.now().astimezone()
    at = parse_reminder_time(reminder_time)
    today = now.replace(hour=at.hour, minute=at.minute, second=0, microsecond=0)
    if today > now and not recorded_today:
        return today
    tomorrow = today + timedelta(days=1)
    # rebuild from the wall-clock date so a DST change keeps the same local hour
    return tomorrow.replace(hour=at.hour, minute=at.minute)


def seconds_until(when: datetime, now: datetime | None = None) -> float:
    now = now or (datetime.now().astimezone() if when.tzinfo else datetime.now())
    return max(0.0, (when - now).total_seconds())
