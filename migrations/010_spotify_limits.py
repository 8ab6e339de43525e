"""010_spotify_limits: one call budget and one pause for the deployment; the six-month sign-in.

Generated with `pw_migrate create --auto`, then read and tidied (the rules
tables of 009 left out). spotify_call_counts holds the calls per hour, user,
feature and status (kept when an account goes, without its user);
spotify_pauses the pause Spotify asked for. users gains authorized_at (the
sign-in that gave the current refresh token; existing users get their newest
login session's start, else their creation) and needs_signin, added with
plain SQL (see below). Frozen: never import the models.
"""

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    # Plain ADD COLUMN on both databases: peewee's SQLite migrator would rebuild the
    # users table for a NOT NULL column, and dropping the old table cascades to every
    # user's login sessions, schedules' rows and histories.
    sqlite = isinstance(database, pw.SqliteDatabase)
    for column in _columns(sqlite):
        migrator.sql(f"ALTER TABLE users ADD COLUMN {column}")
    users = migrator.orm["users"]._meta  # the models as of this migration, for the next
    users.add_field("authorized_at", pw.DateTimeField(null=True))
    users.add_field("needs_signin", pw.BooleanField(default=False))
    migrator.sql(
        "UPDATE users SET authorized_at = COALESCE((SELECT MAX(created_at) FROM login_sessions "
        "WHERE login_sessions.user_id = users.id), created_at)"
    )

    @migrator.create_model
    class SpotifyCallCount(pw.Model):
        id = pw.AutoField()
        hour = pw.DateTimeField()
        user = pw.ForeignKeyField(
            column_name="user_id",
            field="id",
            model=migrator.orm["users"],
            null=True,
            on_delete="SET NULL",
        )
        feature = pw.CharField(max_length=20)
        status = pw.IntegerField()
        calls = pw.IntegerField(default=0)

        class Meta:
            table_name = "spotify_call_counts"
            indexes = ((("hour", "user", "feature", "status"), True),)

    @migrator.create_model
    class SpotifyPause(pw.Model):
        id = pw.AutoField()
        paused_until = pw.DateTimeField()
        reason = pw.CharField(max_length=200)
        set_at = pw.DateTimeField()

        class Meta:
            table_name = "spotify_pauses"


def _columns(sqlite: bool) -> tuple[str, str]:
    if sqlite:
        return "authorized_at DATETIME", "needs_signin INTEGER NOT NULL DEFAULT 0"
    return "authorized_at TIMESTAMP", "needs_signin BOOLEAN NOT NULL DEFAULT FALSE"


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_model("spotify_pauses")
    migrator.remove_model("spotify_call_counts")
    for column in ("authorized_at", "needs_signin"):  # DROP COLUMN: no rebuild, as above
        migrator.sql(f"ALTER TABLE users DROP COLUMN {column}")
        migrator.orm["users"]._meta.remove_field(column)
