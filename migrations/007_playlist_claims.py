"""007_playlist_claims: one writer per playlist, across threads, processes and hosts.

Generated with `pw_migrate create --auto`, then read and tidied. A row exists
while a change to the playlist is in flight: who holds it (a random token),
for what, and until when its lease runs. Frozen: never import the models.
"""

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    @migrator.create_model
    class PlaylistClaim(pw.Model):
        id = pw.AutoField()
        playlist_id = pw.CharField(max_length=64, unique=True)
        holder = pw.CharField(max_length=32)
        purpose = pw.CharField(max_length=40)
        lease_until = pw.DateTimeField()
        claimed_at = pw.DateTimeField()

        class Meta:
            table_name = "playlist_claims"


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_model("playlist_claims")
