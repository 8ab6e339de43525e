"""Saved workshop sessions: named snapshots of a staged order (workshop_sessions).

At most MAX_PER_PLAYLIST per user and playlist. An update changes only the
fields it names: the original wiped the snapshot when track_uris was left out.
"""

from shuffify.checks import known_fields, storable
from shuffify.database import write_transaction
from shuffify.errors import Conflict, NotFound, Refused
from shuffify.models import User, WorkshopSession
from shuffify.playlists.uris import checked_track_uris

MAX_PER_PLAYLIST = 10
MAX_NAME = WorkshopSession.session_name.max_length
FIELDS = ("session_name", "track_uris")


def as_dict(session: WorkshopSession) -> dict:
    return {
        "id": session.id,
        "playlist_id": session.playlist_id,
        "session_name": session.session_name,
        "track_uris": session.track_uris,
        "track_count": len(session.track_uris),
        "created_at": session.created_at.isoformat(),
        "updated_at": session.updated_at.isoformat(),
    }


def checked_name(value: object) -> str:
    name = value.strip() if isinstance(value, str) else ""
    if not 1 <= len(name) <= MAX_NAME:
        raise Refused(f"session_name must be 1 to {MAX_NAME} characters")
    return storable(name, "session_name")


def list_for(user: User, playlist_id: str) -> list[dict]:
    query = (
        WorkshopSession.select()
        .where((WorkshopSession.user == user) & (WorkshopSession.playlist_id == playlist_id))
        .order_by(WorkshopSession.updated_at.desc(), WorkshopSession.id.desc())
    )
    return [as_dict(session) for session in query]


def create(user: User, playlist_id: str, body: dict) -> dict:
    known_fields(body, FIELDS)
    name = checked_name(body.get("session_name"))
    uris = checked_track_uris(body.get("track_uris"))
    with write_transaction():
        count = (
            WorkshopSession.select()
            .where((WorkshopSession.user == user) & (WorkshopSession.playlist_id == playlist_id))
            .count()
        )
        if count >= MAX_PER_PLAYLIST:
            raise Conflict(
                f"at most {MAX_PER_PLAYLIST} saved sessions per playlist: delete one first"
            )
        session = WorkshopSession(user=user, playlist_id=playlist_id, session_name=name)
        session.track_uris = uris
        session.save()
    return as_dict(session)


def get(user: User, session_id: int) -> WorkshopSession:
    session = WorkshopSession.get_or_none(
        (WorkshopSession.id == session_id) & (WorkshopSession.user == user)
    )
    if session is None:
        raise NotFound("no such saved session")
    return session


def update(user: User, session_id: int, body: dict) -> dict:
    session = get(user, session_id)
    known_fields(body, FIELDS)
    if "session_name" in body:
        session.session_name = checked_name(body["session_name"])
    if "track_uris" in body:
        session.track_uris = checked_track_uris(body["track_uris"])
    session.save()
    return as_dict(session)


def delete(user: User, session_id: int) -> None:
    get(user, session_id).delete_instance()
