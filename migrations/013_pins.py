"""013_pins: tracks kept at one position while the rest of a playlist is reordered (issue 20).

Generated with `pw_migrate create --auto`, then read and tidied. One row per
pinned position of one user's playlist: the item's URI, the position, and an
optional last day (`until`, inclusive; null for no end). A new table only: no
existing table is rebuilt. The rows go with their user (ON DELETE CASCADE).
Frozen: never import the models.
"""

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    @migrator.create_model
    class PlaylistPin(pw.Model):
        id = pw.AutoField()
        user = pw.ForeignKeyField(
            column_name="user_id", field="id", model=migrator.orm["users"], on_delete="CASCADE"
        )
        playlist_id = pw.CharField(max_length=64)
        uri = pw.CharField(max_length=255)
        position = pw.IntegerField()
        until = pw.DateField(null=True)
        created_at = pw.DateTimeField()

        class Meta:
            table_name = "playlist_pins"
            indexes = ((("user", "playlist_id", "position"), True),)


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_model("playlist_pins")
