"""What the Spotify client asks before each call and tells after it, for one user and feature.

Before: is the deployment paused? Then no call is made (Paused, a 503 with
Retry-After for pages, a postponement for background runs). After: the call
is counted, and a long Retry-After or a quota message pauses everyone.
"""

from collections.abc import Callable
from datetime import datetime

from shuffify.database import release_idle_connection
from shuffify.limits import calls, pause
from shuffify.spotify.errors import Paused, RateLimited


class Gate:
    """One user's (or no user's) calls for one feature."""

    def __init__(self, user_id: int | None, feature: str, clock: Callable[[], datetime]):
        self.user_id = user_id
        self.feature = feature if feature in calls.FEATURES else "other"
        self.clock = clock

    def before_call(self) -> None:
        now = self.clock()
        until = pause.paused_until(now)
        if until is not None:
            raise Paused(until, now)

    def observed(self, status: int) -> None:
        """Count the call; the connection goes back to the pool before any retry's wait."""
        calls.record(self.user_id, self.feature, status, self.clock())
        release_idle_connection()

    def rate_limited(self, error: RateLimited) -> RateLimited:
        """The error to raise for a 429 the caller cannot wait out: a pause when it is long."""
        now = self.clock()
        until = pause.until_for(error.retry_after_s, error.data, now)
        if until is None:
            return error
        pause.pause(until, "Spotify's rate limit for this app")
        return Paused(until, now)
