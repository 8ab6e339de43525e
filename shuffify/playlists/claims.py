"""One writer per playlist: a claim held in the database while a change is in flight.

Two writes to one playlist at once corrupt it: a replace of more than 100
items is a PUT then POSTs, and two writers' POSTs interleave; a change that
reads the playlist in the middle of another's write records half a playlist.
So every change claims the playlist before it reads the live order and
releases it after its last write call, the way the runner claims schedules:

- the claim is a playlist_claims row (one per playlist, whoever the user),
  taken in one short transaction by an upsert that only takes over a row
  whose lease has run out, then read back: safe through PgBouncer in
  transaction mode, and on SQLite under the write lock (BEGIN IMMEDIATE);
- the holder is a random token, so only the claimer extends or releases it;
- a heartbeat extends the lease every third of it while the change runs; a
  process that dies stops beating, and the lease runs out (LEASE_S) for the
  next process, which completes the interrupted write (playlists.recovery).

A second writer is refused at once (PlaylistBusy, 409); nothing waits.
Cost per change: two statements to claim (upsert, read back), one to
release, one per heartbeat.
"""

import secrets
from contextlib import contextmanager
from datetime import datetime, timedelta

from shuffify.database import db, write_transaction
from shuffify.errors import Conflict
from shuffify.heartbeat import Heartbeat
from shuffify.models import PlaylistClaim, utcnow

LEASE_S = 30  # set from PLAYLIST_LEASE_S by configure()


class PlaylistBusy(Conflict):
    """Another change of this playlist is in flight, claimed until `until` at the latest."""

    def __init__(self, until: datetime):
        super().__init__("this playlist is being changed; try again in a moment")
        self.until = until


def configure(lease_s: int) -> None:
    """Set the lease from the settings (create_app calls it)."""
    global LEASE_S
    LEASE_S = lease_s


def claim(playlist_id: str, purpose: str) -> str:
    """Claim the playlist; the holder token, or PlaylistBusy when someone else holds it."""
    holder = secrets.token_hex(16)
    now = utcnow()
    fields = {
        PlaylistClaim.holder: holder,
        PlaylistClaim.purpose: purpose[:40],
        PlaylistClaim.lease_until: now + timedelta(seconds=LEASE_S),
        PlaylistClaim.claimed_at: now,
    }
    with write_transaction():
        PlaylistClaim.insert({PlaylistClaim.playlist_id: playlist_id, **fields}).on_conflict(
            conflict_target=[PlaylistClaim.playlist_id],
            update=fields,
            where=PlaylistClaim.lease_until < now,
        ).execute()
        current = PlaylistClaim.get(PlaylistClaim.playlist_id == playlist_id)
    if current.holder != holder:
        raise PlaylistBusy(current.lease_until)
    return holder


def extend(playlist_id: str, holder: str) -> None:
    """Move the lease on (from the heartbeat's thread, on a connection of its own)."""
    with db.connection_context():
        PlaylistClaim.update(lease_until=utcnow() + timedelta(seconds=LEASE_S)).where(
            (PlaylistClaim.playlist_id == playlist_id) & (PlaylistClaim.holder == holder)
        ).execute()


def release(playlist_id: str, holder: str) -> None:
    PlaylistClaim.delete().where(
        (PlaylistClaim.playlist_id == playlist_id) & (PlaylistClaim.holder == holder)
    ).execute()


@contextmanager
def held(playlist_id: str, purpose: str):
    """Run the block as the playlist's only writer, or raise PlaylistBusy at once."""
    holder = claim(playlist_id, purpose)
    try:
        with Heartbeat(LEASE_S / 3, lambda: extend(playlist_id, holder), "playlist-claim"):
            yield
    finally:
        release(playlist_id, holder)
