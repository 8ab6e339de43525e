"""The rules tables: a rule's definition, its runs, and the items its inbox holds.

A rule's definition (sources, combine, filters, order, sink) is one JSON
column: it is validated as a whole by shuffify.rules.steps and never queried
by its parts. last_fingerprint holds the snapshot_ids of the last successful
run, so an unchanged scheduled run can be skipped. Runs and inbox items go
with their rule, and rules with their user (ON DELETE CASCADE).
"""

import peewee as pw

from shuffify import database
from shuffify.models.accounts import User
from shuffify.models.base import Serialisable, utcnow


class Rule(Serialisable, database.BaseModel):
    user = pw.ForeignKeyField(User, backref="rules", on_delete="CASCADE")
    name = pw.CharField(max_length=100)
    target_playlist_id = pw.CharField(max_length=64)
    definition = pw.JSONField()
    last_fingerprint = pw.JSONField(null=True)
    created_at = pw.DateTimeField(default=utcnow)
    updated_at = pw.DateTimeField(default=utcnow)

    class Meta:
        table_name = "rules"


class RuleRun(Serialisable, database.BaseModel):
    rule = pw.ForeignKeyField(Rule, backref="runs", on_delete="CASCADE")
    trigger = pw.CharField(max_length=20)
    status = pw.CharField(max_length=20, index=True)
    queued_at = pw.DateTimeField(default=utcnow)
    started_at = pw.DateTimeField(null=True)
    finished_at = pw.DateTimeField(null=True)
    lease_until = pw.DateTimeField(null=True)
    added = pw.IntegerField(default=0)
    removed = pw.IntegerField(default=0)
    total = pw.IntegerField(null=True)
    message = pw.TextField(null=True)

    class Meta:
        table_name = "rule_runs"


class RuleInboxItem(Serialisable, database.BaseModel):
    rule = pw.ForeignKeyField(Rule, backref="inbox", on_delete="CASCADE")
    uri = pw.CharField(max_length=1024)
    name = pw.CharField(max_length=255, null=True)
    artists = pw.JSONField(default=list)
    source = pw.IntegerField(null=True)
    status = pw.CharField(max_length=10)  # staged | dismissed | accepted
    created_at = pw.DateTimeField(default=utcnow)

    class Meta:
        table_name = "rule_inbox"
        indexes = ((("rule", "uri"), True),)
