"""Client side of the friends sync server: typed API, token storage, session and sync engine.

Request and response bodies are the server's own contract models (``diary_app.sync.contract``).
No Qt here: the GUI wraps these in ``diary_app.ui.social.SyncService`` (worker threads + signals),
and scripts or tests can drive them directly.
"""

from diary_app.sync.client.api import (
    ApiClient,
    ApiError,
    AuthError,
    ConflictError,
    ForbiddenError,
    IncompatibleServerError,
    InvalidInputError,
    NotFoundError,
    OfflineError,
    RateLimitedError,
    ServerError,
    SyncError,
)
from diary_app.sync.client.session import ClientSession, SessionState
from diary_app.sync.client.sync_engine import Backoff, SyncEngine, SyncReport
from diary_app.sync.client.token_store import StoredToken, TokenStore
from diary_app.sync.contract import (
    EntryMeta,
    FeedResult,
    FriendRequest,
    FriendRequests,
    LikeState,
    Login,
    Notification,
    Notifications,
    SharedEntry,
    User,
)

__all__ = [
    "ApiClient", "ApiError", "AuthError", "ConflictError", "EntryMeta", "FeedResult", "ForbiddenError",
    "FriendRequest", "FriendRequests", "IncompatibleServerError", "InvalidInputError", "LikeState", "Login",
    "NotFoundError", "Notification", "Notifications", "OfflineError", "RateLimitedError", "SharedEntry",
    "ServerError", "SyncError", "User", "ClientSession", "SessionState", "Backoff", "SyncEngine", "SyncReport",
    "StoredToken", "TokenStore",
]
