"""The local diary store (SQLite via SQLModel + FLAC files). No Qt."""

from diary_app.store.diary import UNCHANGED, Diary, EntryExists, EntryQuery, Page, RecoveryReport
from diary_app.store.errors import DiaryReadOnly, DiaryWriteError, DiskFull, EntryNotFound
from diary_app.store.migrations import SchemaTooNew
from diary_app.store.models import AnalysisState, Entry, SyncState

__all__ = ["UNCHANGED", "DiaryReadOnly", "DiaryWriteError", "DiskFull", "Diary", "Entry", "EntryExists", "SchemaTooNew", "EntryQuery", "EntryNotFound", "Page", "RecoveryReport", "AnalysisState", "SyncState"]
