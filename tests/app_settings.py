"""What tests import to build an app against the fake Spotify and to move its clock.

A plain module, not conftest.py: tests/web has a conftest.py of its own, and `from
conftest import ...` would find whichever conftest was imported last.
"""

from datetime import datetime

from fake_spotify import FakeSpotify


def spotify_settings(fake: FakeSpotify, **values: str) -> dict[str, str]:
    """The settings that point the app at the fake Spotify, for in-process clients."""
    return {
        "APP_ENV": "testing",
        "SPOTIFY_CLIENT_ID": fake.client_id,
        "SPOTIFY_CLIENT_SECRET": fake.client_secret,
        "SPOTIFY_ACCOUNTS_URL": fake.accounts_url,
        "SPOTIFY_API_URL": fake.api_url,
        "SPOTIFY_REDIRECT_URI": "http://127.0.0.1/callback",  # the in-process client's host
        "SECRET_KEY": "test-secret-key-0123456789abcdef0123456789",
        **values,
    }


T0 = datetime(2031, 3, 4, 10, 7, 30)  # naive UTC, like every column


class Clock:
    """The app's clock: naive UTC, moved only by the test."""

    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now
