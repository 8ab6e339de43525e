"""The six-month sign-in: when a user's Spotify authorization ends, and what happens then.

Spotify ends a refresh token six months after the sign-in that gave it
(refreshing does not extend it) and then answers `invalid_grant`. So the
sign-in time is kept (users.authorized_at); from WARN_BEFORE ahead, pages ask
the user to sign in again; and when Spotify refuses the token, it is
discarded (never retried), the user is marked as needing to sign in, and
their schedules are held with the reason instead of failing run after run.
Signing in again releases them: each then runs once if it is due.
"""

from datetime import datetime, timedelta

from shuffify.models import Schedule, User

LIFETIME = timedelta(days=182)  # six months, rounded down: we warn before Spotify ends it
WARN_BEFORE = timedelta(days=14)


def expires_at(user: User) -> datetime | None:
    return None if user.authorized_at is None else user.authorized_at + LIFETIME


def authorized(user: User, now: datetime) -> None:
    """A sign-in gave a new refresh token: six months from now, schedules released."""
    User.update(authorized_at=now, needs_signin=False).where(User.id == user.id).execute()
    user.authorized_at, user.needs_signin = now, False
    Schedule.update(last_status=None, last_error=None).where(
        (Schedule.user == user.id) & (Schedule.last_status == "held")
    ).execute()


def held_reason(user: User, now: datetime) -> str:
    ends = expires_at(user)
    ended = ends if ends is not None and ends <= now else now
    return f"Spotify sign-in expired on {ended:%Y-%m-%d}: sign in again"


def needs_signin(user_id: int, now: datetime) -> str:
    """Spotify refused the refresh token: discard it, hold the schedules; the reason."""
    user = User.get_or_none(User.id == user_id)
    if user is None:
        return "the account is gone"
    reason = held_reason(user, now)
    User.update(encrypted_refresh_token=None, needs_signin=True).where(
        User.id == user_id
    ).execute()
    Schedule.update(last_status="held", last_error=reason).where(
        (Schedule.user == user_id) & Schedule.is_enabled
    ).execute()
    return reason


def banner(user: User, now: datetime) -> dict:
    """What the pages and /api/status say about the user's sign-in."""
    ends = expires_at(user)
    return {
        "signin_expires_at": ends.isoformat() if ends else None,
        "needs_signin": bool(user.needs_signin),
        "signin_warning": bool(user.needs_signin or (ends and ends - WARN_BEFORE <= now)),
    }
