"""The workshop's calls to Spotify: saving a staged order, search, external playlists.

A save makes the playlist exactly the staged list, through the same path as
a shuffle (recorded first, completed after a failure, fewest calls, local
files kept, one undo step). Given the snapshot the page was built from, it
refuses with 409 and the live list when the playlist changed on Spotify
since, and writes nothing.
"""

from shuffify.checks import whole_number
from shuffify.database import write_transaction
from shuffify.errors import Conflict, NotFound, Refused
from shuffify.models import RecentExternalPlaylist, User, utcnow
from shuffify.playlists import changes, claims
from shuffify.playlists.uris import playlist_id_from
from shuffify.spotify import NotFound as SpotifyNotFound
from shuffify.spotify import Spotify
from shuffify.spotify import playlists as spotify_playlists
from shuffify.spotify.search import MAX_LIMIT, search

MAX_QUERY = 200
MAX_RECENT = 10
SEARCH_KINDS = ("track", "playlist")


class SnapshotConflict(Conflict):
    """The playlist changed on Spotify since the page read it."""

    def __init__(self, live: changes.LivePlaylist):
        super().__init__(
            "the playlist changed on Spotify since you loaded it: reload it, or save again "
            "without snapshot_id to overwrite"
        )
        self.live = {"snapshot_id": live.snapshot_id, "track_uris": live.uris}


def save_tracks(
    spotify: Spotify, user: User, playlist_id: str, uris: list[str], snapshot_id: str | None
) -> dict:
    with claims.held(playlist_id, "workshop save"):
        changes.complete_pending(spotify, user, playlist_id)
        live = changes.load_editable(spotify, user, playlist_id)
        if snapshot_id is not None and snapshot_id != live.snapshot_id:
            raise SnapshotConflict(live)
        return changes.apply_change(spotify, user, live, uris, "workshop", "workshop save")


def find(spotify: Spotify, query: object, kind: object, limit: object, offset: object) -> dict:
    """Search Spotify, with every parameter checked first."""
    if not isinstance(query, str) or not 1 <= len(query.strip()) <= MAX_QUERY:
        raise Refused(f"q must be 1 to {MAX_QUERY} characters")
    if kind not in SEARCH_KINDS:
        raise Refused("type must be track or playlist")
    limit = whole_number(limit, "limit", 1, MAX_LIMIT)
    offset = whole_number(offset, "offset", 0, 1000)
    return search(spotify, query.strip(), kind, limit, offset)


def load_external(spotify: Spotify, user: User, link: object) -> dict:
    """A playlist by ID, URI or link: metadata and tracks, or tracks None with a reason."""
    playlist_id = playlist_id_from(link)
    if playlist_id is None:
        raise Refused(
            "url must be a playlist link (https://open.spotify.com/playlist/...), "
            "a spotify:playlist: URI or a playlist ID"
        )
    try:
        playlist = spotify_playlists.read(spotify, playlist_id)
    except SpotifyNotFound:
        raise NotFound("Spotify has no such playlist") from None
    remember(user, playlist)
    return playlist


def remember(user: User, playlist: dict) -> None:
    """Keep the playlist at the top of the user's recent list (at most MAX_RECENT)."""
    fields = {
        "name": playlist.get("name"),
        "owner_name": playlist.get("owner_name"),
        "track_count": playlist.get("track_count"),
        "loaded_at": utcnow(),
    }
    with write_transaction():
        row, created = RecentExternalPlaylist.get_or_create(
            user=user, playlist_id=playlist["id"], defaults=fields
        )
        if not created:
            RecentExternalPlaylist.update(**fields).where(
                RecentExternalPlaylist.id == row.id
            ).execute()
        keep = recent_query(user).limit(MAX_RECENT)
        RecentExternalPlaylist.delete().where(
            (RecentExternalPlaylist.user == user)
            & RecentExternalPlaylist.id.not_in([r.id for r in keep])
        ).execute()


def recent_query(user: User):
    return (
        RecentExternalPlaylist.select()
        .where(RecentExternalPlaylist.user == user)
        .order_by(RecentExternalPlaylist.loaded_at.desc(), RecentExternalPlaylist.id.desc())
    )


def recent(user: User) -> list[dict]:
    return [
        {
            "id": row.playlist_id,
            "name": row.name,
            "owner_name": row.owner_name,
            "track_count": row.track_count,
            "loaded_at": row.loaded_at.isoformat(),
        }
        for row in recent_query(user)
    ]
