"""Completing every interrupted write without anyone asking, after a crash or a restart.

A write that stopped part way leaves its target order recorded
(playlist_histories.pending_uris). The process that wrote it retries a few
times from memory, but a process that died remembers nothing: so the
runner's pass, in every process, at startup and at each poll, completes
what is recorded. Each under the playlist's claim, so exactly one process
completes it, and only once the dead writer's lease has run out; tracks
added meanwhile are kept, as in every completion.
"""

import logging
from collections.abc import Callable
from datetime import datetime

from shuffify.health import first_line
from shuffify.models import PlaylistHistory, User
from shuffify.playlists import changes, claims
from shuffify.spotify import Spotify

log = logging.getLogger(__name__)
BATCH = 20  # interrupted writes looked at per pass


def complete_interrupted(spotify_for: Callable[[User, str], Spotify]) -> datetime | None:
    """Complete the recorded writes no one holds; when the first held one's lease ends."""
    first_free = None
    for record in _pending(BATCH):
        try:
            with claims.held(record.playlist_id, "completing an interrupted write"):
                changes.complete_pending(
                    spotify_for(record.user, "retry"), record.user, record.playlist_id
                )
        except claims.PlaylistBusy as busy:
            first_free = min(first_free or busy.until, busy.until)
        except Exception as error:  # the next pass tries again; one bad write stops no other
            log.warning(
                "completing playlist %s failed: %s", record.playlist_id, first_line(error)
            )
    return first_free


def _pending(limit: int) -> list[PlaylistHistory]:
    return list(
        PlaylistHistory.select(PlaylistHistory, User)
        .join(User)
        .where(PlaylistHistory.pending_uris_json.is_null(False))
        .order_by(PlaylistHistory.updated_at)
        .limit(limit)
    )
