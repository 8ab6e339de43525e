"""The playlists tables: saved workshop sessions, upstream sources, undo history, recent links."""

import json

import peewee as pw

from shuffify import database
from shuffify.models.accounts import User
from shuffify.models.base import Serialisable, TouchedOnSave, utcnow


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


class PlaylistHistory(database.BaseModel):
    """Undo and redo for one user's playlist, and the write in progress if any.

    current_seq is the step the playlist is at. pending_uris_json holds the
    order being written to Spotify until every call of the write succeeded:
    a write that failed part way is completed from it. pending_base holds the
    order the write started from (snapshot_codec bytes), so the completion
    tells what was added on Spotify meanwhile (kept) from what the write
    itself was removing (removed).
    """

    user = pw.ForeignKeyField(User, backref="playlist_histories", on_delete="CASCADE")
    playlist_id = pw.CharField(max_length=64)
    current_seq = pw.IntegerField(default=0)
    pending_uris_json = pw.TextField(null=True)
    pending_base = pw.BlobField(null=True)
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


class PlaylistClaim(database.BaseModel):
    """Who is writing a playlist now: one row per playlist while a change is in flight.

    Taken before the live order is read, released after the last write call;
    a holder that died leaves its lease to run out. holder is a random token
    per claim, so only the claimer releases or extends it.
    """

    playlist_id = pw.CharField(max_length=64, unique=True)
    holder = pw.CharField(max_length=32)
    purpose = pw.CharField(max_length=40)
    lease_until = pw.DateTimeField()
    claimed_at = pw.DateTimeField(default=utcnow)

    class Meta:
        table_name = "playlist_claims"


class PlaylistPin(database.BaseModel):
    """A track a user keeps at one position of a playlist while the rest is reordered.

    Kept by URI, not by entry: Spotify gives entries no identity, and a pin must
    survive the pinned item moving elsewhere (it is put back) or leaving (reported
    missing). `until` (a date, inclusive) ends it; null keeps it for good.
    """

    user = pw.ForeignKeyField(User, backref="playlist_pins", on_delete="CASCADE")
    playlist_id = pw.CharField(max_length=64)
    uri = pw.CharField(max_length=255)
    position = pw.IntegerField()
    until = pw.DateField(null=True)
    created_at = pw.DateTimeField(default=utcnow)

    class Meta:
        table_name = "playlist_pins"
        indexes = ((("user", "playlist_id", "position"), True),)
