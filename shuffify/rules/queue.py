"""Rule runs as rows: queued by the API or a schedule, claimed once, recorded as they end.

POST /api/rules/<rid>/run only inserts a queued rule_runs row; every
process's runner claims queued rows with a conditional UPDATE (status
queued -> running), which exactly one process wins, so a run happens once
across replicas. A running row carries a lease, extended while it runs: a
process that dies leaves it to run out, and the next pass marks it failed.
A run whose target is being changed goes back to the queue for the next pass;
the runs of a user whose Spotify sign-in ended wait there until they sign in.
"""

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from shuffify.errors import Refused
from shuffify.heartbeat import Heartbeat
from shuffify.models import Rule, RuleRun, User
from shuffify.playlists.changes import WriteInterrupted
from shuffify.playlists.claims import PlaylistBusy
from shuffify.rules import run, store
from shuffify.spotify import Spotify, SpotifyError

log = logging.getLogger(__name__)
DIED = "the process running it stopped"
MESSAGE_LIMIT = 500


def claim_next(now: datetime, lease: timedelta) -> RuleRun | None:
    """Take the oldest queued run, or None when there is none (or another took it)."""
    held = Rule.select(Rule.id).join(User).where(User.needs_signin)  # until they sign in
    queued = RuleRun.select().where((RuleRun.status == "queued") & RuleRun.rule.not_in(held))
    for row in queued.order_by(RuleRun.id).limit(5):
        won = (
            RuleRun.update(status="running", started_at=now, lease_until=now + lease)
            .where((RuleRun.id == row.id) & (RuleRun.status == "queued"))
            .execute()
        )
        if won:
            return RuleRun.get_by_id(row.id)
    return None


def recover_expired(now: datetime) -> int:
    return (
        RuleRun.update(status="failed", finished_at=now, lease_until=None, message=DIED)
        .where((RuleRun.status == "running") & (RuleRun.lease_until < now))
        .execute()
    )


def start(rule: Rule, trigger: str, now: datetime, lease: timedelta) -> RuleRun:
    """A run row for a scheduled run, already running."""
    return RuleRun.create(
        rule=rule,
        trigger=trigger,
        status="running",
        queued_at=now,
        started_at=now,
        lease_until=now + lease,
    )


def perform(
    spotify: Spotify, row: RuleRun, clock: Callable[[], datetime], lease: timedelta
) -> run.Outcome:
    """Run a claimed row's rule and record the end; errors are recorded, then raised."""

    def beat() -> None:  # on the heartbeat's thread: a connection of its own
        with RuleRun._meta.database.connection_context():
            RuleRun.update(lease_until=clock() + lease).where(RuleRun.id == row.id).execute()

    with Heartbeat(lease.total_seconds() / 3, beat, "rule-run"):
        try:
            outcome = run.execute(spotify, row.rule, row.trigger)
        except PlaylistBusy:
            _set(row.id, status="queued", started_at=None, lease_until=None)
            raise
        except Exception as error:
            finish(row.id, clock(), None, message_of(error))
            raise
    finish(row.id, clock(), outcome, None)
    return outcome


def message_of(error: Exception) -> str:
    if isinstance(error, (SpotifyError, Refused, WriteInterrupted)):
        return (getattr(error, "message", None) or str(error))[:MESSAGE_LIMIT]
    return "an internal error stopped it"


def finish(run_id: int, now: datetime, outcome: run.Outcome | None, error: str | None) -> None:
    fields = {"finished_at": now, "lease_until": None}
    if outcome is None:
        fields |= {"status": "failed", "message": error}
    else:
        fields |= {
            "status": outcome.status,
            "added": outcome.added,
            "removed": outcome.removed,
            "total": outcome.total,
            "message": "; ".join(outcome.notes)[:MESSAGE_LIMIT] or None,
        }
    updated = (
        RuleRun.update(**fields)
        .where((RuleRun.id == run_id) & (RuleRun.status == "running"))
        .execute()
    )
    if updated:
        store.prune(RuleRun.get_by_id(run_id).rule_id)


def _set(run_id: int, **fields) -> None:
    RuleRun.update(**fields).where(RuleRun.id == run_id).execute()


def run_queued(
    spotify_for: Callable, clock: Callable[[], datetime], lease: timedelta, on_interrupted
) -> int:
    """Claim and run queued rule runs until none is left; the runs done."""
    recover_expired(clock())
    done = 0
    while (row := claim_next(clock(), lease)) is not None:
        try:
            perform(spotify_for(row.rule.user), row, clock, lease)
        except PlaylistBusy:
            return done  # back in the queue: the next pass tries again
        except WriteInterrupted as interrupted:
            on_interrupted(interrupted)
        except (SpotifyError, Refused):
            pass  # recorded on the row
        except Exception:
            log.exception("rule run %s failed", row.id)
        done += 1
    return done
