"""Changing a playlist's order: shuffle, undo, redo, and any other saved order.

Every change starts from the live order read from Spotify (never one
remembered from before, which is how the original dropped tracks added
since), is recorded as a history step with its target order before the
first write, and is then written with the fewest calls. A write that fails
part way raises WriteInterrupted (503): the next request for the playlist
completes it, and so does retry_in_background a few seconds later, and the
runner's pass (playlists.recovery) after a crash. Each change holds the
playlist's claim (playlists.claims) from before it reads the live order to
after its last write call: one writer per playlist, everywhere. Before each
write, inside the claim, the version about to be replaced is kept as an
automatic snapshot (playlists.snapshots). Undo, redo and every restore are
the three-way merge of playlists.merge: what Shuffify's later changes added
goes again, what was added on Spotify since stays ("kept"), and what cannot
be added back by URI is listed ("skipped").
"""

import logging
import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from shuffify import shuffle
from shuffify.accounts import activity
from shuffify.database import released_after
from shuffify.errors import Busy, Conflict, Forbidden, Refused
from shuffify.models import User
from shuffify.playlists import claims, history, merge, pins, snapshots
from shuffify.playlists.writer import (
    WriteIncomplete,
    live_uris,
    planned_calls,
    unwritable_reason,
    write_order,
)
from shuffify.spotify import Forbidden as SpotifyForbidden
from shuffify.spotify import Spotify
from shuffify.spotify import playlists as spotify_playlists

log = logging.getLogger(__name__)
RETRY_DELAYS_S = (2, 10, 30)


@dataclass
class LivePlaylist:
    playlist_id: str
    snapshot_id: str | None
    tracks: list[dict]
    name: str | None = None

    @property
    def uris(self) -> list[str | None]:
        return [track["uri"] for track in self.tracks]


def check_editable(spotify: Spotify, user: User, playlist_id: str) -> dict:
    """The playlist's metadata, if the user may change it (403 otherwise)."""
    meta = spotify_playlists.metadata(spotify, playlist_id)
    if not spotify_playlists.is_editable(meta, user.spotify_id):
        raise Forbidden("you can only change your own or collaborative playlists")
    return meta


def load_editable(
    spotify: Spotify, user: User, playlist_id: str, meta: dict | None = None
) -> LivePlaylist:
    """The playlist as it is now on Spotify, if the user may change it (given its metadata
    just read and checked, only the items are read)."""
    meta = meta or check_editable(spotify, user, playlist_id)
    try:
        tracks = spotify_playlists.entries(spotify, playlist_id, meta)
    except SpotifyForbidden:
        raise Forbidden("Spotify does not share this playlist's tracks with Shuffify") from None
    return LivePlaylist(playlist_id, meta.get("snapshot_id"), tracks, meta.get("name"))


class WriteInterrupted(Busy):
    """A write stopped part way: the caller arranges for settle() to run again soon."""

    def __init__(self, message: str, user: User, playlist_id: str):
        super().__init__(message)
        self.user = user
        self.playlist_id = playlist_id


def settle(spotify: Spotify, user: User, playlist_id: str) -> None:
    """Complete a write that stopped part way, if there is one and no one is writing now.

    A write in flight elsewhere holds the claim and finishes its own work: its
    pending order is never taken and written a second time.
    """
    record = history.history_of(user, playlist_id)
    if record is None or record.pending_uris is None:
        return
    try:
        with claims.held(playlist_id, "completing an interrupted write"):
            complete_pending(spotify, user, playlist_id)
    except claims.PlaylistBusy:
        return


def complete_pending(spotify: Spotify, user: User, playlist_id: str) -> None:
    """Complete the recorded write of a playlist this caller has claimed."""
    record = history.history_of(user, playlist_id)
    if record is None or record.pending_uris is None:
        return
    live = live_uris(spotify, playlist_id)
    target = merge.restore(record.pending_uris, _explained(record, live), live).target
    try:
        write_order(spotify, playlist_id, live, target, None)
    except WriteIncomplete as incomplete:
        raise WriteInterrupted(str(incomplete), user, playlist_id) from None
    history.set_pending(record, None)
    log.info("completed an interrupted write of playlist %s", playlist_id)


def _explained(record, live: list) -> list:
    """What a partial write can have left live: the order it started from or its target.

    Anything live beyond both was added on Spotify meanwhile and is kept; what
    the write was removing still goes. A write recorded before migration 008
    knows no start: nothing live is taken for an addition then.
    """
    start = history.pending_base(record)
    if start is None:
        return live
    return list((Counter(start) | Counter(record.pending_uris)).elements())


def apply_change(
    spotify: Spotify,
    user: User,
    live: LivePlaylist,
    target: list,
    kind: str,
    label: str | None,
    **extra,
) -> dict:
    """Keep the live version, record target as a new step and write it; a change's answer.

    The caller holds the playlist's claim, taken before it read `live`.
    `extra` goes into the answer (a restore's "kept" and "skipped").
    """
    reason = unwritable_reason(live.uris, target)
    if reason:
        raise Refused(reason)
    if target == live.uris:
        record = history.history_of(user, live.playlist_id)
        return answer(False, target, record, live.snapshot_id, **extra)
    keep_before(user, live, before_label(kind, label), kind, label)
    record = history.record_change(user, live.playlist_id, live.uris, target, kind, label)
    return answer(True, target, record, _write(spotify, user, record, live, target), **extra)


def keep_before(user: User, live: LivePlaylist, label: str, kind: str, summary) -> None:
    """The automatic snapshot of the version a write is about to replace (an empty one
    replaces nothing: a new playlist being filled is not kept empty), and the change's
    activity row linking to it."""
    kept = None
    if live.uris:
        kept = snapshots.keep_auto(user, live.playlist_id, live.uris, label, live.snapshot_id)
    activity.record_change(user, live.playlist_id, live.name, kind, summary, kept)


def before_label(kind: str, label: str | None) -> str:
    """The automatic snapshot's label: "before shuffle with Artist spacing", "before undo"."""
    if kind == "shuffle" and label in shuffle.ALGORITHMS:
        return f"before shuffle with {shuffle.ALGORITHMS[label].title}"
    return f"before {label or kind}"


def restore(
    spotify: Spotify, user: User, live: LivePlaylist, version: list, base: list, label: str
) -> dict:
    """Make the playlist `version` again, merged with live (playlists.merge); a change."""
    merged = merge.restore(version, base, live.uris)
    return apply_change(
        spotify,
        user,
        live,
        merged.target,
        "restore",
        label,
        kept=merged.kept,
        skipped=merged.skipped,
    )


def _write(spotify: Spotify, user: User, record, live: LivePlaylist, target: Sequence):
    """Write target; the playlist's new snapshot_id."""
    try:
        snapshot_id = write_order(spotify, live.playlist_id, live.uris, target, live.snapshot_id)
    except WriteIncomplete as incomplete:
        raise WriteInterrupted(str(incomplete), user, live.playlist_id) from None
    history.set_pending(record, None)
    return snapshot_id


def answer(changed: bool, uris: Sequence, record, snapshot_id: str | None, **extra) -> dict:
    """The answer of a change: the order, the playlist's snapshot, where the history is."""
    return {
        "changed": changed,
        "track_uris": list(uris),
        "snapshot_id": snapshot_id,
        **extra,
        "history": history.summary(record),
    }


def shuffle_playlist(
    spotify: Spotify,
    user: User,
    playlist_id: str,
    algorithm: str,
    params: object,
    label: str | None = None,
) -> dict:
    """Shuffle the live order with an algorithm and write it; label names who asked."""
    checked = checked_params(algorithm, params)
    with claims.held(playlist_id, "shuffle"):
        complete_pending(spotify, user, playlist_id)
        live = load_editable(spotify, user, playlist_id)
        if not live.tracks:
            raise Refused("this playlist is empty: there is nothing to shuffle")
        shuffled = pinned_order(user, live, algorithm, checked)
        uris = [t["uri"] for t in shuffled]
        return apply_change(spotify, user, live, uris, "shuffle", label or algorithm)


def checked_params(algorithm: object, params: object) -> dict:
    """The algorithm's parameters with defaults, or a Refused (400) naming what is wrong."""
    try:
        return shuffle.validate_params(algorithm, params)
    except shuffle.InvalidParams as invalid:
        raise Refused(str(invalid)) from None


def preview(
    spotify: Spotify, user: User, playlist_id: str, algorithm: str, params: object, uris
) -> dict:
    """The order an algorithm would give, written nowhere, and what writing it would cost."""
    checked = checked_params(algorithm, params)
    live = load_editable(spotify, user, playlist_id)
    tracks = live.tracks if uris is None else tracks_for(uris, live.tracks)
    staged = LivePlaylist(playlist_id, live.snapshot_id, tracks)
    order = [t["uri"] for t in pinned_order(user, staged, algorithm, checked)]
    return {"track_uris": order, "calls": planned_calls(live.uris, order)}


def write_cost(spotify: Spotify, user: User, playlist_id: str, uris: Sequence[str]) -> dict:
    """What writing uris over the live playlist would cost, both ways; written nowhere."""
    live = load_editable(spotify, user, playlist_id)
    return {"calls": planned_calls(live.uris, uris), "snapshot_id": live.snapshot_id}


def pinned_order(user: User, live: LivePlaylist, algorithm: str, checked: dict) -> list[dict]:
    """The algorithm's order of the tracks around the playlist's pins (playlists.pins), so
    the dashboard, the preview and schedules all keep pinned items in place."""
    found = pins.active(user, live.playlist_id)
    return pins.apply(live.tracks, found, lambda rest: shuffle.shuffle(algorithm, rest, checked))


def tracks_for(uris: Sequence[str], known: list[dict]) -> list[dict]:
    """Tracks for a staged list, with the metadata that came with the playlist's items."""
    by_uri = {track["uri"]: track for track in known}
    return [by_uri.get(uri) or {"uri": uri, "artists": [], "album": None} for uri in uris]


def step(spotify: Spotify, user: User, playlist_id: str, direction: int) -> dict:
    """Undo (-1) or redo (+1): restore the neighbouring step, keeping tracks added since.

    The neighbour is the version restored; the current step, the last version
    Shuffify wrote, is the base the live playlist is compared with.
    """
    with claims.held(playlist_id, "undo" if direction < 0 else "redo"):
        complete_pending(spotify, user, playlist_id)
        return _step(spotify, user, playlist_id, direction)


def _step(spotify: Spotify, user: User, playlist_id: str, direction: int) -> dict:
    record = history.history_of(user, playlist_id)
    neighbour = history.neighbour(record, direction)
    if neighbour is None:
        raise Conflict(f"nothing to {'undo' if direction < 0 else 'redo'}")
    live = load_editable(spotify, user, playlist_id)
    current = history.current_step(record)
    base = live.uris if current is None else current.track_uris
    target, kept, skipped = merge.restore(neighbour.track_uris, base, live.uris)
    changed = target != live.uris
    if changed:
        name = "undo" if direction < 0 else "redo"
        keep_before(user, live, f"before {name}", name, None)
    history.move_to(record, neighbour, target, live.uris)
    snapshot_id = _write(spotify, user, record, live, target)
    return answer(changed, target, record, snapshot_id, kept=kept, skipped=skipped)


addable = merge.addable


def retry_in_background(spotify: Spotify, user: User, playlist_id: str, database) -> None:
    """Complete an interrupted write from a thread, a few times, as the user."""

    def run() -> None:
        for delay in RETRY_DELAYS_S:
            threading.Event().wait(delay)
            try:
                with released_after(database):
                    settle(spotify, user, playlist_id)
                return
            except Exception as error:  # the database may be away too: try again later
                log.warning("completing playlist %s failed again: %s", playlist_id, error)

    threading.Thread(target=run, name="write-retry", daemon=True).start()
