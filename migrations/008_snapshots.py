"""008_snapshots: playlist versions kept so any of them can be restored (issue 19).

Generated with `pw_migrate create --auto`, then read and tidied.
playlist_snapshots holds a user's copies of a playlist's order, as
snapshot_codec bytes (BLOB on SQLite, BYTEA on PostgreSQL); they go with the
user (ON DELETE CASCADE). playlist_histories.pending_base is the order an
interrupted write started from, so its completion keeps what was added on
Spotify meanwhile and still removes what the write was removing; rows
written before this migration have none. Frozen: never import the models.
"""

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.add_fields("playlist_histories", pending_base=pw.BlobField(null=True))

    @migrator.create_model
    class PlaylistSnapshot(pw.Model):
        id = pw.AutoField()
        user = pw.ForeignKeyField(
            column_name="user_id", field="id", model=migrator.orm["users"], on_delete="CASCADE"
        )
        playlist_id = pw.CharField(max_length=64)
        kind = pw.CharField(max_length=10)
        label = pw.CharField(max_length=100, null=True)
        item_count = pw.IntegerField()
        uris = pw.BlobField()
        spotify_snapshot_id = pw.CharField(max_length=255, null=True)
        created_at = pw.DateTimeField()

        class Meta:
            table_name = "playlist_snapshots"
            indexes = ((("user", "playlist_id"), False),)


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_model("playlist_snapshots")

    migrator.remove_fields("playlist_histories", "pending_base")
