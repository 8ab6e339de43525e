"""Counting every call to Spotify in the database: per hour, user, feature and status.

One upsert per call (an increment of the hour's row), so every process and
replica reads the same count. The rolling 24 hours are the last 24 hourly
rows, the current one included: at most an hour more than a day.
"""

from datetime import datetime, timedelta

import peewee as pw

from shuffify.models import SpotifyCallCount

DAY = timedelta(hours=24)
FEATURES = (
    "page",
    "shuffle",
    "save",
    "undo",
    "restore",
    "import",
    "export",
    "tools",
    "schedule",
    "rule",
    "retry",
    "signin",
    "other",
)


def hour_of(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


def record(user_id: int | None, feature: str, status: int, now: datetime) -> None:
    """One call made (status 0: no answer)."""
    SpotifyCallCount.insert(
        hour=hour_of(now), user=user_id, feature=feature, status=status, calls=1
    ).on_conflict(
        conflict_target=[
            SpotifyCallCount.hour,
            SpotifyCallCount.user,
            SpotifyCallCount.feature,
            SpotifyCallCount.status,
        ],
        update={SpotifyCallCount.calls: SpotifyCallCount.calls + 1},
    ).execute()


def _window(now: datetime):
    return SpotifyCallCount.hour > hour_of(now) - DAY


def used(now: datetime, user_id: int | None = None) -> int:
    """Calls in the rolling 24 hours: the deployment's, or one user's."""
    where = _window(now)
    if user_id is not None:
        where &= SpotifyCallCount.user == user_id
    total = SpotifyCallCount.select(pw.fn.SUM(SpotifyCallCount.calls)).where(where).scalar()
    return int(total or 0)


def by_feature(now: datetime) -> dict[str, int]:
    rows = (
        SpotifyCallCount.select(SpotifyCallCount.feature, pw.fn.SUM(SpotifyCallCount.calls))
        .where(_window(now))
        .group_by(SpotifyCallCount.feature)
        .tuples()
    )
    return {feature: int(total) for feature, total in rows}


def by_feature_and_status() -> list[tuple[str, int, int]]:
    """(feature, status, calls) over every kept hour, for /metrics."""
    return list(
        SpotifyCallCount.select(
            SpotifyCallCount.feature, SpotifyCallCount.status, pw.fn.SUM(SpotifyCallCount.calls)
        )
        .group_by(SpotifyCallCount.feature, SpotifyCallCount.status)
        .tuples()
    )


def prune(now: datetime, keep: timedelta = timedelta(days=8)) -> int:
    return SpotifyCallCount.delete().where(SpotifyCallCount.hour < hour_of(now) - keep).execute()


def oldest_hour_in_window(now: datetime) -> datetime | None:
    return SpotifyCallCount.select(pw.fn.MIN(SpotifyCallCount.hour)).where(_window(now)).scalar()
