"""Keeping snapshots of a playlist's order: stored once, pruned, another user's hidden.

Every version Shuffify is about to replace is kept (kind "auto", issue 19),
and people keep versions by hand (kind "manual"). Storage rules, all here so
every writer follows them:

- the order is snapshot_codec bytes: a 10,000-item version in ~170 KB;
- a version identical to the newest snapshot of that playlist is not stored
  again (a manual request over an identical automatic one makes it manual);
- automatic snapshots beyond the newest auto_snapshots_kept (the user's
  setting, 1 to 200, MAX_AUTO by default) per user and playlist are pruned;
  manual ones stay until deleted, at most MAX_MANUAL per user (409).

Another user's snapshot is NotFound (404), exactly like one that never
existed. The operations that talk to Spotify (restore, diff, backups) are
shuffify.playlists.versions; this module only reads and writes rows.
"""

from collections.abc import Sequence

from shuffify.accounts import user_settings
from shuffify.checks import storable
from shuffify.database import write_transaction
from shuffify.errors import Conflict, NotFound, Refused
from shuffify.models import PlaylistSnapshot, User, utcnow
from shuffify.playlists import snapshot_codec

AUTO, MANUAL = "auto", "manual"
MAX_AUTO = user_settings.DEFAULTS["auto_snapshots_kept"]  # per user and playlist
MAX_MANUAL = 100  # per user
MAX_LABEL = 100


def checked_label(value: object) -> str | None:
    """A label someone gave: absent, or 1 to MAX_LABEL characters (400 otherwise)."""
    if value is None:
        return None
    label = value.strip() if isinstance(value, str) else ""
    if not 1 <= len(label) <= MAX_LABEL:
        raise Refused(f"label must be 1 to {MAX_LABEL} characters")
    return storable(label, "label")


def keep(
    user: User,
    playlist_id: str,
    uris: Sequence[str | None],
    kind: str,
    label: str | None,
    spotify_snapshot_id: str | None = None,
) -> tuple[PlaylistSnapshot, bool]:
    """Keep a version; (the row holding it, whether this call stored or made it manual)."""
    data = snapshot_codec.encode(uris)
    label = None if label is None else label[:MAX_LABEL]
    with write_transaction():
        newest = newest_of(user, playlist_id)
        if newest is not None and bytes(newest.uris) == data:
            return _reuse(user, newest, kind, label)
        if kind == MANUAL:
            _check_room(user)
        row = PlaylistSnapshot.create(
            user=user,
            playlist_id=playlist_id,
            kind=kind,
            label=label,
            item_count=len(uris),
            uris=data,
            spotify_snapshot_id=spotify_snapshot_id,
        )
        if kind == AUTO:
            _prune(user, playlist_id)
    return row, True


def keep_auto(user: User, playlist_id: str, uris: Sequence, label: str, spotify_snapshot_id=None):
    """The automatic snapshot before a write: the version about to be replaced."""
    return keep(user, playlist_id, uris, AUTO, label, spotify_snapshot_id)[0]


def _reuse(user: User, row: PlaylistSnapshot, kind: str, label: str | None):
    """An identical newest version: made manual when asked for by hand, else left alone."""
    if kind != MANUAL or row.kind == MANUAL:
        return row, False
    _check_room(user)
    row.kind, row.label, row.created_at = MANUAL, label, utcnow()
    row.save(only=[PlaylistSnapshot.kind, PlaylistSnapshot.label, PlaylistSnapshot.created_at])
    return row, True


def _check_room(user: User) -> None:
    count = (
        PlaylistSnapshot.select()
        .where((PlaylistSnapshot.user == user) & (PlaylistSnapshot.kind == MANUAL))
        .count()
    )
    if count >= MAX_MANUAL:
        raise Conflict(
            f"you keep {MAX_MANUAL} manual snapshots already, the most there can be: "
            "delete one first"
        )


def _prune(user: User, playlist_id: str) -> None:
    autos = of_playlist(user, playlist_id).where(PlaylistSnapshot.kind == AUTO)
    newest = autos.select(PlaylistSnapshot.id).limit(
        user_settings.value(user, "auto_snapshots_kept")
    )
    kept = [row.id for row in newest]
    PlaylistSnapshot.delete().where(
        (PlaylistSnapshot.user == user)
        & (PlaylistSnapshot.playlist_id == playlist_id)
        & (PlaylistSnapshot.kind == AUTO)
        & PlaylistSnapshot.id.not_in(kept)
    ).execute()


def of_playlist(user: User, playlist_id: str):
    """The user's snapshots of a playlist, newest first (a query)."""
    return (
        PlaylistSnapshot.select()
        .where((PlaylistSnapshot.user == user) & (PlaylistSnapshot.playlist_id == playlist_id))
        .order_by(PlaylistSnapshot.created_at.desc(), PlaylistSnapshot.id.desc())
    )


def newest_of(user: User, playlist_id: str) -> PlaylistSnapshot | None:
    return of_playlist(user, playlist_id).first()


def of_user(user: User):
    """Every snapshot of the user, newest first (a query)."""
    return (
        PlaylistSnapshot.select()
        .where(PlaylistSnapshot.user == user)
        .order_by(PlaylistSnapshot.created_at.desc(), PlaylistSnapshot.id.desc())
    )


def get(user: User, snapshot_id: int) -> PlaylistSnapshot:
    """The user's snapshot, or NotFound (another user's answers the same)."""
    row = PlaylistSnapshot.get_or_none(
        (PlaylistSnapshot.id == snapshot_id) & (PlaylistSnapshot.user == user)
    )
    if row is None:
        raise NotFound("no such snapshot")
    return row


def delete(user: User, snapshot_id: int) -> None:
    get(user, snapshot_id).delete_instance()


def uris_of(row: PlaylistSnapshot) -> list[str | None]:
    return snapshot_codec.decode(bytes(row.uris))


SUMMARY_FIELDS = (
    PlaylistSnapshot.id,
    PlaylistSnapshot.kind,
    PlaylistSnapshot.label,
    PlaylistSnapshot.item_count,
    PlaylistSnapshot.created_at,
)


def summary(row: PlaylistSnapshot) -> dict:
    """A snapshot as listed: {"id", "kind", "label", "item_count", "created_at"}."""
    return {
        "id": row.id,
        "kind": row.kind,
        "label": row.label,
        "item_count": row.item_count,
        "created_at": row.created_at.isoformat(),
    }


def details(row: PlaylistSnapshot) -> dict:
    """A snapshot with its playlist and its order."""
    return {**summary(row), "playlist_id": row.playlist_id, "track_uris": uris_of(row)}


def listing(user: User, playlist_id: str) -> list[dict]:
    """The summaries, newest first, read without the orders (160 KB each at 10,000 items)."""
    rows = of_playlist(user, playlist_id).select(*SUMMARY_FIELDS)
    return [summary(row) for row in rows]
