"""004_workshop: the external playlists each user loaded lately in the workshop.

Generated with `pw_migrate create --auto`, then read and tidied. At most ten
rows per user are kept (the code deletes older ones). Frozen: never import
the models.
"""

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    @migrator.create_model
    class RecentExternalPlaylist(pw.Model):
        id = pw.AutoField()
        user = pw.ForeignKeyField(
            column_name="user_id", field="id", model=migrator.orm["users"], on_delete="CASCADE"
        )
        playlist_id = pw.CharField(max_length=64)
        name = pw.CharField(max_length=255, null=True)
        owner_name = pw.CharField(max_length=255, null=True)
        track_count = pw.IntegerField(null=True)
        loaded_at = pw.DateTimeField()

        class Meta:
            table_name = "recent_external_playlists"
            indexes = ((("user", "playlist_id"), True),)


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_model("recent_external_playlists")
