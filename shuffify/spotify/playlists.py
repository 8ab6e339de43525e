"""Playlists and their items: read every page, write with the calls Spotify allows.

Reads use the largest page Spotify allows (50). Writes are the raw
operations; choosing between them (replace or moves) is shuffify.playlists.reorder's
job, and recording them so that no track is lost is shuffify.playlists.writer'.
"""

from collections.abc import Sequence

from shuffify.spotify import shapes
from shuffify.spotify.client import Spotify
from shuffify.spotify.errors import Forbidden

PAGE_LIMIT = 50  # /me/playlists and /playlists/{id}/items
WRITE_LIMIT = 100  # items per POST, PUT (replace) or DELETE


def editable_playlists(spotify: Spotify, user_id: str) -> list[dict]:
    """The user's playlists they can change: their own and collaborative ones."""
    return [shapes.playlist_summary(p) for p in editable_playlist_objects(spotify, user_id)]


def editable_playlist_objects(spotify: Spotify, user_id: str) -> list[dict]:
    """The same playlists as Spotify describes them (name, description, snapshot_id...)."""
    return [
        p
        for p in spotify.pages("/me/playlists", {"limit": PAGE_LIMIT})
        if p and is_editable(p, user_id)
    ]


def create(spotify: Spotify, name: str, description: str = "") -> dict:
    """A new private playlist of the user (POST /me/playlists); never repeated blindly."""
    body = {"name": name, "public": False, "description": description}
    return spotify.send("POST", "/me/playlists", body, safe=False)


def metadata(spotify: Spotify, playlist_id: str) -> dict:
    return spotify.get(f"/playlists/{playlist_id}")


def is_editable(playlist: dict, user_id: str) -> bool:
    return (playlist.get("owner") or {}).get("id") == user_id or bool(playlist.get("collaborative"))


def entries(spotify: Spotify, playlist_id: str, meta: dict | None = None) -> list[dict]:
    """Every entry in playlist order (tracks, episodes, local files, unavailable ones).

    Given the playlist's metadata just read, items this user read under the
    same snapshot_id come from the cache instead of one call per page.
    """
    snapshot_id = (meta or {}).get("snapshot_id")
    cached = spotify.cache.get(playlist_id, snapshot_id)
    if cached is not None:
        return cached
    params = {"limit": PAGE_LIMIT, "additional_types": "track,episode"}
    tracks = [shapes.track(e) for e in spotify.pages(f"/playlists/{playlist_id}/items", params)]
    spotify.cache.put(playlist_id, snapshot_id, tracks)
    return tracks


def read(spotify: Spotify, playlist_id: str) -> dict:
    """Metadata and tracks; `tracks` None with a `reason` when Spotify shares only metadata."""
    meta = metadata(spotify, playlist_id)
    result = {
        "id": meta.get("id", playlist_id),
        "name": meta.get("name"),
        "description": meta.get("description"),
        "owner_id": (meta.get("owner") or {}).get("id"),
        "owner_name": (meta.get("owner") or {}).get("display_name"),
        "snapshot_id": meta.get("snapshot_id"),
        "track_count": shapes.item_count(meta),
        "image_url": shapes.first_image(meta.get("images")),
        "collaborative": bool(meta.get("collaborative")),
    }
    try:
        tracks = entries(spotify, playlist_id, meta)
    except Forbidden:
        return {**result, "tracks": None, "reason": shapes.METADATA_ONLY_REASON}
    return {**result, "track_count": len(tracks), "tracks": tracks}


def replace(spotify: Spotify, playlist_id: str, uris: Sequence[str]) -> str:
    """Make the playlist exactly its first 100 `uris`; safe to repeat."""
    spotify.cache.forget(playlist_id)
    reply = spotify.send(
        "PUT", f"/playlists/{playlist_id}/items", {"uris": list(uris)[:WRITE_LIMIT]}, safe=True
    )
    return reply.get("snapshot_id")


def append(spotify: Spotify, playlist_id: str, uris: Sequence[str], position=None) -> str:
    """Add at most 100 items (at the end, or at `position`); never repeated blindly."""
    spotify.cache.forget(playlist_id)
    body = {"uris": list(uris)}
    if position is not None:
        body["position"] = position
    return spotify.send("POST", f"/playlists/{playlist_id}/items", body, safe=False).get(
        "snapshot_id"
    )


def move(spotify: Spotify, playlist_id: str, move_body: dict, snapshot_id: str | None) -> str:
    """Move one block; with the snapshot it was planned against."""
    spotify.cache.forget(playlist_id)
    body = dict(move_body)
    if snapshot_id:
        body["snapshot_id"] = snapshot_id
    return spotify.send("PUT", f"/playlists/{playlist_id}/items", body, safe=False).get(
        "snapshot_id"
    )


def remove(spotify: Spotify, playlist_id: str, uris: Sequence[str], snapshot_id: str | None) -> str:
    """Remove every occurrence of each of at most 100 uris; safe to repeat."""
    spotify.cache.forget(playlist_id)
    body = {"items": [{"uri": uri} for uri in uris]}
    if snapshot_id:
        body["snapshot_id"] = snapshot_id
    return spotify.send("DELETE", f"/playlists/{playlist_id}/items", body, safe=True).get(
        "snapshot_id"
    )
