"""Undo and redo per user and playlist, kept in the database.

A history is a list of steps (orders the playlist had) and a pointer to the
current one. The first change records the order before it; a change made on
Spotify since our last step is recorded as a step of its own, so undo goes
back to exactly what the playlist was. A new change drops the steps ahead of
the pointer (no redo after a new change) and only the newest MAX_STEPS stay.
The same row holds the order being written while a write is incomplete, and
the order that write started from.
"""

import json
from collections.abc import Sequence

from shuffify.database import is_sqlite, write_transaction
from shuffify.models import PlaylistHistory, PlaylistStep, User, utcnow
from shuffify.playlists import snapshot_codec

MAX_STEPS = 20


def history_of(user: User, playlist_id: str) -> PlaylistHistory | None:
    return PlaylistHistory.get_or_none(
        (PlaylistHistory.user == user) & (PlaylistHistory.playlist_id == playlist_id)
    )


def steps_of(history: PlaylistHistory | None) -> list[PlaylistStep]:
    if history is None:
        return []
    return list(history.steps.order_by(PlaylistStep.seq))


def record_change(
    user: User, playlist_id: str, live: Sequence, new: Sequence, kind: str, label: str | None
) -> PlaylistHistory:
    """Record `new` as the current step (after `live`) and as the order to write."""
    with write_transaction():
        history = _locked(user, playlist_id)
        steps = steps_of(history)
        current = next((s for s in steps if s.seq == history.current_seq), None)
        PlaylistStep.delete().where(
            (PlaylistStep.history == history) & (PlaylistStep.seq > history.current_seq)
        ).execute()
        if current is None or current.track_uris != list(live):
            _add_step(history, live, "original" if current is None else "spotify", None)
        _add_step(history, new, kind, label)
        _trim(history)
        _set_pending(history, new, live)
        history.updated_at = utcnow()
        history.save()
    return history


def _locked(user: User, playlist_id: str) -> PlaylistHistory:
    """The history row, locked until the transaction ends, so step numbers never collide.

    The playlist's claim already keeps a second writer out; the row lock makes
    the numbering safe on its own (SQLite's write transaction does the same).
    """
    PlaylistHistory.insert(user=user, playlist_id=playlist_id).on_conflict_ignore().execute()
    query = PlaylistHistory.select().where(
        (PlaylistHistory.user == user) & (PlaylistHistory.playlist_id == playlist_id)
    )
    if not is_sqlite(PlaylistHistory._meta.database):
        query = query.for_update()
    return query.get()


def _add_step(history: PlaylistHistory, uris: Sequence, kind: str, label: str | None) -> None:
    last = PlaylistStep.select(PlaylistStep.seq).where(PlaylistStep.history == history)
    seq = max((s.seq for s in last), default=-1) + 1
    PlaylistStep.create(
        history=history,
        seq=seq,
        kind=kind,
        label=label,
        track_uris_json=json.dumps(list(uris)),
        item_count=len(uris),
    )
    history.current_seq = seq


def _trim(history: PlaylistHistory) -> None:
    keep = (
        PlaylistStep.select(PlaylistStep.seq)
        .where(PlaylistStep.history == history)
        .order_by(PlaylistStep.seq.desc())
        .limit(MAX_STEPS)
    )
    oldest_kept = min(s.seq for s in keep)
    PlaylistStep.delete().where(
        (PlaylistStep.history == history) & (PlaylistStep.seq < oldest_kept)
    ).execute()


def neighbour(history: PlaylistHistory | None, direction: int) -> PlaylistStep | None:
    """The step before (-1) or after (+1) the current one, if any."""
    if history is None:
        return None
    seq = PlaylistStep.seq
    where = (PlaylistStep.history == history) & (
        (seq < history.current_seq) if direction < 0 else (seq > history.current_seq)
    )
    order = seq.desc() if direction < 0 else seq.asc()
    return PlaylistStep.select().where(where).order_by(order).first()


def current_step(history: PlaylistHistory | None) -> PlaylistStep | None:
    """The step the playlist is at: the last version Shuffify wrote (or saw, for the first)."""
    if history is None:
        return None
    return PlaylistStep.get_or_none(
        (PlaylistStep.history == history) & (PlaylistStep.seq == history.current_seq)
    )


def move_to(history: PlaylistHistory, step: PlaylistStep, target: Sequence, live: Sequence) -> None:
    """Make `step` current, with `target` (the restored order) to write over `live`."""
    history.current_seq = step.seq
    _set_pending(history, target, live)
    history.updated_at = utcnow()
    history.save()


def _set_pending(history: PlaylistHistory, target: Sequence, base: Sequence) -> None:
    history.pending_uris_json = json.dumps(list(target))
    history.pending_base = snapshot_codec.encode(base)


def set_pending(history: PlaylistHistory, target: Sequence | None) -> None:
    """None once the write is complete; a (restart of a) write otherwise."""
    history.pending_uris_json = None if target is None else json.dumps(list(target))
    if target is None:
        history.pending_base = None
    history.save(only=[PlaylistHistory.pending_uris_json, PlaylistHistory.pending_base])


def pending_base(history: PlaylistHistory) -> list | None:
    """The order the pending write started from; None for a write recorded before 008."""
    if history.pending_base is None:
        return None
    return snapshot_codec.decode(bytes(history.pending_base))


def summary(history: PlaylistHistory | None) -> dict:
    """{"position", "size", "can_undo", "can_redo"} for an answer."""
    seqs = [s.seq for s in steps_of(history)]
    position = seqs.index(history.current_seq) if history and history.current_seq in seqs else 0
    return {
        "position": position,
        "size": len(seqs),
        "can_undo": position > 0,
        "can_redo": position < len(seqs) - 1,
    }


def listing(history: PlaylistHistory | None) -> list[dict]:
    """The steps, newest first, for GET .../history."""
    return [
        {
            "position": index,
            "kind": step.kind,
            "label": step.label,
            "item_count": step.item_count,
            "created_at": step.created_at.isoformat(),
            "current": history is not None and step.seq == history.current_seq,
        }
        for index, step in reversed(list(enumerate(steps_of(history))))
    ]
