"""What can go wrong talking to Spotify, as exceptions the routes map to HTTP.

Messages are written for the person using Shuffify and never carry a token,
a code or a response body that could hold one.
"""


class SpotifyError(Exception):
    """Spotify answered with an error; status is its HTTP status."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


class NotFound(SpotifyError):
    def __init__(self, message: str = "Spotify has no such playlist or item"):
        super().__init__(404, message)


class Forbidden(SpotifyError):
    def __init__(self, message: str = "Spotify does not allow this"):
        super().__init__(403, message)


class Unauthorized(SpotifyError):
    """The access token was refused (expired or revoked)."""

    def __init__(self, message: str = "Spotify refused the access token"):
        super().__init__(401, message)


class Revoked(SpotifyError):
    """The refresh token no longer works: only signing in again helps."""

    def __init__(self):
        super().__init__(401, "Spotify access was revoked: sign in again")


class RateLimited(SpotifyError):
    """Spotify asked us to wait longer than a caller may (data: its answer's body)."""

    def __init__(self, retry_after_s: int, data: object = None):
        super().__init__(429, f"Spotify is rate limiting us: try again in {retry_after_s} s")
        self.retry_after_s = retry_after_s
        self.data = data


class Paused(RateLimited):
    """The deployment's calls to Spotify are paused until `until` (naive UTC)."""

    def __init__(self, until, now):
        super().__init__(max(1, int((until - now).total_seconds())))
        self.until = until
        self.message = (
            f"Spotify has paused Shuffify until {until:%Y-%m-%d %H:%M} UTC: "
            "nothing can be read or changed on Spotify until then"
        )


class ForeignPage(SpotifyError):
    """A page's `next` link leads off the configured API: the token is not sent there."""

    def __init__(self):
        super().__init__(
            502,
            "Spotify's answer linked its next page to another server: stopped reading there",
        )


class Unavailable(SpotifyError):
    """Spotify could not be reached or kept failing (5xx, network) after retries."""

    def __init__(self, message: str = "Spotify is not answering right now: try again shortly"):
        super().__init__(503, message)
