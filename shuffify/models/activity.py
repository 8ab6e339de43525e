"""The activity table: one row per change to a playlist and per account event (issue 23).

Rows are written by shuffify.accounts.activity and kept 180 days. A row names
the playlist by id and by the name it had then (the playlist may be renamed
or gone later), and the automatic snapshot taken before the change, by id
only: snapshots are pruned on their own schedule, and a pruned one leaves
the row pointing nowhere rather than deleting it.
"""

import peewee as pw

from shuffify import database
from shuffify.models.accounts import User
from shuffify.models.base import utcnow


class ActivityEvent(database.BaseModel):
    """Something that happened to a user's playlists or account, and who did it."""

    user = pw.ForeignKeyField(User, backref="activity", on_delete="CASCADE")
    at = pw.DateTimeField(default=utcnow)
    kind = pw.CharField(max_length=32)
    actor = pw.CharField(max_length=10, default="you")  # you | schedule | rule
    playlist_id = pw.CharField(max_length=64, null=True)
    playlist_name = pw.CharField(max_length=255, null=True)
    summary = pw.CharField(max_length=500)
    snapshot_id = pw.IntegerField(null=True)

    class Meta:
        table_name = "activity"
        indexes = ((("user", "at"), False),)
