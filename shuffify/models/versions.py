"""The versions table: snapshots of a playlist's order, kept so any of them can be restored.

Spotify keeps no earlier versions of a playlist (issue 19). A snapshot is a
user's copy of one version: automatic before every write Shuffify makes,
manual when asked. The order is stored as shuffify.playlists.snapshot_codec
bytes (about 16 bytes a track: a 10,000-item version in ~170 KB) rather than
JSON text (~45 bytes a track), so keeping every version stays cheap.
"""

import peewee as pw

from shuffify import database
from shuffify.models.accounts import User
from shuffify.models.base import utcnow


class PlaylistSnapshot(database.BaseModel):
    """One version of a playlist as a user's copy: kind "auto" or "manual"."""

    user = pw.ForeignKeyField(User, backref="playlist_snapshots", on_delete="CASCADE")
    playlist_id = pw.CharField(max_length=64)
    kind = pw.CharField(max_length=10)
    label = pw.CharField(max_length=100, null=True)
    item_count = pw.IntegerField()
    uris = pw.BlobField()  # snapshot_codec.encode(the order)
    spotify_snapshot_id = pw.CharField(max_length=255, null=True)  # Spotify's, when known
    created_at = pw.DateTimeField(default=utcnow)

    class Meta:
        table_name = "playlist_snapshots"
        # Listing reads created_at from the index, never the row past its 160 KB order.
        indexes = ((("user", "playlist_id", "created_at", "id"), False),)
