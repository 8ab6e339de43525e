"""006_unique_sources: one row per user, target and source in upstream_sources.

Generated with `pw_migrate create --auto`, then read, with one step added:
duplicate rows (two requests at once could insert the same source twice)
are removed first, keeping the oldest, or the unique index could not be
built on a database that holds them. Frozen: never import the models.
"""

import peewee as pw
from peewee_migrate import Migrator

COLUMNS = ("user", "target_playlist_id", "source_playlist_id")
INDEX = "upstream_sources_user_id_target_playlist_id_source_playlist_id"  # peewee's name


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.sql(
        "DELETE FROM upstream_sources WHERE id NOT IN (SELECT MIN(id) FROM upstream_sources "
        "GROUP BY user_id, target_playlist_id, source_playlist_id)"
    )
    migrator.add_index("upstream_sources", *COLUMNS, unique=True)


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    # migrator.drop_index fails on this table: its other indexes are peewee
    # ModelIndex objects, which peewee-migrate 2.3 cannot unpack.
    migrator.sql(f"DROP INDEX {INDEX}")
