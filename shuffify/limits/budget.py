"""The deployment's own daily ceiling: background work leaves the last 20% to people.

SPOTIFY_DAILY_CALL_BUDGET (default 2000, over a rolling 24 hours) is a
ceiling below Spotify's unpublished one. Schedules, rules, retries and
backups stop claiming new runs at BACKGROUND_SHARE of it; pages keep working
up to the whole budget and beyond (Spotify, not us, refuses them then).
"""

from datetime import datetime, timedelta

from shuffify.limits import calls

BACKGROUND_SHARE = 0.8
POSTPONED = "postponed: daily call budget"


def background_allowed(now: datetime, budget: int) -> bool:
    return calls.used(now) < BACKGROUND_SHARE * budget


def fits_again_at(now: datetime) -> datetime:
    """When the oldest counted hour leaves the window (an hour from now at the latest)."""
    oldest = calls.oldest_hour_in_window(now)
    if oldest is None:
        return now
    return max(oldest + calls.DAY + timedelta(hours=1), now + timedelta(minutes=1))


def status(now: datetime, budget: int) -> dict:
    used = calls.used(now)
    return {
        "calls_24h": used,
        "budget": budget,
        "background_stops_at": int(BACKGROUND_SHARE * budget),
        "by_feature": calls.by_feature(now),
    }
