"""Schedules: validation, when each runs next, and the rows the API reads and writes.

Every create and every PATCH validates the whole (merged) schedule the same
way: job type, a target the user can edit (checked with Spotify), sources
for a raid (its own, or else the target's upstream sources), an algorithm
with parameters valid for it for a shuffle, and an interval name or a
5-field cron expression (croniter).

Interval schedules keep their phase: the next run is the previous due time
plus whole intervals, so a restart changes nothing, and runs missed while no
process was up coalesce into one.

A cron expression is read in its owner's time zone (the timezone setting),
and its next run is stored as naive UTC like every column: "0 9 * * *" runs
at 08:00 UTC in a London summer and 09:00 UTC in its winter. A wall time that
a spring-forward skips runs once, when the gap ends; one that a fall-back
repeats runs once, at its first occurrence. When the owner changes their
time zone, their cron schedules that are not yet due get a new next run in
the same transaction (user_settings.ZONE_LISTENERS: accounts may not import
scheduling, so this module hooks itself in).
"""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from shuffify.accounts import user_settings
from shuffify.checks import known_fields, storable, whole_number
from shuffify.database import write_transaction
from shuffify.errors import Conflict, NotFound, Refused
from shuffify.models import (
    IntervalValue,
    JobExecution,
    JobType,
    Rule,
    Schedule,
    ScheduleType,
    UpstreamSource,
    User,
    utcnow,
)
from shuffify.playlists.changes import check_editable, checked_params
from shuffify.playlists.uris import playlist_id_from
from shuffify.spotify import Spotify

MAX_PER_USER = 5
MAX_SOURCES = 20
MAX_CRON = Schedule.schedule_value.max_length
INTERVALS = {
    IntervalValue.EVERY_6H: timedelta(hours=6),
    IntervalValue.EVERY_12H: timedelta(hours=12),
    IntervalValue.DAILY: timedelta(days=1),
    IntervalValue.EVERY_3D: timedelta(days=3),
    IntervalValue.WEEKLY: timedelta(weeks=1),
}
EDITABLE = (
    "job_type",
    "target_playlist_id",
    "target_playlist_name",
    "source_playlist_ids",
    "algorithm_name",
    "algorithm_params",
    "schedule_type",
    "schedule_value",
    "is_enabled",
    "rule_id",
)
RAIDS = (JobType.RAID, JobType.RAID_AND_SHUFFLE)
SHUFFLES = (JobType.SHUFFLE, JobType.RAID_AND_SHUFFLE)


def next_run(
    schedule_type: str,
    value: str,
    now: datetime,
    due: datetime | None = None,
    zone: str = "UTC",
) -> datetime:
    """The first run time after now (naive UTC): a cron expression read in `zone`, an
    interval in phase with `due`."""
    if schedule_type == ScheduleType.CRON:
        return next_cron_run(value, now, zone)
    interval = INTERVALS[IntervalValue(value)]
    if due is None:
        return now + interval
    missed = max(0, (now - due) // interval + 1)
    return due + missed * interval


def next_cron_run(value: str, now: datetime, zone: str) -> datetime:
    """The first instant after now (both naive UTC) whose wall time in `zone` matches the
    cron expression, a wall time skipped by a spring-forward counting as the gap's end and
    one repeated by a fall-back as its first occurrence only (so each runs once)."""
    tz = ZoneInfo(zone)
    wall_now = now.replace(tzinfo=UTC).astimezone(tz).replace(tzinfo=None)
    walls = _croniter()(value, wall_now)
    while True:
        instant = _instant(walls.get_next(datetime), tz)
        if instant > now:  # after a fall-back, wall_now can come before repeated wall times
            return instant


def _instant(wall: datetime, tz: ZoneInfo) -> datetime:
    """The naive UTC instant of a wall time in tz: the first of two after a fall-back; for a
    wall time a spring-forward skips, the instant the clocks jumped."""
    first = wall.replace(tzinfo=tz).astimezone(UTC)
    if first.astimezone(tz).replace(tzinfo=None) == wall:
        return first.replace(tzinfo=None)
    # In a gap, fold=0 reads the wall time with the offset before the jump (an instant after
    # it) and fold=1 with the offset after (an instant before it): halve the seconds between.
    before = int(wall.replace(tzinfo=tz, fold=1).timestamp())
    after = int(first.timestamp())
    jumped = datetime.fromtimestamp(after, tz).utcoffset()
    while after - before > 1:
        middle = (before + after) // 2
        if datetime.fromtimestamp(middle, tz).utcoffset() == jumped:
            after = middle
        else:
            before = middle
    return datetime.fromtimestamp(after, UTC).replace(tzinfo=None)


def zone_of(user: User | int) -> str:
    """The time zone the user's cron schedules run in: their timezone setting."""
    return user_settings.value(user, "timezone")


def reschedule(user: User, zone: str, now: datetime) -> None:
    """Give the user's enabled cron schedules that are not due yet their next run in `zone`.

    Called inside the settings change's transaction; a due one keeps its time (the claim
    that runs it computes the following run in the new zone).
    """
    waiting = Schedule.select(Schedule.id, Schedule.schedule_value).where(
        (Schedule.user == user)
        & Schedule.is_enabled
        & (Schedule.schedule_type == ScheduleType.CRON)
        & (Schedule.next_run_at.is_null() | (Schedule.next_run_at > now))
    )
    for schedule in waiting:
        Schedule.update(next_run_at=next_cron_run(schedule.schedule_value, now, zone)).where(
            Schedule.id == schedule.id
        ).execute()


user_settings.ZONE_LISTENERS.append(reschedule)


def _croniter():
    """croniter, imported when a cron expression is first met (not at startup)."""
    from croniter import croniter

    return croniter


def as_dict(schedule: Schedule, zone: str | None = None) -> dict:
    """The API's schedule; "timezone" is the zone a cron expression runs in (null for an
    interval). zone: the owner's, when the caller has read it already."""
    data = schedule.to_dict()
    data.pop("lease_until")
    data["running"] = schedule.lease_until is not None
    cron = schedule.schedule_type == ScheduleType.CRON
    data["timezone"] = (zone or zone_of(schedule.user_id)) if cron else None
    return data


def owned(user: User, schedule_id: int) -> Schedule:
    schedule = Schedule.get_or_none((Schedule.id == schedule_id) & (Schedule.user == user))
    if schedule is None:
        raise NotFound("no such schedule")
    return schedule


def list_for(user: User) -> list[dict]:
    zone = zone_of(user)
    return [
        as_dict(s, zone)
        for s in Schedule.select().where(Schedule.user == user).order_by(Schedule.id)
    ]


def create(spotify: Spotify, user: User, body: dict, now: datetime) -> dict:
    fields = validate(spotify, user, _known(body), now)
    with write_transaction():
        if Schedule.select().where(Schedule.user == user).count() >= MAX_PER_USER:
            raise Conflict(f"at most {MAX_PER_USER} schedules per user: delete one first")
        schedule = Schedule.create(user=user, **fields)
    return as_dict(schedule)


def update(spotify: Spotify, user: User, schedule_id: int, body: dict, now: datetime) -> dict:
    schedule = owned(user, schedule_id)
    changes = _known(body)
    merged = {name: getattr(schedule, name) for name in EDITABLE} | changes
    if "target_playlist_id" in changes and "target_playlist_name" not in changes:
        merged["target_playlist_name"] = None  # the new target's name, from Spotify
    fields = validate(spotify, user, merged, now)
    timing_kept = all(
        fields[k] == getattr(schedule, k) for k in ("schedule_type", "schedule_value", "is_enabled")
    )
    if timing_kept:
        del fields["next_run_at"]  # the phase stays
    if fields["is_enabled"] and not schedule.is_enabled:
        fields["consecutive_failures"] = 0
    # Only these columns: a claim or a run's result written meanwhile by another
    # process (lease, last run, failures) must survive this PATCH.
    Schedule.update(updated_at=utcnow(), **fields).where(Schedule.id == schedule.id).execute()
    return as_dict(Schedule.get_by_id(schedule.id))


def delete(user: User, schedule_id: int) -> None:
    schedule = owned(user, schedule_id)
    with Schedule._meta.database.atomic():
        JobExecution.delete().where(JobExecution.schedule == schedule).execute()
        schedule.delete_instance()


def _known(body: dict) -> dict:
    return dict(known_fields(body, EDITABLE))


def validate(spotify: Spotify, user: User, data: dict, now: datetime) -> dict:
    """The schedule's columns from a whole schedule, or a Refused naming the field."""
    job_type = _choice(data.get("job_type"), "job_type", [t.value for t in JobType])
    schedule_type = _choice(
        data.get("schedule_type", ScheduleType.INTERVAL),
        "schedule_type",
        [t.value for t in ScheduleType],
    )
    value = _schedule_value(schedule_type, data.get("schedule_value", IntervalValue.DAILY), now)
    rule_id = _rule_id(user, job_type, data.get("rule_id"))
    if rule_id is not None:
        data = {**data, "target_playlist_id": Rule.get_by_id(rule_id).target_playlist_id}
    target = playlist_id_from(data.get("target_playlist_id"))
    if target is None:
        raise Refused("target_playlist_id must be a playlist ID, URI or link")
    sources = _sources(data.get("source_playlist_ids"))
    algorithm, params = _algorithm(
        job_type, data.get("algorithm_name"), data.get("algorithm_params")
    )
    if job_type in RAIDS and not sources and not _has_upstream(user, target):
        raise Refused(
            "source_playlist_ids must name at least one playlist for a raid, "
            "or the target needs upstream sources"
        )
    enabled = data.get("is_enabled", True)
    if not isinstance(enabled, bool):
        raise Refused("is_enabled must be true or false")
    meta = check_editable(spotify, user, target)
    zone = zone_of(user) if schedule_type == ScheduleType.CRON else "UTC"
    return {
        "job_type": job_type,
        "target_playlist_id": target,
        "target_playlist_name": _name(data.get("target_playlist_name"), meta.get("name")),
        "source_playlist_ids": sources,
        "algorithm_name": algorithm,
        "algorithm_params": params,
        "schedule_type": schedule_type,
        "schedule_value": value,
        "is_enabled": enabled,
        "next_run_at": next_run(schedule_type, value, now, zone=zone) if enabled else None,
        "rule_id": rule_id,
    }


def _rule_id(user: User, job_type: str, given: object) -> int | None:
    """The user's rule a "rule" schedule runs (its target is the schedule's); None otherwise."""
    if job_type != JobType.RULE:
        return None
    found = isinstance(given, int) and not isinstance(given, bool) and 0 < given < 2**62
    if not found or not Rule.select().where((Rule.id == given) & (Rule.user == user)).exists():
        raise Refused('rule_id must name one of your rules for a "rule" schedule')
    return given


def _choice(value: object, name: str, choices: list[str]) -> str:
    text = value.strip().lower() if isinstance(value, str) else value
    if text not in choices:
        raise Refused(f"{name} must be one of {', '.join(choices)}")
    return text


def _schedule_value(schedule_type: str, value: object, now: datetime) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if schedule_type == ScheduleType.INTERVAL:
        return _choice(text, "schedule_value", [v.value for v in IntervalValue])
    if len(text.split()) != 5 or not _croniter().is_valid(text):
        raise Refused(
            "schedule_value must be a 5-field cron expression (minute hour day month weekday), "
            f"got {text[:100]!r}"
        )
    text = " ".join(text.split())
    if len(text) > MAX_CRON:
        raise Refused(f"schedule_value must be at most {MAX_CRON} characters, got {len(text)}")
    try:
        next_run(ScheduleType.CRON, text, now)
    except ValueError:  # croniter's "failed to find next date": a 30 February
        raise Refused(f"schedule_value {text!r} never matches a date: it would never run") from None
    return text


def _sources(value: object) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or len(value) > MAX_SOURCES:
        raise Refused(f"source_playlist_ids must be a list of at most {MAX_SOURCES} playlists")
    ids = []
    for position, given in enumerate(value):
        playlist_id = playlist_id_from(given)
        if playlist_id is None:
            raise Refused(f"source_playlist_ids[{position}] is not a playlist ID, URI or link")
        if playlist_id not in ids:
            ids.append(playlist_id)
    return ids


def _algorithm(job_type: str, name: object, params: object) -> tuple[str | None, dict]:
    if job_type not in SHUFFLES:
        return None, {}
    if not name:
        raise Refused("algorithm_name is needed for a shuffle (see /api/algorithms)")
    if params is not None and not isinstance(params, dict):
        raise Refused("algorithm_params must be an object")
    checked = checked_params(name, {} if params is None else params)
    return name, {k: v for k, v in checked.items() if v is not None}


def _has_upstream(user: User, target: str) -> bool:
    return (
        UpstreamSource.select()
        .where((UpstreamSource.user == user) & (UpstreamSource.target_playlist_id == target))
        .exists()
    )


def _name(given: object, from_spotify: str | None) -> str | None:
    if given is None:
        return (from_spotify or "")[:255] or None
    if not isinstance(given, str) or not 1 <= len(given.strip()) <= 255:
        raise Refused("target_playlist_name must be 1 to 255 characters")
    return storable(given.strip(), "target_playlist_name")


def run_now(user: User, schedule_id: int, now: datetime) -> int:
    """Queue an immediate run; the runner does the work. Returns the execution id."""
    schedule = owned(user, schedule_id)
    execution = JobExecution.create(
        schedule=schedule, status="queued", started_at=now, trigger="manual"
    )
    return execution.id


def executions(user: User, schedule_id: int, limit: object, before: object) -> dict:
    """A page of the schedule's runs, newest first; `before` is an execution id."""
    schedule = owned(user, schedule_id)
    limit = whole_number(limit, "limit", 1, 100)
    query = JobExecution.select().where(JobExecution.schedule == schedule)
    if before not in (None, ""):
        query = query.where(JobExecution.id < whole_number(before, "before", 1, 2**62))
    rows = list(query.order_by(JobExecution.id.desc()).limit(limit))
    return {
        "executions": [row.to_dict() for row in rows],
        "next_before": rows[-1].id if len(rows) == limit else None,
    }
