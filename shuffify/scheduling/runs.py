"""A scheduled run's rows: claiming one exactly once, and recording how it ended.

Claiming, after Oban and procrastinate: one short transaction picks one
schedule that is due (or has a queued "run now") and is not leased, sets its
lease and moves next_run_at on, and inserts or starts its job_executions row.
On PostgreSQL the pick is SELECT ... FOR UPDATE SKIP LOCKED: concurrent
processes skip each other's rows instead of waiting, and because the lease
lives on the schedule row itself, a process that reads the row after another
committed sees the lease (PostgreSQL re-checks a locked row's own columns,
not a subquery). It is one transaction, so it is safe through PgBouncer in
transaction mode. On SQLite the transaction takes the write lock first
(BEGIN IMMEDIATE). So every due run is claimed exactly once, and one schedule
never runs twice at once. Schedules of users who must sign in again are not
claimed until they do.

A run ends as success or failed, or without running: postponed (the playlist
was being changed, Spotify paused us, the daily budget is spent) or held (the
sign-in ended). A process that dies leaves its lease to expire: the next
process to look marks that run failed ("the process running it stopped").
Column updates throughout, never a save of a row read earlier.
"""

from datetime import datetime, timedelta

import peewee as pw

from shuffify.accounts import activity
from shuffify.database import is_sqlite, write_transaction
from shuffify.models import JobExecution, Schedule, ScheduleType, User
from shuffify.scheduling.schedules import next_run, zone_of

KEEP_EXECUTIONS = 100
MAX_FAILURES = 5
DIED = "the process running it stopped"
POSTPONED = "postponed: the playlist was being changed; it runs again when that is done"


def claim(now: datetime, lease: timedelta) -> tuple[Schedule, JobExecution] | None:
    """Claim one due or queued schedule that is not leased; None when there is none."""
    with write_transaction():
        schedule = _pick(Schedule._meta.database, now)
        if schedule is None:
            return None
        queued = (
            JobExecution.select()
            .where((JobExecution.schedule == schedule) & (JobExecution.status == "queued"))
            .order_by(JobExecution.id)
            .first()
        )
        due = schedule.is_enabled and schedule.next_run_at and schedule.next_run_at <= now
        following = _following_run(schedule, now) if due else schedule.next_run_at
        Schedule.update(next_run_at=following, lease_until=now + lease).where(
            Schedule.id == schedule.id
        ).execute()
        execution = _start_execution(schedule, queued, now)
    return schedule, execution


def _following_run(schedule: Schedule, now: datetime) -> datetime | None:
    """The next due time in phase (a cron expression's in its owner's time zone), or None
    when the stored timing is unusable (it is then paused with the reason, so one bad row
    never stops the runner)."""
    cron = schedule.schedule_type == ScheduleType.CRON
    zone = zone_of(schedule.user_id) if cron else "UTC"
    try:
        return next_run(
            schedule.schedule_type, schedule.schedule_value, now, schedule.next_run_at, zone
        )
    except (ValueError, KeyError) as error:
        Schedule.update(
            is_enabled=False,
            last_error=f"paused: its timing {schedule.schedule_value!r} is not valid ({error})",
        ).where(Schedule.id == schedule.id).execute()
        return None


def _pick(database: pw.Database, now: datetime) -> Schedule | None:
    queued = JobExecution.select(JobExecution.schedule).where(JobExecution.status == "queued")
    held = User.select(User.id).where(User.needs_signin)  # until they sign in again
    query = (
        Schedule.select()
        .where(
            ((Schedule.is_enabled & (Schedule.next_run_at <= now)) | Schedule.id.in_(queued))
            & (Schedule.lease_until.is_null() | (Schedule.lease_until < now))
            & Schedule.user.not_in(held)
        )
        .order_by(Schedule.next_run_at.asc(nulls="LAST"), Schedule.id)
        .limit(1)
    )
    if not is_sqlite(database):
        query = query.for_update(skip_locked=True)
    return query.first()


def _start_execution(schedule: Schedule, queued: JobExecution | None, now: datetime):
    if queued is None:
        return JobExecution.create(schedule=schedule, status="running", started_at=now)
    queued.status, queued.started_at = "running", now
    queued.save(only=[JobExecution.status, JobExecution.started_at])
    return queued


def finish(schedule_id: int, execution_id: int, now: datetime, outcome, error: str | None) -> None:
    """Record the run's end on the execution and the schedule, and release the lease.

    Only a run still `running` is finished: one that another process already
    marked as stopped (its lease ran out) keeps that verdict.
    """
    with write_transaction():
        status = "failed" if error else "success"
        finished = (
            JobExecution.update(
                status=status,
                completed_at=now,
                tracks_added=outcome.tracks_added if outcome else 0,
                tracks_total=outcome.tracks_total if outcome else None,
                error_message=error or ("; ".join(outcome.notes) or None),
            )
            .where((JobExecution.id == execution_id) & (JobExecution.status == "running"))
            .execute()
        )
        if finished:
            _record_on_schedule(schedule_id, status, error, now)
            _prune(schedule_id)
            _log_run(schedule_id, status, error or _tally(outcome), now)


def postpone(
    schedule_id: int, execution_id: int, now: datetime, until: datetime, why: str = POSTPONED
) -> None:
    """Run again at `until` (a claim's end, a pause's end, room in the budget): neither
    failed nor lost, and missed runs coalesce into that one."""
    _end_without_running(execution_id, now, "postponed", why)
    Schedule.update(lease_until=None, next_run_at=until).where(Schedule.id == schedule_id).execute()


def hold(schedule: Schedule, execution_id: int, now: datetime, why: str) -> None:
    """The user must sign in again: held with the reason, not failed, and due as it was,
    so that it runs once when they do (until then no claim picks it)."""
    _end_without_running(execution_id, now, "held", why)
    Schedule.update(
        lease_until=None, last_status="held", last_error=why, next_run_at=schedule.next_run_at
    ).where(Schedule.id == schedule.id).execute()


def _end_without_running(execution_id: int, now: datetime, status: str, why: str) -> None:
    ended = (
        JobExecution.update(status=status, completed_at=now, error_message=why)
        .where((JobExecution.id == execution_id) & (JobExecution.status == "running"))
        .execute()
    )
    if ended:
        schedule_id = JobExecution.get_by_id(execution_id).schedule_id
        _log_run(schedule_id, status, why.removeprefix(f"{status}: "), now)


def _tally(outcome) -> str:
    return f"{outcome.tracks_added} added, {outcome.tracks_total} in all" if outcome else "done"


def _log_run(schedule_id: int, status: str, detail: str, now: datetime) -> None:
    """The run's row in its user's activity log: "failed: <why>", "success: 3 added, ..."."""
    schedule = Schedule.get_or_none(Schedule.id == schedule_id)
    if schedule is not None:
        activity.record(
            schedule.user,
            "schedule run",
            f"{status}: {schedule.job_type}, {detail}",
            by="schedule",
            playlist_id=schedule.target_playlist_id,
            at=now,
        )


def paused_note(until: datetime) -> str:
    return f"postponed: Spotify paused Shuffify until {until:%Y-%m-%d %H:%M} UTC"


def _record_on_schedule(schedule_id: int, status: str, error: str | None, now: datetime):
    """The run's result on the schedule; the 5th failure in a row pauses it.

    Column updates, not a save of a row read earlier: a PATCH or a claim made
    meanwhile by another process keeps its columns.
    """
    failures = Schedule.consecutive_failures + 1 if error else 0
    Schedule.update(
        last_run_at=now,
        last_status=status,
        last_error=error,
        lease_until=None,
        consecutive_failures=failures,
    ).where(Schedule.id == schedule_id).execute()
    if error:
        Schedule.update(
            is_enabled=False,
            next_run_at=None,
            last_error=f"paused after {MAX_FAILURES} failed runs in a row; last: {error}",
        ).where(
            (Schedule.id == schedule_id)
            & Schedule.is_enabled
            & (Schedule.consecutive_failures >= MAX_FAILURES)
        ).execute()


def _prune(schedule_id: int) -> None:
    newest = (
        JobExecution.select(JobExecution.id)
        .where(JobExecution.schedule == schedule_id)
        .order_by(JobExecution.id.desc())
        .limit(KEEP_EXECUTIONS)
    )
    JobExecution.delete().where(
        (JobExecution.schedule == schedule_id)
        & JobExecution.id.not_in(newest)
        & (JobExecution.status != "queued")
    ).execute()


def recover_expired(now: datetime) -> int:
    """Fail the runs whose process stopped (lease passed); the schedules run again when due.

    On PostgreSQL the expired rows are locked (SKIP LOCKED: one being claimed
    or recovered elsewhere is left alone), so a recovery never undoes a claim.
    Enabled schedules without a due time (rows from before the runner) get one.
    """
    with write_transaction():
        query = Schedule.select(Schedule.id).where(Schedule.lease_until < now)
        if not is_sqlite(Schedule._meta.database):
            query = query.for_update(skip_locked=True)
        expired = [row.id for row in query]
        for schedule_id in expired:
            JobExecution.update(status="failed", completed_at=now, error_message=DIED).where(
                (JobExecution.schedule == schedule_id) & (JobExecution.status == "running")
            ).execute()
            _record_on_schedule(schedule_id, "failed", DIED, now)
        for schedule in Schedule.select().where(
            Schedule.is_enabled & Schedule.next_run_at.is_null()
        ):
            Schedule.update(next_run_at=_following_run(schedule, now)).where(
                Schedule.id == schedule.id
            ).execute()
    return len(expired)
