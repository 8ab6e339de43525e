"""GET /metrics in the Prometheus text format, written by hand.

prometheus_client would add a dependency and its process collectors for a
dozen lines of text; the format is simple and stable. Every figure is read
from the database, so any replica answers for the whole deployment. No
user's id, name or token appears: users needing sign-in are a count.
"""

from datetime import datetime

import peewee as pw

from shuffify.limits import budget, calls, pause
from shuffify.models import JobExecution, User


def render(now: datetime, daily_budget: int) -> str:
    lines: list[str] = []
    _calls(lines)
    _limits(lines, now, daily_budget)
    _runs(lines)
    _metric(lines, "shuffify_users_needing_signin", "gauge", "Users whose Spotify sign-in ended.")
    lines.append(f"shuffify_users_needing_signin {User.select().where(User.needs_signin).count()}")
    return "\n".join(lines) + "\n"


def _metric(lines: list[str], name: str, kind: str, text: str) -> None:
    lines += [f"# HELP {name} {text}", f"# TYPE {name} {kind}"]


def _calls(lines: list[str]) -> None:
    rows = calls.by_feature_and_status()
    _metric(lines, "shuffify_spotify_calls", "gauge", "Calls to Spotify kept (8 days).")
    for feature, status, total in sorted(rows):
        lines.append(f'shuffify_spotify_calls{{feature="{feature}",status="{status}"}} {total}')
    limited = sum(total for _, status, total in rows if status == 429)
    _metric(lines, "shuffify_spotify_rate_limited", "gauge", "429 answers kept (8 days).")
    lines.append(f"shuffify_spotify_rate_limited {limited}")


def _limits(lines: list[str], now: datetime, daily_budget: int) -> None:
    until = pause.paused_until(now)
    used = calls.used(now)
    _metric(lines, "shuffify_spotify_paused", "gauge", "1 while Spotify has paused us.")
    lines.append(f"shuffify_spotify_paused {int(until is not None)}")
    _metric(lines, "shuffify_spotify_calls_24h", "gauge", "Calls in the rolling 24 hours.")
    lines.append(f"shuffify_spotify_calls_24h {used}")
    _metric(lines, "shuffify_spotify_budget_used", "gauge", "Share of the daily budget used.")
    lines.append(f"shuffify_spotify_budget_used {used / daily_budget:.4f}")
    _metric(lines, "shuffify_background_allowed", "gauge", "1 while background runs may claim.")
    lines.append(f"shuffify_background_allowed {int(budget.background_allowed(now, daily_budget))}")


def _runs(lines: list[str]) -> None:
    outcomes = JobExecution.select(JobExecution.status, pw.fn.COUNT(JobExecution.id)).group_by(
        JobExecution.status
    )
    _metric(lines, "shuffify_runs", "gauge", "Scheduled runs kept, by outcome.")
    for status, count in sorted(outcomes.tuples()):
        lines.append(f'shuffify_runs{{outcome="{status}"}} {count}')
    finished = [
        (run.completed_at - run.started_at).total_seconds()
        for run in JobExecution.select(JobExecution.started_at, JobExecution.completed_at).where(
            JobExecution.completed_at.is_null(False) & (JobExecution.status == "success")
        )
    ]
    _metric(lines, "shuffify_run_duration_seconds", "summary", "Successful runs' durations.")
    lines.append(f"shuffify_run_duration_seconds_sum {sum(finished):.3f}")
    lines.append(f"shuffify_run_duration_seconds_count {len(finished)}")
