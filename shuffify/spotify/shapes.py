"""Spotify's objects in the app's own shapes, from today's API and the older one.

Development Mode apps get a playlist's entries under `item` and its count
under `items`; Extended Quota apps still get `track` and `tracks`. Both are
read here, so nothing else in the app knows there are two. An entry's
`added_at` and its album's `release_date` are kept: sorting by them needs them;
and `explicit` (false when Spotify does not say), which a rule can filter on.
"""

METADATA_ONLY_REASON = (
    "Spotify shares only this playlist's details, not its tracks: apps in Spotify's "
    "Development Mode can read the tracks of your own and collaborative playlists only"
)


def track(entry: dict) -> dict:
    """A playlist entry ({item|track, is_local}) as the app's track."""
    item = entry.get("item") or entry.get("track")
    if not item:
        return {**unavailable(), "added_at": entry.get("added_at")}
    is_local = bool(entry.get("is_local") or item.get("is_local"))
    return {**track_from_item(item, is_local), "added_at": entry.get("added_at")}


def track_from_item(item: dict, is_local: bool = False) -> dict:
    """A track or episode object (from a playlist or a search) as the app's track."""
    episode = item.get("type") == "episode"
    album = (item.get("show") if episode else item.get("album")) or {}
    images = album.get("images") or item.get("images") or []
    return {
        "uri": item.get("uri"),
        "id": item.get("id"),
        "name": item.get("name"),
        "artists": [a.get("name") for a in item.get("artists") or [] if a.get("name")],
        "album": album.get("name"),
        "duration_ms": item.get("duration_ms"),
        "is_local": is_local or bool(item.get("is_local")),
        "image_url": first_image(images),
        "release_date": (item if episode else album).get("release_date"),
        "explicit": bool(item.get("explicit")),
    }


def unavailable() -> dict:
    """An entry Spotify no longer serves: it still holds its position."""
    return {
        "uri": None,
        "id": None,
        "name": None,
        "artists": [],
        "album": None,
        "duration_ms": None,
        "is_local": False,
        "image_url": None,
        "release_date": None,
        "explicit": False,
    }


def item_count(playlist: dict) -> int | None:
    """The number of entries, from `items` (today) or `tracks` (before)."""
    counted = playlist.get("items") or playlist.get("tracks")
    return counted.get("total") if isinstance(counted, dict) else None


def playlist_summary(playlist: dict) -> dict:
    return {
        "id": playlist.get("id"),
        "name": playlist.get("name"),
        "owner_id": (playlist.get("owner") or {}).get("id"),
        "track_count": item_count(playlist),
        "image_url": first_image(playlist.get("images")),
        "snapshot_id": playlist.get("snapshot_id"),
    }


def search_playlist(playlist: dict) -> dict:
    owner = playlist.get("owner") or {}
    return {
        "id": playlist.get("id"),
        "name": playlist.get("name"),
        "owner_name": owner.get("display_name") or owner.get("id"),
        "image_url": first_image(playlist.get("images")),
        "track_count": item_count(playlist),
    }


def first_image(images) -> str | None:
    return images[0].get("url") if images else None
