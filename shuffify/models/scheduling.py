"""The scheduling tables: schedules (with their lease) and the record of each run."""

from enum import StrEnum

import peewee as pw

from shuffify import database
from shuffify.models.accounts import User
from shuffify.models.base import Serialisable, TouchedOnSave, utcnow


class JobType(StrEnum):
    RAID = "raid"
    SHUFFLE = "shuffle"
    RAID_AND_SHUFFLE = "raid_and_shuffle"
    SNAPSHOT = "snapshot"  # a scheduled backup: issue 19
    RULE = "rule"


class ScheduleType(StrEnum):
    INTERVAL = "interval"
    CRON = "cron"


class IntervalValue(StrEnum):
    EVERY_6H = "every_6h"
    EVERY_12H = "every_12h"
    DAILY = "daily"
    EVERY_3D = "every_3d"
    WEEKLY = "weekly"


class Schedule(Serialisable, TouchedOnSave, database.BaseModel):
    user = pw.ForeignKeyField(User, backref="schedules")
    job_type = pw.CharField(max_length=20)
    target_playlist_id = pw.CharField(max_length=64)
    target_playlist_name = pw.CharField(max_length=255, null=True)
    source_playlist_ids = pw.JSONField(null=True, default=list)
    algorithm_name = pw.CharField(max_length=64, null=True)
    algorithm_params = pw.JSONField(null=True, default=dict)
    schedule_type = pw.CharField(max_length=10, default=ScheduleType.INTERVAL)
    schedule_value = pw.CharField(max_length=100, default=IntervalValue.DAILY)
    is_enabled = pw.BooleanField(default=True)
    last_run_at = pw.DateTimeField(null=True)
    last_status = pw.CharField(max_length=20, null=True)
    last_error = pw.TextField(null=True)
    created_at = pw.DateTimeField(default=utcnow)
    updated_at = pw.DateTimeField(default=utcnow)
    next_run_at = pw.DateTimeField(null=True, index=True)
    consecutive_failures = pw.IntegerField(default=0)
    lease_until = pw.DateTimeField(null=True)
    # job_type "rule": which rule; no foreign key, rules.store deletes its schedules
    rule_id = pw.IntegerField(null=True, index=True)

    class Meta:
        table_name = "schedules"


class JobExecution(Serialisable, database.BaseModel):
    schedule = pw.ForeignKeyField(Schedule, backref="executions")
    started_at = pw.DateTimeField(default=utcnow)
    completed_at = pw.DateTimeField(null=True)
    status = pw.CharField(max_length=20, default="running")
    tracks_added = pw.IntegerField(null=True, default=0)
    tracks_total = pw.IntegerField(null=True)
    error_message = pw.TextField(null=True)
    trigger = pw.CharField(max_length=20, default="schedule")

    class Meta:
        table_name = "job_executions"
