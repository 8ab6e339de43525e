"""003_playlist_history: undo and redo kept in the database, and writes in progress.

Generated with `pw_migrate create --auto`, then read and tidied. One
playlist_histories row per user and playlist (its current step, and the
order being written while a write is incomplete); playlist_steps holds the
orders, at most 20 per history. Frozen: never import the models.
"""

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    @migrator.create_model
    class PlaylistHistory(pw.Model):
        id = pw.AutoField()
        user = pw.ForeignKeyField(
            column_name="user_id", field="id", model=migrator.orm["users"], on_delete="CASCADE"
        )
        playlist_id = pw.CharField(max_length=64)
        current_seq = pw.IntegerField(default=0)
        pending_uris_json = pw.TextField(null=True)
        updated_at = pw.DateTimeField()

        class Meta:
            table_name = "playlist_histories"
            indexes = ((("user", "playlist_id"), True),)

    @migrator.create_model
    class PlaylistStep(pw.Model):
        id = pw.AutoField()
        history = pw.ForeignKeyField(
            column_name="history_id",
            field="id",
            model=migrator.orm["playlist_histories"],
            on_delete="CASCADE",
        )
        seq = pw.IntegerField()
        kind = pw.CharField(max_length=20)
        label = pw.CharField(max_length=100, null=True)
        track_uris_json = pw.TextField()
        item_count = pw.IntegerField()
        created_at = pw.DateTimeField()

        class Meta:
            table_name = "playlist_steps"
            indexes = ((("history", "seq"), True),)


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_model("playlist_steps")

    migrator.remove_model("playlist_histories")
