"""Background upload of public entries and removal of unshared ones. No Qt, thread-safe to call.

What "never lost, never duplicated, never leaked" means here:
- the queue is the entries' own ``sync_state`` in the diary database, so it survives restarts and
  works offline: nothing is sent until the server answers, then everything queued catches up;
- uploads are ``PUT /entries/{uuid}``: repeating one after a lost answer updates the same copy;
- only entries that are public *at the moment of sending* are sent, re-read from the database just
  before the request; a private entry is never put into a request, and location fields are left
  out when the entry has no saved place;
- deleting a shared entry locally takes it off the server too (``ledger.py`` remembers which ids
  were uploaded, so a private entry's id is never named to the server);
- when the server cannot be reached the next attempt waits longer (exponential back-off with
  jitter), so a laptop without network does not hammer anything.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from diary_app.emotions import EMOTIONS
from diary_app.store import Diary, EntryNotFound, SyncState
from diary_app.store.models import Entry
from diary_app.sync.client.api import (
    ApiClient,
    AuthError,
    ConflictError,
    NotFoundError,
    OfflineError,
    RateLimitedError,
    ServerError,
    SyncError,
)
from diary_app.sync.client.ledger import FILE_NAME as LEDGER_FILE
from diary_app.sync.client.ledger import SharedLedger
from diary_app.sync.contract import EntryMeta

log = logging.getLogger(__name__)


@dataclass
class Backoff:
    """Delay before attempt ``n+1`` after ``n`` failures in a row: base * factor**(n-1), capped, ± jitter."""

    base_s: float = 5.0
    factor: float = 2.0
    max_s: float = 600.0
    jitter: float = 0.2  # ± fraction, so many clients coming back online do not retry in lockstep
    rng: random.Random = field(default_factory=random.Random)

    def delay(self, failures: int) -> float:
        if failures <= 0:
            return 0.0
        raw = min(self.max_s, self.base_s * self.factor ** (failures - 1))
        return raw * (1.0 + self.rng.uniform(-self.jitter, self.jitter))


@dataclass
class SyncReport:
    uploaded: list[str] = field(default_factory=list)
    unshared: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)  # entry id -> error (kept for a retry)
    offline: bool = False
    skipped_backoff: bool = False
    auth_failed: bool = False
    next_attempt_in_s: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.failed and not self.offline and not self.auth_failed


class SyncEngine:
    """``run_once()`` does one pass over ``Diary.entries_to_sync()``; call it from any thread or timer."""

    def __init__(
        self,
        diary: Diary,
        api: ApiClient,
        *,
        backoff: Backoff | None = None,
        clock: Callable[[], float] = time.monotonic,
        on_auth_error: Callable[[], None] | None = None,
    ) -> None:
        self.diary = diary
        self.api = api
        self.backoff = backoff or Backoff()
        self.clock = clock
        self.on_auth_error = on_auth_error
        self.failures = 0  # passes in a row that could not reach the server
        self.next_attempt_at = 0.0
        self._lock = threading.Lock()  # one pass at a time, or two threads could upload the same entry
        self.ledger = SharedLedger(diary.root / LEDGER_FILE)
        self._reconciled = False

    def note_deleted(self, entry_id: object) -> bool:
        """The diary deleted an entry: if it was shared, take it down at the next pass."""
        return self.ledger.mark_deleted_locally(str(entry_id))

    def due(self) -> bool:
        return self.clock() >= self.next_attempt_at

    def pending_count(self) -> int:
        return len(self.diary.entries_to_sync())

    def run_once(self, *, force: bool = False) -> SyncReport:
        report = SyncReport()
        if not self._lock.acquire(blocking=False):
            report.skipped_backoff = True
            return report
        try:
            if not force and not self.due():
                report.skipped_backoff = True
                report.next_attempt_in_s = max(0.0, self.next_attempt_at - self.clock())
                return report
            self._pass(report)
            if report.offline:
                self.failures += 1
                delay = self.backoff.delay(self.failures)
                self.next_attempt_at = self.clock() + delay
                report.next_attempt_in_s = delay
            else:
                self.failures = 0
                self.next_attempt_at = 0.0
            return report
        finally:
            self._lock.release()

    # -- one pass ------------------------------------------------------------------------------
    def _pass(self, report: SyncReport) -> None:
        if not self.api.token:
            return  # signed out: everything stays queued until the user signs in
        if not self._reconciled:  # deletions made while the app was closed (or by the CLI)
            for entry_id in self.ledger.shared():
                try:
                    self.diary.get(entry_id)
                except EntryNotFound:
                    self.ledger.mark_deleted_locally(entry_id)
            self._reconciled = True
        for entry_id in sorted(self.ledger.to_delete()):
            try:
                try:
                    self.api.delete_entry(entry_id)
                except NotFoundError:
                    pass
                self.ledger.mark_unshared(entry_id)
                report.unshared.append(entry_id)
            except (OfflineError, ServerError, RateLimitedError) as exc:
                report.offline = True
                report.failed[entry_id] = str(exc)
                self._mark_rest(self.diary.entries_to_sync(), f"will retry: {exc}", report)
                return
            except AuthError as exc:
                report.auth_failed = True
                report.failed[entry_id] = str(exc)
                if self.on_auth_error is not None:
                    self.on_auth_error()
                return
            except SyncError as exc:
                report.failed[entry_id] = str(exc)
        queue = self.diary.entries_to_sync()
        for position, queued in enumerate(queue):
            entry_id = str(queued.id)
            try:
                entry = self.diary.get(queued.id)  # fresh: the user may have changed it meanwhile
            except EntryNotFound:
                continue
            if entry.is_public and entry.emotion not in EMOTIONS:
                # analysis still running (or failed, untagged): the server only takes the six emotions
                self._keep_queued(entry, "waiting for an emotion tag before sharing")
                continue
            try:
                if entry.is_public and entry.sync_state in (SyncState.QUEUED, SyncState.FAILED):
                    self._upload(entry)
                    report.uploaded.append(entry_id)
                elif not entry.is_public and entry.sync_state in (SyncState.UNSHARE_QUEUED, SyncState.FAILED):
                    self._unshare(entry)
                    report.unshared.append(entry_id)
            except (OfflineError, ServerError, RateLimitedError) as exc:
                # the server (or the way to it) is the problem, not this entry: stop the pass and back off
                report.offline = True
                self._mark_rest(queue[position:], f"will retry: {exc}", report)
                return
            except AuthError as exc:
                report.auth_failed = True
                self._mark_rest(queue[position:], f"sign in again to share: {exc}", report)
                if self.on_auth_error is not None:
                    self.on_auth_error()
                return
            except ConflictError as exc:  # the same entry uploaded concurrently: the next pass settles it
                self._keep_queued(entry, f"will retry: {exc}")
                report.failed[entry_id] = str(exc)
            except (SyncError, OSError) as exc:
                # this entry was refused (too large, bad audio, missing file): mark it, go on with others
                self.diary.set_sync_state(entry.id, SyncState.FAILED, str(exc))
                report.failed[entry_id] = str(exc)

    def _upload(self, entry: Entry) -> None:
        audio = self.diary.audio_path(entry)
        if not audio.is_file():
            raise OSError(f"the audio file of this entry is missing ({audio.name}); it cannot be shared")
        meta = meta_for(entry)
        self.api.put_entry(str(entry.id), meta, audio)
        self.ledger.mark_shared(str(entry.id))
        self._after_send(entry, SyncState.SYNCED)

    def _unshare(self, entry: Entry) -> None:
        try:
            self.api.delete_entry(str(entry.id))
        except NotFoundError:
            pass  # never arrived or already removed: the goal (not on the server) holds
        self.ledger.mark_unshared(str(entry.id))
        self._after_send(entry, SyncState.LOCAL)

    def _after_send(self, sent: Entry, done_state: SyncState) -> None:
        """Mark done unless the user changed the entry while the request was in flight."""
        try:
            now = self.diary.get(sent.id)
        except EntryNotFound:
            # deleted locally while uploading: take the shared copy down as well, best effort
            if done_state == SyncState.SYNCED:
                self.ledger.mark_deleted_locally(str(sent.id))  # taken down now or at the next pass
                try:
                    self.api.delete_entry(str(sent.id))
                    self.ledger.mark_unshared(str(sent.id))
                except SyncError:
                    pass
            return
        if now.updated_at != sent.updated_at or now.is_public != sent.is_public:
            if now.is_public:
                self.diary.set_sync_state(now.id, SyncState.QUEUED, None)
            elif done_state == SyncState.SYNCED:
                # turned private during the upload: what we just sent must come down again
                self.diary.set_sync_state(now.id, SyncState.UNSHARE_QUEUED, None)
            else:
                self.diary.set_sync_state(now.id, SyncState.LOCAL, None)
            return
        self.diary.set_sync_state(now.id, done_state, None)

    def _mark_rest(self, entries: list[Entry], message: str, report: SyncReport) -> None:
        """The server cannot be used now: every waiting entry says why, and stays in the queue."""
        for queued in entries:
            try:
                entry = self.diary.get(queued.id)
            except EntryNotFound:
                continue
            if entry.sync_state in (SyncState.QUEUED, SyncState.UNSHARE_QUEUED, SyncState.FAILED):
                self._keep_queued(entry, message)
                report.failed[str(entry.id)] = message

    def _keep_queued(self, entry: Entry, message: str) -> None:
        state = entry.sync_state if entry.sync_state != SyncState.FAILED else (SyncState.QUEUED if entry.is_public else SyncState.UNSHARE_QUEUED)
        self.diary.set_sync_state(entry.id, state, message)


def meta_for(entry: Entry) -> EntryMeta:
    """The only entry fields that ever leave the machine (no analysis details, no audio path)."""
    located = entry.latitude is not None and entry.longitude is not None
    return EntryMeta(
        emotion=entry.emotion,
        created_at=entry.created_at,
        duration_s=round(float(entry.duration_s), 3),
        note=entry.note or "",
        latitude=entry.latitude if located else None,
        longitude=entry.longitude if located else None,
        place_name=entry.place_name if located else None,
    )
