"""The tables as peewee models: Phase 0's five, and those added since.

They must match migrations/ exactly: tests/test_migrations.py fails when an
auto-generated migration from these models would not be empty. Timestamps
are naive UTC (the columns are `timestamp without time zone`), JSON columns
are peewee's JSONField (JSONB on PostgreSQL, TEXT on SQLite), and to_dict()
never includes the encrypted refresh token.
"""

import json
from datetime import UTC, datetime
from enum import StrEnum

import peewee as pw

from shuffify import database


def utcnow() -> datetime:
    """Now in UTC, without tzinfo, as the timestamp columns store it."""
    return datetime.now(UTC).replace(tzinfo=None)


class JobType(StrEnum):
    RAID = "raid"
    SHUFFLE = "shuffle"
    RAID_AND_SHUFFLE = "raid_and_shuffle"


class ScheduleType(StrEnum):
    INTERVAL = "interval"
    CRON = "cron"


class IntervalValue(StrEnum):
    EVERY_6H = "every_6h"
    EVERY_12H = "every_12h"
    DAILY = "daily"
    EVERY_3D = "every_3d"
    WEEKLY = "weekly"


class Serialisable:
    """to_dict() for JSON responses: every column but the private ones."""

    PRIVATE_FIELDS: frozenset[str] = frozenset()

    def to_dict(self) -> dict:
        return {
            field.column_name: _json_ready(getattr(self, field.column_name))
            for name, field in self._meta.fields.items()
            if name not in self.PRIVATE_FIELDS
        }


class TouchedOnSave:
    """Refreshes updated_at on every save(), as SQLAlchemy's onupdate did."""

    def save(self, force_insert=False, only=None):
        self.updated_at = utcnow()
        if only is not None:
            only = [*only, "updated_at"]
        return super().save(force_insert=force_insert, only=only)


def _json_ready(value):
    return value.isoformat() if isinstance(value, datetime) else value


# The models are plain BaseModel subclasses, with no intermediate model class:
# peewee-migrate's `create --auto` would take one for a table of its own.
class User(Serialisable, TouchedOnSave, database.BaseModel):
    spotify_id = pw.CharField(max_length=255, unique=True)
    display_name = pw.CharField(max_length=255, null=True)
    email = pw.CharField(max_length=255, null=True)
    profile_image_url = pw.CharField(max_length=1024, null=True)
    encrypted_refresh_token = pw.TextField(null=True)
    created_at = pw.DateTimeField(default=utcnow)
    updated_at = pw.DateTimeField(default=utcnow)

    PRIVATE_FIELDS = frozenset({"encrypted_refresh_token"})
    PROFILE_FIELDS = ("display_name", "email", "profile_image_url")

    class Meta:
        table_name = "users"

    @classmethod
    def save_profile(cls, spotify_id: str, profile: dict) -> "User":
        """Create the user or update their profile fields, in one transaction."""
        with cls._meta.database.atomic():
            user = cls.get_or_none(cls.spotify_id == spotify_id) or cls(spotify_id=spotify_id)
            for name, value in profile.items():
                setattr(user, name, value)
            user.save()
        return user


class LoginSession(database.BaseModel):
    """A signed-in browser. The cookie holds the id; the table only its hash."""

    id_hash = pw.CharField(max_length=64, unique=True)
    user = pw.ForeignKeyField(User, backref="login_sessions", on_delete="CASCADE")
    encrypted_access_token = pw.TextField(null=True)
    access_token_expires_at = pw.DateTimeField(null=True)
    created_at = pw.DateTimeField(default=utcnow)
    last_seen_at = pw.DateTimeField(default=utcnow)

    class Meta:
        table_name = "login_sessions"


class WorkshopSession(Serialisable, TouchedOnSave, database.BaseModel):
    user = pw.ForeignKeyField(User, backref="workshop_sessions", on_delete="CASCADE")
    playlist_id = pw.CharField(max_length=255, index=True)
    session_name = pw.CharField(max_length=255)
    track_uris_json = pw.TextField()
    created_at = pw.DateTimeField(default=utcnow)
    updated_at = pw.DateTimeField(default=utcnow)

    class Meta:
        table_name = "workshop_sessions"

    @property
    def track_uris(self) -> list[str]:
        return json.loads(self.track_uris_json)

    @track_uris.setter
    def track_uris(self, uris: list[str]) -> None:
        self.track_uris_json = json.dumps(list(uris))


class UpstreamSource(Serialisable, database.BaseModel):
    user = pw.ForeignKeyField(User, backref="upstream_sources", on_delete="CASCADE")
    target_playlist_id = pw.CharField(max_length=255, index=True)
    source_playlist_id = pw.CharField(max_length=255)
    source_url = pw.CharField(max_length=1024, null=True)
    source_type = pw.CharField(max_length=20, default="external")
    source_name = pw.CharField(max_length=255, null=True)
    created_at = pw.DateTimeField(default=utcnow)

    class Meta:
        table_name = "upstream_sources"


class Schedule(Serialisable, TouchedOnSave, database.BaseModel):
    user = pw.ForeignKeyField(User, backref="schedules")
    job_type = pw.CharField(max_length=20)
    target_playlist_id = pw.CharField(max_length=64)
    target_playlist_name = pw.CharField(max_length=255, null=True)
    source_playlist_ids = pw.JSONField(null=True, default=list)
    algorithm_name = pw.CharField(max_length=64, null=True)
    algorithm_params = pw.JSONField(null=True, default=dict)
    schedule_type = pw.CharField(max_length=10, default=ScheduleType.INTERVAL)
    schedule_value = pw.CharField(max_length=100, default=IntervalValue.DAILY)
    is_enabled = pw.BooleanField(default=True)
    last_run_at = pw.DateTimeField(null=True)
    last_status = pw.CharField(max_length=20, null=True)
    last_error = pw.TextField(null=True)
    created_at = pw.DateTimeField(default=utcnow)
    updated_at = pw.DateTimeField(default=utcnow)
    next_run_at = pw.DateTimeField(null=True, index=True)
    consecutive_failures = pw.IntegerField(default=0)
    lease_until = pw.DateTimeField(null=True)

    class Meta:
        table_name = "schedules"


class JobExecution(Serialisable, database.BaseModel):
    schedule = pw.ForeignKeyField(Schedule, backref="executions")
    started_at = pw.DateTimeField(default=utcnow)
    completed_at = pw.DateTimeField(null=True)
    status = pw.CharField(max_length=20, default="running")
    tracks_added = pw.IntegerField(null=True, default=0)
    tracks_total = pw.IntegerField(null=True)
    error_message = pw.TextField(null=True)
    trigger = pw.CharField(max_length=20, default="schedule")

    class Meta:
        table_name = "job_executions"


class PlaylistHistory(database.BaseModel):
    """Undo and redo for one user's playlist, and the write in progress if any.

    current_seq is the step the playlist is at. pending_uris_json holds the
    order being written to Spotify until every call of the write succeeded:
    a write that failed part way is completed from it.
    """

    user = pw.ForeignKeyField(User, backref="playlist_histories", on_delete="CASCADE")
    playlist_id = pw.CharField(max_length=64)
    current_seq = pw.IntegerField(default=0)
    pending_uris_json = pw.TextField(null=True)
    updated_at = pw.DateTimeField(default=utcnow)

    class Meta:
        table_name = "playlist_histories"
        indexes = ((("user", "playlist_id"), True),)

    @property
    def pending_uris(self) -> list | None:
        return None if self.pending_uris_json is None else json.loads(self.pending_uris_json)


class PlaylistStep(database.BaseModel):
    """One order a playlist had: before the first change, or after a change."""

    history = pw.ForeignKeyField(PlaylistHistory, backref="steps", on_delete="CASCADE")
    seq = pw.IntegerField()
    kind = pw.CharField(max_length=20)
    label = pw.CharField(max_length=100, null=True)
    track_uris_json = pw.TextField()
    item_count = pw.IntegerField()
    created_at = pw.DateTimeField(default=utcnow)

    class Meta:
        table_name = "playlist_steps"
        indexes = ((("history", "seq"), True),)

    @property
    def track_uris(self) -> list:
        return json.loads(self.track_uris_json)


class RecentExternalPlaylist(database.BaseModel):
    """A playlist the user loaded by link in the workshop; the newest few are kept."""

    user = pw.ForeignKeyField(User, backref="recent_external_playlists", on_delete="CASCADE")
    playlist_id = pw.CharField(max_length=64)
    name = pw.CharField(max_length=255, null=True)
    owner_name = pw.CharField(max_length=255, null=True)
    track_count = pw.IntegerField(null=True)
    loaded_at = pw.DateTimeField(default=utcnow)

    class Meta:
        table_name = "recent_external_playlists"
        indexes = ((("user", "playlist_id"), True),)


WorkshopSession.add_index(
    WorkshopSession.user, WorkshopSession.playlist_id, name="ix_workshop_user_playlist"
)
UpstreamSource.add_index(
    UpstreamSource.user, UpstreamSource.target_playlist_id, name="ix_upstream_user_target"
)
UpstreamSource.add_index(
    UpstreamSource.user,
    UpstreamSource.target_playlist_id,
    UpstreamSource.source_playlist_id,
    unique=True,
)

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
)
