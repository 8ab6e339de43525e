"""The Spotify client: the one place the app talks to Spotify.

Laid out after tekore: `sender` owns the pooled HTTP connections, retries
and rate limits; `client` adds the bearer token and paging; one small module
per API area (`oauth`, `users`, `playlists`, `search`) on top; `shapes` turns
Spotify's objects, today's Development Mode shapes and the older ones alike,
into the app's own.
"""

from shuffify.spotify.client import Spotify, TokenSource
from shuffify.spotify.errors import (
    Forbidden,
    ForeignPage,
    NotFound,
    Paused,
    RateLimited,
    Revoked,
    SpotifyError,
    Unavailable,
)
from shuffify.spotify.sender import Sender

__all__ = [
    "Forbidden",
    "ForeignPage",
    "NotFound",
    "Paused",
    "RateLimited",
    "Revoked",
    "Sender",
    "Spotify",
    "SpotifyError",
    "TokenSource",
    "Unavailable",
]
