"""001_initial: the five tables of Phase 0 (users, workshop_sessions,
upstream_sources, schedules, job_executions) with their indexes and foreign keys.

Frozen: the tables are declared here as they were when this migration was
written and never imported from shuffify.models, so later model changes
cannot change what this migration does.
"""

import datetime as dt

import peewee as pw
from peewee_migrate import Migrator


def utcnow():
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    @migrator.create_model
    class User(pw.Model):
        id = pw.AutoField()
        spotify_id = pw.CharField(max_length=255, unique=True)
        display_name = pw.CharField(max_length=255, null=True)
        email = pw.CharField(max_length=255, null=True)
        profile_image_url = pw.CharField(max_length=1024, null=True)
        encrypted_refresh_token = pw.TextField(null=True)
        created_at = pw.DateTimeField(default=utcnow)
        updated_at = pw.DateTimeField(default=utcnow)

        class Meta:
            table_name = "users"

    @migrator.create_model
    class WorkshopSession(pw.Model):
        id = pw.AutoField()
        user = pw.ForeignKeyField(User, backref="workshop_sessions", on_delete="CASCADE")
        playlist_id = pw.CharField(max_length=255, index=True)
        session_name = pw.CharField(max_length=255)
        track_uris_json = pw.TextField()
        created_at = pw.DateTimeField(default=utcnow)
        updated_at = pw.DateTimeField(default=utcnow)

        class Meta:
            table_name = "workshop_sessions"

    WorkshopSession.add_index(
        WorkshopSession.user, WorkshopSession.playlist_id, name="ix_workshop_user_playlist"
    )

    @migrator.create_model
    class UpstreamSource(pw.Model):
        id = pw.AutoField()
        user = pw.ForeignKeyField(User, backref="upstream_sources", on_delete="CASCADE")
        target_playlist_id = pw.CharField(max_length=255, index=True)
        source_playlist_id = pw.CharField(max_length=255)
        source_url = pw.CharField(max_length=1024, null=True)
        source_type = pw.CharField(max_length=20, default="external")
        source_name = pw.CharField(max_length=255, null=True)
        created_at = pw.DateTimeField(default=utcnow)

        class Meta:
            table_name = "upstream_sources"

    UpstreamSource.add_index(
        UpstreamSource.user, UpstreamSource.target_playlist_id, name="ix_upstream_user_target"
    )

    @migrator.create_model
    class Schedule(pw.Model):
        id = pw.AutoField()
        user = pw.ForeignKeyField(User, backref="schedules")
        job_type = pw.CharField(max_length=20)
        target_playlist_id = pw.CharField(max_length=64)
        target_playlist_name = pw.CharField(max_length=255, null=True)
        source_playlist_ids = pw.JSONField(null=True, default=list)
        algorithm_name = pw.CharField(max_length=64, null=True)
        algorithm_params = pw.JSONField(null=True, default=dict)
        schedule_type = pw.CharField(max_length=10, default="interval")
        schedule_value = pw.CharField(max_length=100, default="daily")
        is_enabled = pw.BooleanField(default=True)
        last_run_at = pw.DateTimeField(null=True)
        last_status = pw.CharField(max_length=20, null=True)
        last_error = pw.TextField(null=True)
        created_at = pw.DateTimeField(default=utcnow)
        updated_at = pw.DateTimeField(default=utcnow)

        class Meta:
            table_name = "schedules"

    @migrator.create_model
    class JobExecution(pw.Model):
        id = pw.AutoField()
        schedule = pw.ForeignKeyField(Schedule, backref="executions")
        started_at = pw.DateTimeField(default=utcnow)
        completed_at = pw.DateTimeField(null=True)
        status = pw.CharField(max_length=20, default="running")
        tracks_added = pw.IntegerField(null=True, default=0)
        tracks_total = pw.IntegerField(null=True)
        error_message = pw.TextField(null=True)

        class Meta:
            table_name = "job_executions"


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    for table in ("job_executions", "schedules", "upstream_sources", "workshop_sessions", "users"):
        migrator.remove_model(table)
