"""A pause of every call to Spotify, set when Spotify asks for one, honoured everywhere.

A 429 with a Retry-After over a minute (Development Mode answers 13 to 24
hours once the app's daily quota is spent), or a body that says the quota is
exceeded, pauses the deployment until then: one row in spotify_pauses that
every process reads before calling Spotify (cached here for CACHE_S, so a
page of 20 calls reads it once). Calling on would only extend the refusal.
"""

import threading
import time
from datetime import datetime, timedelta

from shuffify.models import SpotifyPause

LONG_RETRY_AFTER_S = 60
QUOTA_RETRY_AFTER_S = 3600  # a quota message without a usable Retry-After
CACHE_S = 2.0
_cache = {"until": None, "read_at": -CACHE_S}
_lock = threading.Lock()


def is_quota_message(data: object) -> bool:
    text = str((data or {}).get("error", {}).get("message", "") if isinstance(data, dict) else "")
    return "quota" in text.lower()


def pause(until: datetime, reason: str) -> None:
    """Pause until `until`, or later if a longer pause is already set."""
    current = SpotifyPause.get_or_none(SpotifyPause.id == 1)
    if current is not None and current.paused_until >= until:
        return
    SpotifyPause.insert(id=1, paused_until=until, reason=reason[:200]).on_conflict(
        conflict_target=[SpotifyPause.id],
        update={SpotifyPause.paused_until: until, SpotifyPause.reason: reason[:200]},
    ).execute()
    _remember(until)


def paused_until(now: datetime) -> datetime | None:
    """The end of the deployment's pause, if it has not passed (read at most every CACHE_S)."""
    with _lock:
        fresh = time.monotonic() - _cache["read_at"] < CACHE_S
        until = _cache["until"]
    if not fresh:
        row = SpotifyPause.get_or_none(SpotifyPause.id == 1)
        until = row.paused_until if row else None
        _remember(until)
    return until if until is not None and until > now else None


def forget_cache() -> None:
    """Read the table at the next look (a test moving the clock, or clearing the pause)."""
    _remember(None, read_at=-CACHE_S)


def _remember(until: datetime | None, read_at: float | None = None) -> None:
    with _lock:
        _cache["until"] = until
        _cache["read_at"] = time.monotonic() if read_at is None else read_at


def until_for(retry_after_s: int, data: object, now: datetime) -> datetime | None:
    """The pause a 429 asks for, or None for an ordinary short rate limit."""
    if retry_after_s > LONG_RETRY_AFTER_S:
        return now + timedelta(seconds=retry_after_s)
    if is_quota_message(data):
        return now + timedelta(seconds=max(retry_after_s, QUOTA_RETRY_AFTER_S))
    return None
