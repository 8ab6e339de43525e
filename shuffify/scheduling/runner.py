"""The job runner: a thread in every app process that claims due runs and does them.

Each pass first completes interrupted playlist writes (playlists.recovery),
then claims due schedules one at a time (scheduling.runs: exactly once
across processes) and queued rule runs, and runs them, unless Spotify has
paused us or the daily budget's background share is spent: those runs are
postponed, not failed.

A running schedule's lease is extended while it runs (the heartbeat). A
process that dies leaves its lease to expire: the next process to look marks
that run failed ("the process running it stopped") and the schedule runs at
its next due time. Every state is a row: nothing in memory is the truth.
"""

import logging
import threading
from datetime import datetime, timedelta

import peewee as pw

from shuffify.accounts import authorization
from shuffify.database import released_after
from shuffify.errors import Refused
from shuffify.health import first_line
from shuffify.heartbeat import Heartbeat
from shuffify.limits import budget, pause
from shuffify.models import JobExecution, Schedule, utcnow
from shuffify.playlists import recovery
from shuffify.playlists.changes import WriteInterrupted
from shuffify.playlists.claims import PlaylistBusy
from shuffify.rules import queue as rule_queue
from shuffify.scheduling import jobs
from shuffify.scheduling.runs import claim, finish, hold, paused_note, postpone, recover_expired
from shuffify.spotify import Paused, Revoked, SpotifyError

log = logging.getLogger(__name__)

MESSAGE_LIMIT = 500
MAX_POSTPONE = timedelta(minutes=5)


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
        """The queued rule runs ("run now" of a rule); the runs done. While Spotify has
        paused us or the day's background share is spent, they wait in the queue."""
        if self._stopping.is_set() or self._held_back() is not None:
            return 0
        return rule_queue.run_queued(
            lambda user: self.services.background_spotify(user, "rule"),
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
