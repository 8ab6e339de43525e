"""GET /search: tracks or playlists, at most 10 a page in Development Mode."""

from shuffify.spotify import shapes
from shuffify.spotify.client import Spotify

MAX_LIMIT = 10


def search(spotify: Spotify, query: str, kind: str, limit: int, offset: int) -> dict:
    """{"items": [...], "total", "offset", "limit"} for kind "track" or "playlist"."""
    page = spotify.get("/search", {"q": query, "type": kind, "limit": limit, "offset": offset})
    listing = page.get(f"{kind}s") or {}
    shape = shapes.track_from_item if kind == "track" else shapes.search_playlist
    return {
        "items": [shape(item) for item in listing.get("items") or [] if item],
        "total": listing.get("total", 0),
        "offset": offset,
        "limit": limit,
    }
