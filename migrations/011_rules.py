"""011_rules: playlists that build themselves from sources, filters and an order (issue 21).

Generated with `pw_migrate create --auto`, then read and tidied. rules holds
each rule's definition as one JSON document (validated as a whole by
shuffify.rules.steps) and the snapshot_ids of its last successful run;
rule_runs the record of each run, queued ones included (the runner claims
them); rule_inbox the items an inbox rule staged, and the ones dismissed so
they are never proposed again. All go with their user (ON DELETE CASCADE).
schedules.rule_id names the rule of a schedule of job_type "rule" (no
foreign key: deleting a rule deletes its schedules in code, with their runs).
Frozen: never import the models.
"""

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.add_fields("schedules", rule_id=pw.IntegerField(index=True, null=True))

    @migrator.create_model
    class Rule(pw.Model):
        id = pw.AutoField()
        user = pw.ForeignKeyField(
            column_name="user_id", field="id", model=migrator.orm["users"], on_delete="CASCADE"
        )
        name = pw.CharField(max_length=100)
        target_playlist_id = pw.CharField(max_length=64)
        definition = pw.JSONField()
        last_fingerprint = pw.JSONField(null=True)
        created_at = pw.DateTimeField()
        updated_at = pw.DateTimeField()

        class Meta:
            table_name = "rules"

    @migrator.create_model
    class RuleInboxItem(pw.Model):
        id = pw.AutoField()
        rule = pw.ForeignKeyField(
            column_name="rule_id", field="id", model=migrator.orm["rules"], on_delete="CASCADE"
        )
        uri = pw.CharField(max_length=1024)
        name = pw.CharField(max_length=255, null=True)
        artists = pw.JSONField()
        source = pw.IntegerField(null=True)
        status = pw.CharField(max_length=10)
        created_at = pw.DateTimeField()

        class Meta:
            table_name = "rule_inbox"
            indexes = ((("rule", "uri"), True),)

    @migrator.create_model
    class RuleRun(pw.Model):
        id = pw.AutoField()
        rule = pw.ForeignKeyField(
            column_name="rule_id", field="id", model=migrator.orm["rules"], on_delete="CASCADE"
        )
        trigger = pw.CharField(max_length=20)
        status = pw.CharField(index=True, max_length=20)
        queued_at = pw.DateTimeField()
        started_at = pw.DateTimeField(null=True)
        finished_at = pw.DateTimeField(null=True)
        lease_until = pw.DateTimeField(null=True)
        added = pw.IntegerField(default=0)
        removed = pw.IntegerField(default=0)
        total = pw.IntegerField(null=True)
        message = pw.TextField(null=True)

        class Meta:
            table_name = "rule_runs"


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_model("rule_runs")
    migrator.remove_model("rule_inbox")
    migrator.remove_model("rules")
    # Not remove_fields: on SQLite it rebuilds schedules, which job_executions' rows
    # reference (FOREIGN KEY constraint failed). Both databases drop a column in place.
    migrator.sql("DROP INDEX IF EXISTS schedules_rule_id")
    migrator.sql("ALTER TABLE schedules DROP COLUMN rule_id")
