"""012_account: your account, issue 23: settings, an activity log, the device of a session.

Generated with `pw_migrate create --auto`, then written out and tidied.
user_settings is one row per user who changed a setting or arranged the
dashboard (no row: the defaults). activity holds a row per change to a
playlist and per account event, kept 180 days; its snapshot_id is a plain
integer, not a foreign key, because snapshots are pruned on their own.
login_sessions.device is the coarse browser and system read from the user
agent at sign-in ("Firefox on Linux"); rows from before this have none.
Every new row goes with its user (ON DELETE CASCADE). Frozen: never import
the models.
"""

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.add_fields("login_sessions", device=pw.CharField(max_length=64, null=True))

    @migrator.create_model
    class UserSettings(pw.Model):
        id = pw.AutoField()
        user = pw.ForeignKeyField(
            column_name="user_id",
            field="id",
            model=migrator.orm["users"],
            on_delete="CASCADE",
            unique=True,
        )
        default_algorithm = pw.CharField(max_length=64, null=True)
        default_params = pw.JSONField(null=True)
        keep_added_dates = pw.BooleanField(default=False)
        auto_snapshots_kept = pw.IntegerField(default=30)
        timezone = pw.CharField(max_length=64, default="UTC")
        theme = pw.CharField(max_length=10, default="system")
        playlist_order = pw.JSONField(null=True)
        favourites = pw.JSONField(null=True)
        hidden = pw.JSONField(null=True)
        last_visit_at = pw.DateTimeField(null=True)
        previous_visit_at = pw.DateTimeField(null=True)
        updated_at = pw.DateTimeField()

        class Meta:
            table_name = "user_settings"

    @migrator.create_model
    class ActivityEvent(pw.Model):
        id = pw.AutoField()
        user = pw.ForeignKeyField(
            column_name="user_id", field="id", model=migrator.orm["users"], on_delete="CASCADE"
        )
        at = pw.DateTimeField()
        kind = pw.CharField(max_length=32)
        actor = pw.CharField(max_length=10, default="you")
        playlist_id = pw.CharField(max_length=64, null=True)
        playlist_name = pw.CharField(max_length=255, null=True)
        summary = pw.CharField(max_length=500)
        snapshot_id = pw.IntegerField(null=True)

        class Meta:
            table_name = "activity"
            indexes = ((("user", "at"), False),)


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_model("activity")
    migrator.remove_model("user_settings")
    migrator.remove_fields("login_sessions", "device")
