"""Writing a new order to a Spotify playlist with the fewest calls, losing nothing.

Adding items at the end is appended (one call per 100). Otherwise
shuffify.playlists.reorder chooses between a replace (one call per 100 items; not
atomic, and it cannot carry local files) and block moves (one call per
block). When the new list is not a permutation of the live one and holds
local files or unavailable entries, it is reached by removing, adding and
then moving, so those entries are never dropped.

The caller records the target order (PlaylistHistory.pending_uris) before
the first call; if a call fails part way, write_order raises WriteIncomplete
and the order is completed later from the live playlist: writing is
convergent, so completing is just writing the same target again.
"""

from collections import Counter
from collections.abc import Sequence

from shuffify.playlists import reorder
from shuffify.spotify import Spotify, SpotifyError
from shuffify.spotify import playlists as spotify_playlists

BATCH = spotify_playlists.WRITE_LIMIT


class WriteIncomplete(Exception):
    """A write stopped part way; the playlist will be completed from the recorded order."""

    def __init__(self, cause: SpotifyError):
        super().__init__(
            "Spotify stopped answering while the playlist was being written; it is being "
            "completed: retry in a few seconds"
        )
        self.cause = cause


def live_uris(spotify: Spotify, playlist_id: str) -> list[str | None]:
    return [track["uri"] for track in spotify_playlists.entries(spotify, playlist_id)]


def write_order(
    spotify: Spotify,
    playlist_id: str,
    live: Sequence[str | None],
    target: Sequence[str | None],
    snapshot_id: str | None,
) -> str | None:
    """Make the playlist `target`, given that it is `live` now; its new snapshot_id."""
    try:
        if _is_append(live, target):
            return _append(spotify, playlist_id, target[len(live) :])
        if _is_permutation(live, target) or reorder.can_replace(target):
            plan = reorder.plan_write(live, target)
            return _execute(spotify, playlist_id, plan, target, snapshot_id)
        return _sync(spotify, playlist_id, list(live), list(target), snapshot_id)
    except SpotifyError as error:
        raise WriteIncomplete(error) from error


def _execute(spotify, playlist_id, plan: reorder.WritePlan, target, snapshot_id):
    if plan.kind == "replace":
        return _replace(spotify, playlist_id, target)
    return _move(spotify, playlist_id, plan.moves, snapshot_id)


def _replace(spotify: Spotify, playlist_id: str, target: Sequence[str]) -> str | None:
    snapshot_id = spotify_playlists.replace(spotify, playlist_id, target[:BATCH])
    return _append(spotify, playlist_id, target[BATCH:], snapshot_id)


def _append(spotify: Spotify, playlist_id: str, uris: Sequence[str], snapshot_id=None):
    """Add uris at the end; returns the playlist's snapshot after the last call."""
    for start in range(0, len(uris), BATCH):
        snapshot_id = spotify_playlists.append(spotify, playlist_id, uris[start : start + BATCH])
    return snapshot_id


def _move(spotify: Spotify, playlist_id: str, moves, snapshot_id: str | None) -> str | None:
    for move in moves:
        snapshot_id = spotify_playlists.move(spotify, playlist_id, move.as_body(), snapshot_id)
    return snapshot_id


def _sync(spotify, playlist_id, live: list, target: list, snapshot_id) -> str | None:
    """Remove what goes, add what comes, then move: local files are never re-added."""
    surplus = Counter(live) - Counter(target)
    gone = sorted(uri for uri in surplus if uri is not None)
    for start in range(0, len(gone), BATCH):
        snapshot_id = spotify_playlists.remove(
            spotify, playlist_id, gone[start : start + BATCH], snapshot_id
        )
    kept = [uri for uri in live if uri not in set(gone)]
    missing = list((Counter(target) - Counter(kept)).elements())
    snapshot_id = _append(spotify, playlist_id, missing, snapshot_id)
    return _move(spotify, playlist_id, reorder.plan_moves(kept + missing, target), snapshot_id)


def unwritable_reason(live: Sequence, target: Sequence) -> str | None:
    """Why target cannot be written over live, or None when it can."""
    if _is_permutation(live, target) or reorder.can_replace(target):
        return None
    if reorder.can_replace(list((Counter(target) - Counter(live)).elements())):
        return None
    return "local files and unavailable items not in the playlist now cannot be added by URI"


def _is_append(live: Sequence, target: Sequence) -> bool:
    """Target is live with addable items after it: appending is the cheapest write."""
    added = target[len(live) :]
    return bool(added) and list(target[: len(live)]) == list(live) and reorder.can_replace(added)


def _is_permutation(live: Sequence, target: Sequence) -> bool:
    return len(live) == len(target) and Counter(live) == Counter(target)
