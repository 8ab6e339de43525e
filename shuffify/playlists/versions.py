"""Playlist versions against Spotify: back up now, compare, restore, changes made elsewhere.

The operations behind /api/.../snapshots (issue 19), on top of the stored
snapshots (playlists.snapshots) and the change path (playlists.changes):

- a manual snapshot reads the live playlist and keeps it, and so does a
  scheduled backup, when Spotify's snapshot_id says it changed;
- a diff compares a snapshot with the live playlist or with another snapshot;
- a restore is a change like any other (the claim, an automatic snapshot
  first, one undo step, the fewest calls, completed after a failure), whose
  order is the three-way merge of the snapshot, the base and the live list;
- outside_changes() tells what differs between the base and the live list.

The base is the last version Shuffify wrote or saw of the playlist: the
history's current step, or, for a playlist Shuffify never changed, the newest
snapshot it kept; with neither, the live list itself (nothing is known to
have changed elsewhere).
"""

from collections.abc import Sequence
from datetime import datetime
from typing import NamedTuple

from shuffify.models import User
from shuffify.playlists import changes, claims, history, merge, snapshot_codec, snapshots
from shuffify.spotify import Spotify

BACKUP_LABEL = "scheduled backup"


class Base(NamedTuple):
    uris: list[str | None]
    seen_at: datetime | None  # None: no version was known, the base is the live list


def base_of(user: User, playlist_id: str, live: Sequence[str | None]) -> Base:
    """The last version Shuffify wrote or saw (see the module docstring)."""
    record = history.history_of(user, playlist_id)
    current = history.current_step(record)
    if current is not None:
        return Base(current.track_uris, record.updated_at)
    newest = snapshots.newest_of(user, playlist_id)
    if newest is not None:
        return Base(snapshots.uris_of(newest), newest.created_at)
    return Base(list(live), None)


def take(spotify: Spotify, user: User, playlist_id: str, label: str | None) -> tuple[dict, bool]:
    """Back up the live playlist now (kind "manual"); (the snapshot, whether it is new)."""
    live = changes.load_editable(spotify, user, playlist_id)
    row, created = snapshots.keep(
        user, playlist_id, live.uris, snapshots.MANUAL, label, live.snapshot_id
    )
    return snapshots.summary(row), created


def back_up(spotify: Spotify, user: User, playlist_id: str) -> tuple[dict, bool]:
    """A scheduled backup (kind "auto"): the pages are read only when Spotify's snapshot_id
    moved since the newest snapshot, so an unchanged playlist costs one metadata call."""
    meta = changes.check_editable(spotify, user, playlist_id)
    newest = snapshots.newest_of(user, playlist_id)
    if newest is not None and newest.spotify_snapshot_id == meta.get("snapshot_id"):
        return snapshots.summary(newest), False
    live = changes.load_editable(spotify, user, playlist_id, meta)
    row, created = snapshots.keep(
        user, playlist_id, live.uris, snapshots.AUTO, BACKUP_LABEL, live.snapshot_id
    )
    return snapshots.summary(row), created


def diff(spotify: Spotify, user: User, snapshot_id: int, against: int | None) -> dict:
    """How the live playlist (or the snapshot `against`) differs from the snapshot.

    Against the live playlist, "restore" also says what restoring the snapshot
    now would keep and skip, for the confirmation a page shows first.
    """
    row = snapshots.get(user, snapshot_id)
    version = snapshots.uris_of(row)
    if against is not None:
        return snapshot_codec.diff(version, snapshots.uris_of(snapshots.get(user, against)))
    live = changes.load_editable(spotify, user, row.playlist_id).uris
    merged = merge.restore(version, base_of(user, row.playlist_id, live).uris, live)
    restore_preview = {"kept": merged.kept, "skipped": merged.skipped}
    return {**snapshot_codec.diff(version, live), "restore": restore_preview}


def restore(spotify: Spotify, user: User, snapshot_id: int) -> dict:
    """Make the snapshot's playlist that version again; the answer of a change."""
    row = snapshots.get(user, snapshot_id)
    version = snapshots.uris_of(row)
    label = f"restore of snapshot {row.id}"
    with claims.held(row.playlist_id, "restore"):
        changes.complete_pending(spotify, user, row.playlist_id)
        live = changes.load_editable(spotify, user, row.playlist_id)
        base = base_of(user, row.playlist_id, live.uris)
        return changes.restore(spotify, user, live, version, base.uris, label)


def outside_changes(user: User, playlist_id: str, live: Sequence[str | None]) -> dict | None:
    """{"added", "removed", "since"} when the live list differs from the base, else None."""
    base = base_of(user, playlist_id, live)
    if base.seen_at is None:
        return None
    added, removed = merge.outside_changes(base.uris, live)
    if not added and not removed:
        return None
    return {"added": len(added), "removed": len(removed), "since": base.seen_at.isoformat()}
