"""The tables as peewee models, one module per domain, imported from here.

They must match migrations/ exactly: tests/test_migrations.py fails when an
auto-generated migration from these models would not be empty
(`pw_migrate create --auto --auto-source shuffify.models` reads every module
of this package). Timestamps are naive UTC (the columns are `timestamp
without time zone`), JSON columns are peewee's JSONField (JSONB on
PostgreSQL, TEXT on SQLite), and to_dict() never includes the encrypted
refresh token.

The models live here, in the foundation, rather than in each domain package:
the schema (created in tests, migrated in production) needs all of them, and
the foundation never imports a domain package.
"""

from shuffify.models.accounts import LoginSession, User, UserSettings
from shuffify.models.activity import ActivityEvent
from shuffify.models.base import Serialisable, TouchedOnSave, utcnow
from shuffify.models.limits import SpotifyCallCount, SpotifyPause
from shuffify.models.playlists import (
    PlaylistClaim,
    PlaylistHistory,
    PlaylistPin,
    PlaylistStep,
    RecentExternalPlaylist,
    UpstreamSource,
    WorkshopSession,
)
from shuffify.models.rules import Rule, RuleInboxItem, RuleRun
from shuffify.models.scheduling import (
    IntervalValue,
    JobExecution,
    JobType,
    Schedule,
    ScheduleType,
)
from shuffify.models.versions import PlaylistSnapshot

MODELS = (
    User,
    LoginSession,
    WorkshopSession,
    UpstreamSource,
    Schedule,
    JobExecution,
    PlaylistHistory,
    PlaylistStep,
    RecentExternalPlaylist,
    PlaylistClaim,
    PlaylistSnapshot,
    UserSettings,
    ActivityEvent,
    SpotifyCallCount,
    SpotifyPause,
    Rule,
    RuleRun,
    RuleInboxItem,
    PlaylistPin,
)

__all__ = [
    "MODELS",
    "ActivityEvent",
    "IntervalValue",
    "JobExecution",
    "JobType",
    "LoginSession",
    "PlaylistClaim",
    "PlaylistHistory",
    "PlaylistPin",
    "PlaylistSnapshot",
    "PlaylistStep",
    "RecentExternalPlaylist",
    "Rule",
    "RuleInboxItem",
    "RuleRun",
    "Schedule",
    "ScheduleType",
    "Serialisable",
    "SpotifyCallCount",
    "SpotifyPause",
    "TouchedOnSave",
    "UpstreamSource",
    "User",
    "UserSettings",
    "WorkshopSession",
    "utcnow",
]
