"""The tables that keep a deployment within Spotify's limits, shared by every process.

Spotify counts a Development Mode app's calls per app, not per process: so
the count lives in the database (one row per hour, user, feature and status,
incremented per call), and so does a pause that Spotify asked for.
"""

import peewee as pw

from shuffify import database
from shuffify.models.accounts import User
from shuffify.models.base import utcnow


class SpotifyCallCount(database.BaseModel):
    """Calls to Spotify in one hour, by one user (None once the account is deleted)."""

    hour = pw.DateTimeField()
    user = pw.ForeignKeyField(User, null=True, on_delete="SET NULL")
    feature = pw.CharField(max_length=20)
    status = pw.IntegerField()
    calls = pw.IntegerField(default=0)

    class Meta:
        table_name = "spotify_call_counts"
        indexes = ((("hour", "user", "feature", "status"), True),)


class SpotifyPause(database.BaseModel):
    """The deployment's pause after a long Retry-After: one row, id 1, when paused."""

    paused_until = pw.DateTimeField()
    reason = pw.CharField(max_length=200)
    set_at = pw.DateTimeField(default=utcnow)

    class Meta:
        table_name = "spotify_pauses"
