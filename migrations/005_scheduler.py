"""005_scheduler: what the job runner needs on schedules and job_executions.

Generated with `pw_migrate create --auto`, then read and tidied.
schedules.next_run_at is when a schedule is due (NULL on rows from before:
the runner computes it); lease_until is set while a process runs the
schedule and extended by its heartbeat, so a run whose process died is
noticed once it passes; consecutive_failures pauses a schedule that keeps
failing. job_executions.trigger says whether a run was scheduled or asked
for. Frozen: never import the models.
"""

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.add_fields(
        "schedules",
        next_run_at=pw.DateTimeField(index=True, null=True),
        consecutive_failures=pw.IntegerField(default=0),
        lease_until=pw.DateTimeField(null=True),
    )

    migrator.add_fields("job_executions", trigger=pw.CharField(default="schedule", max_length=20))


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_fields("job_executions", "trigger")

    migrator.drop_index("schedules", "next_run_at")  # SQLite cannot drop an indexed column
    migrator.remove_fields("schedules", "next_run_at", "consecutive_failures", "lease_until")
