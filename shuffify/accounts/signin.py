"""Signing in with Spotify (Authorization Code flow with state and PKCE) and leaving.

start() makes the authorize URL and a short-lived, encrypted flow cookie
holding the state, the PKCE verifier and the page to go back to (a path on
this site only, so a link cannot send anyone elsewhere), which binds the flow
to this browser. finish() checks the state before anything else, exchanges the code,
reads the profile, stores the user with their refresh token encrypted, and
starts a login session (with the browser's coarse device name, and a
"sign-in" row in the activity log). delete_account() removes the user and
everything that is theirs in one transaction: every table with a user_id
column (user_tables(), read from shuffify.models.MODELS, so a new table is
covered without a list to update; tests/accounts/test_your_data.py checks
the database), a schedule's runs first, rows under another table by cascade.
"""

import hmac
import json
import re
import secrets
from datetime import datetime

from shuffify.accounts import activity
from shuffify.accounts.authorization import authorized
from shuffify.accounts.devices import device
from shuffify.accounts.keys import Keys, Undecryptable
from shuffify.accounts.login_sessions import start as start_session
from shuffify.accounts.tokens import TokenStore
from shuffify.database import write_transaction
from shuffify.models import MODELS, JobExecution, Schedule, User
from shuffify.spotify import Sender, Spotify
from shuffify.spotify.oauth import OAuthClient, Tokens, new_code_verifier
from shuffify.spotify.users import profile

FLOW_MAX_AGE_S = 600  # a sign-in must finish within ten minutes of starting
# A path on this site: "/" then no second "/" or "\" (a browser reads "//host" and "/\host"
# as another site), printable ASCII, not too long.
LOCAL_PATH = re.compile(r"/(?![/\\])[!-~]{0,200}")


class BadState(Exception):
    """The callback's state is missing or is not the one this browser started with."""


class Denied(Exception):
    """The person declined on Spotify's page."""


class FixedToken:
    """The TokenSource of the sign-in itself: the token just issued."""

    def __init__(self, tokens: Tokens):
        self._token = tokens.access_token

    def access_token(self) -> str:
        return self._token

    def refresh(self, rejected: str) -> str:
        return self._token


def local_path(value: object) -> str:
    """value when it is a path on this site, else "/"."""
    return value if isinstance(value, str) and LOCAL_PATH.fullmatch(value) else "/"


def start(oauth: OAuthClient, keys: Keys, next_path: str = "/") -> tuple[str, str]:
    """The URL to send the browser to, and the flow cookie to set."""
    state, verifier = secrets.token_urlsafe(32), new_code_verifier()
    flow = {"state": state, "verifier": verifier, "next": local_path(next_path)}
    return oauth.authorize_url(state, verifier), keys.login_flow.encrypt(json.dumps(flow))


def finish(
    query: dict,
    flow_cookie: str,
    store: TokenStore,
    sender: Sender,
    api_url: str,
    now: datetime,
    user_agent: str | None = None,
) -> tuple[str, str]:
    """Complete the sign-in from the callback's query: the new session id, and the path
    to go to then."""
    flow = _read_flow(flow_cookie, store.keys)
    if not hmac.compare_digest(flow["state"].encode(), query.get("state", "").encode()):
        raise BadState()
    if query.get("error") or not query.get("code"):
        raise Denied()
    tokens = store.oauth.exchange_code(query["code"], flow["verifier"], now)
    me = profile(Spotify(sender, api_url, FixedToken(tokens)))
    with write_transaction():
        user = User.save_profile(me.pop("spotify_id"), me)
        if tokens.refresh_token:
            store.store_refresh_token(user, tokens.refresh_token)
            authorized(user, now)
        browser = device(user_agent)
        activity.record(user, "sign-in", f"Signed in on {browser}", at=now)
        session_id = start_session(user, tokens, store.keys, now, browser)
    return session_id, local_path(flow.get("next"))


def _read_flow(flow_cookie: str, keys: Keys) -> dict:
    if not flow_cookie:
        raise BadState()
    try:
        return json.loads(keys.login_flow.decrypt(flow_cookie, max_age_s=FLOW_MAX_AGE_S)[0])
    except (Undecryptable, ValueError):
        raise BadState() from None


def user_tables() -> list:
    """Every model with a user_id column (the rows deleting an account deletes)."""
    return [model for model in MODELS if "user" in model._meta.fields]


def delete_account(user: User) -> None:
    """The user and everything theirs, in one transaction."""
    with User._meta.database.atomic():
        schedules = Schedule.select(Schedule.id).where(Schedule.user == user)
        JobExecution.delete().where(JobExecution.schedule.in_(schedules)).execute()
        for model in user_tables():
            if model._meta.fields["user"].on_delete != "SET NULL":
                model.delete().where(model.user == user).execute()
        user.delete_instance()
