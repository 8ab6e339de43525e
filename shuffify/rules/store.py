"""Rules as rows: create, read, change (only the fields named), delete, and their runs.

Every create and PUT validates the whole merged rule (shuffify.rules.steps)
and checks with Spotify that the user may edit its target (403 otherwise);
a Liked Songs source is checked against the sign-in's permissions then too.
Another user's rule is 404, as if it did not exist. Runs are queued here and
run by the runner (shuffify.scheduling.runner), never by the request.
"""

from datetime import datetime

from shuffify.checks import known_fields, storable
from shuffify.database import write_transaction
from shuffify.errors import Conflict, NotFound, Refused
from shuffify.models import JobExecution, Rule, RuleRun, Schedule, User, utcnow
from shuffify.playlists.changes import check_editable
from shuffify.playlists.uris import playlist_id_from
from shuffify.rules import run, steps
from shuffify.spotify import Spotify

MAX_PER_USER = 20
KEEP_RUNS = 50
FIELDS = ("name", "target_playlist_id", "sources", "combine", "filters", "order", "sink")
DEFINITION = ("sources", "combine", "filters", "order", "sink")


def as_dict(rule: Rule) -> dict:
    last = RuleRun.select().where(RuleRun.rule == rule).order_by(RuleRun.id.desc()).first()
    return {
        "id": rule.id,
        "name": rule.name,
        "target_playlist_id": rule.target_playlist_id,
        **rule.definition,
        "created_at": rule.created_at.isoformat(),
        "updated_at": rule.updated_at.isoformat(),
        "last_run": run_dict(last) if last else None,
    }


def owned(user: User, rule_id: int) -> Rule:
    rule = Rule.get_or_none((Rule.id == rule_id) & (Rule.user == user))
    if rule is None:
        raise NotFound("no such rule")
    return rule


def list_for(user: User) -> list[dict]:
    return [as_dict(r) for r in Rule.select().where(Rule.user == user).order_by(Rule.id)]


def checked(spotify: Spotify, user: User, body: dict) -> dict:
    """The columns of a whole rule, or a Refused naming the place."""
    known_fields(body, FIELDS)
    name = body.get("name")
    if not isinstance(name, str) or not 1 <= len(name.strip()) <= 100:
        raise Refused("name: must be 1 to 100 characters")
    target = playlist_id_from(body.get("target_playlist_id"))
    if target is None:
        raise Refused("target_playlist_id: must be a playlist ID, URI or link")
    definition = steps.checked_definition(body)
    if definition["sink"].get("archive_playlist_id") == target:
        raise Refused("sink.archive_playlist_id: must be another playlist than the target")
    check_editable(spotify, user, target)
    if any(s["type"] == "liked" for s in definition["sources"]):
        run.probe(spotify, user, {"type": "liked"}, {})
    return {
        "name": storable(name.strip(), "name"),
        "target_playlist_id": target,
        "definition": definition,
    }


def create(spotify: Spotify, user: User, body: dict) -> dict:
    fields = checked(spotify, user, body)
    with write_transaction():
        if Rule.select().where(Rule.user == user).count() >= MAX_PER_USER:
            raise Conflict(f"at most {MAX_PER_USER} rules per user: delete one first")
        rule = Rule.create(user=user, **fields)
    return as_dict(rule)


def update(spotify: Spotify, user: User, rule_id: int, body: dict) -> dict:
    rule = owned(user, rule_id)
    known_fields(body, FIELDS)
    current = {"name": rule.name, "target_playlist_id": rule.target_playlist_id, **rule.definition}
    fields = checked(spotify, user, current | body)
    Rule.update(updated_at=utcnow(), last_fingerprint=None, **fields).where(
        Rule.id == rule.id
    ).execute()
    return as_dict(Rule.get_by_id(rule.id))


def delete(user: User, rule_id: int) -> None:
    """The rule, its runs and inbox (cascade), and the schedules that run it."""
    rule = owned(user, rule_id)
    with write_transaction():
        schedules = Schedule.select(Schedule.id).where(
            (Schedule.user == user) & (Schedule.rule_id == rule.id)
        )
        JobExecution.delete().where(JobExecution.schedule.in_(schedules)).execute()
        Schedule.delete().where((Schedule.user == user) & (Schedule.rule_id == rule.id)).execute()
        RuleRun.delete().where(RuleRun.rule == rule).execute()
        rule.delete_instance(recursive=True)


def queue_run(user: User, rule_id: int, trigger: str, now: datetime) -> int:
    rule = owned(user, rule_id)
    return RuleRun.create(rule=rule, trigger=trigger, status="queued", queued_at=now).id


def run_dict(row: RuleRun) -> dict:
    return {
        "id": row.id,
        "trigger": row.trigger,
        "status": row.status,
        "queued_at": _iso(row.queued_at),
        "started_at": _iso(row.started_at),
        "finished_at": _iso(row.finished_at),
        "added": row.added,
        "removed": row.removed,
        "total": row.total,
        "message": row.message,
    }


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def runs(user: User, rule_id: int) -> dict:
    rule = owned(user, rule_id)
    rows = RuleRun.select().where(RuleRun.rule == rule).order_by(RuleRun.id.desc()).limit(KEEP_RUNS)
    return {"runs": [run_dict(row) for row in rows]}


def prune(rule_id: int) -> None:
    """Keep the last KEEP_RUNS finished runs of the rule."""
    newest = (
        RuleRun.select(RuleRun.id)
        .where(RuleRun.rule == rule_id)
        .order_by(RuleRun.id.desc())
        .limit(KEEP_RUNS)
    )
    RuleRun.delete().where(
        (RuleRun.rule == rule_id)
        & RuleRun.id.not_in(newest)
        & RuleRun.status.not_in(["queued", "running"])
    ).execute()
