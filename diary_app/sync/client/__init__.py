"""Client side of the friends sync server: typed API, token storage, session and sync engine.

No Qt here: the GUI wraps these in ``diary_app.ui.social.SyncService`` (worker threads + signals),
and scripts or tests can drive them directly.
"""

from diary_app.sync.client.api import (
    ApiClient,
    ApiError,
    AuthError,
    ConflictError,
    EntryMeta,
    FeedPage,
    ForbiddenError,
    FriendRequest,
    FriendRequests,
    InvalidInputError,
    LikeState,
    LoginResult,
    NotFoundError,
    Notification,
    Notifications,
    OfflineError,
    RateLimitedError,
    RemoteEntry,
    ServerError,
    SyncError,
    User,
)
from diary_app.sync.client.session import ClientSession, SessionState
from diary_app.sync.client.sync_engine import Backoff, SyncEngine, SyncReport
from diary_app.sync.client.token_store import StoredToken, TokenStore

__all__ = [
    "ApiClient", "ApiError", "AuthError", "ConflictError", "EntryMeta", "FeedPage", "ForbiddenError",
    "FriendRequest", "FriendRequests", "InvalidInputError", "LikeState", "LoginResult", "NotFoundError",
    "Notification", "Notifications", "OfflineError", "RateLimitedError", "RemoteEntry", "ServerError",
    "SyncError", "User", "ClientSession", "SessionState", "Backoff", "SyncEngine", "SyncReport",
    "StoredToken", "TokenStore",
]
