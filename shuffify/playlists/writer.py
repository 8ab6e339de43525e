"""Writing a new order to a Spotify playlist with the fewest calls, losing nothing.

Adding items at the end is appended (one call per 100). Removing items is
a replace or removes, appends and moves, whichever is fewer calls. Otherwise
shuffify.playlists.reorder chooses between a replace (one call per 100 items; not
atomic, and it cannot carry local files) and block moves (one call per
block). When the new list is not a permutation of the live one and holds
local files or unavailable entries, it is reached by removing, adding and
then moving, so those entries are never dropped.

Spotify stamps `added_at` on every item it adds, so a replace resets the
"Date Added" of every item. Under write_options(keep_added_dates=True) the
order is reached with moves only (plus removes and appends for items that
come or go), whatever it costs. The option, and the tally of the write
calls made, travel in a context variable set by whoever handles the request:
every change path (shuffle, save, undo, redo, restore, dedupe) gets it
without each signature in between growing a flag, and a write with no
options set (a background completion) is the fewest calls, as before.
A duplicate URI that must lose some copies cannot keep its added_at: DELETE
removes every occurrence, so the kept copies are added back (and moved).

The caller records the target order (PlaylistHistory.pending_uris) before
the first call; if a call fails part way, write_order raises WriteIncomplete
and the order is completed later from the live playlist: writing is
convergent, so completing is just writing the same target again.
"""

from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from shuffify.playlists import reorder
from shuffify.spotify import Spotify, SpotifyError
from shuffify.spotify import playlists as spotify_playlists

BATCH = spotify_playlists.WRITE_LIMIT


@dataclass
class WriteOptions:
    """How this request's writes are made, and the write calls they made."""

    keep_added_dates: bool = False
    calls: int = 0


_OPTIONS: ContextVar[WriteOptions | None] = ContextVar("write_options", default=None)


@contextmanager
def write_options(keep_added_dates: bool) -> Iterator[WriteOptions]:
    """Every write_order inside follows the option and counts its calls in the tally."""
    options = WriteOptions(keep_added_dates)
    token = _OPTIONS.set(options)
    try:
        yield options
    finally:
        _OPTIONS.reset(token)


class _Counted:
    """The Spotify client, counting each write call (sent, whatever came back)."""

    def __init__(self, spotify: Spotify, options: WriteOptions):
        self._spotify = spotify
        self._options = options

    def __getattr__(self, name: str):
        return getattr(self._spotify, name)

    def send(self, *args, **kwargs) -> dict:
        self._options.calls += 1
        return self._spotify.send(*args, **kwargs)


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
    options = _OPTIONS.get()
    keep = options is not None and options.keep_added_dates
    if options is not None:
        spotify = _Counted(spotify, options)
    try:
        if _is_append(live, target):
            return _append(spotify, playlist_id, target[len(live) :])
        if keep and _is_permutation(live, target):
            return _move(spotify, playlist_id, reorder.plan_moves(live, target), snapshot_id)
        if not keep and _is_permutation(live, target):
            plan = reorder.plan_write(live, target)
            return _execute(spotify, playlist_id, plan, target, snapshot_id)
        sync = _sync_plan(list(live), list(target))
        if not keep and reorder.can_replace(target) and _replace_is_cheaper(target, sync):
            return _replace(spotify, playlist_id, target)
        return _sync(spotify, playlist_id, sync, snapshot_id)
    except SpotifyError as error:
        raise WriteIncomplete(error) from error


def planned_calls(live: Sequence, target: Sequence) -> dict:
    """The write calls target costs over live: {"replace": fewest, "keep_added_dates": moves}."""
    if list(live) == list(target):
        return {"replace": 0, "keep_added_dates": 0}
    if _is_append(live, target):
        appends = _batches(len(target) - len(live))
        return {"replace": appends, "keep_added_dates": appends}
    if _is_permutation(live, target):
        moves = len(reorder.plan_moves(live, target))
        return {"replace": reorder.plan_write(live, target).calls, "keep_added_dates": moves}
    sync = _sync_plan(list(live), list(target))
    synced = _sync_calls(sync)
    if reorder.can_replace(target) and _replace_is_cheaper(target, sync):
        return {"replace": reorder.replace_calls(len(target)), "keep_added_dates": synced}
    return {"replace": synced, "keep_added_dates": synced}


def _replace_is_cheaper(target: Sequence, sync: tuple) -> bool:
    return reorder.replace_calls(len(target)) < _sync_calls(sync)


def _sync_calls(sync: tuple) -> int:
    gone, additions, moves = sync
    return _batches(len(gone)) + len(additions) + len(moves)


def _batches(count: int) -> int:
    return -(-count // BATCH)


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


def _sync(spotify, playlist_id, sync: tuple, snapshot_id) -> str | None:
    """Remove what goes, add what comes, then move: local files are never re-added."""
    gone, additions, moves = sync
    for start in range(0, len(gone), BATCH):
        snapshot_id = spotify_playlists.remove(
            spotify, playlist_id, gone[start : start + BATCH], snapshot_id
        )
    for position, uris in additions:
        snapshot_id = spotify_playlists.append(spotify, playlist_id, uris, position)
    return _move(spotify, playlist_id, moves, snapshot_id)


def _sync_plan(live: list, target: list) -> tuple[list, list, list]:
    """The uris removed (every copy), the additions ((position or None for the end,
    at most 100 uris), in order), then the moves into target: the cheaper of adding
    at the end and moving, or adding each run where it goes when what stays is
    already in target's order (Spotify's DELETE takes every copy of a URI, so a
    removed duplicate's kept copy comes back at its place)."""
    surplus = Counter(live) - Counter(target)
    gone = sorted(uri for uri in surplus if uri is not None)
    dropped = set(gone)
    kept = [uri for uri in live if uri not in dropped]
    missing = list((Counter(target) - Counter(kept)).elements())
    appended = [(None, missing[start : start + BATCH]) for start in range(0, len(missing), BATCH)]
    moves = reorder.plan_moves(kept + missing, target)
    inserted = _insertions(kept, target)
    if inserted is not None and len(inserted) <= len(appended) + len(moves):
        return gone, inserted, []
    return gone, appended, moves


def _insertions(kept: list, target: list) -> list[tuple[int, list]] | None:
    """target as insertions into kept, each run of new items at its final position
    (earliest first, so every position counts what is already in place); None when
    kept is not in target's order."""
    runs: list[tuple[int, list]] = []
    matched = 0
    for position, uri in enumerate(target):
        if matched < len(kept) and kept[matched] == uri:
            matched += 1
        elif runs and runs[-1][0] + len(runs[-1][1]) == position and len(runs[-1][1]) < BATCH:
            runs[-1][1].append(uri)
        else:
            runs.append((position, [uri]))
    return runs if matched == len(kept) else None


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
