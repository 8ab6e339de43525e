"""Login sessions: server-side rows, so any replica serves any request and
signing out really ends the session.

The browser's cookie holds an unguessable id (256 bits); the table keeps its
SHA-256 only. A session ends after 14 days without a request or 30 days in
all. last_seen_at is written at most every few minutes, not on every request.
A session also keeps a coarse device name ("Firefox on Linux", never an IP
address) so its owner can tell it apart from their others and end it.
"""

from datetime import datetime, timedelta

from shuffify.accounts.keys import Keys, new_session_id, session_id_hash
from shuffify.models import LoginSession, User
from shuffify.spotify.oauth import Tokens

IDLE_LIMIT = timedelta(days=14)
TOTAL_LIMIT = timedelta(days=30)
TOUCH_EVERY = timedelta(minutes=5)
COOKIE_MAX_AGE_S = int(TOTAL_LIMIT.total_seconds())


def start(user: User, tokens: Tokens, keys: Keys, now: datetime, device: str | None = None) -> str:
    """A new session for user holding the access token; returns the id for the cookie."""
    session_id = new_session_id()
    LoginSession.create(
        device=device,
        id_hash=session_id_hash(session_id),
        user=user,
        encrypted_access_token=keys.tokens.encrypt(tokens.access_token),
        access_token_expires_at=tokens.expires_at,
        created_at=now,
        last_seen_at=now,
    )
    return session_id


def find(session_id: str, now: datetime) -> LoginSession | None:
    """The live session with this id, or None (an expired one is deleted)."""
    if not session_id:
        return None
    session = (
        LoginSession.select(LoginSession, User)
        .join(User)
        .where(LoginSession.id_hash == session_id_hash(session_id))
        .first()
    )
    if session is None:
        return None
    if expired(session, now):
        session.delete_instance()
        return None
    if now - session.last_seen_at >= TOUCH_EVERY:
        LoginSession.update(last_seen_at=now).where(LoginSession.id == session.id).execute()
    return session


def expired(session: LoginSession, now: datetime) -> bool:
    return now - session.last_seen_at > IDLE_LIMIT or now - session.created_at > TOTAL_LIMIT


def end(session_id: str) -> None:
    LoginSession.delete().where(LoginSession.id_hash == session_id_hash(session_id)).execute()


def listing(user: User, current: LoginSession, now: datetime) -> list[dict]:
    """The user's live sessions, newest first, the one making the request marked."""
    rows = LoginSession.select().where(LoginSession.user == user).order_by(LoginSession.id.desc())
    return [
        {
            "id": row.id,
            "device": row.device or "An earlier browser",
            "created_at": row.created_at.isoformat(),
            "last_used_at": row.last_seen_at.isoformat(),
            "current": row.id == current.id,
        }
        for row in rows
        if not expired(row, now)
    ]


def end_one(user: User, session_id: int) -> bool:
    """End one of the user's sessions by its row id; whether there was one."""
    return bool(
        LoginSession.delete()
        .where((LoginSession.user == user) & (LoginSession.id == session_id))
        .execute()
    )


def end_others(user: User, current: LoginSession) -> int:
    """End every session of the user but the current one; how many ended."""
    return (
        LoginSession.delete()
        .where((LoginSession.user == user) & (LoginSession.id != current.id))
        .execute()
    )
