"""The job runner: a thread in every app process that claims due schedules and runs them.

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
never runs twice at once.

A running schedule's lease is extended while it runs (the heartbeat). A
process that dies leaves its lease to expire: the next process to look marks
that run failed ("the process running it stopped") and the schedule runs at
its next due time. Every state is a row: nothing in memory is the truth.
"""

import logging
import threading
from datetime import datetime, timedelta

import peewee as pw

from shuffify.accounts import activity, authorization
from shuffify.database import is_sqlite, released_after, write_transaction
from shuffify.errors import Refused
from shuffify.health import first_line
from shuffify.heartbeat import Heartbeat
from shuffify.limits import budget, pause
from shuffify.models import JobExecution, Schedule, User, utcnow
from shuffify.playlists import recovery
from shuffify.playlists.changes import WriteInterrupted
from shuffify.playlists.claims import PlaylistBusy
from shuffify.rules import queue as rule_queue
from shuffify.scheduling import jobs
from shuffify.scheduling.schedules import next_run
from shuffify.spotify import Paused, Revoked, SpotifyError

log = logging.getLogger(__name__)

KEEP_EXECUTIONS = 100
MAX_FAILURES = 5
MESSAGE_LIMIT = 500
DIED = "the process running it stopped"
MAX_POSTPONE = timedelta(minutes=5)
POSTPONED = "postponed: the playlist was being changed; it runs again when that is done"


class Runner:
    """Claims and runs due schedules until stopped."""

    def __init__(
        self,
        services,
        database: pw.Database,
        poll_s: float,
        lease_s: int,
        stopping: threading.Event | None = None,
        run_schedules: bool = True,
    ):
        self.services = services
        self.run_schedules = run_schedules
        self.database = database
        self.poll_s = poll_s
        self.lease = timedelta(seconds=lease_s)
        self._wake = threading.Event()
        self._stopping = stopping or threading.Event()
        self._thread: threading.Thread | None = None

    def clock(self) -> datetime:
        return self.services.clock()

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="runner", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        """Look for work now (after a "run now" or a new schedule)."""
        self._wake.set()

    def stop(self, timeout: float) -> None:
        """Claim nothing more; wait up to timeout for a run in progress (else: the lease)."""
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _loop(self) -> None:
        while not self._stopping.is_set():
            wait_s = self.poll_s
            try:
                with released_after(self.database):
                    wait_s = self._pass()
            except (pw.PeeweeException, OSError) as error:
                log.warning("runner: database unavailable: %s", first_line(error))
            except Exception:  # the thread must outlive any one bad row or run
                log.exception("runner: unexpected error; looking again at the next poll")
            self._wake.wait(wait_s)
            self._wake.clear()

    def _pass(self) -> float:
        """Interrupted writes, then due schedules; the seconds until the next look."""
        if not self.services.schema_ready():
            return self.poll_s
        first_free = self.complete_writes()
        if self.run_schedules:
            self.run_pending()
        if first_free is None:
            return self.poll_s
        return min(self.poll_s, max(0.5, (first_free - utcnow()).total_seconds() + 0.5))

    def complete_writes(self) -> datetime | None:
        """Complete the interrupted writes no one holds; when a held one's claim runs out."""
        return recovery.complete_interrupted(self.services.background_spotify)

    def run_pending(self) -> int:
        """Recover dead runs, then claim and run until nothing is due; the runs done."""
        if not self.services.schema_ready():
            return 0
        recover_expired(self.clock())
        done = 0
        while not self._stopping.is_set():
            claimed = claim(self.clock(), self.lease)
            if claimed is None:
                break
            self.run(*claimed)
            done += 1
        return done + self.run_rules()

    def run_rules(self) -> int:
        """The queued rule runs ("run now" of a rule); the runs done."""
        if self._stopping.is_set():
            return 0
        return rule_queue.run_queued(
            self.services.background_spotify,
            self.clock,
            self.lease,
            lambda stopped: self.services.retry_write(stopped.user, stopped.playlist_id),
        )

    def run(self, schedule: Schedule, execution: JobExecution) -> None:
        """Run one claimed execution and record how it ended."""
        with Heartbeat(self.lease.total_seconds() / 3, lambda: self._beat(schedule.id)):
            self._run(schedule, execution)

    def _held_back(self) -> tuple[datetime, str] | None:
        """(until, why) when no background run may call Spotify now: paused, or over budget."""
        now = self.clock()
        until = pause.paused_until(now)
        if until is not None:
            return until, paused_note(until)
        if not budget.background_allowed(now, self.services.settings.spotify_daily_call_budget):
            return budget.fits_again_at(now), budget.POSTPONED
        return None

    def _beat(self, schedule_id: int) -> None:
        """Extend a running schedule's lease."""
        with self.database.connection_context():
            Schedule.update(lease_until=self.clock() + self.lease).where(
                (Schedule.id == schedule_id) & Schedule.lease_until.is_null(False)
            ).execute()

    def _run(self, schedule: Schedule, execution: JobExecution) -> None:
        held_back = self._held_back()
        if held_back is not None:
            postpone(schedule.id, execution.id, self.clock(), *held_back)
            return
        try:
            outcome = jobs.execute(self.services.background_spotify(schedule.user), schedule)
        except Paused as paused:
            postpone(
                schedule.id, execution.id, self.clock(), paused.until, paused_note(paused.until)
            )
        except Revoked:
            reason = authorization.held_reason(schedule.user, self.clock())
            hold(schedule, execution.id, self.clock(), reason)
        except PlaylistBusy as busy:
            wait = busy.until - utcnow() + timedelta(seconds=1)  # the claim's own clock
            now = self.clock()
            postpone(schedule.id, execution.id, now, now + min(wait, MAX_POSTPONE))
        except WriteInterrupted as interrupted:
            self.services.retry_write(interrupted.user, interrupted.playlist_id)
            finish(schedule.id, execution.id, self.clock(), None, _message(interrupted))
        except (SpotifyError, Refused) as error:
            finish(schedule.id, execution.id, self.clock(), None, _message(error))
        except Exception:
            log.exception("schedule %s: run failed", schedule.id)
            finish(schedule.id, execution.id, self.clock(), None, "an internal error stopped it")
        else:
            finish(schedule.id, execution.id, self.clock(), outcome, None)


def _message(error: Exception) -> str:
    return (getattr(error, "message", None) or str(error))[:MESSAGE_LIMIT]


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
    """The next due time in phase, or None when the stored timing is unusable (it is then
    paused with the reason, so one bad row never stops the runner)."""
    try:
        return next_run(schedule.schedule_type, schedule.schedule_value, now, schedule.next_run_at)
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
