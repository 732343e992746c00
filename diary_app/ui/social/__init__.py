"""Qt side of the friends features: the SyncService (client calls on worker threads) and widgets."""

from diary_app.ui.social.service import SyncService, get_sync_service

__all__ = ["SyncService", "get_sync_service"]
