"""Recognising what users give us: Spotify URIs, and playlists by ID, URI or link."""

import re
from urllib.parse import urlsplit

from shuffify.errors import Refused

TRACK_OR_EPISODE = re.compile(r"spotify:(track|episode):[A-Za-z0-9]{22}")
LOCAL_FILE = re.compile(r"spotify:local:[^\s]{1,1000}")
PLAYLIST_ID = re.compile(r"[A-Za-z0-9]{22}")
PLAYLIST_URI = re.compile(r"spotify:playlist:([A-Za-z0-9]{22})")
LINK_PATH = re.compile(r"/(?:intl-[A-Za-z_-]+/)?playlist/([A-Za-z0-9]{22})/?")
MAX_TRACKS = 10_000


def is_item_uri(value: object) -> bool:
    """A Spotify track, episode or local-file URI."""
    return isinstance(value, str) and bool(
        TRACK_OR_EPISODE.fullmatch(value) or LOCAL_FILE.fullmatch(value)
    )


def checked_track_uris(value: object, field: str = "track_uris") -> list[str]:
    """A list of at most MAX_TRACKS item URIs, or a Refused naming the first bad one."""
    if not isinstance(value, list):
        raise Refused(f"{field} must be a list of Spotify URIs")
    if len(value) > MAX_TRACKS:
        raise Refused(f"{field} holds {len(value)} items; at most {MAX_TRACKS} are allowed")
    for position, uri in enumerate(value):
        if not is_item_uri(uri):
            raise Refused(
                f"{field}[{position}] is not a Spotify track, episode or local-file URI: "
                f"{str(uri)[:80]!r}"
            )
    return value


def playlist_id_from(text: object) -> str | None:
    """The playlist ID in an ID, a spotify:playlist: URI or an open.spotify.com link."""
    if not isinstance(text, str):
        return None
    text = text.strip()
    if PLAYLIST_ID.fullmatch(text):
        return text
    if match := PLAYLIST_URI.fullmatch(text):
        return match.group(1)
    try:
        parts = urlsplit(text if "://" in text else f"https://{text}")
    except ValueError:  # a broken host: "https://[", "open.spotify.com]/x"
        return None
    if parts.scheme not in ("http", "https") or parts.hostname != "open.spotify.com":
        return None
    match = LINK_PATH.fullmatch(parts.path)
    return match.group(1) if match else None
