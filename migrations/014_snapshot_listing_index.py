"""014_snapshot_listing_index: list a playlist's snapshots without reading their orders (issue 24).

Generated with `pw_migrate create --auto`, then read and tidied. The index on
(user, playlist_id) becomes one on (user, playlist_id, created_at, id): the
listing's order comes from the index, and on SQLite so does created_at,
which the row stores after its order (160 KB at 10,000 items, in overflow
pages that reading any later column walks). Listing 100 such snapshots: 24
ms before, 1.5 ms after (scripts/bench-snapshots). Indexes only: no table
is rebuilt. Frozen: never import the models.
"""

import peewee as pw
from peewee_migrate import Migrator

# Named as peewee names the model's indexes (the model's name, then the columns),
# so a database created from the models and a migrated one agree.
OLD = "playlistsnapshot_user_id_playlist_id"
NEW = "playlistsnapshot_user_id_playlist_id_created_at_id"


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.sql(f"DROP INDEX {OLD}")
    migrator.sql(f"CREATE INDEX {NEW} ON playlist_snapshots (user_id, playlist_id, created_at, id)")
    _declare(migrator, ("user", "playlist_id", "created_at", "id"))


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.sql(f"DROP INDEX {NEW}")
    migrator.sql(f"CREATE INDEX {OLD} ON playlist_snapshots (user_id, playlist_id)")
    _declare(migrator, ("user", "playlist_id"))


def _declare(migrator: Migrator, columns: tuple[str, ...]) -> None:
    """The model as of this migration, for the next one's diff (raw SQL does not tell it)."""
    migrator.orm["playlist_snapshots"]._meta.indexes = [(columns, False)]
